"""``textlab heatmap`` and ``textlab zipf``: the pictures of n-gram counts."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from ..errors import DataError, EmptyInput
from ..io import describe, table_headers
from .app import command_app
from .options import Encoding, Format, FormatOpt, Inputs, NoHeader, Progress, writable
from .output import emit_columns, emit_table, note, reading, resolve_format, warn

if TYPE_CHECKING:
    from ..ngrams import NgramTable
    from ..zipf import Ranked, ZipfFit

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

ImageOpt = Annotated[
    str | None,
    typer.Option(
        "--output",
        "-o",
        "--image",
        callback=writable,
        help="Write the picture to FILE (.png, .svg or .pdf).",
        metavar="FILE",
    ),
]


class Normalize(str, Enum):
    row = "row"
    total = "total"
    none = "none"


def _load(files: list[str] | None, unit: str, n: int, ignore_case: bool, encoding, progress) -> NgramTable:
    """Count tables given as inputs are read (and added up); text is counted."""
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..ngrams import count_ngrams, merge_tables, read_table

    paths = files or ["-"]
    with table_headers(paths, encoding) as headers:  # standard input is read whole inside the block
        if all(h is not None and "ngram" in h and "count" in h for h in headers.values()):
            return merge_tables(read_table(p, unit) for p in paths)
        with reading(files, encoding, progress, label="counting") as reader:
            table = count_ngrams(reader.chunks(), n=n, unit=unit, ignore_case=ignore_case, letters_only=unit == "char")
    if reader.bytes_read == 0:
        raise EmptyInput()
    return table


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab heatmap\n\n"
    "  textlab corpus en | textlab heatmap --alphabet a-z --normalize row -o pairs.png\n\n"
    "  textlab corpus en | textlab ngrams -n 2 -l -i > pairs.tsv && textlab heatmap pairs.tsv --alphabet es",
)
def heatmap(
    files: Inputs = None,
    alphabet: Annotated[
        str | None,
        typer.Option(
            help="Letters to show: a-z, es (a-z, ñ, accented vowels), or the letters themselves. "
            "Default: the letters in the data.",
            metavar="SPEC",
        ),
    ] = None,
    normalize: Annotated[
        Normalize, typer.Option(help="row: P(next | first); total: share of all pairs; none: counts.")
    ] = Normalize.row,
    keep_case: Annotated[bool, typer.Option("--keep-case", help="Do not fold upper case into lower case.")] = False,
    image: ImageOpt = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Draw the letter-pair matrix: rows = first letter, columns = the next letter.

    Reads a text (letter pairs inside words are counted) or a bigram table made
    by `textlab ngrams -n 2`. In a terminal it draws in colour; piped, it writes
    the matrix as TSV; -o writes a PNG/SVG with labels and a colour bar.
    """
    from .. import plots
    from ..heatmap import bigram_matrix
    from . import draw
    from .parsing import parse_alphabet

    if image:
        plots.check_image_path(image)
    table = _load(files, "char", 2, not keep_case, encoding, progress)
    matrix = bigram_matrix(table, parse_alphabet(alphabet) if alphabet is not None else None)
    values = matrix.normalized(normalize.value)
    label = {"row": "P(next letter | first letter)", "total": "share of all letter pairs", "none": "count"}[
        normalize.value
    ]
    if image:
        fig = plots.heatmap_figure(values, matrix.labels, "Letter pairs", label)
        plots.save_figure(fig, image)
        if fmt is None:
            return
    if resolve_format(fmt, None) is Format.table:
        console = Console()
        plain = console.color_system is None  # NO_COLOR, or not a terminal: shade with characters
        console.print("Letter pairs: rows = first letter, columns = next letter", style="bold", highlight=False)
        console.print(draw.heatmap(matrix.labels, values, plain))
        console.print(draw.colour_scale(float(values.max()), label, plain))
        return
    rows = [(a, *row) for a, row in zip(matrix.labels, values.tolist())]
    emit_table(["first", *matrix.labels], rows, fmt=fmt, output=None, header=not no_header)


def _ranked(files: list[str] | None, encoding: str | None, progress: bool) -> Ranked:
    """What zipf ranks: the words of a text counted, or the count or prob column of tables."""
    from ..ngrams import count_ngrams
    from ..zipf import Ranked, add_up, read_ranked, value_column

    paths = files or ["-"]
    with table_headers(paths, encoding) as headers:
        tables = [p for p in paths if headers[p] is not None]
        if not tables:
            with reading(files, encoding, progress, label="counting") as reader:
                table = count_ngrams(reader.chunks(), n=1, unit="word", ignore_case=False, letters_only=False)
            if reader.bytes_read == 0:
                raise EmptyInput()
            ones = table.select(table.order == 1)
            if len(ones) < 2:
                raise DataError("Zipf's law needs at least two different words")
            return Ranked(ones.counts, ones.ngrams, "count", "word")
        for path in tables:
            value_column(headers[path] or [], path)  # a table zipf cannot rank fails before any is read
        if len(tables) < len(paths):
            text = next(p for p in paths if headers[p] is None)
            raise DataError(
                f"{describe(tables[0])} is a table but {describe(text)} is text; zipf reads tables or text, not both"
            )
        return add_up([read_ranked(path) for path in paths], paths)


