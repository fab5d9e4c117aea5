"""word2vec training: epochs over the corpus, mini-batches on two threads, a falling learning rate.

Each epoch goes through the corpus a block at a time. For a block, the
random choices are drawn (``sampling``): which words sub-sampling keeps,
each centre's window, each centre's negatives. The kept words are cut into
mini-batches of centre words (``batch``), and two mini-batches at a time are
computed from the same weights, one on each core (NumPy releases the GIL
inside its loops and matrix products). Their updates are then added to the
weights in a fixed order, each core taking half of the rows, so the same
``--seed`` gives the same vectors.

The learning rate falls linearly from ``alpha`` to ``alpha * 1e-4`` over all
epochs, by words of the text gone through (set again before every pair of
mini-batches), as in the C tool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from .batch import Batch, Update, cbow_update, skipgram_update
from .corpus import Corpus
from .sampling import NoiseSampler, keep_probability, window_reach

#: Centre words per mini-batch. Bigger batches spend less time per word in Python, and
#: their updates are staler (all computed from the same weights); ``CAP`` bounds the harm.
BATCH = 1024
#: The most updates' worth one weight row may move per mini-batch (see ``rows``: 16 let bursty words collapse).
CAP = 4
#: Words of the text whose random choices are drawn at a time (about 6 MB of arrays).
BLOCK = 1 << 17


def batch_size(vocab: int) -> int:
    """Smaller mini-batches for a tiny vocabulary, whose every row would be in every batch."""
    return min(BATCH, max(4, vocab // 4))


#: Bounds on the settings, checked before the corpus is read: beyond them a run is
#: a mistake (a typo's extra zeros) that would otherwise fail deep in training.
MAX_DIM = 10_000
MAX_WINDOW = 100
MAX_NEGATIVE = 100
MAX_EPOCHS = 10_000


@dataclass
class Settings:
    """The C tool's defaults, except that skip-gram is the default mode."""

    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-3
    epochs: int = 5
    alpha: float | None = None  # 0.025 for skip-gram, 0.05 for CBOW
    cbow: bool = False
    seed: int = 1

    @property
    def start_alpha(self) -> float:
        return self.alpha if self.alpha is not None else (0.05 if self.cbow else 0.025)

    def check(self) -> None:
        """One clear line for a setting that cannot train (the comparisons also refuse nan)."""
        if self.dim < 1:
            raise ParameterError("dim", "must be at least 1", "100 is the usual")
        if self.dim > MAX_DIM:
            raise ParameterError("dim", f"must be at most {MAX_DIM}", "300 is already a big model")
        if not 1 <= self.window <= MAX_WINDOW:
            # reaches are drawn as int8; a window of 100 already spans a paragraph
            raise ParameterError("window", f"must be between 1 and {MAX_WINDOW}", "5 is the usual")
        if not 1 <= self.negative <= MAX_NEGATIVE:
            raise ParameterError(
                "negative", f"must be between 1 and {MAX_NEGATIVE}", "5 is the usual; textlab trains with negatives"
            )
        if not 1 <= self.epochs <= MAX_EPOCHS:
            raise ParameterError("epochs", f"must be between 1 and {MAX_EPOCHS}")
        if self.seed < 0:
            raise ParameterError("seed", "must be 0 or more")
        if self.alpha is not None and not 0 < self.alpha < 10:
            raise ParameterError("alpha", "must be a positive number", "0.025 is the usual, 0.05 for CBOW")
        if not 0 <= self.sample < 1:
            raise ParameterError("sample", "must be 0 (no sub-sampling) or a small positive number such as 1e-3")


@dataclass
class Progress:
    """What the progress line shows, handed to a callback about once a second."""

    epoch: int
    epochs: int
    done: float  # share of all training, 0..1
    total: int  # words to go through, over all epochs
    words_per_second: float
    alpha: float
    loss: float  # average loss per pair since the last report
    eta: float  # seconds


def fit(corpus: Corpus, settings: Settings, report: Callable[[Progress], None] | None = None) -> np.ndarray:
    """Fit word vectors on ``corpus``; returns ``w_in`` (one row per word of ``corpus.words``)."""
    rng = np.random.default_rng(settings.seed)
    vocab, dim = len(corpus.words), settings.dim
    # Input vectors start uniform in ±1/dim (gensim's range; the C tool's is ±0.5/dim), output vectors at 0.
    w_in = (rng.random((vocab, dim), dtype=np.float32) * 2 - 1) / np.float32(dim)
    w_out = np.zeros((vocab, dim), np.float32)
    update = cbow_update if settings.cbow else skipgram_update
    size = batch_size(vocab)
    noise = NoiseSampler(corpus.counts)
    total = settings.epochs * corpus.kept_words
    meter = _Meter(settings.epochs, total, report)
    loss = report is not None
    alpha = settings.start_alpha
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="textlab-w2v") as helper:
        for epoch in range(settings.epochs):
            for batches, words in _blocks(corpus, settings, size, noise, rng):
                for k in range(0, len(batches), 2):
                    done = meter.done + words * k / len(batches)  # words gone through, before this step
                    alpha = settings.start_alpha * max(1 - done / total, 1e-4)
                    meter.add_loss(*_step(helper, update, w_in, w_out, batches[k : k + 2], alpha, loss))
                meter.advance(epoch, words, alpha)
    return w_in


