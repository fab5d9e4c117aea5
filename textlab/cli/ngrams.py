"""``textlab ngrams``: n-gram count tables of characters or words."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DataError, EmptyInput, UsageError
from .app import command_app
from .options import (
    Encoding,
    Format,
    FormatOpt,
    Inputs,
    Memory,
    NoHeader,
    Output,
    PartitionSize,
    Progress,
    Scheduler,
    TmpDir,
    Top,
    Unit,
)
from .output import emit_column_blocks, emit_columns, note_spilled, reading, resolve_format

if TYPE_CHECKING:
    import numpy as np

    from ..ngrams import NgramTable
    from ..spill import RunStore
    from ..spilled import SpilledTable

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


def kept_rows(table: NgramTable, min_count: int, top: int | None) -> np.ndarray:
    """Which rows of a sorted table survive --min-count and --top (per order)."""
    # NumPy (and the library) is imported when the command runs, so `--help` stays fast
    import numpy as np

    keep = table.counts >= min_count
    if top is not None:
        # rank within each order: tables are sorted by order, then count
        starts = np.searchsorted(table.order, table.order, side="left")
        keep &= np.arange(len(table)) - starts < top
    return keep


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab ngrams -n 2 --letters-only -i | head\n\n"
    "  textlab corpus en | textlab words | textlab ngrams --unit word -n 3 --top 10\n\n"
    "  textlab corpus en | textlab ngrams --orders 1-5 --letters-only --boundaries -i --prob -o model.tsv\n\n"
    "  textlab ngrams --merge part1.tsv part2.tsv -o all.tsv",
)
def ngrams(
    files: Inputs = None,
    n: Annotated[int, typer.Option("-n", min=1, help="The n-gram order.")] = 2,
    unit: Annotated[
        Unit,
        typer.Option("--unit", "-u", help="Characters, or words (whitespace-separated, as `textlab words` writes)."),
    ] = Unit.char,
    orders: Annotated[
        str | None,
        typer.Option(
            "--orders", help="Several orders in one table with an `order` column, e.g. 1-3 or 1,2,5.", metavar="RANGE"
        ),
    ] = None,
    prob: Annotated[bool, typer.Option("--prob", help="Add P(last token | the others).")] = False,
    ignore_case: Annotated[bool, typer.Option("--ignore-case", "-i", help="Fold upper case into lower case.")] = False,
    letters_only: Annotated[
        bool, typer.Option("--letters-only", "-l", help="(char) Only n-grams made of letters, like `letters -n`.")
    ] = False,
    boundaries: Annotated[
        bool,
        typer.Option(
            "--boundaries",
            "-b",
            help="Mark where segments start and end (^ and $ for characters, <s> and </s> for words); "
            "segments are words with --letters-only, else lines.",
        ),
    ] = False,
    min_count: Annotated[int, typer.Option("--min-count", min=1, help="Drop n-grams seen fewer times.")] = 1,
    top: Top = None,
    merge: Annotated[
        bool, typer.Option("--merge", help="The inputs are tables made by `textlab ngrams`: add them up.")
    ] = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
    scheduler: Scheduler = None,
    partition_size: PartitionSize = "64M",
    memory: Memory = None,
    tmp_dir: TmpDir = None,
) -> None:
    """Count n-grams of characters or words, most frequent first, as a TSV table.

    Counting is done in NumPy chunk by chunk, so memory follows the number of
    distinct n-grams, not the size of the input. Tables from several runs add
    up with --merge, so a big corpus can be counted in parts; --scheduler
    counts the parts on a Dask cluster, with the same table as a result.
    """
    from ..malloc import one_heap, reusing_big_blocks
    from ..spill import RunStore, default_budget
    from ..spilled import SpilledTable
    from .parsing import parse_orders, parse_size

    budget = parse_size("--memory", memory) if memory is not None else default_budget()
    # counting makes and drops arrays of tens of megabytes, chunk after chunk: served from the
    # heap rather than each a fresh mmap (a page fault per 4 KB), the count takes 0.87x the time
    reusing_big_blocks(64 << 20)
    one_heap()
    table: NgramTable | SpilledTable
    with RunStore(tmp_dir) as store:  # the runs of a count past --memory, removed however the command ends
        if merge:
            if not files or files == ["-"]:
                raise UsageError("--merge needs the table files to add up")
            from ..ngrams import merge_within, read_table

            # one table read at a time: memory follows the merged table (or --memory), not the inputs
            table = merge_within((read_table(path, unit.value) for path in files), budget, store)
            multi = len(table.orders if isinstance(table, SpilledTable) else set(table.order.tolist())) > 1
        else:
            order_list = parse_orders(n, orders)
            settings = dict(unit=unit.value, ignore_case=ignore_case, letters_only=letters_only, boundaries=boundaries)
            table = _count(files, order_list, settings, encoding, progress, scheduler, partition_size, budget, store)
            multi = orders is not None
        columns = (["order"] if multi else []) + ["ngram", "count"] + (["prob"] if prob else [])
        if isinstance(table, SpilledTable):
            note_spilled(memory, budget, store, sum(len(c.runs) for c in table.counters.values()))
            _write_blocks(table, columns, multi, min_count, top, prob, fmt, output, not no_header)
            return
        probs = table.probabilities() if prob else None
        keep = kept_rows(table, min_count, top)
        shown = table if keep.all() else table.select(keep)  # most often every row: no copy
        if probs is None and resolve_format(fmt, output) is Format.tsv:
            _write_bytes([shown], columns, multi, output, not no_header)
            return
        cols: list[list] = [shown.order.tolist()] if multi else []
        cols += [shown.ngrams, shown.counts.tolist()]
        if probs is not None:
            cols.append(probs[keep].tolist())
        emit_columns(columns, cols, fmt=fmt, output=output, header=not no_header, bar_column="count")


def _count(
    files: list[str] | None,
    order_list: list[int],
    settings: dict,
    encoding: str | None,
    progress: bool,
    scheduler: str | None,
    partition_size: str,
    budget: int,
    store: RunStore,
) -> NgramTable | SpilledTable:
    """The n-grams of the input (``settings``: unit, ignore_case, letters_only, boundaries):
    counted here, spilling to ``store`` past ``budget`` bytes, or on the cluster."""
    from ..ngrams import count_within
    from ..spilled import SpilledTable

    table: NgramTable | SpilledTable
    if scheduler:
        from ..cluster.jobs import NgramsJob
        from .cluster import count_on_cluster

        table = count_on_cluster(
            scheduler, NgramsJob(orders=tuple(order_list), **settings), files, encoding, partition_size, progress
        )
    else:
        with reading(files, encoding, progress, label="counting") as reader:
            table = count_within(reader.chunks(), budget, store, orders=order_list, **settings)
        if reader.bytes_read == 0:
            raise EmptyInput()
    if not isinstance(table, SpilledTable) and len(table) == 0:  # a spilled table has rows: it spilled them
        longest = "line" if settings["unit"] == "word" else "run of letters" if settings["letters_only"] else "text"
        raise DataError(f"no {max(order_list)}-grams found: every {longest} is shorter than n")
    return table


def _write_bytes(
    tables: Iterable[NgramTable], columns: list[str], multi: bool, output: str | None, header: bool
) -> None:
    """Tables (one, or the blocks of a spilled one) as TSV, their bytes made by NumPy: the
    common case, no --prob column."""
    from .. import io
    from ..table_writer import TableWriter

    with io.atomic_output(output, binary=True) as out:
        if header:
            out.write(("\t".join(columns) + "\n").encode())
        writer = None
        for table in tables:
            writer = writer or TableWriter(table.tokens, table.unit)  # the blocks of a table share its tokens
            writer.write(out, table, multi)


def _write_blocks(
    table: SpilledTable,
    columns: list[str],
    multi: bool,
    min_count: int,
    top: int | None,
    prob: bool,
    fmt: Format | None,
    output: str | None,
    header: bool,
) -> None:
    """A table too big for memory, written block by block as it is read back from disk:
    by NumPy's TSV writer where it can, else by :func:`emit_column_blocks`."""
    kind = resolve_format(fmt, output)
    if not prob and kind is not Format.json and not (top is not None and kind is Format.table):
        _write_bytes((block for block, _ in table.blocks(min_count, top, prob)), columns, multi, output, header)
        return

    def block_columns() -> Iterator[list[list]]:
        for block, probs in table.blocks(min_count, top, prob):
            cols: list[list] = [block.order.tolist()] if multi else []
            cols += [block.ngrams, block.counts.tolist(), *([probs.tolist()] if probs is not None else [])]
            yield cols

    emit_column_blocks(
        columns, block_columns(), fmt=fmt, output=output, header=header, bounded=top is not None, bar_column="count"
    )
