"""word2vec training: epochs over the corpus, mini-batches on worker processes, a falling learning rate.

Each epoch goes through the corpus a block at a time. For a block, the
random choices are drawn (``sampling``): which words sub-sampling keeps,
each centre's window, each centre's negatives. The kept words are cut into
mini-batches of centre words (``batch``), and the mini-batches go in rounds
of one per worker: all of a round's are computed from the same weights, one
on each worker process, then added to the weights in a fixed order
(``crew``), so the same seed and number of workers give the same vectors.

The learning rate falls linearly from ``alpha`` to ``alpha * 1e-4`` over all
epochs, by words of the text gone through (set again before every
round), as in the C tool.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError
from ..machine import cores
from .batch import Batch, Update, cbow_update, skipgram_update
from .corpus import Corpus
from .crew import Crew, can_fork, shared_array
from .sampling import NoiseSampler, keep_probability, window_reach

#: Centre words per mini-batch. Bigger batches spend less time per word in Python, and
#: their updates are staler (all computed from the same weights); ``CAP`` bounds the harm.
BATCH = 1024
#: The most updates' worth one weight row may move per mini-batch (see ``rows``: 16 let bursty
#: words collapse). Skip-gram's is half CBOW's because it starts at twice the C tool's rate (see
#: ``Settings``): a busy row still moves at most 2 x 0.05, as far as 4 x 0.025 let it before,
#: while the rows with one or two updates a batch, most of the vocabulary, learn twice as fast.
#: CBOW with a cap of 2 scored 15.1% against 16.3% with 4 (scripts/bench_word2vec.py).
SKIPGRAM_CAP, CBOW_CAP = 2, 4
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
MAX_WORKERS = 256


@dataclass
class Settings:
    """The C tool's defaults, except that skip-gram is the default mode and starts at the rate
    fastText uses for it, 0.05 (the C tool's is 0.025; both use 0.05 for CBOW).

    Why 0.05. On the benchmark's 5.9 million words (scripts/bench_word2vec.py, seed 1), skip-gram
    scored 13.8% on the analogies at 0.025 and 16.5% at 0.05 (with the cap of 2 above; 16.6%
    with 4). The C tool's rate was set for corpora of billions of words; on millions, the
    sizes a course or a first experiment uses, it leaves the vectors under-trained. A busy row's
    step stays bounded (``SKIPGRAM_CAP``): on the tour's bursty corpus 0.05 with a cap of 4 put
    every neighbour of "moon" at cosine 0.98-0.99; with 2 they are 0.81-0.84.
    """

    dim: int = 100
    window: int = 5
    negative: int = 5
    sample: float = 1e-3
    epochs: int = 5
    alpha: float | None = None  # 0.05 for both modes
    cbow: bool = False
    seed: int = 1
    workers: int | None = None  # processes, and mini-batches computed from the same weights; None: the cores

    @property
    def start_alpha(self) -> float:
        return self.alpha if self.alpha is not None else 0.05

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
        if self.workers is not None and not 1 <= self.workers <= MAX_WORKERS:
            raise ParameterError("workers", f"must be between 1 and {MAX_WORKERS}")
        if self.seed < 0:
            raise ParameterError("seed", "must be 0 or more")
        if self.alpha is not None and not 0 < self.alpha < 10:
            raise ParameterError(
                "alpha", "must be a positive number below 10", "0.05 is the default, 0.025 the C tool's for skip-gram"
            )
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


def fit(
    corpus: Corpus, settings: Settings, report: Callable[[Progress], None] | None = None, processes: bool = True
) -> np.ndarray:
    """Fit word vectors on ``corpus``; returns ``w_in`` (one row per word of ``corpus.words``).

    ``settings.workers`` batches are computed per round from the same weights, on as many
    processes (``crew``); with ``processes=False``, or where processes cannot be forked, one
    process computes them one after another: the same vectors, bit for bit, more slowly.
    """
    rng = np.random.default_rng(settings.seed)
    vocab, dim = len(corpus.words), settings.dim
    workers = settings.workers or cores()
    forked = processes and workers > 1 and can_fork()
    # Input vectors start uniform in ±1/dim (gensim's range; the C tool's is ±0.5/dim), output vectors at 0.
    # Made in place, where the workers will change them: a temporary of the matrix's size would stay
    # in the heap for the whole run (blocks this big are not given back), about 40 MB at 49,000 x 100.
    make = shared_array if forked else np.zeros
    w_in, w_out = make((vocab, dim), np.float32), make((vocab, dim), np.float32)
    rng.random(out=w_in, dtype=np.float32)
    w_in *= 2
    w_in -= 1
    w_in /= np.float32(dim)
    losses = shared_array((workers, 2), np.float64) if forked else np.zeros((workers, 2))
    meter = _Meter(settings.epochs, settings.epochs * corpus.kept_words, report)
    size = batch_size(vocab)  # the most rows an update has: every target, every window word
    most = size * (1 + settings.negative), size + 2 * settings.window
    mailboxes = [_Mailbox(*most, dim) for _ in range(workers)] if forked else []
    noise = NoiseSampler(corpus.counts)
    plan = _Plan(corpus, settings, workers, size, w_in, w_out, losses, rng, report is not None, mailboxes, noise)
    with Crew(workers if forked else 1) as crew:
        crew.start(lambda worker: plan.train(crew, [worker]))
        plan.train(crew, [0] if forked else list(range(workers)), meter)
        crew.finish()
    return w_in


@dataclass
class _Plan:
    """What every worker knows: the corpus, the settings, the weights and its random choices.

    Each process goes through the same blocks with its own copy of the same
    seeded generator, so all draw the same sub-sampling, windows and
    negatives (drawing a block costs about 1% of training it); in each round
    of ``workers`` mini-batches, a process computes the ones of its workers.
    """

    corpus: Corpus
    settings: Settings
    workers: int  # mini-batches per round
    batch: int  # centre words per mini-batch
    w_in: np.ndarray
    w_out: np.ndarray
    losses: np.ndarray  # per worker: (loss, pairs) so far, for the progress line
    rng: np.random.Generator
    loss: bool  # compute the loss (only the progress line shows it)
    mailboxes: list[_Mailbox]  # one per worker process; none when one process computes every share
    noise: NoiseSampler  # made before the workers are forked: its 4 MB table is shared, not copied

    def train(self, crew: Crew, mine: list[int], meter: _Meter | None = None) -> None:
        """Go through every round, computing the batches of the workers in ``mine``.

        Alone (one process computing every worker's batch), each round's updates are
        added in batch order. In a crew, each worker leaves its update in its shared
        mailbox, and once all are computed each applies every update to its own
        share of the weight rows, in batch order: each row is changed by one process
        only, in the same order as alone, so the vectors are the same.
        """
        s, corpus = self.settings, self.corpus
        update = cbow_update if s.cbow else skipgram_update
        cap = CBOW_CAP if s.cbow else SKIPGRAM_CAP
        size, noise = self.batch, self.noise
        mailboxes = self.mailboxes
        total = s.epochs * corpus.kept_words
        done = 0  # words of the text gone through, over all epochs, before this block
        alpha = s.start_alpha
        for epoch in range(s.epochs):
            for batches, words in _blocks(corpus, s, size, noise, self.rng):
                for k in range(0, len(batches), self.workers):
                    # the same rate for the whole round, from the words gone through before it
                    alpha = s.start_alpha * max(1 - (done + words * k / len(batches)) / total, 1e-4)
                    ours = [batches[k + i] for i in mine if k + i < len(batches)]
                    room = mailboxes[mine[0]].room() if mailboxes else None  # a crew: one batch, into the mailbox
                    updates = [update(self.w_in, self.w_out, b, alpha, cap, self.loss, room) for b in ours]
                    for u in updates:  # the loss this process saw: the parent shows the sum of all workers'
                        self.losses[mine[0]] += (u.loss, u.pairs)
                    if not mailboxes:
                        self._apply(updates, 0, len(self.w_in))
                        continue
                    worker = mine[0]
                    if updates:
                        mailboxes[worker].put(updates[0])
                    crew.barrier(worker)  # every update of the round is computed (from the same weights)
                    everyone = [mailboxes[i].get() for i in range(min(self.workers, len(batches) - k))]
                    self._apply(everyone, *_share(everyone[0].out_rows, worker, crew.size, len(self.w_in)))
                    crew.barrier(worker)  # and applied: the next round may read the weights
                done += words
                if meter is not None:
                    meter.advance(epoch, done, alpha, self.losses)

    def _apply(self, updates: list[Update], low: int, high: int) -> None:
        """Add the updates' rows ``low`` to ``high`` in order: ``matrix[rows] += delta`` (rows distinct, sorted)."""
        whole = low == 0 and high == len(self.w_in)
        for u in updates:
            for matrix, rows, delta in ((self.w_in, u.in_rows, u.in_delta), (self.w_out, u.out_rows, u.out_delta)):
                if not whole:
                    a, b = np.searchsorted(rows, [low, high])
                    rows, delta = rows[a:b], delta[a:b]
                # np.take gathers, and np.put of whole rows as single items scatters, faster than
                # matrix[rows] (0.87x the time of the apply, measured on 4,500 rows)
                new = np.take(matrix, rows, axis=0)
                new += delta
                np.put(_as_items(matrix), rows, _as_items(new))


def _as_items(matrix: np.ndarray) -> np.ndarray:
    """A C-contiguous matrix seen as a vector of its rows, each one opaque item."""
    return matrix.view(np.dtype((np.void, matrix.shape[1] * matrix.itemsize))).ravel()


def _share(rows: np.ndarray, worker: int, workers: int, vocab: int) -> tuple[int, int]:
    """The weight rows ``worker`` applies: cut where the first update's output rows (the biggest
    part of the work) are cut in equal parts, so every worker has about as many to change."""
    inner = [rows[len(rows) * i // workers] if len(rows) else vocab * i // workers for i in range(1, workers)]
    cuts = [0, *(int(c) for c in inner), vocab]
    return cuts[worker], max(cuts[worker], cuts[worker + 1])


class _Mailbox:
    """One worker's update, in shared memory, for every worker to apply its rows of.

    The worker computes its update straight into it (``room``, handed to the update
    functions): copying it in afterwards took 3% of a worker's time. It is rewritten
    only after the round's second barrier, once every worker has applied it."""

    def __init__(self, rows: int, in_rows: int, dim: int) -> None:
        self.sizes = shared_array((2,), np.int64)
        # word ids are int32 (the corpus's), sums float32 (the weights'): applied alone, the same sums
        self.in_rows, self.in_delta = shared_array((in_rows,), np.int32), shared_array((in_rows, dim), np.float32)
        self.out_rows, self.out_delta = shared_array((rows,), np.int32), shared_array((rows, dim), np.float32)

    def room(self) -> Update:
        return Update(self.in_rows, self.in_delta, self.out_rows, self.out_delta, 0, 0)

    def put(self, u: Update) -> None:
        """Post an update computed into ``room()``: only its sizes are written."""
        assert np.may_share_memory(u.out_delta, self.out_delta) and np.may_share_memory(u.in_delta, self.in_delta)
        self.sizes[:] = len(u.in_rows), len(u.out_rows)

    def get(self) -> Update:
        n_in, n_out = (int(n) for n in self.sizes)
        return Update(self.in_rows[:n_in], self.in_delta[:n_in], self.out_rows[:n_out], self.out_delta[:n_out], 0, 0)


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
        lines = np.concatenate([np.full(w, -1, lines.dtype), lines, np.full(w, -1, lines.dtype)])
        batches = [
            Batch(words[s : s + m + 2 * w], lines[s : s + m + 2 * w], reach[s : s + m], negatives[s : s + m])
            for s in range(0, len(reach), size)
            for m in [min(size, len(reach) - s)]
        ]
        yield batches, int(known.sum())


class _Meter:
    """Words done, and the progress report about once a second."""

    def __init__(self, epochs: int, total: int, report: Callable[[Progress], None] | None):
        self.epochs, self.total, self.report = epochs, total, report
        self.done = 0  # words of the text (before sub-sampling) gone through, over all epochs
        self.clock = self.last = time.perf_counter()
        self.done_at_last, self.loss_at_last = 0, np.zeros(2)

    def advance(self, epoch: int, done: int, alpha: float, losses: np.ndarray) -> None:
        """After a block: ``done`` words gone through so far; ``losses``, every worker's (loss, pairs) so far."""
        self.done = done
        now = time.perf_counter()
        if self.report is None or not (now - self.last > 1.0 or self.done == self.total):
            return
        speed = (self.done - self.done_at_last) / (now - self.last)
        total = losses.sum(axis=0)
        loss, pairs = total - self.loss_at_last
        eta = (self.total - self.done) / max(self.done / (now - self.clock), 1)
        self.report(
            Progress(
                epoch + 1,
                self.epochs,
                self.done / self.total,
                self.total,
                speed,
                alpha,
                loss / max(pairs, 1),
                eta,
            )
        )
        self.last, self.done_at_last, self.loss_at_last = now, self.done, total
