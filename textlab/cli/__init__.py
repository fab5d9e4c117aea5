"""textlab's command line: a thin layer of typer commands over the library.

Each command module parses options, opens streams with ``textlab.io``, calls
one library function and formats its result with ``textlab.cli.output``.
"""

from .app import app, main  # commands are loaded on demand: see app.TextlabGroup

__all__ = ["app", "main"]
