"""``textlab heatmap`` and ``textlab zipf``: the pictures of n-gram counts."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import numpy as np
import typer
from rich.console import Console

from .. import plots
from ..heatmap import bigram_matrix
from ..io import open_binary
from ..ngrams import NgramTable, count_ngrams, merge_tables, read_table
from ..zipf import fit_zipf, parse_range
from . import draw
from .app import app
from .options import Encoding, Format, FormatOpt, Inputs, NoHeader, Progress
from .output import emit_table, reading, resolve_format

ImageOpt = Annotated[
    Optional[str],
    typer.Option("--output", "-o", "--image", help="Write the picture to FILE (.png, .svg or .pdf).", metavar="FILE"),
]


class Normalize(str, Enum):
    row = "row"
    total = "total"
    none = "none"


def _is_table(path: str) -> bool:
    """Does this input start with a textlab table header (ngram and count columns)?"""
    if path == "-":
        head = sys.stdin.buffer.peek(200)[:200] if hasattr(sys.stdin.buffer, "peek") else b""
    else:
        stream, _ = open_binary(path)
        with stream:
            head = stream.read(200)
    first = head.split(b"\n", 1)[0].decode("utf-8", "replace").lstrip("\ufeff").rstrip("\r").split("\t")
    return "ngram" in first and "count" in first


def _load(files: list[str] | None, unit: str, n: int, ignore_case: bool, encoding, progress) -> NgramTable:  # type: ignore[no-untyped-def]
    """Count tables given as inputs are read (and added up); text is counted."""
    paths = files or ["-"]
    if all(_is_table(p) for p in paths):
        return merge_tables(read_table(p, unit) for p in paths)
    with reading(files, encoding, progress, label="counting") as reader:
        return count_ngrams(reader.chunks(), n=n, unit=unit, ignore_case=ignore_case, letters_only=unit == "char")


@app.command(
    epilog="Examples:\n\n"
    "  textlab heatmap corpora/wikipedia-en.txt\n\n"
    "  textlab heatmap --alphabet a-z --normalize row corpora/wikipedia-en.txt -o pairs.png\n\n"
    "  textlab ngrams -n 2 -l -i corpora/wikipedia-en.txt > pairs.tsv && textlab heatmap pairs.tsv --alphabet es",
)
def heatmap(
    files: Inputs = None,
    alphabet: Annotated[
        Optional[str],
        typer.Option(help="Letters to show: a-z, es (a-z, ñ, accented vowels), or the letters themselves. "
                     "Default: the letters in the data.", metavar="SPEC"),
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
    if image:
        plots.check_image_path(image)
    table = _load(files, "char", 2, not keep_case, encoding, progress)
    matrix = bigram_matrix(table, alphabet)
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


@app.command(
    epilog="Examples:\n\n"
    "  textlab words corpora/wikipedia-en.txt | textlab zipf\n\n"
    "  textlab words corpora/wikipedia-en.txt | textlab zipf -o zipf.png --fit-range 10-1000\n\n"
    "  textlab words big.txt | textlab ngrams --unit word -n 1 > counts.tsv && textlab zipf counts.tsv",
)
def zipf(
    files: Inputs = None,
    fit_range: Annotated[
        Optional[str], typer.Option("--fit-range", help="Fit over these ranks, e.g. 10-1000. "
                                    "Default: rank 1 to the last word seen 5 times.", metavar="FIRST-LAST")
    ] = None,
    image: ImageOpt = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Plot word frequency against rank on log-log axes and fit Zipf's exponent.

    Reads words (whitespace-separated, as `textlab words` writes them) or a
    count table (`textlab ngrams --unit word -n 1`). Prints the exponent s of
    count ∝ rank^-s and the fit's range; in a terminal it draws the plot,
    piped it writes the rank table as TSV; -o writes a PNG/SVG.
    """
    if image:
        plots.check_image_path(image)
    table = _load(files, "word", 1, False, encoding, progress)
    ones = table.select(table.order == 1)
    counts = ones.counts
    fit = fit_zipf(counts, parse_range(fit_range) if fit_range else None)
    summary = (
        f"Zipf exponent s = {fit.exponent:.3f} (count ∝ rank^-s), fitted over ranks {fit.lo}-{fit.hi} "
        f"of {len(counts):,} words, R² = {fit.r2:.3f}"
    )
    if image:
        plots.save_figure(plots.zipf_figure(counts, fit, "Zipf's law"), image)
    if resolve_format(fmt, None) is Format.table:
        console = Console()
        ranks = np.arange(1, len(counts) + 1)
        console.print(draw.loglog(ranks, counts, fit.predict(ranks)), highlight=False)
        console.print(summary, highlight=False)
        return
    print(summary, file=sys.stderr)
    if image and fmt is None:
        return
    words = ones.ngrams
    rows = list(zip(range(1, len(counts) + 1), words, counts.tolist(), fit.predict(np.arange(1, len(counts) + 1)).tolist()))
    emit_table(["rank", "word", "count", "fitted"], rows, fmt=fmt, output=None, header=not no_header)
