"""Getting data in and results out, for every command: readers (with progress),
tables as TSV, JSON or a rich table, notes and warnings on stderr."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

from .. import io
from .options import Format
from .progress import Meter, wanted

if TYPE_CHECKING:
    from ..spill import RunStore

# rich is imported where a table is drawn or a bar shown, not here: a command in a pipe
# writes TSV and shows no bar, and need not pay for rich's import (about 60 ms).


def note(message: str) -> None:
    """A line for the person at the terminal (on stderr, so data on stdout stays clean)."""
    print(f"textlab: {message}", file=sys.stderr)


def ask(prompt: str) -> str:
    """Wait for a line from the person: the prompt on stderr, the answer from stdin
    (the end of input counts as an empty answer, so a pipe never hangs)."""
    print(prompt, end="", file=sys.stderr, flush=True)
    return sys.stdin.readline()


def warn(message: str) -> None:
    """Something the person should know went differently than asked."""
    note(f"warning: {message}")


@contextlib.contextmanager
def reading(
    files: list[str] | None,
    encoding: str | None = None,
    progress: bool = False,
    label: str = "reading",
    quiet: bool = False,
) -> Iterator[io.TextReader]:
    """A ``TextReader`` over ``files`` with its progress on stderr (as
    :func:`progress.wanted` decides, ``progress`` being ``--progress``), and the
    invalid-bytes warning at the end.  ``quiet``: no progress at all."""
    reader = io.TextReader(files, encoding=encoding)
    with Meter(label, show=not quiet and wanted(progress, files)) as meter:
        if meter.show:
            reader.on_progress = meter.callback()
        yield reader
    warn_invalid(reader.invalid_bytes, reader.encoding)


def warn_invalid(count: int, encoding: str | None) -> None:
    """The warning for the invalid bytes of the input (read as UTF-8 unless ``encoding``)."""
    if count:
        hint = "" if encoding else "; if the file is not UTF-8, try --encoding latin-1"
        warn(f"replaced {count} invalid byte(s) with U+FFFD{hint}")


def resolve_format(fmt: Format | None, output: str | None) -> Format:
    """A rich table when writing to a terminal, TSV otherwise, unless --format says."""
    if fmt is not None:
        return fmt
    if (output is None or output == "-") and sys.stdout.isatty():
        return Format.table
    return Format.tsv


def emit_table(
    columns: list[str],
    rows: Sequence[tuple],
    *,
    fmt: Format | None,
    output: str | None,
    header: bool = True,
    bar_column: str | None = None,
    title: str | None = None,
) -> None:
    """Write a table in the chosen format; in a terminal, ``bar_column`` gets a bar chart beside it."""
    fmt = resolve_format(fmt, output)
    with io.atomic_output(output) as out:
        if fmt is Format.tsv:
            io.write_tsv(out, columns, rows, header=header)
        elif fmt is Format.json:
            write_json_lines(out, columns, rows)
        else:
            _rich_table(out, columns, rows, bar_column, title)


def write_json_lines(out: IO[str], columns: list[str], rows: Iterable[tuple]) -> None:
    """One JSON object a row, its keys the columns (``--format json``)."""
    import json  # here: 3 ms a command in a pipe need not pay

    for row in rows:
        out.write(json.dumps(dict(zip(columns, row)), ensure_ascii=False) + "\n")


def emit_columns(
    columns: list[str],
    data: Sequence[Sequence],
    *,
    fmt: Format | None,
    output: str | None,
    header: bool = True,
    bar_column: str | None = None,
    title: str | None = None,
) -> None:
    """Like :func:`emit_table`, for a table held column by column (fast TSV for big tables)."""
    if resolve_format(fmt, output) is Format.tsv:
        with io.atomic_output(output) as out:
            io.write_tsv_columns(out, columns, data, header=header)
        return
    emit_table(columns, list(zip(*data)), fmt=fmt, output=output, header=header, bar_column=bar_column, title=title)


def note_spilled(memory: str | None, budget: int, store: RunStore, runs: int, what: str = "table") -> None:
    """Say that a count passed its budget (``memory``: the --memory given, if any) and is merged from disk."""
    size = f"--memory {memory}" if memory is not None else f"its budget ({budget >> 20:,} MB)"
    note(f"the {what} passed {size}: merging {runs} sorted runs ({store.bytes >> 20:,} MB) from {store.path}")


def emit_column_blocks(
    columns: list[str],
    blocks: Iterable[Sequence[Sequence]],
    *,
    fmt: Format | None,
    output: str | None,
    header: bool = True,
    bounded: bool = False,
    bar_column: str | None = None,
) -> None:
    """A table read back a block at a time (each block its columns), as a count past its
    budget is: streamed as TSV or JSON lines, the header alone if no block has a row. A
    terminal's table has to hold every row, so it is drawn only when ``bounded`` (--top:
    a few rows); otherwise the rows stream as TSV there too."""
    kind = resolve_format(fmt, output)
    if bounded and kind is Format.table:
        held: list[list] = [[] for _ in columns]
        for block in blocks:
            for column, more in zip(held, block):
                column += more
        emit_columns(columns, held, fmt=fmt, output=output, header=header, bar_column=bar_column)
        return
    with io.atomic_output(output) as out:
        first = True
        for block in blocks:
            if kind is Format.json:
                write_json_lines(out, columns, zip(*block))
            else:
                io.write_tsv_columns(out, columns, block, header=header and first)
            first = False
        if first and header and kind is not Format.json:  # every row filtered out: the header alone
            out.write("\t".join(columns) + "\n")


def _rich_table(out, columns: list[str], rows: Sequence[tuple], bar_column: str | None, title: str | None) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, force_terminal=out.isatty() if hasattr(out, "isatty") else False)
    table = Table(title=title, header_style="bold", box=None, pad_edge=False)
    for name in columns:
        table.add_column(name, justify="left" if name in ("letter", "ngram", "word", "token") else "right")
    bar_at = columns.index(bar_column) if bar_column in columns else None
    if bar_at is not None:
        table.add_column("", justify="left", no_wrap=True)
        peak = max((float(r[bar_at]) for r in rows), default=0.0) or 1.0
    for row in rows:
        cells = [_show(v) for v in row]
        if bar_at is not None:
            cells.append("[cyan]" + "█" * max(0, round(30 * float(row[bar_at]) / peak)) + "[/]")
        table.add_row(*cells)
    console.print(table)


def _show(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    if isinstance(value, int):
        return f"{value:,}"
    text = str(value)
    if not text.isprintable():
        text = repr(text)[1:-1]
    # a space inside an n-gram is invisible in a table: show it as the open box
    from rich.markup import escape

    return escape(text.replace(" ", "\u2423") if text.strip() != text or text == " " else text)
