"""The typer application and the error handling every command shares."""

from __future__ import annotations

import importlib
import os
import sys

import typer

# typer 0.28 carries its own copy of click (pinned in pyproject): these are the classes it raises.
from typer._click.exceptions import ClickException, NoArgsIsHelpError, UsageError
from typer.core import TyperCommand, TyperGroup
from typer.exceptions import Abort, TyperException

from ..errors import ParameterError, TextlabError

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


#: Library parameters whose option is not ``--`` + the name with dashes.
FLAGS = {"k": "--add-k", "order": "-n", "n": "-n", "blank_lines": "--blank-lines-are-sentences"}


def flag_of(param: str) -> str:
    """The command-line option of a library parameter: min_count -> --min-count."""
    return FLAGS.get(param, "--" + param.replace("_", "-"))


def usage_line(e: ClickException) -> str:
    """A click usage error as one line, with where to look: the promise of every textlab error.

    click and typer would draw a framed box of several lines; a pipeline's stderr wants one.
    """
    message = " ".join(e.format_message().split())
    ctx = getattr(e, "ctx", None)
    if isinstance(e, UsageError) and ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return message


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C's KeyboardInterrupt so that every
    ``with`` block cleans up the same way (temporary files, the tour's directory)."""

    def __init__(self, signal: int, name: str) -> None:
        super().__init__(f"{name}: stopped")
        self.signal = signal


def _stop_on(signum: int, frame) -> None:
    import signal

    raise Terminated(signum, signal.Signals(signum).name)


def handle_stop_signals() -> None:
    import signal

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on)


def os_error_line(e: OSError) -> str:
    """``[Errno 28] No space left on device`` as ``cannot write standard output: no space left on device``."""
    from ..io import WRITE_ERRORS, os_reason

    reason = os_reason(e)
    if e.filename:
        return f"{e.filename}: {reason}"
    if e.errno in WRITE_ERRORS:  # files textlab writes say so themselves (io.OutputError): this is stdout
        return f"cannot write standard output: {reason}"
    return reason


class TextlabGroup(TyperGroup):
    """The top command: lists the commands of ``commands.COMMANDS`` and loads each one's module
    only when it runs; turns errors into one line on stderr and an exit status, for every command."""

    _listing = False  # while the top help is drawn: commands are their names and help lines only

    def list_commands(self, ctx):
        from .commands import COMMANDS

        return [e.name for e in COMMANDS]

    def get_command(self, ctx, name):
        from .commands import BY_NAME

        entry = BY_NAME.get(name)
        if entry is None:
            return None
        if self._listing:
            return TyperCommand(name, help=entry.help)
        module = importlib.import_module(f"{__package__}.{entry.module}")
        return typer.main.get_group(module.app).commands[name]

    def format_help(self, ctx, formatter):
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        # click's own handling (standalone mode) prints usage errors as framed boxes;
        # run without it and print them as the rest of textlab's errors.
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as e:
            e.show()  # `textlab` alone: the help, as click does
            rv = e.exit_code
        except ClickException as e:
            error_line(usage_line(e))
            rv = e.exit_code
        except Abort as e:  # click's word for a KeyboardInterrupt while it parsed or prompted
            stop = e.__cause__ if isinstance(e.__cause__, Terminated) else None
            print(f"textlab: {stop}" if stop else "textlab: interrupted", file=sys.stderr)
            rv = 128 + stop.signal if stop else 130
        if not standalone_mode:
            return rv
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        try:
            rv = super().invoke(ctx)
            sys.stdout.flush()  # here, not at exit: a full disk or a closed pipe is caught below
            return rv
        except (typer.Exit, typer.Abort, TyperException):
            raise
        except TextlabError as e:
            if DEBUG:
                raise
            error_line(e.as_option(flag_of(e.param)) if isinstance(e, ParameterError) else str(e))
            raise typer.Exit(e.exit_code) from None
        except BrokenPipeError:
            # `textlab ... | head`: the reader left; stop quietly like cat does.
            _quiet_stdout()
            raise typer.Exit(141) from None
        except Terminated as e:
            print(f"textlab: {e}", file=sys.stderr)
            raise typer.Exit(128 + e.signal) from None
        except KeyboardInterrupt:
            print("textlab: interrupted", file=sys.stderr)
            raise typer.Exit(130) from None
        except OSError as e:
            # what the system says of a file or a stream textlab did not name an error for
            # (outputs to files are io.OutputError already): standard output on a full disk, say
            if DEBUG:
                raise
            error_line(os_error_line(e))
            raise typer.Exit(1) from None
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
    add_completion=True,  # `textlab --install-completion` for bash, zsh, fish, PowerShell
    # Plain help, as click writes it: typer's rich help imports rich's markdown and
    # tables (about 0.13 s), more than the rest of `textlab --help` together.
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)


