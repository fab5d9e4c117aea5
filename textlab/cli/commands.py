"""Import every command module so that its commands register on the app.

The order is the order of ``textlab --help``: the lecture's order.
"""
# ruff: noqa: I001, F401

from . import corpus
from . import letters
from . import ngrams
from . import plots
from . import generate
from . import lm
from . import bpe
from . import word2vec
from . import vectors
from . import wiki
from . import tour
