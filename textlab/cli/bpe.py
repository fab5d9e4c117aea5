"""``textlab bpe train | encode | decode | inspect``: byte-pair-encoding tokenizers."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from itertools import islice
from pathlib import Path
from typing import IO, Annotated

import typer

from .. import io
from ..bpe.inspect import explain, is_byte_level, merges, readable
from ..bpe.model import BPEModel, load_model
from ..bpe.train import TrainOptions, train_sentencepiece, train_tokenizers
from ..errors import DataError, UsageError
from .app import command_app
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress, Top, writable
from .output import emit_table, note, reading, warn
from .progress import wanted

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

bpe_app = typer.Typer(
    help="Byte-pair-encoding tokenizers: train one on a corpus, encode and decode text, look inside.",
    no_args_is_help=True,
)
app.add_typer(bpe_app, name="bpe")

#: Lines encoded per call: enough for the backends to spread the work over every core.
BATCH = 10_000


class Backend(str, Enum):
    tokenizers = "tokenizers"
    sentencepiece = "sentencepiece"


ModelFile = Annotated[
    str,
    typer.Option(
        "--tokenizer", "-t", help="A tokenizer.json (tokenizers) or .model (SentencePiece) file.", metavar="MODEL"
    ),
]
Ids = Annotated[bool, typer.Option("--ids", help="Token ids instead of pieces.")]


@bpe_app.command(
    epilog="Examples:\n\n"
    "  textlab bpe train corpora/wikipedia-en.txt.xz --vocab-size 2000 -o tokenizer.json\n\n"
    "  textlab wiki dump eswiki.xml.bz2 | textlab bpe train --vocab-size 16000 -o es.json\n\n"
    "  textlab bpe train --backend sentencepiece corpora/wikipedia-en.txt.xz --vocab-size 2000 -o en.model",
)
def train(
    output: Annotated[
        str,
        typer.Option(
            "--output",
            "-o",
            callback=writable,
            help="The model file to write (tokenizer.json, or .model).",
            metavar="FILE",
        ),
    ],
    files: Inputs = None,
    vocab_size: Annotated[
        int,
        typer.Option(
            "--vocab-size", "-v", min=1, help="Tokens in the vocabulary, alphabet and special tokens included."
        ),
    ] = 8000,
    byte_level: Annotated[
        bool,
        typer.Option(
            "--byte-level/--no-byte-level",
            help="Start from the 256 bytes (every text round-trips) or from the corpus's characters.",
        ),
    ] = True,
    min_frequency: Annotated[
        int, typer.Option("--min-frequency", min=0, help="Merge only pairs seen at least this often.")
    ] = 2,
    special_tokens: Annotated[
        str | None,
        typer.Option("--special-tokens", help="Comma-separated tokens never split, e.g. '<s>,</s>'.", metavar="LIST"),
    ] = None,
    max_token_length: Annotated[
        int | None, typer.Option("--max-token-length", min=1, help="No token longer than this many characters.")
    ] = None,
    backend: Annotated[
        Backend, typer.Option("--backend", help="tokenizers (Hugging Face, tokenizer.json) or sentencepiece (.model).")
    ] = Backend.tokenizers,
    character_coverage: Annotated[
        float,
        typer.Option(
            "--character-coverage",
            min=0.5,
            max=1.0,
            help="(sentencepiece) Share of characters kept; the rarest fall back to bytes.",
        ),
    ] = 0.9995,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Train a BPE tokenizer on a corpus (streamed: files or standard input).

    Byte-level BPE (GPT-2's kind) is the default: its alphabet is the 256
    bytes, so any text, in any script, encodes and decodes back exactly.
    """
    specials = [s.strip() for s in (special_tokens or "").split(",") if s.strip()]
    options = TrainOptions(
        vocab_size=vocab_size,
        byte_level=byte_level,
        min_frequency=min_frequency,
        special_tokens=specials,
        max_token_length=max_token_length,
        character_coverage=character_coverage,
        show_progress=wanted(progress, files),
    )
    if backend is Backend.sentencepiece and not byte_level:
        raise UsageError("--no-byte-level is for the tokenizers backend; SentencePiece falls back to bytes by itself")
    target = Path(output)
    if backend is Backend.sentencepiece and target.suffix == ".json":
        raise UsageError(f"{output}: a SentencePiece model is a binary .model file, not JSON; name it e.g. en.model")
    if backend is Backend.tokenizers and target.suffix == ".model":
        raise UsageError(
            f"{output}: a tokenizers model is JSON; name it e.g. tokenizer.json, or add --backend sentencepiece"
        )
    if target.is_dir():
        raise UsageError(f"{output}: is a directory, give a file name")
    with reading(files, encoding, progress=False) as reader:
        if backend is Backend.tokenizers:
            native_files = reader.paths if encoding in (None, "utf-8", "utf8") else None
            tokenizer = train_tokenizers(reader.texts(), options, native_files)
            data, size = tokenizer.to_str(pretty=True).encode("utf-8"), tokenizer.get_vocab_size()
        else:
            data = train_sentencepiece(reader.texts(), options)
            size = vocab_size
    with io.atomic_output(output, binary=True) as f:
        f.write(data)
    kind = "byte-level BPE" if backend is Backend.tokenizers and byte_level else "BPE"
    if size < vocab_size:
        warn(
            f"the corpus supports only {size:,} tokens, fewer than --vocab-size {vocab_size:,}: it is "
            "too small for more merges"
        )
    note(f"trained {kind} ({backend.value}): {size:,} tokens -> {output}")


