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

from ..errors import DataError, UsageError
from ..io import exact_lines

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


def _batches(texts: Iterable[str], with_newline: bool, limit: int, size: int = 1000) -> Iterator[list[str]]:
    batch: list[str] = []
    for line, ended in exact_lines(iter(texts)):
        for piece in _pieces(line, limit):
            batch.append(piece)
        if with_newline and ended:
            batch[-1] += "\n"
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def train_tokenizers(texts: Iterable[str], options: TrainOptions):  # type: ignore[no-untyped-def]
    """A ``tokenizers.Tokenizer`` with a BPE model trained on ``texts`` (chunks of text)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    if options.byte_level:
        alphabet = pre_tokenizers.ByteLevel.alphabet()
        smallest = len(alphabet) + len(options.special_tokens)
        if options.vocab_size < smallest:
            raise UsageError(
                f"--vocab-size {options.vocab_size} is smaller than the byte-level alphabet "
                f"({len(alphabet)} bytes + {len(options.special_tokens)} special tokens): use at least {smallest}"
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
    seen = {"lines": 0}

    def counted() -> Iterator[list[str]]:
        for batch in _batches(texts, with_newline=True, limit=MAX_LINE):
            seen["lines"] += sum(1 for line in batch if line.strip())
            yield batch

    tokenizer.train_from_iterator(counted(), trainer=trainer)
    if seen["lines"] == 0:
        raise DataError("no text to learn from: the corpus is empty")
    if not options.byte_level and options.vocab_size < tokenizer.get_vocab_size():
        raise UsageError(
            f"--vocab-size {options.vocab_size} is smaller than the corpus's alphabet "
            f"({tokenizer.get_vocab_size()} characters and special tokens)"
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
    settings = dict(
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
            raise DataError("no text to learn from: the corpus is empty") from None
        message = str(e).strip().splitlines()[-1] if str(e).strip() else "training failed"
        message = message.split("] ", 1)[-1].split(" Increase vocab_size")[0]  # drop the C++ source location
        if "Vocabulary size" in message or "vocab_size" in message:
            raise UsageError(f"SentencePiece: {message} (choose another --vocab-size)") from None
        raise DataError(f"SentencePiece could not train: {message}") from None
    if seen["lines"] == 0:
        raise DataError("no text to learn from: the corpus is empty")
    return model.getvalue()
