"""``textlab generate`` and ``textlab predict``: drawing from n-gram language models."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .. import io
from ..errors import UsageError
from .app import command_app
from .lm_common import (
    BlankLines,
    IgnoreCase,
    KOpt,
    LettersOnly,
    ModelOpt,
    OrderOpt,
    Smoothing,
    Temperature,
    Unit,
    UnitOpt,
    build_model,
    start_ids,
)
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress
from .output import emit_table, note
from .progress import Meter, wanted

if TYPE_CHECKING:
    from ..lm.model import LanguageModel

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab generate -n 1 --length 60 --seed 1\n\n"
    "  textlab corpus en | textlab generate -n 4 --words --count 8 --seed 1\n\n"
    "  textlab corpus en | textlab words | textlab generate --unit word -n 3 --start cat "
    "--length 20 --seed 1\n\n"
    "  textlab corpus en | textlab ngrams --orders 1-3 --boundaries -o model.tsv && textlab "
    "generate -m model.tsv",
)
def generate(
    files: Inputs = None,
    n: OrderOpt = None,
    unit: UnitOpt = Unit.char,
    model_path: ModelOpt = None,
    start: Annotated[str, typer.Option("--start", "-s", help="Text to continue (it is printed too).")] = "",
    length: Annotated[
        int | None,
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
    top_k: Annotated[int | None, typer.Option("--top-k", min=1, help="Draw only among the K most probable.")] = None,
    top_p: Annotated[
        float | None, typer.Option("--top-p", help="Draw only among the most probable tokens whose mass reaches P.")
    ] = None,
    smoothing: Annotated[
        Smoothing, typer.Option("--smoothing", help="mle (the counts, as the lecture), add-k, or kn.")
    ] = Smoothing.mle,
    k: KOpt = 1.0,
    alphabet: Annotated[
        str | None,
        typer.Option(
            "--alphabet",
            "-a",
            help="(char) Draw only these letters (a-z, es, or the letters: 'a-zñ'), and the space where the text has "
            "spaces; never a line break. Order 0 draws uniformly over them. Default: every character the model "
            "knows; at order 0, the letters that are at least 1 in 10,000 of the text's.",
            show_default=False,
        ),
    ] = None,
    sep: Annotated[
        str | None,
        typer.Option(
            "--sep",
            help="What goes between samples (default: a line break; a blank line between character samples).",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option("--seed", min=0, help="Same seed, same text (each order has its own random stream)."),
    ] = None,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    blank_lines: BlankLines = False,
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
    # the library (and NumPy) is imported when the command runs, so `--help` stays fast
    from ..lm.sampling import Generator, Sampler, alphabet_mask
    from ..lm.text import of_words
    from .parsing import parse_alphabet

    if words and unit is Unit.word:
        raise UsageError("--words draws whole words from a letter model: use it with --unit char")
    model = build_model(
        files, model_path, n, unit, smoothing, k, ignore_case, letters_only or words, encoding, progress, blank_lines
    )
    if words and not of_words(model):
        raise UsageError("--words needs a model of words, not lines: make the table with --letters-only")
    if alphabet is not None and unit is Unit.word:
        raise UsageError("--alphabet chooses letters: use it with --unit char")
    letters = parse_alphabet(alphabet) if alphabet is not None else None
    allowed = alphabet_mask(model, letters, word_ends=words) if unit is Unit.char else None
    gen = Generator(model, Sampler(temperature, top_k, top_p), seed, allowed)
    size = length or (30 if words else 200 if unit is Unit.char else 40)
    between = sep if sep is not None else "\n\n" if unit is Unit.char and not words and count > 1 else "\n"
    # each sample is written as it is drawn (a huge --length streams); progress shows on a long run
    show = wanted(progress, own_work=True) and size * count >= LONG_RUN
    with io.atomic_output(output) as out, Meter("generating", unit="tokens", show=show) as meter:
        for i in range(count):
            if i:
                out.write(between)
            if words:
                out.write(_word_sample(gen, model, start, size))
                continue
            drawn = gen.stream(start_ids(model, start), size)
            _write_sample(out, model, start, drawn, unit, lambda done, i=i: meter.update(i * size + done, size * count))
        out.write("\n")
    if verbose:
        backoffs = gen.backoffs()
        for context, used in backoffs[:20]:
            note(f"context {show_context(model, context)!r} unseen at order {model.order}: used order {used}")
        if len(backoffs) > 20:
            note(f"... and {len(backoffs) - 20} more unseen contexts")
        if not backoffs:
            note(f"every context was seen: order {model.order} throughout")


#: Tokens drawn in all before ``generate`` shows its progress (about a second of drawing).
LONG_RUN = 100_000
#: Tokens rendered and written at a time (a word model draws about a thousand a second
#: on a big vocabulary: the first text shows at once).
BLOCK = 256


def _word_sample(gen, model: LanguageModel, start: str, size: int) -> str:
    """One whole word from a letter model (``--words``)."""
    from ..lm.text import render

    # A word has a letter: at order 1 the end marker can come first, so draw again (the
    # tries are bounded in case a model makes nothing but empty words).
    for _ in range(100):
        drawn = gen.draw(start_ids(model, start), size, stop=lambda t: t == model.eos)
        if start or drawn[0] != model.eos:
            break
    return (start + render(model, drawn)).strip()


def _write_sample(out, model: LanguageModel, start: str, drawn, unit: Unit, done) -> None:
    """Write ``start`` and the drawn tokens as text, block by block: words spaced across blocks,
    line breaks shown as `` / `` between words, and none at the end of the sample."""
    from itertools import islice

    from ..lm.text import render

    word = unit is Unit.word
    out.write(start)
    held = ""  # trailing line breaks: written only if more text follows
    after_word = bool(start)  # the text so far ends with a word: the next word needs a space
    written = 0
    while block := list(islice(drawn, BLOCK)):
        written += len(block)
        piece = render(model, block)
        if word and after_word and piece and not piece.startswith("\n"):
            piece = " " + piece
        body = piece.rstrip("\n")
        if body:
            text = held + body
            out.write(text.replace("\n", " / ") if word else text)
            held = piece[len(body) :]
            after_word = not held
        elif piece:
            held += piece
            after_word = False
        done(written)


def show_context(model: LanguageModel, context: tuple[int, ...]) -> str:
    """A context as text for messages, markers spelt out: (<s>, 'a', 'b') -> '<s>ab' (words: '<s> a b')."""
    names = ["<s>" if t == model.bos else "</s>" if t == model.eos else model.tokens[t] for t in context]
    return ("" if model.trie.unit == "char" else " ").join(names)


@app.command(
    epilog="Examples:\n\n"
    "  textlab corpus en | textlab words | textlab predict --unit word -n 3 'the best thing "
    "about ai is its ability to'\n\n"
    "  textlab corpus en | textlab predict -n 4 'th' --top 5\n\n"
    "  textlab corpus en | textlab predict -n 4 'th' --temperature 1.5",
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
        Smoothing,
        typer.Option(
            "--smoothing",
            help="mle (the counts, as the lecture; the default of generate too, so generate --temperature 0 "
            "continues with the first token listed here), add-k, or kn (interpolated modified Kneser-Ney).",
        ),
    ] = Smoothing.mle,
    k: KOpt = 1.0,
    ignore_case: IgnoreCase = False,
    letters_only: LettersOnly = False,
    blank_lines: BlankLines = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Say which context order was used.")] = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """The most probable next tokens after CONTEXT, with their probabilities (the lecture's TopProbabilities)."""
    from ..lm.sampling import Sampler

    model = build_model(
        files, model_path, n, unit, smoothing, k, ignore_case, letters_only, encoding, progress, blank_lines
    )
    history = start_ids(model, context)
    p = Sampler(temperature).reshape(model.distribution(history))
    best = [int(t) for t in (-p).argsort(kind="stable")[:top] if p[t] > 0]
    if verbose:
        note(f"order {model.context_order(history)} of {model.order} used for this context")
    names = ["</s>" if t == model.eos else model.tokens[t] for t in best]
    emit_table(
        ["token", "prob"],
        list(zip(names, [float(p[t]) for t in best])),
        fmt=fmt,
        output=output,
        header=not no_header,
        bar_column="prob",
    )