def _summary(ranked: Ranked, fit: ZipfFit) -> str:
    n = len(ranked.values)
    if ranked.quantity == "count":
        law = "count ∝ rank^-s"
        held = ""
    else:
        # p = C / rank**s: C is the fitted probability of rank 1; the total says how much of the
        # distribution a top-K list covers (predict --top 50 is a cut-off head)
        law = f"prob ≈ {fit.constant:.3g} / rank^s"
        held = f" (together {float(ranked.values.sum()):.3g} of the probability)"
    return (
        f"Zipf exponent s = {fit.exponent:.3f} ({law}), fitted over ranks {fit.lo}-{fit.hi} "
        f"of {n:,} {ranked.what}{held}, R² = {fit.r2:.3f}"
    )


def _figure(ranked: Ranked, fit: ZipfFit) -> Any:
    from .. import plots

    if ranked.quantity == "count":
        return plots.zipf_figure(ranked.values, fit, "Zipf's law")
    fig = plots.zipf_figure(ranked.values, fit, "Probability by rank")
    # plots.zipf_figure names the y axis and the fitted line after counts
    ax = fig.axes[0]
    ax.set_ylabel("probability")
    ax.lines[1].set_label(f"fit: p ≈ {fit.constant:.3g} / rank^{fit.exponent:.2f}")
    ax.legend()
    return fig


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab words | textlab zipf\n\n"
    "  textlab corpus en | textlab words | textlab zipf -o zipf.png --fit-range 10-1000\n\n"
    "  textlab words big.txt | textlab ngrams --unit word -n 1 > counts.tsv && textlab zipf counts.tsv\n\n"
    "  textlab corpus en | textlab words | textlab predict --unit word -n 3 'the first' "
    "--top 50 | textlab zipf",
)
def zipf(
    files: Inputs = None,
    fit_range: Annotated[
        str | None,
        typer.Option(
            "--fit-range",
            help="Fit over these ranks, e.g. 10-1000. Default: for counts, rank 1 to the last "
            "count >= 5 (at least 10 ranks); for probabilities, every rank.",
            metavar="FIRST-LAST",
        ),
    ] = None,
    image: ImageOpt = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Plot values against their rank on log-log axes and fit the power law: Zipf's exponent.

    Reads words (whitespace-separated, as `textlab words` writes them), or a
    table with a header: its `count` column (`textlab ngrams`, `textlab
    letters`; several count tables are added up) or else its `prob` column
    (`textlab predict`'s next tokens). An input whose first line has a tab is
    a table. Prints the exponent s of value ∝ rank^-s and the fit's range; in
    a terminal it draws the plot, piped it writes the rank table as TSV; -o
    writes a PNG/SVG.
    """
    import numpy as np

    from .. import plots
    from ..zipf import fit_zipf
    from . import draw
    from .parsing import parse_range

    if image:
        plots.check_image_path(image)
    ranked = _ranked(files, encoding, progress)
    if ranked.zeros:
        noun = "row" if ranked.zeros == 1 else "rows"
        warn(f"left out {ranked.zeros} {noun} with {ranked.quantity} 0: a log axis cannot show 0")
    fit = fit_zipf(
        ranked.values,
        parse_range(fit_range) if fit_range else None,
        min_count=5 if ranked.quantity == "count" else None,
    )
    summary = _summary(ranked, fit)
    if image:
        plots.save_figure(_figure(ranked, fit), image)
    ranks = np.arange(1, len(ranked.values) + 1)
    if resolve_format(fmt, None) is Format.table:
        console = Console()
        picture = draw.loglog(ranks, ranked.values, fit.predict(ranks))
        if ranked.quantity == "prob":
            picture = picture.replace("count (log scale)", "probability (log scale)")  # draw.loglog says count
        console.print(picture, highlight=False)
        console.print(summary, highlight=False)
        return
    note(summary)
    if image and fmt is None:
        return
    labelled = ranked.labels is not None
    columns = ["rank", *([ranked.label or "label"] if labelled else []), ranked.quantity, "fitted"]
    data = [ranks.tolist(), *([ranked.labels] if labelled else []), ranked.values.tolist(), fit.predict(ranks).tolist()]
    emit_columns(columns, data, fmt=fmt, output=None, header=not no_header)  # by column: every word of a text
