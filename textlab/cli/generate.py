"""``textlab generate``, ``predict``, ``perplexity`` and ``lm``: n-gram language models."""

from __future__ import annotations

import sys
from enum import Enum
from typing import Annotated, Optional

import typer

from .. import io
from ..errors import DataError, UsageError
from ..lm.arpa import write_arpa
from ..lm.model import LanguageModel
from ..lm.sampling import Generator, Sampler
from ..lm.text import model_ids, of_words, render, train_table
from ..lm.text import perplexity as measure_perplexity
from ..ngrams import NgramTable, parse_orders, read_table
from .app import app
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress
from .output import emit_table, reading, warn


class Unit(str, Enum):
    char = "char"
    word = "word"


class Smoothing(str, Enum):
    mle = "mle"
    add_k = "add-k"
    kn = "kn"


UnitOpt = Annotated[Unit, typer.Option("--unit", "-u", help="Characters, or words (as `textlab words` writes them).")]
OrderOpt = Annotated[
    Optional[int],
    typer.Option(
        "-n",
        min=0,
        help="Order: the next token depends on the n-1 before it (0 = uniform). Default: 3, or the --model's order.",
        show_default=False,
    ),
]
ModelOpt = Annotated[
    Optional[str],
    typer.Option(
        "--model",
        "-m",
        help="A count table from `textlab ngrams --orders 1-N --boundaries` instead of training on text.",
        metavar="TSV",
    ),
]
KOpt = Annotated[float, typer.Option("--add-k", help="k for add-k smoothing (1 = Laplace).")]
IgnoreCase = Annotated[bool, typer.Option("--ignore-case", "-i", help="Fold upper case into lower case.")]
LettersOnly = Annotated[
    bool, typer.Option("--letters-only", "-l", help="(char) Letters only; each word is a segment (^word$).")
]
Temperature = Annotated[
    float,
    typer.Option("--temperature", "-t", min=0, help="0 = always the most probable; 1 = the model; higher = flatter."),
]


def table_order(table: NgramTable, model_path: str | None, n: int) -> int:
    """The order a model of ``n`` gets from ``table``: a clear error past a --model table's
    orders; past the longest n-gram of a text it was counted from, that longest order.

    Counted from text, a table of orders 1..n lacks the longest orders only when no
    segment (a line, or a word with --letters-only, start and end markers included)
    is that long; an order-n model then backs off to that order everywhere, so it
    *is* that model. Saying so beats refusing.
    """
    top = int(table.order.max()) if len(table) else 0
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
) -> LanguageModel:
    """A model from a count table (--model) or trained on the input text."""
    if model_path is not None:
        table = read_table(model_path, unit.value)
        largest = int(table.order.max()) if len(table) else 0
        order = table_order(table, model_path, largest if n is None else n)
        return LanguageModel(table, order=order, smoothing=smoothing.value, k=k)
    order = 3 if n is None else n
    with reading(files, encoding, progress, label="training") as reader:
        table = train_table(reader.chunks(), order, unit.value, ignore_case, letters_only)
    if reader.bytes_read == 0 or len(table) == 0:
        raise DataError("no text to learn from: the input is empty")
    return LanguageModel(table, order=table_order(table, None, order), smoothing=smoothing.value, k=k)


def start_ids(model: LanguageModel, start: str) -> list[int]:
    """<s> then the start text's tokens; a token the model lacks is tried in lower case, then is <unk>.

    In a letter model (segments are words) a space starts a new segment: only the last word counts.
    """
    pieces = list(start) if model.trie.unit == "char" else start.split()
    ids = [model.bos]
    words_model = of_words(model)
    for piece in pieces:
        if piece == " " and words_model:
            ids = [model.bos]
            continue
        ids.append(model.index.get(piece, model.index.get(piece.lower(), model.unk)))
    return ids


