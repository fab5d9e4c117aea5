"""word2vec training in NumPy: skip-gram and CBOW with negative sampling (Mikolov et al. 2013).

Two matrices of ``vocab x dim`` numbers are learned: ``w_in`` (the word
vectors that are saved) and ``w_out`` (one "output" vector per word). For a
word ``c`` seen near a word ``w``, and ``K`` "negative" words ``n`` drawn at
random, training nudges them so that

    σ(w_in[c] · w_out[w])  -> 1      (they do occur together)
    σ(w_in[c] · w_out[n])  -> 0      (random words do not)

with σ(x) = 1 / (1 + e^-x). The loss of one pair is
``-log σ(u·v) - Σ_n log σ(-u·v_n)``, and its gradient has a simple form:
for each output vector v with label y (1 for the true word, 0 for a
negative), ``g = (y - σ(u·v)) * alpha`` and

    v += g * u          u += Σ g * v   (over the true word and the negatives)

The C tool applies this pair by pair. Here a *mini-batch* of pairs is
computed at once from the same weights (gathers, ``einsum`` dot products),
and the updates of each weight row are summed and added once. Two threads
compute two mini-batches side by side (NumPy releases the GIL); the updates
are then applied in a fixed order, so the same ``--seed`` gives the same
vectors.

What the C tool does, and this code does too: frequent words are
sub-sampled (each occurrence kept with probability
``(sqrt(f / s) + 1) * s / f``, f its frequency, s = ``sample``); the window
is shrunk at random for every centre word (1..window words each side);
negatives are drawn from the unigram distribution raised to 0.75; the
learning rate falls linearly from ``alpha`` to ``alpha * 1e-4``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .corpus import Corpus

#: Pairs per skip-gram mini-batch, and centre words per CBOW mini-batch. The updates of a
#: mini-batch all start from the same weights, so a frequent word's row gets many at once:
#: CBOW (higher learning rate, a whole window per centre) diverged at 4,096 and is stable at 512.
BATCH = 4096
CBOW_BATCH = 512


def batch_sizes(vocab: int) -> tuple[int, int]:
    """Smaller mini-batches for a small vocabulary, whose rows would otherwise each take
    hundreds of stale updates at once (a 12-word toy corpus needs a few pairs a batch)."""
    return min(BATCH, max(8, vocab * 2)), min(CBOW_BATCH, max(4, vocab // 4))
#: Words of the text turned into pairs at a time.
BLOCK = 100_000


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


@dataclass
class Progress:
    """What the progress line shows, handed to a callback about once a second."""

    epoch: int
    epochs: int
    done: float  # share of all training, 0..1
    words_per_second: float
    alpha: float
    loss: float  # average loss per pair since the last report
    eta: float  # seconds


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-np.clip(x, -20, 20)))


# -- the pieces of one epoch ------------------------------------------------------
def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """Chance of keeping each occurrence of a word (1 for rare words): the C tool's sub-sampling."""
    if sample <= 0:
        return np.ones(len(counts))
    threshold = sample * counts.sum()
    counts = np.maximum(counts, 1)
    return np.minimum((np.sqrt(counts / threshold) + 1) * threshold / counts, 1.0)


def noise_distribution(counts: np.ndarray) -> np.ndarray:
    """Cumulative distribution of negatives: the unigram counts raised to 0.75."""
    weights = counts.astype(np.float64) ** 0.75
    return np.cumsum(weights / weights.sum())


