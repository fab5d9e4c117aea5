"""Text to and from a model's token ids: training, held-out evaluation, rendering.

Training counts every order 1..N in one pass with boundary markers, so a
model knows how segments start and end: segments are lines, or words with
``letters_only`` (the lecture's letter model of words). Held-out text goes
through the very same token stream, then each token id is mapped to the
model's id (``<unk>`` when the model never saw it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..codepoints import CharTable
from ..errors import DataError, ParameterError
from ..ngrams import NgramTable, count_ngrams
from ..spill import RunStore
from ..spilled import SpilledTable
from ..tokens import CHAR_MARKERS, WORD_MARKERS, char_stream, word_stream
from ..vocab import Vocabulary
from .model import LanguageModel
from .trie import Trie

#: The highest order a model is trained to.  A model keeps the counts of every
#: order from 1 to n, and past the first few almost every n-gram is new, so its
#: memory grows with n times the text (measured: order 8 of Tiny Shakespeare,
#: 1 MB, 0.45 GB; order 16, 3.4 GB).  KenLM's default build stops at 6.
MAX_ORDER = 10


def train_table(
    chunks: Iterable[bytes],
    order: int,
    unit: str = "char",
    ignore_case: bool = False,
    letters_only: bool = False,
    blank_lines: bool = False,
) -> NgramTable:
    """Counts of orders 1..max(order, 1), with boundary markers: what a ``LanguageModel`` is built from.
    ``blank_lines`` (words): a line without words is the sentence ``<s> </s>``, as KenLM's
    ``lmplz`` reads it; by default it is skipped (see :func:`check_blank_lines`)."""
    check_blank_lines(unit, blank_lines)
    _check_order(order)
    return count_ngrams(
        chunks,
        unit=unit,
        orders=list(range(1, max(order, 1) + 1)),
        ignore_case=ignore_case,
        letters_only=letters_only,
        boundaries=True,
        blank_lines=blank_lines,
        sort=False,  # a model sorts its n-grams by their tokens: the table's order by count would be undone
    )


#: Bytes a position of the token stream takes while :meth:`Trie.counted` counts it (its ids,
#: the nodes of two orders, one order's keys sorted with their positions): measured about
#: 45 on Webster's words (order 5: 754 MB at the peak for 9 million positions and the levels).
STREAM_BYTES = 48


def train_trie(
    chunks: Iterable[bytes],
    order: int,
    unit: str = "char",
    ignore_case: bool = False,
    letters_only: bool = False,
    blank_lines: bool = False,
    memory: int | None = None,
    store: RunStore | None = None,
) -> Trie | SpilledTable | None:
    """The model's counts from the text: the same trie as ``Trie(train_table(...))``, or
    None if the text holds no token; with a ``store``, counts that pass ``memory`` are
    left in sorted runs there instead, a :class:`~textlab.spilled.SpilledTable` that
    :mod:`textlab.lm.external` estimates a model from.

    Words go through :meth:`Trie.counted`, straight from the token stream, with no table
    of n-gram rows (order 5 of Webster's 5.4 million words: 4.8 s against 14.6 s), while
    the stream fits in ``memory`` bytes at :data:`STREAM_BYTES` a token (default: a quarter
    of the machine's memory); a longer stream is counted as a table, whose memory follows
    the distinct n-grams rather than the text. Characters, a small alphabet, are always
    counted by the table's dense counters, faster."""
    from ..ngrams import count_stream, count_within
    from ..spill import default_budget

    check_blank_lines(unit, blank_lines)
    _check_order(order)
    order = max(order, 1)
    memory = default_budget() if memory is None else memory
    orders = list(range(1, order + 1))
    if unit == "char":
        table = count_within(
            chunks, memory, store, unit=unit, orders=orders, ignore_case=ignore_case, letters_only=letters_only,
            boundaries=True, sort=False, blank_lines=blank_lines,
        )  # fmt: skip
        return _trie_of(table)
    vocab = Vocabulary()
    stream = iter(word_stream(chunks, ignore_case, True, vocab, blank_lines))
    held = memory // STREAM_BYTES
    ids_parts, ok_parts, positions = [], [], 0
    for ids, ok in stream:
        ids_parts.append(np.asarray(ids, np.uint32))  # as the stream makes them: 4 bytes a token
        ok_parts.append(np.ones(len(ids), bool) if ok is None else np.asarray(ok, bool))
        positions += len(ids)
        if positions > held:  # too long to hold: count what was read, then the rest, as a table
            rest = itertools.chain(zip(ids_parts, ok_parts), stream)
            del ids_parts, ok_parts
            return _trie_of(count_stream(rest, orders, vocab, memory, store))
    ids = np.concatenate(ids_parts) if ids_parts else np.empty(0, np.uint32)
    ok = np.concatenate(ok_parts) if ok_parts else np.empty(0, bool)
    del ids_parts, ok_parts
    if not ok.any():
        return None
    return Trie.counted(ids, ok, list(WORD_MARKERS) + vocab.words, unit, order)


def _trie_of(table: NgramTable | SpilledTable) -> Trie | SpilledTable | None:
    """The trie of counts held in memory (None if there are none); counts on disk as they are."""
    if isinstance(table, SpilledTable):
        return table
    return Trie(table) if len(table) else None


def _check_order(order: int) -> None:
    if order > MAX_ORDER:
        raise ParameterError(
            "order",
            f"must be at most {MAX_ORDER} for a language model",
            "it keeps every order below too: order 16 took 3.4 GB on 1 MB of text",
        )


def check_blank_lines(unit: str, blank_lines: bool) -> None:
    """Empty sentences are a word model's: a character model's segments are lines of
    characters, and KenLM reads characters only when a program spaced them out."""
    if blank_lines and unit != "word":
        raise ParameterError("blank_lines", "applies to word models only", "a letter model has no empty sentences")


def model_ids(
    chunks: Iterable[bytes],
    model: LanguageModel,
    ignore_case: bool = False,
    letters_only: bool = False,
    blank_lines: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """A text as the model's token ids, and a mask that is False at separators (no n-gram crosses
    them); ``blank_lines``: a line without words is a sentence, whose </s> is predicted."""
    check_blank_lines(model.trie.unit, blank_lines)
    ids_parts, ok_parts = [], []
    if model.trie.unit == "char":
        table = CharTable(ignore_case)
        stream = char_stream(chunks, ignore_case, letters_only, True, table)
    else:
        vocab = Vocabulary()
        stream = word_stream(chunks, ignore_case, True, vocab, blank_lines)
    for ids, ok in stream:
        ids_parts.append(np.asarray(ids, np.int64))
        ok_parts.append(np.ones(len(ids), bool) if ok is None else np.asarray(ok, bool))
    ids = np.concatenate(ids_parts) if ids_parts else np.empty(0, np.int64)
    ok = np.concatenate(ok_parts) if ok_parts else np.empty(0, bool)
    if model.trie.unit == "char":
        stream_tokens = list(CHAR_MARKERS) + [chr(c) for c in table.chars]
    else:
        stream_tokens = list(WORD_MARKERS) + vocab.words
    lut = np.array([model.bos, model.eos] + [model.index.get(t, model.unk) for t in stream_tokens[2:]], np.int64)
    return lut[ids] if len(ids) else ids, ok


def histories(ids: np.ndarray, ok: np.ndarray, width: int) -> np.ndarray:
    """For every position, the ``width`` tokens before it inside its segment (-1 where there are none)."""
    run = np.cumsum(~ok)  # positions of one segment share a run number
    h = np.full((len(ids), width), -1, np.int64)
    for j in range(width):
        d = width - j  # column j holds the token d places back
        if d >= len(ids):
            continue
        same = (run[d:] == run[:-d]) & ok[:-d]
        h[d:, j] = np.where(same, ids[:-d], -1)
    # a gap (-1) must cut off everything before it too
    for j in range(width - 2, -1, -1):
        h[:, j] = np.where(h[:, j + 1] < 0, -1, h[:, j])
    return h


@dataclass
class Perplexity:
    """KenLM ``query``'s summary: tokens (</s> included), OOVs, perplexity with and without them."""

    tokens: int
    oov: int
    log10_prob: float  # total, OOVs included
    log10_prob_in_vocab: float

    @property
    def perplexity(self) -> float:
        return 10 ** (-self.log10_prob / self.tokens) if self.tokens else math.nan

    @property
    def perplexity_excluding_oov(self) -> float:
        n = self.tokens - self.oov
        return 10 ** (-self.log10_prob_in_vocab / n) if n else math.nan

    @property
    def bits_per_token(self) -> float:
        return -self.log10_prob / self.tokens * math.log2(10) if self.tokens else math.nan


def perplexity(model: LanguageModel, ids: np.ndarray, ok: np.ndarray) -> Perplexity:
    """Perplexity of ``model`` on a token stream from :func:`model_ids` (every token but <s> is predicted)."""
    target = ok & (ids != model.bos)
    if not target.any():
        raise DataError("the held-out text has no tokens to predict")
    width = max(model.order - 1, 0)
    hist = histories(ids, ok, width)[target]
    words = ids[target]
    with np.errstate(divide="ignore"):
        logp = np.log10(model.probabilities(hist, words))
    oov = words == model.unk
    return Perplexity(len(words), int(oov.sum()), float(logp.sum()), float(logp[~oov].sum()))


def of_words(model: LanguageModel) -> bool:
    """True for a letter model whose segments are words (``letters_only``): it never saw a space.

    Its segments then end at word ends, so </s> reads as a space, and a space in a
    start text begins a new segment.
    """
    space = model.index.get(" ")
    return model.trie.unit == "char" and (space is None or model.trie.unigram_counts[space] == 0)


def render(model: LanguageModel, ids: list[int]) -> str:
    """Token ids as text: characters joined, words spaced; </s> becomes a line break (or a space
    between words of a letter model, whose segments are words); <s> disappears."""
    if model.trie.unit == "char":
        end = " " if of_words(model) else "\n"
        return "".join(end if t == model.eos else "" if t == model.bos else model.tokens[t] for t in ids)
    out: list[str] = []
    for t in ids:
        if t == model.eos:
            out.append("\n")
        elif t != model.bos:
            out.append((" " if out and out[-1] != "\n" else "") + model.tokens[t])
    return "".join(out)