@app.command(
    epilog="Examples:\n\n"
    "  textlab generate -n 1 --length 60 --seed 1 corpora/wikipedia-en.txt\n\n"
    "  textlab generate -n 4 --words --count 8 --seed 1 corpora/wikipedia-en.txt\n\n"
    "  textlab words corpora/wikipedia-en.txt | textlab generate --unit word -n 3 --start cat --length 20 --seed 1\n\n"
    "  textlab ngrams --orders 1-3 --boundaries corpora/wikipedia-en.txt -o model.tsv && textlab generate -m model.tsv",
)
def generate(
    files: Inputs = None,
    n: OrderOpt = None,
    unit: UnitOpt = Unit.char,
    model_path: ModelOpt = None,
    start: Annotated[str, typer.Option("--start", "-s", help="Text to continue (it is printed too).")] = "",
    length: Annotated[
        Optional[int],
        typer.Option(
            "--length",
            min=1,
            help="Tokens per sample. Default: 200 characters, 40 words, at most 30 letters with --words.",
            show_default=False,
        ),
    ] = None,
    count: Annotated[
        int,
        typer.Option(
            "--count", "-c", min=1, help="How many samples: one per line (character samples: a blank line between)."
        ),
    ] = 1,
    words: Annotated[
        bool,
        typer.Option(
            "--words",
            "-w",
            help="(char) Draw whole words, from word start to word end (implies --letters-only); --start begins each.",
        ),
    ] = False,
    temperature: Temperature = 1.0,
    top_k: Annotated[Optional[int], typer.Option("--top-k", min=1, help="Draw only among the K most probable.")] = None,
    top_p: Annotated[
        Optional[float], typer.Option("--top-p", help="Draw only among the most probable tokens whose mass reaches P.")
    ] = None,
    smoothing: Annotated[
        Smoothing, typer.Option("--smoothing", help="mle (the counts, as the lecture), add-k, or kn.")
    ] = Smoothing.mle,
    k: KOpt = 1.0,
    seed: Annotated[Optional[int], typer.Option("--seed", help="Same seed, same text.")] = None,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say on stderr where a context was unseen and a shorter one used.")
    ] = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Draw random text from an n-gram model of letters or words.

    Order 0 draws uniformly from the alphabet, order 1 by letter frequency,
    order n by the frequency of each token after the n-1 before it. Where a
    context never occurred, the model backs off to a shorter one (--verbose
    lists where). Samples start at the beginning of a line; in word samples
    a line break shows as ' / '.
    """
    if words and unit is Unit.word:
        raise UsageError("--words draws whole words from a letter model: use it with --unit char")
    model = build_model(
        files, model_path, n, unit, smoothing, k, ignore_case, letters_only or words, encoding, progress
    )
    if words and not of_words(model):
        raise UsageError("--words needs a model of words, not lines: make the table with --letters-only")
    gen = Generator(model, Sampler(temperature, top_k, top_p), seed)
    size = length or (30 if words else 200 if unit is Unit.char else 40)
    samples = []
    for _ in range(count):
        if words:
            drawn = gen.draw(start_ids(model, start), size, stop=lambda t: t == model.eos)
            samples.append((start + render(model, drawn)).strip())
        else:
            drawn = gen.draw(start_ids(model, start), size)
            sep = " " if unit is Unit.word and start else ""
            text = (start + sep + render(model, drawn)).rstrip("\n")
            samples.append(text.replace("\n", " / ") if unit is Unit.word else text)
    if verbose:
        backoffs = gen.backoffs()
        for context, used in backoffs[:20]:
            print(
                f"textlab: context {show_context(model, context)!r} unseen at order {model.order}: used order {used}",
                file=sys.stderr,
            )
        if len(backoffs) > 20:
            print(f"textlab: ... and {len(backoffs) - 20} more unseen contexts", file=sys.stderr)
        if not backoffs:
            print(f"textlab: every context was seen: order {model.order} throughout", file=sys.stderr)
    between = "\n\n" if unit is Unit.char and not words and count > 1 else "\n"
    with io.atomic_output(output) as out:
        out.write(between.join(samples) + "\n")


def show_context(model: LanguageModel, context: tuple[int, ...]) -> str:
    """A context as text for messages, markers spelt out: (<s>, 'a', 'b') -> '<s>ab' (words: '<s> a b')."""
    names = ["<s>" if t == model.bos else "</s>" if t == model.eos else model.tokens[t] for t in context]
    return ("" if model.trie.unit == "char" else " ").join(names)


@app.command(
    epilog="Examples:\n\n"
    "  textlab words corpora/wikipedia-en.txt | textlab predict --unit word -n 3 'the best thing about ai is its ability to'\n\n"
    "  textlab predict -n 4 'th' corpora/wikipedia-en.txt --top 5\n\n"
    "  textlab predict -n 4 'th' corpora/wikipedia-en.txt --temperature 1.5",
)
def predict(
    context: Annotated[
        str, typer.Argument(help="The text so far, from the start of a line; its last n-1 tokens are the context.")
    ],
    files: Inputs = None,
    n: OrderOpt = None,
    unit: UnitOpt = Unit.char,
    model_path: ModelOpt = None,
    top: Annotated[int, typer.Option("--top", "-k", min=1, help="How many next tokens.")] = 10,
    temperature: Temperature = 1.0,
    smoothing: Annotated[
        Smoothing, typer.Option("--smoothing", help="mle, add-k, or kn (interpolated modified Kneser-Ney).")
    ] = Smoothing.kn,
    k: KOpt = 1.0,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say which context order was used.")] = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """The most probable next tokens after CONTEXT, with their probabilities (the lecture's TopProbabilities)."""
    model = build_model(files, model_path, n, unit, smoothing, k, ignore_case, letters_only, encoding, progress)
    history = start_ids(model, context)
    p = Sampler(temperature).reshape(model.distribution(history))
    best = [int(t) for t in (-p).argsort(kind="stable")[:top] if p[t] > 0]
    if verbose:
        print(f"textlab: order {model.context_order(history)} of {model.order} used for this context", file=sys.stderr)
    names = ["</s>" if t == model.eos else model.tokens[t] for t in best]
    emit_table(
        ["token", "prob"],
        list(zip(names, [float(p[t]) for t in best])),
        fmt=fmt,
        output=output,
        header=not no_header,
        bar_column="prob",
    )


@app.command(
    epilog="Examples:\n\n"
    "  textlab perplexity --train train.txt -n 3 test.txt\n\n"
    "  textlab perplexity --train train.txt --orders 2-5 --smoothing add-k,kn test.txt\n\n"
    "  textlab perplexity --unit word --train train.words --orders 2-4 test.words",
)
def perplexity(
    files: Inputs = None,
    train: Annotated[
        Optional[list[str]], typer.Option("--train", help="Text to train on (repeatable).", metavar="FILE")
    ] = None,
    model_path: ModelOpt = None,
    n: OrderOpt = None,
    orders: Annotated[
        Optional[str], typer.Option("--orders", help="Several orders, e.g. 2-5: one row each.", metavar="RANGE")
    ] = None,
    unit: UnitOpt = Unit.char,
    smoothing: Annotated[
        str, typer.Option("--smoothing", help="One or more of mle, add-k, kn, comma-separated.")
    ] = "kn",
    k: KOpt = 1.0,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Perplexity and bits per token of a model on held-out text (FILE), with OOVs counted as KenLM's query does.

    `perplexity` includes out-of-vocabulary tokens (each costs P(<unk>));
    `ppl_without_oov` leaves them out. </s> counts as a token; <s> does not.
    """
    if train is not None and model_path is not None:
        raise UsageError("give --train FILE (text) or --model TSV (a count table), not both")
    if train is None and model_path is None:
        raise UsageError("give the model: --train FILE (text) or --model TSV (a count table)")
    methods = [s.strip() for s in smoothing.split(",") if s.strip()]
    for m in methods:
        if m not in {s.value for s in Smoothing}:
            raise UsageError(f"unknown smoothing {m!r}: use mle, add-k or kn")
    if model_path is not None:
        table = read_table(model_path, unit.value)
        largest = int(table.order.max()) if len(table) else 0
    else:
        largest = 3
    wanted = parse_orders(None, orders) if orders is not None else [largest if n is None else n]
    if model_path is None:
        with reading(train, encoding, progress, label="training") as reader:
            table = train_table(reader.chunks(), max(wanted), unit.value, ignore_case, letters_only)
        if len(table) == 0:
            raise DataError("no text to learn from: the training input is empty")
    top = table_order(table, model_path, max(wanted))  # past the text's longest n-grams: one warning
    rows = []
    test_ids = None
    for order in wanted:
        for method in methods:
            model = LanguageModel(table, order=min(order, top), smoothing=method, k=k)
            if test_ids is None:  # the token stream is the same for every model of one table
                with reading(files, encoding, progress, label="evaluating") as reader:
                    test_ids = model_ids(reader.chunks(), model, ignore_case, letters_only)
            result = measure_perplexity(model, *test_ids)
            rows.append(
                (
                    unit.value,
                    order,
                    method,
                    result.tokens,
                    result.oov,
                    result.perplexity,
                    result.perplexity_excluding_oov,
                    result.bits_per_token,
                )
            )
    columns = ["unit", "order", "smoothing", "tokens", "oov", "perplexity", "ppl_without_oov", "bits_per_token"]
    emit_table(columns, rows, fmt=fmt, output=output, header=not no_header)


@app.command(
    epilog="Examples:\n\n"
    "  textlab lm -n 3 corpora/wikipedia-en.txt -o model.arpa\n\n"
    "  textlab words corpora/wikipedia-en.txt | textlab lm --unit word -n 3 -o words.arpa",
)
def lm(
    files: Inputs = None,
    n: OrderOpt = None,
    unit: UnitOpt = Unit.char,
    model_path: ModelOpt = None,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Build an interpolated modified Kneser-Ney model and write it in the ARPA format (KenLM, SRILM read it).

    Character models write a space as <space> (ARPA fields are separated by spaces).
    """
    model = build_model(files, model_path, n, unit, Smoothing.kn, 1.0, ignore_case, letters_only, encoding, progress)
    with io.atomic_output(output) as out:
        write_arpa(model, out)
