"""``textlab similar``, ``analogy``, ``between``, ``odd-one-out``, ``evaluate`` and ``map``: asking word vectors."""

from __future__ import annotations

import sys
from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from .. import io
from ..errors import DataError, UsageError
from .app import command_app, error_line
from .options import FormatOpt, NoHeader, Output, writable
from .output import emit_table, note, warn

if TYPE_CHECKING:
    from ..vectors.keyed import Vectors

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

VectorsFile = Annotated[
    str,
    typer.Option(
        "--vectors", "-v", help="word2vec text or binary, or GloVe text (recognised from the file).", metavar="FILE"
    ),
]
Limit = Annotated[
    int | None, typer.Option("--limit", min=1, help="Keep only the N most frequent words (the file's first N).")
]
# Counts have a floor (click checks it) and no ceiling: more than there are words means all
# of them, as in gensim, so a large number is never an error nor a large allocation.
TopN = Annotated[int, typer.Option("--top", "-k", min=1, help="How many answers.")]


def open_vectors(path: str, limit: int | None) -> Vectors:
    """The vectors of ``path``; a vector with inf or nan is an error (the loader names its line),
    all-zero vectors are kept but left out of every answer, with one warning naming them."""
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..vectors import formats
    from ..vectors.keyed import Vectors

    words, matrix = formats.load(path, limit)
    v = Vectors(words, matrix)
    if v.zero.any():
        zero = v.zero_words
        which = "1 word whose vector is" if len(zero) == 1 else f"{len(zero):,} words whose vectors are"
        warn(f"{path}: left out {which} all zeros (no direction to compare): {listed(zero)}")
    return v


def listed(words: list[str], at_most: int = 5) -> str:
    """``'a', 'b', 'c' and 12 more``: a warning names a few, not thousands."""
    shown = ", ".join(repr(w) for w in words[:at_most])
    return f"{shown} and {len(words) - at_most:,} more" if len(words) > at_most else shown


class Method(str, Enum):
    add = "add"
    mul = "mul"


