"""``textlab letters`` and ``textlab words``."""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Optional

import typer

from .. import io
from ..letters import compare, count_letters
from ..words import normalize_words
from .app import app
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress, Top
from .output import emit_table, reading


class Reference(str, Enum):
    english = "english"


@app.command(
    epilog="Examples:\n\n"
    "  textlab letters corpora/wikipedia-en.txt --top 5\n\n"
    "  textlab letters -n 2 --ignore-case corpora/wikipedia-en.txt | head\n\n"
    "  textlab letters --compare english corpora/wikipedia-en.txt",
)
def letters(
    files: Inputs = None,
    n: Annotated[int, typer.Option("-n", min=1, help="Count letter n-grams: runs of N letters.")] = 1,
    ignore_case: Annotated[bool, typer.Option("--ignore-case", "-i", help="Fold upper case into lower case.")] = False,
    all_chars: Annotated[
        bool, typer.Option("--all-chars", help="Count every character, not only letters.")
    ] = False,
    percent: Annotated[bool, typer.Option("--percent", "-p", help="Add a percent column.")] = False,
    top: Top = None,
    compare_with: Annotated[
        Optional[Reference],
        typer.Option(
            "--compare",
            help="Set the counts beside standard letter frequencies (English: Lewand 2000), case folded.",
        ),
    ] = None,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Count each letter (or letter n-gram), most frequent first.

    Letters are what Unicode calls letters: é, ñ, ä and Cyrillic count; digits,
    punctuation and spaces do not (unless --all-chars). With -n N, an n-gram is
    counted only where all N characters are letters.
    """
    if compare_with is not None and n != 1:
        raise typer.BadParameter("--compare works on single letters; drop -n", param_hint="--compare")
    with reading(files, encoding, progress) as reader:
        counts = count_letters(reader.chunks(), n=n, ignore_case=ignore_case or compare_with is not None, all_chars=all_chars)
    label = "letter" if n == 1 else "ngram"
    if compare_with is not None:
        cmp = compare(counts, compare_with.value)
        rows = list(
            zip(cmp.letters, cmp.counts.tolist(), cmp.percent.tolist(), cmp.reference.tolist(), cmp.difference.tolist())
        )[: top or None]
        columns = [label, "count", "percent", compare_with.value, "difference"]
        emit_table(columns, rows, fmt=fmt, output=output, header=not no_header, bar_column="percent")
        return
    counts = counts.top(top)
    if percent:
        rows = list(zip(counts.ngrams, counts.counts.tolist(), counts.percent.tolist()))
        columns = [label, "count", "percent"]
    else:
        rows = list(zip(counts.ngrams, counts.counts.tolist()))
        columns = [label, "count"]
    emit_table(columns, rows, fmt=fmt, output=output, header=not no_header, bar_column="count")


@app.command(
    epilog="Examples:\n\n"
    "  textlab words corpora/wikipedia-en.txt | head -c 300\n\n"
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
    with reading(files, encoding, progress) as reader, io.atomic_output(output, binary=True) as out:
        for piece in normalize_words(reader.chunks(), keep_case=keep_case, keep_digits=keep_digits):
            out.write(piece)