def window_pairs(ids: np.ndarray, lines: np.ndarray, reach: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(centre position, context position) for every pair within each centre's shrunk window.

    ``reach[i]`` (1..window) is how far centre i looks each side; no pair
    crosses a line. For ids [a b c] on one line and reach 1: (0,1) (1,0) (1,2) (2,1).
    """
    centres, contexts = [], []
    n = len(ids)
    for d in range(1, window + 1):
        i = np.arange(n - d)
        j = i + d
        same = lines[i] == lines[j]
        right = same & (reach[i] >= d)  # centre i, context to its right
        left = same & (reach[j] >= d)  # centre j, context to its left
        centres += [i[right], j[left]]
        contexts += [j[right], i[left]]
    return np.concatenate(centres), np.concatenate(contexts)


def summed_rows(rows: np.ndarray, updates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Add up the updates that go to the same row: (distinct rows, their summed update).

    >>> r, u = summed_rows(np.array([3, 1, 3]), np.array([[1.0], [2.0], [4.0]]))
    >>> r.tolist(), u.tolist()
    ([1, 3], [[2.0], [5.0]])
    """
    order = np.argsort(rows, kind="stable")
    rows = rows[order]
    first = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    return rows[first], np.add.reduceat(updates[order], first, axis=0)


# -- one mini-batch ---------------------------------------------------------------------
@dataclass
class Update:
    """The summed changes one mini-batch makes, and its loss."""

    in_rows: np.ndarray
    in_delta: np.ndarray
    out_rows: np.ndarray
    out_delta: np.ndarray
    loss: float
    pairs: int


def negative_step(u: np.ndarray, targets: np.ndarray, w_out: np.ndarray, alpha: float) -> tuple:
    """The negative-sampling update for input vectors ``u`` (B x dim) and, per row, the true
    word then K negatives (``targets``, B x (1+K)). Returns (du, output rows, dv, loss sum)."""
    v = w_out[targets]  # B x (1+K) x dim
    score = np.einsum("bd,bkd->bk", u, v)  # u · v
    label = np.zeros_like(score)
    label[:, 0] = 1
    # a negative that happens to be the true word is skipped, as in the C tool
    skip = targets[:, 1:] == targets[:, :1]
    p = sigmoid(score)
    g = (label - p) * alpha  # gradient of log σ(±u·v), times the learning rate
    g[:, 1:][skip] = 0
    loss = -np.log(np.maximum(np.where(label == 1, p, 1 - p), 1e-12))
    loss[:, 1:][skip] = 0
    du = np.einsum("bk,bkd->bd", g, v)  # u += Σ g v
    dv = g[:, :, None] * u[:, None, :]  # v += g u
    return du, targets.ravel(), dv.reshape(-1, u.shape[1]), float(loss.sum())


def skipgram_batch(w_in, w_out, inputs, targets, alpha) -> Update:  # type: ignore[no-untyped-def]
    """Skip-gram: the context word's input vector predicts the centre word (as the C tool)."""
    du, out_rows, dv, loss = negative_step(w_in[inputs], targets, w_out, alpha)
    in_rows, in_delta = summed_rows(inputs, du)
    out_rows, out_delta = summed_rows(out_rows, dv)
    return Update(in_rows, in_delta, out_rows, out_delta, loss, len(inputs))


def cbow_batch(w_in, w_out, context_words, owner, targets, alpha) -> Update:  # type: ignore[no-untyped-def]
    """CBOW: the mean of the context words' input vectors predicts the centre word.

    ``owner[k]`` is the centre (0..B-1) that context word k belongs to; every
    context word of a centre receives that centre's whole input gradient (the
    C tool's cbow_mean).
    """
    b = len(targets)
    sizes = np.bincount(owner, minlength=b).astype(np.float32)
    h = np.zeros((b, w_in.shape[1]), np.float32)
    _segment_sum(h, owner, w_in[context_words])
    h /= np.maximum(sizes, 1)[:, None]
    du, out_rows, dv, loss = negative_step(h, targets, w_out, alpha)
    in_rows, in_delta = summed_rows(context_words, du[owner])
    out_rows, out_delta = summed_rows(out_rows, dv)
    return Update(in_rows, in_delta, out_rows, out_delta, loss, b)


def _segment_sum(out: np.ndarray, owner: np.ndarray, rows: np.ndarray) -> None:
    """out[owner[k]] += rows[k], with ``owner`` sorted (contexts grouped by centre)."""
    if not len(owner):
        return
    starts = np.flatnonzero(np.concatenate([[True], owner[1:] != owner[:-1]]))
    out[owner[starts]] += np.add.reduceat(rows, starts, axis=0)


# -- the training loop --------------------------------------------------------------------
def fit(corpus: Corpus, settings: Settings, report: Callable[[Progress], None] | None = None) -> np.ndarray:
    """Fit word vectors on ``corpus``; returns ``w_in`` (one row per word of ``corpus.words``)."""
    rng = np.random.default_rng(settings.seed)
    vocab, dim = len(corpus.words), settings.dim
    w_in = ((rng.random((vocab, dim), dtype=np.float32) - 0.5) / dim).astype(np.float32)  # as the C tool
    w_out = np.zeros((vocab, dim), np.float32)
    keep = keep_probability(corpus.counts, settings.sample)
    noise = noise_distribution(corpus.counts)
    start_alpha = settings.start_alpha
    total = settings.epochs * corpus.kept_words
    done = 0  # words of the text (before sub-sampling) gone through, over all epochs
    clock, last = time.perf_counter(), time.perf_counter()
    loss_sum, loss_pairs, done_at_last = 0.0, 0, 0
    pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="textlab-w2v")

    def apply(update: Update) -> None:
        w_in[update.in_rows] += update.in_delta
        w_out[update.out_rows] += update.out_delta

    try:
        for epoch in range(settings.epochs):
            for start in range(0, len(corpus.ids), BLOCK):
                ids = corpus.ids[start : start + BLOCK]
                known = ids >= 0
                words_here = int(known.sum())
                kept = known & (rng.random(len(ids)) < keep[np.maximum(ids, 0)])
                block_ids, block_lines = ids[kept], corpus.lines_of(start, start + len(ids))[kept]
                alpha = start_alpha * max(1 - done / (total + 1), 1e-4)
                reach = rng.integers(1, settings.window + 1, len(block_ids))
                centres, contexts = window_pairs(block_ids, block_lines, reach, settings.window)
                if settings.cbow:
                    jobs = _cbow_jobs(w_in, w_out, block_ids, centres, contexts, noise, settings, rng, alpha)
                else:
                    jobs = _skipgram_jobs(w_in, w_out, block_ids, centres, contexts, noise, settings, rng, alpha)
                # two mini-batches at a time on the two cores, applied in order: repeatable
                for k in range(0, len(jobs), 2):
                    futures = [pool.submit(job) for job in jobs[k : k + 2]]
                    for update in [f.result() for f in futures]:  # both computed from the same weights
                        apply(update)
                        loss_sum += update.loss
                        loss_pairs += update.pairs
                done += words_here
                now = time.perf_counter()
                if report is not None and (now - last > 1.0 or done == total):
                    speed = (done - done_at_last) / (now - last)
                    report(Progress(epoch + 1, settings.epochs, done / total, speed, alpha,
                                    loss_sum / max(loss_pairs, 1), (total - done) / max(done / (now - clock), 1)))
                    last, done_at_last, loss_sum, loss_pairs = now, done, 0.0, 0
    finally:
        pool.shutdown()
    return w_in


