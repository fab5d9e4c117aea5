"""textlab's command line: a thin layer of typer commands over the library.

Each command module parses options, opens streams with ``textlab.io``, calls
one library function and formats its result with ``textlab.cli.output``.
"""

from . import commands  # noqa: F401,E402  (registers every command on ``app``)
from .app import app, main

__all__ = ["app", "main"]
