"""Import every command module so that its commands register on the app."""

from . import letters  # noqa: F401
from . import ngrams  # noqa: F401
from . import plots  # noqa: F401
from . import generate  # noqa: F401
from . import lm  # noqa: F401
from . import wiki  # noqa: F401
from . import bpe  # noqa: F401