def _draw_negatives(noise: np.ndarray, shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    return np.minimum(np.searchsorted(noise, rng.random(shape)), len(noise) - 1)


def _skipgram_jobs(w_in, w_out, ids, centres, contexts, noise, settings, rng, alpha) -> list:  # type: ignore[no-untyped-def]
    inputs, outputs = ids[contexts], ids[centres]
    size = batch_sizes(len(w_in))[0]
    jobs = []
    for s in range(0, len(inputs), size):
        targets = np.concatenate(
            [outputs[s : s + size, None], _draw_negatives(noise, (len(outputs[s : s + size]), settings.negative), rng)], axis=1
        )
        jobs.append(lambda i=inputs[s : s + size], t=targets: skipgram_batch(w_in, w_out, i, t, alpha))
    return jobs


def _cbow_jobs(w_in, w_out, ids, centres, contexts, noise, settings, rng, alpha) -> list:  # type: ignore[no-untyped-def]
    order = np.argsort(centres, kind="stable")  # group the contexts of each centre
    centres, contexts = centres[order], contexts[order]
    positions = np.unique(centres)
    size = batch_sizes(len(w_in))[1]
    jobs = []
    for s in range(0, len(positions), size):
        batch = positions[s : s + size]
        lo, hi = np.searchsorted(centres, [batch[0], batch[-1] + 1])
        owner = np.searchsorted(batch, centres[lo:hi])
        targets = np.concatenate([ids[batch][:, None], _draw_negatives(noise, (len(batch), settings.negative), rng)], axis=1)
        jobs.append(lambda c=ids[contexts[lo:hi]], o=owner, t=targets: cbow_batch(w_in, w_out, c, o, t, alpha))
    return jobs
