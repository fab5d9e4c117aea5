"""Options shared by many commands, defined once (typer ``Annotated`` types)."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any

import typer


class Unit(str, Enum):
    """What an n-gram is made of: characters, or words (as `textlab words` writes them)."""

    char = "char"
    word = "word"


class Format(str, Enum):
    tsv = "tsv"
    table = "table"
    json = "json"


Inputs = Annotated[
    list[str] | None,
    typer.Argument(
        help="Input files (.gz, .bz2, .xz read transparently); '-' or nothing reads standard input.",
        show_default=False,
        metavar="[FILE]...",
    ),
]


def writable(value: str | None) -> str | None:
    """An option callback: a file to write is checked when the command line is read, so a
    command never counts, trains or fetches for an hour to find its output directory missing."""
    if value is not None:
        from typer._click.exceptions import ClickException

        from .. import io
        from ..errors import DataError

        try:
            io.check_output_path(value)
        except DataError as e:
            raise ClickException(str(e)) from None  # exit 1, one line, like any data error
    return value


def output_file(help: str) -> Any:
    """The ``-o FILE`` option of a command whose output must be a file (a model, vectors)."""
    return typer.Option("--output", "-o", callback=writable, help=help, metavar="FILE")


Output = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        callback=writable,
        help="Write to this file (atomically) instead of standard output.",
        metavar="FILE",
    ),
]
FormatOpt = Annotated[
    Format | None,
    typer.Option(
        "--format",
        "-f",
        help="Output format. Default: a table in a terminal, TSV otherwise.",
        case_sensitive=False,
        show_default=False,
    ),
]
NoHeader = Annotated[bool, typer.Option("--no-header", help="Leave out the TSV header row.")]
Encoding = Annotated[
    str | None,
    typer.Option(help="Input encoding (default UTF-8; e.g. latin-1, cp1252).", metavar="NAME", show_default=False),
]
Progress = Annotated[bool, typer.Option("--progress", help="Show progress on stderr even when it is not a terminal.")]
Top = Annotated[int | None, typer.Option("--top", "-k", min=1, help="Show only the K most frequent.", metavar="K")]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        envvar="TEXTLAB_SCHEDULER",
        show_envvar=True,
        help="Count on the Dask cluster of this scheduler (tcp://HOST:8786), each worker a part of the "
        "input; the files must be readable by every worker (a shared filesystem, or URLs). "
        "Default: here, in this process.",
        metavar="ADDRESS",
        show_default=False,
    ),
]
PartitionSize = Annotated[
    str,
    typer.Option(
        "--partition-size",
        help="With --scheduler: input bytes per task (plain files are cut at line starts; "
        "a compressed file is one task).",
        metavar="SIZE",
    ),
]
Memory = Annotated[
    str | None,
    typer.Option(
        "--memory",
        help="Bytes the count may hold (e.g. 300M, 2G) before it writes sorted runs to disk and "
        "merges them at the end, with the same table.  [default: a quarter of the machine's memory]",
        metavar="SIZE",
        show_default=False,
    ),
]
TmpDir = Annotated[
    str | None,
    typer.Option(
        "--tmp-dir",
        help="Where the runs go (removed at the end, on error and on Ctrl-C too).  [default: $TMPDIR or /tmp]",
        metavar="DIR",
        show_default=False,
    ),
]
