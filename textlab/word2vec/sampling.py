"""The random choices word2vec makes: which words to keep, how far each window reaches, which negatives.

All three are drawn for a whole block of text at once, on the main thread,
from one seeded generator: the same ``--seed`` gives the same draws.
"""

from __future__ import annotations

import numpy as np


def keep_probability(counts: np.ndarray, sample: float) -> np.ndarray:
    """Chance of keeping each occurrence of a word: the C tool's sub-sampling of frequent words.

    A word of frequency f is kept with probability ``(sqrt(f / s) + 1) * s / f``
    (s = ``sample``): 1 for rare words, about 0.1 for "the" in English at s = 1e-3.
    """
    if sample <= 0:
        return np.ones(len(counts), np.float32)
    threshold = sample * counts.sum()
    counts = np.maximum(counts, 1)
    return np.minimum((np.sqrt(counts / threshold) + 1) * threshold / counts, 1.0).astype(np.float32)


def window_reach(rng: np.random.Generator, n: int, window: int) -> np.ndarray:
    """How many words each centre looks at on either side: 1..window, uniformly (the C tool's shrunk window)."""
    return rng.integers(1, window + 1, n, dtype=np.int8)


class NoiseSampler:
    """Negative words, drawn from the unigram counts raised to 0.75 (Mikolov et al. 2013).

    Drawing word i with probability ``p[i]`` is a search in the cumulative
    sums of p. ``np.searchsorted`` pays a binary search per draw; here a guide
    table remembers, for each of ``2**20`` equal slices of [0, 1), the first
    word whose cumulative sum reaches it. A draw starts there and steps forward
    while the cumulative sum is still below it: as many steps as words share
    that slice, at most a handful. The result is exact (no rounding of the
    distribution into a table, as the C tool does).
    """

    SLICES = 1 << 20

    def __init__(self, counts: np.ndarray, power: float = 0.75):
        weights = counts.astype(np.float64) ** power
        self.cumulative = np.cumsum(weights / weights.sum())
        self.cumulative[-1] = 1.0  # no draw may fall past the last word
        self.guide = np.searchsorted(self.cumulative, np.arange(self.SLICES) / self.SLICES, side="right").astype(
            np.int32
        )
        # the most steps a draw can need: words whose cumulative sum ends inside one slice
        ends = np.searchsorted(self.cumulative, (np.arange(self.SLICES) + 1) / self.SLICES, side="right")
        self.steps = int((ends - self.guide).max())

    #: Draws made at a time: the uniforms and their slices are 16 bytes a draw, a block's
    #: 650,000 draws would hold 10 MB at once in every worker.
    CHUNK = 1 << 16

    def draw(self, rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
        words = np.empty(int(np.prod(shape)), np.int32)
        for start in range(0, len(words), self.CHUNK):  # the same numbers as one big draw
            u = rng.random(min(self.CHUNK, len(words) - start))
            chunk = self.guide[(u * self.SLICES).astype(np.int64)]
            for _ in range(self.steps):
                chunk += self.cumulative[chunk] <= u  # step past words whose share ends before u
            words[start : start + len(chunk)] = chunk
        return words.reshape(shape)
