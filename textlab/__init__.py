"""textlab: explore how language models work, from letter counts to word embeddings.

The library underneath the ``textlab`` command. Each capability is one module:

- ``textlab.io``       reading inputs (compressed, any encoding, streamed) and writing files atomically
- ``textlab.letters``  letter counts and letter n-grams (``count_letters``)
- ``textlab.words``    raw text to a normalised word stream (``normalize_words``)
"""

from .errors import DataError, TextlabError, UsageError
from .io import TextReader
from .letters import NgramCounts, compare, count_letters
from .words import normalize_words

__version__ = "0.1.0"

__all__ = [
    "DataError",
    "NgramCounts",
    "TextReader",
    "TextlabError",
    "UsageError",
    "compare",
    "count_letters",
    "normalize_words",
]
