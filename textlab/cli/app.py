"""The typer application and the error handling every command shares."""

from __future__ import annotations

import os
import sys

import typer
from typer.core import TyperGroup
from typer.exceptions import TyperException

from ..errors import TextlabError

#: ``--debug`` anywhere on the command line (or TEXTLAB_DEBUG=1) shows tracebacks.
DEBUG = os.environ.get("TEXTLAB_DEBUG", "") not in ("", "0")


def error_line(message: str) -> None:
    print(f"textlab: error: {message}", file=sys.stderr)


def _quiet_stdout() -> None:
    """After a broken pipe, point stdout at /dev/null so the exit-time flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


class TextlabGroup(TyperGroup):
    """Turns errors into one line on stderr and an exit status, for every command."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except TextlabError as e:
            if DEBUG:
                raise
            error_line(str(e))
            raise typer.Exit(e.exit_code) from None
        except BrokenPipeError:
            # `textlab ... | head`: the reader left; stop quietly like cat does.
            _quiet_stdout()
            raise typer.Exit(141) from None
        except KeyboardInterrupt:
            print("textlab: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        except MemoryError:
            if DEBUG:
                raise
            error_line("out of memory (try --min-count or a smaller --top, or split the input)")
            raise typer.Exit(1) from None
        except Exception as e:  # a bug: say so in one line, full story with --debug
            if DEBUG:
                raise
            error_line(f"internal error: {type(e).__name__}: {e} (run again with --debug for the traceback)")
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=TextlabGroup,
    name="textlab",
    help="Explore how language models work, from letter counts to word embeddings.\n\n"
    "Every command reads plain text or TSV (files, or standard input) and writes plain files, "
    "so the steps pipe together: textlab words article.txt | textlab ngrams --unit word -n 2 | head",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``textlab ...`` and ``python -m textlab ...``."""
    global DEBUG
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args.remove("--debug")
        DEBUG = True
    from . import commands  # noqa: F401  (registers the commands)

    try:
        app(args=args, prog_name="textlab")
    except KeyboardInterrupt:  # Ctrl-C while click parses
        print("textlab: interrupted", file=sys.stderr)
        sys.exit(130)
