"""Training BPE tokenizers on a streamed corpus: Hugging Face ``tokenizers`` or SentencePiece.

Both libraries train from a Python iterator, so textlab feeds them the
text line by line as it reads it (compressed, any encoding, invalid bytes
replaced): nothing but the libraries' own statistics is held in memory.
Lines are given to ``tokenizers`` with their newline, exactly as its
``train(files)`` reads a file, so textlab learns the same merges.

What a line is to each trainer (a line ends at ``\n``; see textlab.bpe.lines):

- tokenizers: the line and its newline; a line longer than ``MAX_PIECE``
  characters goes in pieces cut between words, which hold the same words,
  so the merges are the same. A plain UTF-8 file with such a line is
  streamed rather than read by tokenizers, which would hold the line whole.
- SentencePiece: a sentence, without its newline; blank lines are left
  out, and a line longer than ``SPM_PIECE`` characters goes as several
  sentences, since SentencePiece skips a sentence longer than
  ``max_sentence_length`` bytes. It keeps a sample of ``input_sentence_size``
  sentences (2 million, at most 4 KiB each).

The defaults are those of GPT-2's tokenizer: byte-level BPE, whose base
alphabet is the 256 bytes, so any string, in any script, can be encoded
and decoded back exactly.
"""

from __future__ import annotations

import atexit
import contextlib
import io as _io
import math
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..errors import DataError, EmptyInput, ParameterError
from ..io import plain_utf8_files
from .lines import BATCH_CHARS, MAX_PIECE, batches, pieces

#: The largest vocabulary: more tokens than any tokenizer in use has (GPT-4's has 100k, Gemma's 256k).
#: tokenizers sets up its tables for vocab_size in advance, about 70 bytes a token (1e9 asked for
#: 70 GB and aborted): 2**20 tokens keep that under 100 MB, on any machine.
MAX_VOCAB = 1 << 20
#: No pair is seen this often in a corpus of less than some terabytes: a higher min_frequency is a typo.
MAX_MIN_FREQUENCY = 1 << 40
#: SentencePiece's own limit on a piece's length (max_sentencepiece_length, 1 to 512).
SPM_MAX_TOKEN = 512
#: Lines are given to SentencePiece in pieces of at most this many characters: at most 4 bytes a
#: character, they stay under SPM_MAX_SENTENCE bytes, the longest sentence it keeps (it skips longer ones).
SPM_PIECE = 1024
#: SentencePiece's max_sentence_length, in bytes: set, not left to its default (4192).
SPM_MAX_SENTENCE = 4 * SPM_PIECE


@dataclass
class TrainOptions:
    """What ``textlab bpe train`` asks of either backend; :meth:`check` (run on creation, and
    again by the trainers) refuses values out of range before any work."""

    vocab_size: int = 8000
    byte_level: bool = True
    min_frequency: int = 2
    special_tokens: list[str] = field(default_factory=list)
    max_token_length: int | None = None
    character_coverage: float = 0.9995
    show_progress: bool = False

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        if not 1 <= self.vocab_size <= MAX_VOCAB:
            raise ParameterError(
                "vocab_size",
                f"must be between 1 and {MAX_VOCAB:,}, not {self.vocab_size:,}",
                "no tokenizer in use has more than about 256,000 tokens, and a corpus supports only so many merges",
            )
        if not 0 <= self.min_frequency <= MAX_MIN_FREQUENCY:
            raise ParameterError(
                "min_frequency",
                f"must be between 0 and {MAX_MIN_FREQUENCY:,}, not {self.min_frequency:,}",
                "no pair is seen that often in any corpus",
            )
        if self.max_token_length is not None and not 1 <= self.max_token_length <= MAX_PIECE:
            raise ParameterError(
                "max_token_length",
                f"must be between 1 and {MAX_PIECE:,}, not {self.max_token_length:,}",
                f"lines are cut into pieces of {MAX_PIECE:,} characters, so no token is longer anyway",
            )
        if not (math.isfinite(self.character_coverage) and 0.98 <= self.character_coverage <= 1):
            raise ParameterError(
                "character_coverage",
                f"must be between 0.98 and 1, not {self.character_coverage}",
                "SentencePiece accepts no other value",
            )
        spaced = [t for t in self.special_tokens if not t or any(c.isspace() for c in t)]
        if spaced:
            raise ParameterError(
                "special_tokens",
                f"cannot hold whitespace ({spaced[0]!r})",
                "bpe encode writes tokens separated by spaces, and a token with a space would not decode back",
            )


T = TypeVar("T")


