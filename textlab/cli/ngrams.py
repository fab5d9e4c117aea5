"""``textlab ngrams``: n-gram count tables of characters or words."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import DataError, EmptyInput, UsageError
from .app import command_app
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, PartitionSize, Progress, Scheduler, Top, Unit
from .output import emit_columns, reading

if TYPE_CHECKING:
    import numpy as np

    from ..ngrams import NgramTable

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
    "  textlab ngrams -n 2 --letters-only -i corpora/wikipedia-en.txt.xz | head\n\n"
    "  textlab words corpora/wikipedia-en.txt.xz | textlab ngrams --unit word -n 3 --top 10\n\n"
    "  textlab ngrams --orders 1-5 --letters-only --boundaries -i --prob corpora/wikipedia-en.txt.xz -o model.tsv\n\n"
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
) -> None:
    """Count n-grams of characters or words, most frequent first, as a TSV table.

    Counting is done in NumPy chunk by chunk, so memory follows the number of
    distinct n-grams, not the size of the input. Tables from several runs add
    up with --merge, so a big corpus can be counted in parts; --scheduler
    counts the parts on a Dask cluster, with the same table as a result.
    """
    import numpy as np

    from ..ngrams import count_ngrams, merge_tables, read_table
    from .parsing import parse_orders

    if merge:
        if not files or files == ["-"]:
            raise UsageError("--merge needs the table files to add up")
        table = merge_tables(read_table(path, unit.value) for path in files)
        multi = len(np.unique(table.order)) > 1
    else:
        order_list = parse_orders(n, orders)
        settings = dict(unit=unit.value, ignore_case=ignore_case, letters_only=letters_only, boundaries=boundaries)
        if scheduler:
            from ..cluster.jobs import NgramsJob
            from .cluster import count_on_cluster

            job = NgramsJob(orders=tuple(order_list), **settings)  # type: ignore[arg-type]
            table = count_on_cluster(scheduler, job, files, encoding, partition_size, progress)
        else:
            with reading(files, encoding, progress, label="counting") as reader:
                table = count_ngrams(reader.chunks(), orders=order_list, **settings)  # type: ignore[arg-type]
            if reader.bytes_read == 0:
                raise EmptyInput()
        multi = orders is not None
        if len(table) == 0:
            longest = "line" if unit is Unit.word else "run of letters" if letters_only else "text"
            raise DataError(f"no {max(order_list)}-grams found: every {longest} is shorter than n")
    probs = table.probabilities() if prob else None
    keep = kept_rows(table, min_count, top)
    shown = table.select(keep)
    columns = (["order"] if multi else []) + ["ngram", "count"] + (["prob"] if prob else [])
    cols: list[list] = [shown.order.tolist()] if multi else []
    cols += [shown.ngrams, shown.counts.tolist()]
    if probs is not None:
        cols.append(probs[keep].tolist())
    emit_columns(columns, cols, fmt=fmt, output=output, header=not no_header, bar_column="count")
