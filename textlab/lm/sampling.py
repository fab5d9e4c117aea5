"""Drawing tokens from a model: temperature, top-k, top-p, a seeded generator.

The loop is sequential by nature (each token is the next one's context), so
it is a Python loop per *generated* token; everything inside a step is a
NumPy vector over the vocabulary, and the sampling table of each context is
computed once and cached, so 10,000 characters take a fraction of a second.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from ..errors import ParameterError, UsageError
from .model import LanguageModel

#: Memory the generator may keep in distributions of contexts already seen.
CACHE_BYTES = 256 << 20


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
        if not 0 <= self.temperature < math.inf:  # nan fails both comparisons
            raise ParameterError("temperature", "must be a finite number, 0 or more", "0 = greedy, 1 = the model")
        if self.top_k is not None and self.top_k < 1:
            raise ParameterError("top_k", "must be at least 1")
        if self.top_p is not None and not 0 < self.top_p <= 1:
            raise ParameterError("top_p", "must be in (0, 1]")

    def reshape(self, p: np.ndarray) -> np.ndarray:
        """The distribution actually sampled from."""
        if self.temperature == 0:
            q = np.zeros_like(p)
            q[int(np.argmax(p))] = 1.0
            return q
        q = p.astype(float)
        if self.temperature != 1:
            # p ** (1/T) as exp((log p - log p_max) / T): the most probable token gets exp(0) = 1,
            # so a tiny T (1e-308) overflows only to exp(-inf) = 0, never to inf / inf
            with np.errstate(divide="ignore", over="ignore"):
                logq = np.log(q)
                q = np.exp((logq - logq.max()) / self.temperature)
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


def alphabet_mask(model: LanguageModel, letters: list[str] | None, word_ends: bool) -> np.ndarray | None:
    """Which token ids a draw may take: the ``letters`` the model knows, the space (in a model of
    lines), and the end marker only when ``word_ends`` (whole words from a letter model).

    ``letters=None`` means every token, except at order 0, where there are no
    frequencies to say what the language's letters are: there it means the
    letters that make up at least 1 in 10,000 letters of the training text
    (a-z on English text, without the odd é or Greek letter).

    >>> from textlab.ngrams import count_ngrams
    >>> m = LanguageModel(count_ngrams([b"ab, ba\\n"], orders=[1], boundaries=True), order=1, smoothing="mle")
    >>> [m.tokens[i] for i in np.flatnonzero(alphabet_mask(m, ["a", "b"], word_ends=False))]
    [' ', 'a', 'b']
    """
    counts = model.trie.unigram_counts
    if letters is None:
        if model.order > 0:
            return None
        known = set(model.index.values())  # not the markers, even where a marker is spelt like a letter
        is_letter = np.array([t.isalpha() and i in known for i, t in enumerate(model.tokens)])
        share = np.where(is_letter, counts, 0) / max(int(np.where(is_letter, counts, 0).sum()), 1)
        mask = is_letter & (share >= 1e-4)
    else:
        mask = np.zeros(len(model.tokens), bool)
        mask[[model.index[c] for c in letters if c in model.index]] = True
    if not mask.any():
        raise UsageError("none of the alphabet's letters occur in the text")
    space = model.index.get(" ")
    if space is not None and counts[space] > 0:
        mask[space] = True
    mask[model.eos] = word_ends
    return mask


class Generator:
    """Draw token ids from ``model`` with ``sampler``; ``seed`` makes it repeatable.

    The random stream is seeded by the seed *and* the model's order, so models of
    different orders drawn with one seed never share a stream (nor, by chance of
    the first draws, a prefix), while the same seed and order repeat exactly.
    ``allowed`` (see :func:`alphabet_mask`) restricts the draws to some tokens,
    the distribution renormalised over them.
    """

    def __init__(
        self, model: LanguageModel, sampler: Sampler, seed: int | None = None, allowed: np.ndarray | None = None
    ) -> None:
        self.model = model
        self.sampler = sampler
        self.rng = np.random.default_rng(None if seed is None else [seed, model.order])
        self.allowed = allowed
        self._cdf: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()  # least recently used first

    def _table(self, context: tuple[int, ...]) -> np.ndarray:
        cdf = self._cdf.get(context)
        if cdf is not None:
            self._cdf.move_to_end(context)
        else:
            p = self.model.distribution(list(context))
            if self.allowed is not None:
                p = np.where(self.allowed, p, 0.0)
                # a context seen only before tokens outside the alphabet: any allowed token, alike
                p = p / p.sum() if p.sum() > 0 else self.allowed / self.allowed.sum()
            q = self.sampler.reshape(p)
            cdf = np.cumsum(q)
            # bound the cache by memory, not by contexts: a word model's cdf is 8 bytes a word of
            # its vocabulary, so 200,000 of them over 30,000 words would be 48 GB; the contexts
            # used least recently go first (the frequent ones, Zipf's head, stay)
            while self._cdf and (len(self._cdf) + 1) * len(cdf) * 8 > CACHE_BYTES:
                self._cdf.popitem(last=False)
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
        return list(self.stream(history, length, stop))

    def stream(self, history: list[int], length: int, stop: Callable[[int], bool] | None = None) -> Iterator[int]:
        """The tokens of :meth:`draw`, one at a time as they are drawn: a sample of a
        hundred million tokens is written as it goes, never held whole."""
        n = self.model.order
        hist = list(history[max(len(history) - (n - 1), 0) :]) if n > 1 else []
        for _ in range(length):
            context = tuple(hist[max(len(hist) - (n - 1), 0) :]) if n > 1 else ()
            cdf = self._table(context)
            token = int(np.searchsorted(cdf, self.rng.random() * cdf[-1], side="right"))
            token = min(token, len(cdf) - 1)
            yield token
            if stop is not None and stop(token):
                return
            if token == self.model.eos:
                hist = [self.model.bos]  # a segment ended: the next one starts afresh, as in training
            elif n > 1:
                hist.append(token)
                if len(hist) > n - 1:
                    del hist[0]  # only the last n - 1 tokens are context: the history stays small