def _interruptible(work: Callable[[], T]) -> T:
    """``work()`` in a thread of its own, while this one waits for it in short, interruptible waits.

    Both trainers run in native code that does not look at signals: Ctrl-C
    (or SIGTERM) would be handled only when training is over, minutes later.
    Waiting here, the main thread raises KeyboardInterrupt at once and the
    command stops (exit 130, no model written), leaving the daemon thread
    to be dropped with the process (see :func:`_end_abandoned`).
    """
    result: list[Any] = []
    failure: list[BaseException] = []
    done = threading.Event()

    def target() -> None:
        try:
            result.append(work())
        except BaseException as e:  # handed to the waiting thread, which raises it
            failure.append(e)
        finally:
            done.set()

    # an Event, not Thread.join: a join that Ctrl-C interrupts marks the thread as stopped while
    # it still runs (CPython 3.11's bpo-45274 handling), and is_alive() would then be wrong
    thread = threading.Thread(target=target, name="textlab-bpe-train", daemon=True)
    try:
        thread.start()
        while not done.wait(0.1):
            pass
    except BaseException as e:
        if not done.is_set():
            _abandoned.append(128 + getattr(e, "signal", signal.SIGINT))
        raise
    if failure:
        raise failure[0]
    return result[0]


#: The exit status (128 + the signal) once a training thread has been left running.
_abandoned: list[int] = []


@atexit.register  # registered early, so it runs late: after the handlers of what is imported later
def _end_abandoned() -> None:
    """End the process here if a training thread still runs, before CPython finalises it.

    Finalising, CPython stops a daemon thread with pthread_exit the next time
    it takes the interpreter lock, unwinding the C++ (SentencePiece) or Rust
    (tokenizers) frames beneath it: "terminate called without an active
    exception", and the process aborts (exit -6) instead of exiting 130. The
    atexit handlers run before that, so ending the process from one is clean;
    everything textlab writes is closed (or removed) by then.
    """
    if _abandoned:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(_abandoned[0])


def _has_long_line(paths: list[str], limit: int) -> bool:
    """Whether a file may have a line longer than ``limit`` bytes, in one fast pass of ``find``.

    A line longer than ``limit`` covers a whole aligned window of ``limit // 2``
    bytes, so a window without a newline is looked for (which also answers
    yes for some lines between half and all of ``limit``: harmless).
    """
    half = limit // 2
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(half * 32):
                for at in range(0, len(block) - half + 1, half):
                    if block.find(b"\n", at, at + half) < 0:
                        return True
    return False


def _lines_for_tokenizers(texts: Iterable[str]) -> Iterator[list[str]]:
    """Batches of lines with their newline, as tokenizers reads a file, long lines cut in pieces:
    the pieces hold the same words (see textlab.bpe.lines), so the same merges are learned."""
    for batch in batches(pieces(texts), lines=1000, chars=BATCH_CHARS):
        yield [text + "\n" if ended else text for text, _, ended in batch]


def _sentences(texts: Iterable[str]) -> Iterator[str]:
    """Lines with text, as SentencePiece's sentences, long ones cut into pieces of SPM_PIECE characters.

    SentencePiece puts a ``▁`` before each sentence (its dummy prefix): a later
    piece cut before a space loses that space, which the prefix gives back,
    so the piece has the same words as in its line.
    """
    for text, first, _ in pieces(texts, limit=SPM_PIECE):
        if not first and text.startswith(" "):
            text = text[1:]
        if text.strip():
            yield text


def train_tokenizers(texts: Iterable[str], options: TrainOptions, files: list[str] | None = None):
    """A ``tokenizers.Tokenizer`` with a BPE model trained on ``texts`` (chunks of text).

    When ``files`` are given and are plain UTF-8 files (checked in one fast
    pass), tokenizers reads them itself, in parallel, which saves the
    hand-over of every line from Python; ``texts`` is then not read. Both
    ways learn the same merges.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

    options.check()
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
        # tokenizers reads a file a whole line at a time: a file with a line too long for that
        # is streamed instead, in pieces
        if plain and not (has_text and _has_long_line(files, MAX_PIECE)):
            if not has_text:
                raise EmptyInput()
            _interruptible(lambda: tokenizer.train(files, trainer=trainer))
            return _check_alphabet(tokenizer, options)
    seen = {"lines": 0}

    def counted() -> Iterator[list[str]]:
        for batch in _lines_for_tokenizers(texts):
            if not seen["lines"]:  # only until the first line with text: the check costs a pass
                seen["lines"] = sum(1 for line in batch if line.strip())
            yield batch

    _interruptible(lambda: tokenizer.train_from_iterator(counted(), trainer=trainer))
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

    options.check()
    if options.max_token_length is not None and options.max_token_length > SPM_MAX_TOKEN:
        raise ParameterError("max_token_length", f"must be at most {SPM_MAX_TOKEN} for SentencePiece (its own limit)")
    seen = {"lines": 0}

    def sentences() -> Iterator[str]:
        for line in _sentences(texts):
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
        max_sentence_length=SPM_MAX_SENTENCE,
        input_sentence_size=2_000_000,  # a sample of lines, as SentencePiece recommends for big corpora
        shuffle_input_sentence=True,
        user_defined_symbols=options.special_tokens,
        minloglevel=0 if options.show_progress else 2,
    )
    if options.max_token_length:
        settings["max_sentencepiece_length"] = options.max_token_length
    try:
        _interruptible(lambda: spm.SentencePieceTrainer.train(**settings))
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
