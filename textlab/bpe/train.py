"""Training BPE tokenizers on a streamed corpus: Hugging Face ``tokenizers`` or SentencePiece.

Both libraries train from a Python iterator, so textlab feeds them the
text line by line as it reads it (compressed, any encoding, invalid bytes
replaced): nothing but the libraries' own statistics is held in memory.
Lines are given to ``tokenizers`` with their newline, exactly as its
``train(files)`` reads a file, so textlab learns the same merges.

The defaults are those of GPT-2's tokenizer: byte-level BPE, whose base
alphabet is the 256 bytes, so any string, in any script, can be encoded
and decoded back exactly.
"""

from __future__ import annotations

import io as _io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError, EmptyInput, ParameterError
from ..io import plain_utf8_files

#: Lines longer than this are cut at a space: a corpus that is one huge line (text8) still streams.
MAX_LINE = 1 << 20
#: SentencePiece skips sentences longer than this many bytes (its max_sentence_length).
SPM_MAX_SENTENCE = 4096


@dataclass
class TrainOptions:
    """What ``textlab bpe train`` asks of either backend."""

    vocab_size: int = 8000
    byte_level: bool = True
    min_frequency: int = 2
    special_tokens: list[str] = field(default_factory=list)
    max_token_length: int | None = None
    character_coverage: float = 0.9995
    show_progress: bool = False


def _pieces(line: str, limit: int) -> Iterator[str]:
    """``line`` cut before a space into pieces of at most about ``limit`` characters."""
    while len(line) > limit:
        cut = line.rfind(" ", 1, limit)
        cut = cut if cut > 0 else limit
        yield line[:cut]
        line = line[cut:]
    yield line


def _cut(line: str, limit: int, end: str) -> list[str]:
    pieces = list(_pieces(line, limit))
    pieces[-1] += end  # the newline goes after the last piece only
    return pieces


def _batches(texts: Iterable[str], with_newline: bool, limit: int, size: int = 1000) -> Iterator[list[str]]:
    """Lists of ``size`` lines (with their newline, as tokenizers reads a file, if ``with_newline``).

    The work per line is one string concatenation; lines longer than
    ``limit`` (rare) are cut before a space.
    """
    end = "\n" if with_newline else ""
    rest = ""
    for text in texts:
        lines = (rest + text).split("\n")
        rest = lines.pop()
        if max(map(len, lines), default=0) > limit:
            lines = [piece for line in lines for piece in _cut(line, limit, end)]
        elif end:
            lines = [line + end for line in lines]
        for at in range(0, len(lines), size):
            yield lines[at : at + size]
    if rest:
        yield list(_pieces(rest, limit))


def train_tokenizers(texts: Iterable[str], options: TrainOptions, files: list[str] | None = None):
    """A ``tokenizers.Tokenizer`` with a BPE model trained on ``texts`` (chunks of text).

    When ``files`` are given and are plain UTF-8 files (checked in one fast
    pass), tokenizers reads them itself, in parallel, which saves the
    hand-over of every line from Python; ``texts`` is then not read. Both
    ways learn the same merges.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    if options.byte_level:
        alphabet = pre_tokenizers.ByteLevel.alphabet()
        smallest = len(alphabet) + len(options.special_tokens)
        if options.vocab_size < smallest:
            raise ParameterError(
                "vocab_size",
                f"{options.vocab_size} is smaller than the byte-level alphabet "
                f"({len(alphabet)} bytes + {len(options.special_tokens)} special tokens): use at least {smallest}",
            )
        tokenizer = Tokenizer(models.BPE())
        tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tokenizer.decoder = decoders.ByteLevel()
    else:
        alphabet = []
        unk = "<unk>"
        tokenizer = Tokenizer(models.BPE(unk_token=unk))
        tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
        tokenizer.decoder = decoders.Metaspace()
        if unk not in options.special_tokens:
            options.special_tokens = [unk, *options.special_tokens]
    trainer = trainers.BpeTrainer(
        vocab_size=options.vocab_size,
        min_frequency=options.min_frequency,
        special_tokens=options.special_tokens,
        initial_alphabet=alphabet,
        max_token_length=options.max_token_length,
        show_progress=options.show_progress,
    )
    if files:
        plain, has_text = plain_utf8_files(files)
        if plain:
            if not has_text:
                raise EmptyInput()
            tokenizer.train(files, trainer=trainer)
            return _check_alphabet(tokenizer, options)
    seen = {"lines": 0}

    def counted() -> Iterator[list[str]]:
        for batch in _batches(texts, with_newline=True, limit=MAX_LINE):
            if not seen["lines"]:  # only until the first line with text: the check costs a pass
                seen["lines"] = sum(1 for line in batch if line.strip())
            yield batch

    tokenizer.train_from_iterator(counted(), trainer=trainer)
    if seen["lines"] == 0:
        raise EmptyInput()
    return _check_alphabet(tokenizer, options)


def _check_alphabet(tokenizer, options: TrainOptions):
    if not options.byte_level and options.vocab_size < tokenizer.get_vocab_size():
        raise ParameterError(
            "vocab_size",
            f"{options.vocab_size} is smaller than the corpus's alphabet "
            f"({tokenizer.get_vocab_size()} characters and special tokens)",
        )
    return tokenizer


def train_sentencepiece(texts: Iterable[str], options: TrainOptions) -> bytes:
    """A SentencePiece BPE model trained on ``texts``, as the bytes of its ``.model`` file.

    Normalisation is off (``identity``) and spaces are kept as they are, so
    decoding gives back the text; characters outside ``character_coverage``
    fall back to their bytes instead of ``<unk>``.
    """
    import sentencepiece as spm

    seen = {"lines": 0}

    def sentences() -> Iterator[str]:
        for batch in _batches(texts, with_newline=False, limit=SPM_MAX_SENTENCE // 4):
            for line in batch:
                if line.strip():
                    seen["lines"] += 1
                    yield line

    model = _io.BytesIO()
    settings: dict[str, Any] = dict(
        sentence_iterator=sentences(),
        model_writer=model,
        model_type="bpe",
        vocab_size=options.vocab_size,
        character_coverage=options.character_coverage,
        byte_fallback=True,
        normalization_rule_name="identity",
        remove_extra_whitespaces=False,
        input_sentence_size=2_000_000,  # a sample of lines, as SentencePiece recommends for big corpora
        shuffle_input_sentence=True,
        user_defined_symbols=options.special_tokens,
        minloglevel=0 if options.show_progress else 2,
    )
    if options.max_token_length:
        settings["max_sentencepiece_length"] = options.max_token_length
    try:
        spm.SentencePieceTrainer.train(**settings)
    except RuntimeError as e:
        if seen["lines"] == 0:
            raise EmptyInput() from None
        message = str(e).strip().splitlines()[-1] if str(e).strip() else "training failed"
        message = message.split("] ", 1)[-1].split(" Increase vocab_size")[0]  # drop the C++ source location
        if "Vocabulary size" in message or "vocab_size" in message:
            raise ParameterError("vocab_size", f"does not suit this corpus: SentencePiece says {message}") from None
        raise DataError(f"SentencePiece could not train: {message}") from None
    if seen["lines"] == 0:
        raise EmptyInput()
    return model.getvalue()
