"""Drawing tokens from a model: temperature, top-k, top-p, a seeded generator.

The loop is sequential by nature (each token is the next one's context), so
it is a Python loop per *generated* token; everything inside a step is a
NumPy vector over the vocabulary, and the sampling table of each context is
computed once and cached, so 10,000 characters take a fraction of a second.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import UsageError
from .model import LanguageModel


@dataclass(frozen=True)
class Sampler:
    """How a distribution is turned into a draw.

    temperature 0 always takes the most probable token (ties: the lowest id,
    so it is deterministic); 1 keeps the model's distribution; higher
    flattens it (p ** (1/T), renormalised). ``top_k`` keeps the k most
    probable tokens, ``top_p`` the smallest set whose probability reaches p
    (nucleus sampling); both apply after the temperature.
    """

    temperature: float = 1.0
    top_k: int | None = None
    top_p: float | None = None

    def __post_init__(self) -> None:
        if self.temperature < 0:
            raise UsageError("--temperature must be 0 or more")
        if self.top_k is not None and self.top_k < 1:
            raise UsageError("--top-k must be at least 1")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise UsageError("--top-p must be in (0, 1]")

    def reshape(self, p: np.ndarray) -> np.ndarray:
        """The distribution actually sampled from."""
        if self.temperature == 0:
            q = np.zeros_like(p)
            q[int(np.argmax(p))] = 1.0
            return q
        q = p.astype(float)
        if self.temperature != 1:
            with np.errstate(divide="ignore"):
                logits = np.log(q) / self.temperature
            q = np.exp(logits - logits.max())
        if self.top_k is not None and self.top_k < np.count_nonzero(q):
            keep = np.argsort(-q, kind="stable")[: self.top_k]  # ties: the lower id
            kept = np.zeros_like(q)
            kept[keep] = q[keep]
            q = kept
        if self.top_p is not None:
            order = np.argsort(-q, kind="stable")
            cum = np.cumsum(q[order]) / q.sum()
            q_sorted = np.where(np.arange(len(q)) <= np.searchsorted(cum, self.top_p), q[order], 0.0)
            q = np.empty_like(q)
            q[order] = q_sorted
        return q / q.sum()


class Generator:
    """Draw token ids from ``model`` with ``sampler``; ``seed`` makes it repeatable."""

    def __init__(self, model: LanguageModel, sampler: Sampler, seed: int | None = None) -> None:
        self.model = model
        self.sampler = sampler
        self.rng = np.random.default_rng(seed)
        self._cdf: dict[tuple[int, ...], np.ndarray] = {}

    def _table(self, context: tuple[int, ...]) -> np.ndarray:
        cdf = self._cdf.get(context)
        if cdf is None:
            q = self.sampler.reshape(self.model.distribution(list(context)))
            cdf = np.cumsum(q)
            if len(self._cdf) > 200_000:  # bound the cache on long runs over big vocabularies
                self._cdf.clear()
            self._cdf[context] = cdf
        return cdf

    def backoffs(self) -> list[tuple[tuple[int, ...], int]]:
        """(context, order used) for each context drawn from that was unseen at the full order."""
        out = []
        for context in self._cdf:
            used = self.model.context_order(list(context))
            if used < min(self.model.order, len(context) + 1):
                out.append((context, used))
        return out

    def draw(self, history: list[int], length: int, stop: Callable[[int], bool] | None = None) -> list[int]:
        """``length`` new token ids continuing ``history`` (fewer if ``stop(token)`` says so)."""
        n = self.model.order
        hist = list(history)
        out: list[int] = []
        for _ in range(length):
            context = tuple(hist[max(len(hist) - (n - 1), 0) :]) if n > 1 else ()
            cdf = self._table(context)
            token = int(np.searchsorted(cdf, self.rng.random() * cdf[-1], side="right"))
            token = min(token, len(cdf) - 1)
            out.append(token)
            if stop is not None and stop(token):
                break
            if token == self.model.eos:
                hist = [self.model.bos]  # a segment ended: the next one starts afresh, as in training
            else:
                hist.append(token)
        return out
