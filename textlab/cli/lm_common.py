"""What ``generate``, ``predict``, ``perplexity`` and ``lm`` share: options, and a model
built from text or from a count table."""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import typer

from ..errors import EmptyInput, UsageError
from .options import Unit
from .output import reading, warn

if TYPE_CHECKING:
    from ..lm.model import LanguageModel
    from ..lm.trie import Trie
    from ..spill import RunStore
    from ..spilled import SpilledTable


class Smoothing(str, Enum):
    mle = "mle"
    add_k = "add-k"
    kn = "kn"


UnitOpt = Annotated[Unit, typer.Option("--unit", "-u", help="Characters, or words (as `textlab words` writes them).")]
OrderOpt = Annotated[
    int | None,
    typer.Option(
        "-n",
        min=0,
        help="Order: the next token depends on the n-1 before it (0 = uniform). Default: 3, or the --model's order.",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="A count table from `textlab ngrams --orders 1-N --boundaries` instead of training on text.",
        metavar="TSV",
    ),
]
KOpt = Annotated[float, typer.Option("--add-k", help="k for add-k smoothing (1 = Laplace).")]
IgnoreCase = Annotated[bool, typer.Option("--ignore-case", "-i", help="Fold upper case into lower case.")]
BlankLines = Annotated[
    bool,
    typer.Option(
        "--blank-lines-are-sentences",
        help="(word) A line without words is the sentence <s> </s>, as KenLM reads it (its perplexity then "
        "predicts their </s> too). Default: blank lines are skipped, for in textlab's texts they part "
        "articles and paragraphs and say nothing about how sentences end.",
    ),
]
LettersOnly = Annotated[
    bool, typer.Option("--letters-only", "-l", help="(char) Letters only; each word is a segment (^word$).")
]
Temperature = Annotated[
    float,
    typer.Option("--temperature", "-t", min=0, help="0 = always the most probable; 1 = the model; higher = flatter."),
]


def table_order(top: int, model_path: str | None, n: int) -> int:
    """The order a model of ``n`` gets from counts of orders up to ``top``: a clear error past a --model table's
    orders; past the longest n-gram of a text it was counted from, that longest order.

    Counted from text, a table of orders 1..n lacks the longest orders only when no
    segment (a line, or a word with --letters-only, start and end markers included)
    is that long; an order-n model then backs off to that order everywhere, so it
    *is* that model. Saying so beats refusing.
    """
    if n <= top:
        return n
    if model_path is not None:
        raise UsageError(f"order {n} is more than the model's order {top}: make the table with --orders 1-{n}")
    warn(
        f"order {n}: the text has no {n}-grams (its lines, or words with --letters-only, are shorter, "
        f"start and end markers included); every context backs off to order {top}, so this is the order-{top} model"
    )
    return top


def build_model(
    files: list[str] | None,
    model_path: str | None,
    n: int | None,
    unit: Unit,
    smoothing: Smoothing,
    k: float,
    ignore_case: bool,
    letters_only: bool,
    encoding: str | None,
    progress: bool,
    blank_lines: bool = False,
) -> LanguageModel:
    """A model from a count table (--model) or trained on the input text."""
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..lm.model import LanguageModel
    from ..lm.trie import Trie
    from ..ngrams import read_table

    if model_path is not None:
        table = read_table(model_path, unit.value)
        largest = int(table.order.max()) if len(table) else 0
        order = table_order(largest, model_path, largest if n is None else n)
        # Only Kneser-Ney walks the suffix links, and needs every order at once. The others'
        # tries are a third quicker to build, and built only once scans of the table for the
        # contexts asked have cost about as much (a sample of 40 words never waits for one).
        kn = smoothing is Smoothing.kn
        counted = Trie(table, suffixes=kn, lazy=not kn)
        del table  # the trie's arrays replace it
        return LanguageModel(counted, order=order, smoothing=smoothing.value, k=k)
    order = 3 if n is None else n
    trie = train_counts(files, order, unit, ignore_case, letters_only, encoding, progress, blank_lines)
    assert isinstance(trie, Trie)  # no store: nothing goes to disk
    return LanguageModel(trie, order=table_order(trie.order, None, order), smoothing=smoothing.value, k=k)


def train_counts(
    files: list[str] | None,
    order: int,
    unit: Unit,
    ignore_case: bool,
    letters_only: bool,
    encoding: str | None,
    progress: bool,
    blank_lines: bool,
    memory: int | None = None,
    store: RunStore | None = None,
) -> Trie | SpilledTable:
    """A model's counts from the input text: a trie, or with a ``store``, past ``memory``
    bytes, sorted runs there (see :func:`textlab.lm.text.train_trie`)."""
    from ..lm.text import train_trie
    from ..malloc import returning_big_blocks

    # big arrays given back when freed: counting makes and drops hundreds of megabytes of them,
    # which glibc's heap would otherwise keep (measured: 1.06 GB peak against 0.9 GB for lm -n 5)
    with returning_big_blocks(), reading(files, encoding, progress, label="training") as reader:
        counted = train_trie(reader.chunks(), order, unit.value, ignore_case, letters_only, blank_lines, memory, store)
    if reader.bytes_read == 0 or counted is None:
        raise EmptyInput()
    return counted


def start_ids(model: LanguageModel, start: str) -> list[int]:
    """<s> then the start text's tokens; a token the model lacks is tried in lower case, then is <unk>.

    In a letter model (segments are words) a space starts a new segment: only the last word counts.
    """
    from ..lm.text import of_words

    pieces = list(start) if model.trie.unit == "char" else start.split()
    ids = [model.bos]
    words_model = of_words(model)
    for piece in pieces:
        if piece == " " and words_model:
            ids = [model.bos]
            continue
        ids.append(model.index.get(piece, model.index.get(piece.lower(), model.unk)))
    return ids