def _write_lines(out: IO[str], lines: list[str], ended: list[bool]) -> None:
    out.write("".join(line + ("\n" if end else "") for line, end in zip(lines, ended)))


def _line_batches(reader: io.TextReader) -> Iterator[tuple[list[str], list[bool]]]:
    lines = io.exact_lines(reader.texts())
    while batch := list(islice(lines, BATCH)):
        yield [line for line, _ in batch], [end for _, end in batch]


@bpe_app.command(
    epilog="Examples:\n\n"
    "  echo 'Tokens are pieces of words.' | textlab bpe encode -t tokenizer.json\n\n"
    "  textlab bpe encode -t tokenizer.json --ids corpora/wikipedia-en.txt.xz | head -3\n\n"
    "  textlab bpe encode -t tokenizer.json corpus.txt | textlab bpe decode -t tokenizer.json | cmp - corpus.txt",
)
def encode(
    tokenizer: ModelFile,
    files: Inputs = None,
    ids: Ids = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Split text into tokens: one output line per input line, tokens separated by spaces.

    Pieces are written as the model spells them (a byte-level model writes a
    space as Ġ, SentencePiece as ▁), which is what makes `bpe decode` exact.
    """
    model = load_model(tokenizer)
    with reading(files, encoding, progress) as reader, io.atomic_output(output) as out:
        for lines, ended in _line_batches(reader):
            if ids:
                encoded = [" ".join(map(str, row)) for row in model.encode_ids(lines)]
            else:
                encoded = [" ".join(row) for row in model.encode_pieces(lines)]
            _write_lines(out, encoded, ended)


@bpe_app.command(
    epilog="Examples:\n\n"
    "  textlab bpe encode -t tokenizer.json notes.txt | textlab bpe decode -t tokenizer.json\n\n"
    "  echo '464 3797 3332' | textlab bpe decode -t tokenizer.json --ids",
)
def decode(
    tokenizer: ModelFile,
    files: Inputs = None,
    ids: Ids = False,
    output: Output = None,
    encoding: Encoding = None,
    progress: Progress = False,
) -> None:
    """Turn lines of tokens (as `bpe encode` writes them) back into text, exactly."""
    model = load_model(tokenizer)
    number = 0
    with reading(files, encoding, progress) as reader, io.atomic_output(output) as out:
        for lines, ended in _line_batches(reader):
            batch = []
            for line in lines:
                number += 1
                fields = line.split(" ") if line else []
                if ids:
                    try:
                        batch.append([int(f) for f in fields])
                    except ValueError:
                        raise DataError(
                            f"line {number}: expected token ids (whole numbers)", "drop --ids to decode pieces"
                        ) from None
                    if any(not 0 <= i < model.vocab_size for i in batch[-1]):
                        raise DataError(f"line {number}: a token id outside the vocabulary (0-{model.vocab_size - 1})")
                else:
                    batch.append(model.ids_of(fields, number))
            _write_lines(out, model.decode(batch), ended)


def _rows_for_merges(model: BPEModel, top: int | None, raw: bool) -> list[tuple]:
    byte_level = is_byte_level(model)
    show = (lambda p: p) if raw else (lambda p: readable(p, byte_level))
    return [(m.rank, show(m.left), show(m.right), show(m.merged)) for m in merges(model)[:top]]


@bpe_app.command(
    epilog="Examples:\n\n"
    "  textlab bpe inspect -t tokenizer.json --top 10\n\n"
    "  textlab bpe inspect -t tokenizer.json --explain 'the cat sat on the mat'\n\n"
    "  textlab bpe inspect -t tokenizer.json --vocab | tail",
)
def inspect(
    tokenizer: ModelFile,
    top: Top = None,
    explain_text: Annotated[
        str | None, typer.Option("--explain", help="Show how TEXT is split, merge by merge.", metavar="TEXT")
    ] = None,
    vocab: Annotated[bool, typer.Option("--vocab", help="The vocabulary (id, piece) instead of the merges.")] = False,
    raw: Annotated[
        bool, typer.Option("--raw", help="Pieces as the model spells them (Ġ for a space), not made readable.")
    ] = False,
    output: Output = None,
    fmt: FormatOpt = None,
    no_header: NoHeader = False,
) -> None:
    """The merges a BPE model learned, in order (rank, left, right, merged), its vocabulary,
    or how it splits a text step by step.

    Pieces are shown readable: a space as ␣, a newline as ↵, bytes that are
    not a whole character as <0xNN>.
    """
    model = load_model(tokenizer)
    byte_level = is_byte_level(model)
    show = (lambda p: p) if raw else (lambda p: readable(p, byte_level))
    if explain_text is not None:
        steps = explain(model, explain_text)
        rows = [
            (
                s.step,
                "" if s.merge is None else s.merge.rank,
                "" if s.merge is None else f"{show(s.merge.left)} + {show(s.merge.right)}",
                " ".join(show(p) for p in s.pieces),
            )
            for s in steps
        ]
        emit_table(["step", "rank", "merge", "pieces"], rows, fmt=fmt, output=output, header=not no_header)
        return
    if vocab:
        pieces = model.pieces[:top]
        emit_table(
            ["id", "piece"], [(i, show(p)) for i, p in enumerate(pieces)], fmt=fmt, output=output, header=not no_header
        )
        return
    emit_table(
        ["rank", "left", "right", "merged"],
        _rows_for_merges(model, top, raw),
        fmt=fmt,
        output=output,
        header=not no_header,
    )