@app.command(
    epilog="Examples:\n\n"
    "  textlab similar -v vectors.txt king\n\n"
    "  textlab similar -v vectors.txt paris france --not england --top 5",
)
def similar(
    words: Annotated[
        list[str], typer.Argument(help="One word, or several: their mean is the query.", show_default=False)
    ],
    vectors: VectorsFile,
    not_words: Annotated[list[str] | None, typer.Option("--not", help="Subtract this word (repeatable).")] = None,
    top: TopN = 10,
    limit: Limit = None,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """The words nearest to WORD (cosine similarity); several words: nearest to their mean, as word2vec's `distance`."""
    v = open_vectors(vectors, limit)
    rows = v.most_similar(words, not_words or [], top)
    emit_table(["word", "similarity"], rows, fmt=fmt, output=output, header=not no_header, bar_column="similarity")


@app.command(
    epilog="Examples:\n\n"
    "  textlab analogy -v vectors.txt man woman king          # man : woman :: king : ?\n\n"
    "  textlab analogy -v vectors.txt --method mul hombre mujer rey\n\n"
    "  printf 'man woman king\\nparis france rome\\n' | textlab analogy -v vectors.txt",
)
def analogy(
    words: Annotated[
        list[str] | None,
        typer.Argument(help="A B C: A is to B as C is to ?  None: read 'A B C' lines from stdin.", show_default=False),
    ] = None,
    vectors: VectorsFile = ...,  # type: ignore[assignment]
    method: Annotated[
        Method, typer.Option("--method", help="add (3CosAdd, gensim's most_similar) or mul (3CosMul).")
    ] = Method.add,
    top: Annotated[
        int | None,
        typer.Option(
            "--top", "-k", min=1, help="How many answers.  [default: 5, or 1 a question from stdin]", show_default=False
        ),
    ] = None,
    limit: Limit = None,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """A is to B as C is to ...? Ranked answers, the three query words left out.

    Without words, reads questions 'A B C' (one per line; a fourth word, the
    expected answer of questions-words.txt, is ignored) from standard input
    and answers them all at once. A question that cannot be asked (an unknown
    word, too few words) gets an error line on stderr and empty answers, so
    the rows still line up with the questions; the exit status is then 1.
    """
    import numpy as np

    v = open_vectors(vectors, limit)
    if words:
        if len(words) != 3:
            raise UsageError(f"an analogy takes three words, A B C; got {len(words)}")
        a, b, c = words
        rows = v.analogy(a, b, c, topn=top or 5, method=method.value)
        emit_table(["word", "score"], rows, fmt=fmt, output=output, header=not no_header, bar_column="score")
        return
    # one entry a question line: its words as shown, and its row in `questions` (None: failed)
    asked: list[tuple[list[str], int | None]] = []
    questions: list[list[int]] = []
    for number, (line, _) in enumerate(io.exact_lines(io.TextReader(["-"]).texts()), start=1):
        fields = line.split()
        if not fields or line.startswith(":"):
            continue
        shown = (fields + ["", ""])[:3]
        try:
            ids = _question_ids(v, fields)
        except DataError as e:  # this question only: the rest are still answered
            error_line(f"line {number}: {e}")
            asked.append((shown, None))
            continue
        asked.append((shown, len(questions)))
        questions.append(ids)
    if not asked:
        raise DataError("no questions on standard input (lines 'A B C')")
    k = min(top or 1, len(v))  # as many answers as analogies() gives each question
    best, scores = (
        v.analogies(np.array(questions, np.int64), topn=k, method=method.value)
        if questions
        else (np.empty((0, k), np.int64), np.empty((0, k), np.float32))
    )
    ids_of, scores_of = best.tolist(), scores.tolist()
    table: list[tuple] = []
    for shown, at in asked:
        answers = zip(ids_of[at], scores_of[at]) if at is not None else [(-1, 0.0)] * k
        for rank, (i, score) in enumerate(answers, start=1):
            # no answer (a failed question, or fewer candidates than --top): empty cells, same rows
            table.append((*shown, rank, v.words[i], float(score)) if i >= 0 else (*shown, rank, "", ""))
    emit_table(["a", "b", "c", "rank", "answer", "score"], table, fmt=fmt, output=output, header=not no_header)
    if len(questions) < len(asked):  # the errors are said, line by line, above
        raise typer.Exit(1)


def _question_ids(v: Vectors, fields: list[str]) -> list[int]:
    """The rows of a batch question's words A B C, or a ``DataError`` saying why it cannot be asked."""
    from ..vectors.keyed import UnknownWord

    if len(fields) not in (3, 4):
        raise DataError(f"expected three words 'A B C', got {len(fields)}")
    try:
        # no close spellings in a batch: the search would cost more than the answers
        return v.ids(fields[:3], suggest=False)
    except UnknownWord as e:
        raise DataError(f"unknown word {e.word!r}") from None


@app.command(
    epilog="Examples:\n\n"
    "  textlab between -v vectors.txt morning night\n\n"
    "  textlab between -v vectors-es.txt mañana noche --top 5",
)
def between(
    a: Annotated[str, typer.Argument(show_default=False)],
    b: Annotated[str, typer.Argument(show_default=False)],
    vectors: VectorsFile,
    top: TopN = 10,
    limit: Limit = None,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """The words nearest the midpoint of A and B (the lecture's "mañana ... noche")."""
    v = open_vectors(vectors, limit)
    emit_table(
        ["word", "similarity"],
        v.most_similar([a, b], [], top),
        fmt=fmt,
        output=output,
        header=not no_header,
        bar_column="similarity",
    )


@app.command(
    "odd-one-out",
    epilog="Examples:\n\n  textlab odd-one-out -v vectors.txt breakfast lunch dinner car",
)
def odd_one_out(
    words: Annotated[list[str], typer.Argument(help="Three or more words.", show_default=False)],
    vectors: VectorsFile,
    limit: Limit = None,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """The word that does not belong: the one least similar to the mean of them all (listed first)."""
    v = open_vectors(vectors, limit)
    rows = v.odd_one_out(words)
    note(f"the odd one out: {rows[0][0]}")
    emit_table(["word", "similarity_to_mean"], rows, fmt=fmt, output=output, header=not no_header)


evaluate_app = command_app(help="Score word vectors on the standard benchmarks.", no_args_is_help=True)
app.add_typer(evaluate_app, name="evaluate")


@evaluate_app.command(
    "analogies",
    epilog="Examples:\n\n"
    "  textlab evaluate analogies -v vectors.txt questions-words.txt\n\n"
    "  textlab evaluate analogies -v vectors.bin --restrict-vocab 50000 questions-words.txt",
)
def analogies_command(
    questions: Annotated[
        str,
        typer.Argument(help="Questions 'a b c d' under ': section' lines (questions-words.txt).", show_default=False),
    ],
    vectors: VectorsFile,
    restrict_vocab: Annotated[
        int,
        typer.Option(
            "--restrict-vocab", min=1, help="Use only the N most frequent words, as word2vec's compute-accuracy."
        ),
    ] = 30_000,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """Analogy accuracy per section, semantic and syntactic totals, and overall (counted as gensim does)."""
    from ..vectors.evaluate import evaluate_analogies

    v = open_vectors(vectors, None)
    result = evaluate_analogies(v, questions, restrict_vocab)
    rows = [(s.name, s.correct, s.total, s.accuracy) for s in result.sections]
    rows += [
        (t.name, t.correct, t.total, t.accuracy) for t in (result.total(True), result.total(False), result.total())
    ]
    if result.malformed.count:
        warn(f"{questions}: {result.malformed}")
    no_direction = " (or with an all-zero vector)" if v.zero[:restrict_vocab].any() else ""
    note(
        f"{result.questions:,} questions, {result.skipped:,} skipped: a word outside the "
        f"{min(restrict_vocab, len(v)):,} most frequent words of the vectors{no_direction}"
    )
    emit_table(["section", "correct", "questions", "accuracy"], rows, fmt=fmt, output=output, header=not no_header)


@evaluate_app.command(
    "similarity",
    epilog="Examples:\n\n  textlab evaluate similarity -v vectors.txt wordsim353.tsv",
)
def similarity_command(
    pairs: Annotated[
        str, typer.Argument(help="Tab-separated 'word1 word2 score' lines; '#' lines are comments.", show_default=False)
    ],
    vectors: VectorsFile,
    restrict_vocab: Annotated[
        int, typer.Option("--restrict-vocab", min=1, help="Use only the N most frequent words.")
    ] = 300_000,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """Spearman and Pearson correlation between human similarity scores and the vectors' cosines.

    Scores that are all equal (or cosines all equal) are an error: no correlation exists.
    """
    from ..vectors.evaluate import evaluate_similarity

    v = open_vectors(vectors, None)
    r = evaluate_similarity(v, pairs, restrict_vocab)
    if r.malformed.count:
        warn(f"{pairs}: {r.malformed}")
    emit_table(
        ["pairs", "oov", "spearman", "pearson"],
        [(r.pairs, r.oov, r.spearman, r.pearson)],
        fmt=fmt,
        output=output,
        header=not no_header,
    )


@app.command(
    "map",
    epilog="Examples:\n\n"
    "  textlab map -v vectors.txt king queen man woman paris france rome italy\n\n"
    "  textlab map -v vectors.txt --top 60 -o map.png",
)
def map_command(
    words: Annotated[list[str] | None, typer.Argument(help="The words to place.", show_default=False)] = None,
    vectors: VectorsFile = ...,  # type: ignore[assignment]
    top: Annotated[
        int | None, typer.Option("--top", "-k", min=2, help="Place the N most frequent words instead.")
    ] = None,
    limit: Limit = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", callback=writable, help="Write the picture to FILE (.png, .svg or .pdf).", metavar="FILE"
        ),
    ] = None,
) -> None:
    """The "meaning space" picture: words placed by the first two principal components of their vectors.

    In a terminal (or piped) it draws the map in characters; -o writes an image.
    """
    from .. import plots
    from ..vectors.project import pca_2d, text_scatter

    if bool(words) == bool(top):
        raise UsageError("give the words to place, or --top N (not both)")
    import numpy as np

    v = open_vectors(vectors, limit)
    # --top: the most frequent words that have a direction (an all-zero row was warned of)
    ids = np.flatnonzero(~v.zero)[:top].tolist() if top else v.ids(words or [])
    if len(ids) < 2:
        raise UsageError("a map needs at least two words")
    labels = [v.words[i] for i in ids]
    coords, explained = pca_2d(v.matrix[ids])
    if output:
        plots.check_image_path(output)
        plots.save_figure(plots.scatter_figure(coords, labels, "Word vectors", explained), output)
        return
    with io.atomic_output(None) as out:
        out.write(text_scatter(coords, labels) + "\n")
    warn(
        f"the two axes keep {explained:.0%} of the variance of these {len(ids)} vectors"
    ) if sys.stderr.isatty() else None