def _blocks(
    corpus: Corpus, settings: Settings, size: int, noise: NoiseSampler, rng: np.random.Generator
) -> Iterator[tuple[list[Batch], int]]:
    """Each block of the text as mini-batches, with its random choices drawn; and its number of words."""
    keep = keep_probability(corpus.counts, settings.sample)
    w = settings.window
    for start in range(0, len(corpus.ids), BLOCK):
        ids = corpus.ids[start : start + BLOCK]
        known = ids >= 0  # words below --min-count are dropped before windows are drawn
        kept = np.flatnonzero(known & (rng.random(len(ids), dtype=np.float32) < keep[np.maximum(ids, 0)]))
        words, lines = ids[kept], corpus.lines_of(start + kept)
        reach = window_reach(rng, len(words), w)
        negatives = noise.draw(rng, (len(words), settings.negative))
        # pad each end with `window` words on line -1, so every centre has a full window
        words = np.concatenate([np.zeros(w, np.int32), words, np.zeros(w, np.int32)])
        lines = np.concatenate([np.full(w, -1), lines, np.full(w, -1)])
        batches = [
            Batch(words[s : s + m + 2 * w], lines[s : s + m + 2 * w], reach[s : s + m], negatives[s : s + m])
            for s in range(0, len(reach), size)
            for m in [min(size, len(reach) - s)]
        ]
        yield batches, int(known.sum())


def _step(
    helper: ThreadPoolExecutor,
    update: Callable[..., Update],
    w_in: np.ndarray,
    w_out: np.ndarray,
    batches: list[Batch],
    alpha: float,
    loss: bool,
) -> tuple[float, int]:
    """Two mini-batches computed from the same weights, the second on the helper thread, then
    applied in order. Returns their loss and number of pairs (the updates are freed on return)."""
    pending = [helper.submit(update, w_in, w_out, b, alpha, CAP, loss) for b in batches[1:]]
    updates = [update(w_in, w_out, batches[0], alpha, CAP, loss)] + [p.result() for p in pending]
    _apply(helper, w_in, w_out, updates)
    return sum(u.loss for u in updates), sum(u.pairs for u in updates)


def _apply(helper: ThreadPoolExecutor, w_in: np.ndarray, w_out: np.ndarray, updates: list[Update]) -> None:
    """Add the updates in order; the helper thread takes the rows below the middle, this thread the rest.

    Each row is changed by one thread only, and by the updates in their order: repeatable.
    """
    rows = updates[0].out_rows  # the bigger share of the work: split it in two
    middle = int(rows[len(rows) // 2]) if len(rows) else 0

    def add(low: int, high: int) -> None:
        for u in updates:
            for matrix, rows, delta in ((w_in, u.in_rows, u.in_delta), (w_out, u.out_rows, u.out_delta)):
                a, b = np.searchsorted(rows, [low, high])
                # matrix[rows] += delta, the rows being distinct; np.take gathers faster than matrix[rows]
                matrix[rows[a:b]] = np.take(matrix, rows[a:b], axis=0) + delta[a:b]

    lower = helper.submit(add, 0, middle)
    add(middle, len(w_in))
    lower.result()


class _Meter:
    """Words done, and the progress report about once a second."""

    def __init__(self, epochs: int, total: int, report: Callable[[Progress], None] | None):
        self.epochs, self.total, self.report = epochs, total, report
        self.done = 0  # words of the text (before sub-sampling) gone through, over all epochs
        self.clock = self.last = time.perf_counter()
        self.done_at_last, self.loss, self.pairs = 0, 0.0, 0

    def add_loss(self, loss: float, pairs: int) -> None:
        self.loss += loss
        self.pairs += pairs

    def advance(self, epoch: int, words: int, alpha: float) -> None:
        self.done += words
        now = time.perf_counter()
        if self.report is None or not (now - self.last > 1.0 or self.done == self.total):
            return
        speed = (self.done - self.done_at_last) / (now - self.last)
        eta = (self.total - self.done) / max(self.done / (now - self.clock), 1)
        self.report(
            Progress(
                epoch + 1,
                self.epochs,
                self.done / self.total,
                self.total,
                speed,
                alpha,
                self.loss / max(self.pairs, 1),
                eta,
            )
        )
        self.last, self.done_at_last, self.loss, self.pairs = now, self.done, 0.0, 0
