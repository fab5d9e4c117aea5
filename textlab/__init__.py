"""textlab: explore how language models work, from letter counts to word embeddings.

The library underneath the ``textlab`` command. Each capability is one module:

- ``textlab.io``       reading inputs (compressed, any encoding, streamed) and writing files atomically
- ``textlab.letters``  letter counts and letter n-grams (``count_letters``)
- ``textlab.words``    raw text to a normalised word stream (``normalize_words``)
- ``textlab.corpora``  the bundled corpora (``corpora.path("en")``)

The names below are imported on first use (PEP 562), so ``import textlab`` and
``textlab --help`` do not pay for NumPy.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> the module that defines it
_EXPORTS = {
    "DataError": "errors",
    "TextlabError": "errors",
    "UsageError": "errors",
    "TextReader": "io",
    "NgramCounts": "letters",
    "compare": "letters",
    "count_letters": "letters",
    "normalize_words": "words",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'textlab' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
