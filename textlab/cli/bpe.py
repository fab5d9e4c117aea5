"""``textlab bpe train | encode | decode | inspect``: byte-pair-encoding tokenizers."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from .. import io
from ..bpe.inspect import MAX_EXPLAIN, explain, is_byte_level, merges, readable
from ..bpe.model import BPEModel, Encoded, decode_lines, encode_lines, load_model
from ..bpe.train import TrainOptions, train_sentencepiece, train_tokenizers
from ..errors import UsageError
from .app import command_app
from .options import Encoding, FormatOpt, Inputs, NoHeader, Output, Progress, Top, output_file
from .output import emit_table, note, reading, warn
from .progress import wanted

app = command_app()  # this module's commands; textlab.cli.app loads it when one of them runs

bpe_app = command_app(
    help="Byte-pair-encoding tokenizers: train one on a corpus, encode and decode text, look inside.",
    no_args_is_help=True,
)
app.add_typer(bpe_app, name="bpe")


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
    "  textlab corpus en | textlab bpe train --vocab-size 2000 -o tokenizer.json\n\n"
    "  textlab wiki dump eswiki.xml.bz2 | textlab bpe train --vocab-size 16000 -o es.json\n\n"
    "  textlab corpus en | textlab bpe train --backend sentencepiece --vocab-size 2000 -o en.model",
)
def train(
    output: Annotated[str, output_file("The model file to write (tokenizer.json, or .model).")],
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
            min=0.98,
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
    A line longer than 65,536 characters (1,024 for SentencePiece, which
    skips longer sentences) is learned from in pieces cut between words.
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


@bpe_app.command(
    epilog="Examples:\n\n"
    "  echo 'Tokens are pieces of words.' | textlab bpe encode -t tokenizer.json\n\n"
    "  textlab corpus en | textlab bpe encode -t tokenizer.json --ids | head -3\n\n"
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
    A line is the text up to a newline (a CR before it is part of the line);
    one longer than 65,536 characters is encoded in pieces cut between words,
    and its tokens are all written on its output line.
    """
    model = load_model(tokenizer)
    seen = Encoded()
    with reading(files, encoding, progress) as reader, io.atomic_output(output) as out:
        for chunk in encode_lines(model, reader.texts(), ids, seen):
            out.write(chunk)
    if seen.unknown:
        unk = model.pieces[model.unk_id] if model.unk_id is not None else "<unk>"
        warn(
            f"{seen.unknown:,} {unk} token(s) written: {tokenizer} has no token for those characters, and "
            "decoding cannot give them back (a byte-level model, or SentencePiece with byte fallback, has none)"
        )


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
    """Turn lines of tokens (as `bpe encode` writes them) back into text, exactly.

    A line is a newline-ended line of tokens separated by single spaces; each
    gives one line of text.
    """
    model = load_model(tokenizer)
    with reading(files, encoding, progress) as reader, io.atomic_output(output) as out:
        for chunk in decode_lines(model, reader.texts(), ids):
            out.write(chunk)


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
        if len(explain_text) > MAX_EXPLAIN:
            raise UsageError(
                f"--explain takes at most {MAX_EXPLAIN:,} characters, not {len(explain_text):,}: "
                "its table has a row for every merge, each with all the pieces",
                "for a long text use bpe encode",
            )
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
