"""``textlab letters`` and ``textlab words``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from .. import io
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
    writable,
)
from .output import emit_column_blocks, emit_columns, emit_table, note_spilled, reading

if TYPE_CHECKING:
    from ..letters import Comparison, NgramCounts, SpilledCounts
    from ..spill import RunStore

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

#: The most bars one chart shows: past about 40 the letters under them no longer fit.
MAX_BARS = 40

LettersOutput = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        callback=writable,
        help="Write the table to FILE (atomically) instead of standard output. A .png, .svg or .pdf name "
        f"draws the bar chart instead: the --top K letters, or all of them, at most {MAX_BARS} bars.",
        metavar="FILE",
    ),
]


def _name(files: list[str] | None) -> str:
    """What to call the input in a legend or a title."""
    paths = list(files or ["-"])
    first = "standard input" if paths[0] == "-" else Path(paths[0]).name
    return first if len(paths) == 1 else f"{first} + {len(paths) - 1} more"


def _reads_stdin(files: list[str] | None) -> bool:
    return not files or "-" in files


def _compared_with(value: str, files: list[str] | None) -> tuple[str | None, str | None]:
    """(reference name, None) or (None, file path) for ``--compare VALUE``.

    A reference name wins over a file of the same name (``./english`` is the file).
    """
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..letters import REFERENCES

    if value.lower() in REFERENCES:
        return value.lower(), None
    if value == "-":
        if _reads_stdin(files):
            raise UsageError("--compare -: standard input is already the text to count (give that text as a file)")
        return None, value
    if not Path(value).exists():
        raise UsageError(f"--compare {value}: not a reference ({', '.join(REFERENCES)}) nor an existing file")
    return None, value


def _count(
    files: list[str] | None,
    what: str | None,
    encoding: str | None,
    progress: bool,
    n: int,
    cluster: tuple[str, str] | None = None,
    memory: int | None = None,
    store: RunStore | None = None,
    **kw: bool,
) -> NgramCounts | SpilledCounts:
    """Count (here, spilling to ``store`` past ``memory`` bytes, or on the cluster of
    ``(scheduler, partition size)``), and fail like the other commands when there is
    nothing to count."""
    from ..letters import NgramCounts, count_letters

    if cluster is not None:
        from ..cluster.jobs import LettersJob
        from .cluster import count_on_cluster

        counts = count_on_cluster(cluster[0], LettersJob(n, **kw), files, encoding, cluster[1], progress)
        return _counted(counts, what, True, n, kw.get("all_chars", False))
    seen = False

    def chunks(reader: io.TextReader) -> Iterator[bytes]:
        # the reader yields only non-empty chunks; a .gz of nothing has bytes but no text,
        # so this, not bytes_read, tells an empty input from one without letters
        nonlocal seen
        for chunk in reader.chunks():
            seen = True
            yield chunk

    with reading(files, encoding, progress) as reader:
        counts = count_letters(chunks(reader), n=n, memory=memory, store=store, **kw)
    if not isinstance(counts, NgramCounts):  # spilled: it has rows, it wrote them
        return counts
    return _counted(counts, what, seen, n, kw.get("all_chars", False))


def _counted(counts: NgramCounts, what: str | None, seen: bool, n: int, all_chars: bool) -> NgramCounts:
    """The counts, or the error for a text with nothing to count (``seen``: it had text)."""
    if len(counts):
        return counts
    where = f"{what}: " if what else ""
    if not seen:
        raise EmptyInput(f"{where}the input")
    if all_chars:
        raise DataError(f"{where}no {n}-grams found: the text is shorter than {n} characters")
    if n == 1:
        raise DataError(f"{where}the input has no letters: nothing to count (--all-chars counts every character)")
    raise DataError(f"{where}no {n}-grams found: every run of letters is shorter than {n}")


def _tick(label: str) -> str:
    """An x-axis label: a space or a newline (--all-chars) would be invisible."""
    return label.replace(" ", "\u2423").replace("\n", "\\n").replace("\t", "\\t")


def _chart(path: str, labels: list[str], series: list[tuple[str, list[float]]], title: str, n: int = 1) -> None:
    from .. import plots

    xlabel = "letter" if n == 1 else f"letter {n}-gram"
    fig = plots.bars_figure([_tick(k) for k in labels], series, title, xlabel, "frequency (%)")
    plots.save_figure(fig, path)


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab letters --top 5\n\n"
    "  textlab corpus en | textlab letters -n 2 --ignore-case | head\n\n"
    "  textlab corpus en | textlab letters --compare english\n\n"
    "  textlab corpus es | textlab letters --compare spanish -o letters.png\n\n"
    '  textlab corpus es | textlab letters --compare "$(textlab corpus en --path)" --top 10',
)
def letters(
    files: Inputs = None,
    n: Annotated[int, typer.Option("-n", min=1, help="Count letter n-grams: runs of N letters.")] = 1,
    ignore_case: Annotated[bool, typer.Option("--ignore-case", "-i", help="Fold upper case into lower case.")] = False,
    all_chars: Annotated[bool, typer.Option("--all-chars", help="Count every character, not only letters.")] = False,
    percent: Annotated[bool, typer.Option("--percent", "-p", help="Add a percent column.")] = False,
    top: Top = None,
    compare_with: Annotated[
        str | None,
        typer.Option(
            "--compare",
            help="Set the letters (case folded) beside english (a-z, Lewand 2000) or spanish (a-z and "
            "á é í ñ ó ú ü, Wikipedia's table), as shares of that alphabet; or beside a second text FILE "
            "counted the same way: columns count_a, percent_a (the input), count_b, percent_b (FILE) and "
            "difference (percent_a minus percent_b, in points). A file named like a reference: ./english.",
            metavar="english|spanish|FILE",
            show_default=False,
        ),
    ] = None,
    output: LettersOutput = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
    scheduler: Scheduler = None,
    partition_size: PartitionSize = "64M",
    memory: Memory = None,
    tmp_dir: TmpDir = None,
) -> None:
    """Count each letter (or letter n-gram), most frequent first.

    Letters are what Unicode calls letters: é, ñ, ä and Cyrillic count; digits,
    punctuation and spaces do not (unless --all-chars). With -n N, an n-gram is
    counted only where all N characters are letters. -o letters.png draws the
    bar chart; with --compare, the compared frequencies are bars beside them.
    """
    from .. import plots
    from ..letters import compare, compare_counts

    # -o NAME.png|.svg|.pdf is the chart, any other name the table; with --format too,
    # the table also goes to standard output (as heatmap and zipf do)
    image = output if output is not None and Path(output).suffix.lower() in plots.FORMATS else None
    table_to = None if image else output
    io.check_output_path(output)  # before the counting, not after
    if compare_with is not None and n != 1:
        raise UsageError("--compare works on single letters: drop -n")
    reference, other_path = _compared_with(compare_with, files) if compare_with is not None else (None, None)
    fold = ignore_case or compare_with is not None
    cluster = (scheduler, partition_size) if scheduler else None
    label = "letter" if n == 1 else "ngram"
    name = _name(files)
    bars = min(top or MAX_BARS, MAX_BARS)
    from ..letters import NgramCounts

    if n == 1 or cluster is not None:  # a histogram of code points, or the cluster's count: no runs
        counted = _count(files, None, encoding, progress, n, cluster, ignore_case=fold, all_chars=all_chars)
    else:
        from ..spill import RunStore, default_budget
        from .parsing import parse_size

        budget = parse_size("--memory", memory) if memory is not None else default_budget()
        with RunStore(tmp_dir) as store:  # the runs of a count past --memory, removed however the command ends
            counted = _count(
                files, None, encoding, progress, n, None, budget, store, ignore_case=fold, all_chars=all_chars
            )
            if not isinstance(counted, NgramCounts):
                _write_spilled(
                    counted, label, percent, top, image, name, fmt, table_to, not no_header, memory, budget, store
                )
                return
    assert isinstance(counted, NgramCounts)
    counts = counted

    if compare_with is None:
        if image:
            shown = counts.top(bars)
            cut = f" (the {len(shown)} most frequent of {len(counts)})" if len(shown) < len(counts) else ""
            what = "Letter" if n == 1 else f"Letter {n}-gram"
            _chart(image, shown.ngrams, [(name, shown.percent.tolist())], f"{what} frequencies: {name}{cut}", n)
            if fmt is None:
                return
        counts = counts.top(top)
        columns = [label, "count", *(["percent"] if percent else [])]
        data = [counts.ngrams, counts.counts.tolist(), *([counts.percent.tolist()] if percent else [])]
        # held column by column: millions of n-grams are written at C speed, never made into rows
        emit_columns(columns, data, fmt=fmt, output=table_to, header=not no_header, bar_column="count")
        return

    cmp: Comparison
    if reference is not None:
        cmp = compare(counts, reference)
        other_name = reference
        rows = list(
            zip(cmp.letters, cmp.counts.tolist(), cmp.percent.tolist(), cmp.reference.tolist(), cmp.difference.tolist())
        )
        columns = [label, "count", "percent", reference, "difference"]
        bar_column, title = "percent", None
    else:
        assert other_path is not None
        other = _count(
            [other_path],
            f"--compare {other_path}",
            encoding,
            progress,
            1,
            cluster,
            ignore_case=True,
            all_chars=all_chars,
        )
        assert isinstance(other, NgramCounts)  # single letters, a histogram: never spilled
        cmp = compare_counts(counts, other)
        assert cmp.reference_counts is not None
        other_name = "standard input" if other_path == "-" else Path(other_path).name
        if other_name == name:  # a/x.txt against b/x.txt: the paths tell them apart
            name, other_name = " + ".join(files or ["-"]), other_path
        rows = list(
            zip(
                cmp.letters,
                cmp.counts.tolist(),
                cmp.percent.tolist(),
                cmp.reference_counts.tolist(),
                cmp.reference.tolist(),
                cmp.difference.tolist(),
            )
        )
        columns = [label, "count_a", "percent_a", "count_b", "percent_b", "difference"]
        # no bar chart here: six columns and a bar do not fit 80 characters (-o draws the chart)
        bar_column, title = None, f"a = {name}, b = {other_name}"
    if image:
        k = min(bars, len(cmp))
        series = [(name, cmp.percent[:k].tolist()), (other_name, cmp.reference[:k].tolist())]
        _chart(image, cmp.letters[:k], series, f"Letter frequencies: {name} and {other_name}")
        if fmt is None:
            return
    emit_table(
        columns, rows[: top or None], fmt=fmt, output=table_to, header=not no_header, bar_column=bar_column, title=title
    )


def _write_spilled(
    counts: SpilledCounts,
    label: str,
    percent: bool,
    top: int | None,
    image: str | None,
    name: str,
    fmt: Format | None,
    output: str | None,
    header: bool,
    memory: str | None,
    budget: int,
    store: RunStore,
) -> None:
    """Letter n-grams too many for memory, read back from disk block by block: the chart of
    the first ones, and the table (see :func:`emit_column_blocks`)."""
    note_spilled(memory, budget, store, len(counts.table.counters[counts.n].runs))
    if image:
        shown = next(counts.blocks(min(top or MAX_BARS, MAX_BARS)))
        _chart(
            image,
            shown.ngrams,
            [(name, shown.percent.tolist())],
            f"Letter {counts.n}-gram frequencies: {name}",
            counts.n,
        )
        if fmt is None:
            return
    columns = [label, "count", *(["percent"] if percent else [])]
    blocks = ([b.ngrams, b.counts.tolist(), *([b.percent.tolist()] if percent else [])] for b in counts.blocks(top))
    emit_column_blocks(
        columns, blocks, fmt=fmt, output=output, header=header, bounded=top is not None, bar_column="count"
    )


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab words | head -c 300\n\n"
    "  textlab words --keep-case --keep-digits notes.txt -o words.txt",
)
def words(
    files: Inputs = None,
    keep_case: Annotated[bool, typer.Option("--keep-case", help="Do not lower-case.")] = False,
    keep_digits: Annotated[bool, typer.Option("--keep-digits", help="Keep digits as word characters.")] = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Turn raw text into one normalised word stream: the input of `ngrams --unit word`.

    One output line per input line, words separated by single spaces, lower
    case, letters only (Unicode-aware), NFC-normalised.
    """
    from ..words import normalize_words

    with reading(files, encoding, progress) as reader, io.atomic_output(output, binary=True) as out:
        for piece in normalize_words(reader.chunks(), keep_case=keep_case, keep_digits=keep_digits):
            out.write(piece)