class TextlabCommand(TyperCommand):
    """Every textlab command: before it runs, no file it will write may be one it reads."""

    def invoke(self, ctx):
        refuse_overwriting_inputs(ctx)
        return super().invoke(ctx)

    def format_epilog(self, ctx, formatter) -> None:
        """The examples, each on one line as written: click would re-wrap them to the terminal's
        width, and a student copying one wrapped line would get half a command."""
        if not self.epilog:
            return
        formatter.write_paragraph()
        with formatter.indentation():
            for line in self.epilog.strip("\n").splitlines():
                formatter.write(" " * formatter.current_indent + line + "\n" if line.strip() else "\n")


def refuse_overwriting_inputs(ctx) -> None:
    """``textlab words a.txt -o a.txt`` would replace the input with the output: refuse, at once.

    The outputs are the options checked by ``options.writable``; any other
    option or argument naming an existing file is an input.  Files are
    compared by device and inode, so ``./a.txt``, hard links and symbolic
    links are caught too.
    """
    from .. import io
    from ..errors import UsageError
    from .options import writable

    outputs: list[tuple[str, str]] = []  # (flag, path)
    inputs: list[str] = []
    for param in ctx.command.params:
        value = ctx.params.get(param.name)
        values = value if isinstance(value, list | tuple) else [value]
        names = [str(v) for v in values if isinstance(v, str | os.PathLike) and str(v) != "-"]
        if getattr(param.callback, "__wrapped__", param.callback) is writable:  # typer wraps callbacks
            outputs += [(max(param.opts, key=len), name) for name in names]
        else:
            inputs += names
    for flag, out in outputs:
        for name in inputs:
            if io.same_file(out, name):
                raise UsageError(f"{flag} {out} is also an input ({name}): writing it would destroy it")


class _CommandApp(typer.Typer):
    def command(self, *args, cls=None, **kwargs):
        return super().command(*args, cls=cls or TextlabCommand, **kwargs)


def command_app(**settings) -> typer.Typer:
    """The typer app a command module puts its commands on (see ``TextlabGroup.get_command``);
    ``settings`` for a group of subcommands (``help``, ``no_args_is_help``)."""
    return _CommandApp(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None, **settings)


def _version(value: bool) -> None:
    if value:
        from .. import __version__

        print(f"textlab {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Explore how language models work, from letter counts to word embeddings."""


def main(argv: list[str] | None = None) -> None:
    """Console entry point: ``textlab ...`` and ``python -m textlab ...``."""
    global DEBUG
    args = list(sys.argv[1:] if argv is None else argv)
    if "--debug" in args:
        args.remove("--debug")
        DEBUG = True
    handle_stop_signals()
    try:
        app(args=args, prog_name="textlab")
    except Terminated as e:  # while click parses
        print(f"textlab: {e}", file=sys.stderr)
        sys.exit(128 + e.signal)
    except KeyboardInterrupt:  # Ctrl-C while click parses
        print("textlab: interrupted", file=sys.stderr)
        sys.exit(130)
