"""Import every command module so that its commands register on the app."""

from . import (
    bpe,  # noqa: F401
    generate,  # noqa: F401
    letters,  # noqa: F401
    lm,  # noqa: F401
    ngrams,  # noqa: F401
    plots,  # noqa: F401
    wiki,  # noqa: F401
)
