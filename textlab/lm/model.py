"""Smoothed n-gram language models: maximum likelihood, add-k, interpolated modified Kneser-Ney.

Every smoothing here has the same shape. For a context h (the previous
k-1 tokens) and a next token w,

    p_k(w | h) = u_k(h, w) + gamma_k(h) * base(w | h)

where ``u_k`` is the discounted (or plain) relative frequency of the n-gram
h w and ``gamma_k(h)`` the probability mass set aside for everything else:

* ``mle``: u = c(h w) / c(h), gamma = 0 — the lecture's counting model;
  a token never seen after h has probability 0.
* ``add-k``: u = c(h w) / (c(h) + kV), gamma = kV / (c(h) + kV), base =
  uniform 1/V — i.e. p = (c + k) / (c(h) + kV), Laplace for k = 1.
* ``kn``: interpolated modified Kneser-Ney as KenLM estimates it (Chen and
  Goodman 1998; Heafield et al. 2013): u = (a - D(a)) / sum a, where ``a``
  is the raw count at the highest order and, below it, the *continuation
  count* (how many different tokens precede the n-gram; raw counts for
  n-grams that start with <s>), with three discounts D1, D2, D3+ per order
  from the counts of counts; gamma = (D1 n1 + D2 n2 + D3 n3+) / sum a, and
  base = the model one order down (uniform 1/V below order 1).

Where a context was never seen, every smoothing backs off to the longest
shorter context that was (``p_k = p_{k-1}``): never a crash, never an empty
distribution. V counts every token but <s> (which is never predicted),
<unk> included.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import ParameterError, UsageError
from ..ngrams import NgramTable
from .trie import Trie

SMOOTHINGS = ("mle", "add-k", "kn")


def kn_discounts(adjusted: np.ndarray) -> np.ndarray:
    """D1, D2, D3+ from the adjusted counts of one order (see :func:`discounts_of`)."""
    return discounts_of(counts_of_counts(adjusted))


def counts_of_counts(adjusted: np.ndarray) -> np.ndarray:
    """t1..t4: how many n-grams have an adjusted count of 1, 2, 3 and 4 (they add up over parts)."""
    return np.array([np.count_nonzero(adjusted == j) for j in range(1, 5)], np.int64)


def discounts_of(counts_of_counts: np.ndarray) -> np.ndarray:
    """D1, D2, D3+ from the counts of counts t1..t4 (Chen and Goodman's estimate, as KenLM).

    Falls back to 0.5, 1, 1.5 when the counts of counts are too few to
    estimate them (a tiny corpus), where KenLM would refuse to build.
    """
    t = np.asarray(counts_of_counts, float)
    if (t == 0).any():
        return np.array([0.5, 1.0, 1.5])
    y = t[0] / (t[0] + 2 * t[1])
    d = np.array([1 - 2 * y * t[1] / t[0], 2 - 3 * y * t[2] / t[1], 3 - 4 * y * t[3] / t[2]])
    if not np.all((d > 0) & (d < np.array([1, 2, 3]))):
        return np.array([0.5, 1.0, 1.5])
    return d


def kn_order(
    a: np.ndarray, contexts: np.ndarray, n_contexts: int, d: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kneser-Ney's u of each n-gram and gamma and total of each context, from the n-grams'
    adjusted counts ``a`` (float), their contexts' indices and the order's discounts ``d``.

    The sums run through each context's n-grams in order (``np.bincount``), so the n-grams
    of a context given here together, in the same order, give the same bits however the
    order is cut into parts: the in-memory model and the one estimated from disk agree."""
    total = np.bincount(contexts, weights=a, minlength=n_contexts)
    safe = np.where(total > 0, total, 1.0)
    bucket = np.minimum(a, 3).astype(np.int64)  # 0, 1, 2, 3+
    discount = np.concatenate([[0.0], d])[bucket]
    u = np.maximum(a - discount, 0) / safe[contexts]
    mass = np.bincount(contexts, weights=discount * (a > 0), minlength=n_contexts)
    return u, mass / safe, total


def predictable(unigram_counts: np.ndarray, bos: int, eos: int, unk: int) -> np.ndarray:
    """Which tokens a model predicts (V is their number): those seen, </s> and <unk>, never <s>."""
    mask = unigram_counts > 0
    mask[[eos, unk]] = True
    mask[bos] = False
    return mask


@dataclass
class OrderParams:
    """u for every n-gram of one order, gamma and the total for every context one order down."""

    u: np.ndarray
    gamma: np.ndarray
    total: np.ndarray
    discounts: np.ndarray = field(default_factory=lambda: np.zeros(3))


class LanguageModel:
    """An n-gram model of order N >= 1 over a ``Trie`` of counts (order 0: uniform).

    >>> from textlab.ngrams import count_ngrams
    >>> table = count_ngrams([b"abab abba\\n"], orders=[1, 2], boundaries=True)
    >>> lm = LanguageModel(table, order=2, smoothing="mle")
    >>> round(float(lm.distribution(lm.ids("a"))[lm.tokens.index("b")]), 3)  # a: 3 times b, once the line's end
    0.75
    """

    def __init__(
        self, table: NgramTable | Trie, order: int | None = None, smoothing: str = "kn", k: float = 1.0
    ) -> None:
        if smoothing not in SMOOTHINGS:
            raise UsageError(f"unknown smoothing {smoothing!r}: use one of {', '.join(SMOOTHINGS)}")
        if not 0 < k < math.inf:  # nan fails both comparisons
            raise ParameterError("k", "must be a positive finite number", "1 is Laplace's, 0.01 a light touch")
        self.trie = table if isinstance(table, Trie) else Trie(table)  # a trie is only read: models may share one
        self.order = self.trie.order if order is None else order
        if self.order > self.trie.order:
            raise ParameterError("order", f"{self.order} is more than the model's order {self.trie.order}")
        if self.order < 0:
            raise ParameterError("order", "must be 0 or more")
        self.smoothing = smoothing
        self.k = k
        self.tokens = self.trie.tokens
        self.vocab_size = self.trie.vocab_size
        self.bos, self.eos, self.unk = self.trie.bos, self.trie.eos, self.trie.unk
        # text -> id for real tokens; a literal '$' in the text is not the end marker '$'
        self.index = dict(zip(self.tokens[2:], range(2, len(self.tokens))))  # the markers are ids 0 and 1
        self.predictable = predictable(self.trie.unigram_counts, self.bos, self.eos, self.unk)
        self.V = int(self.predictable.sum())
        if smoothing == "kn" and not self.trie.built:
            raise ValueError("Kneser-Ney needs every order's counts: a trie built whole (lazy=False)")
        self._params: list[OrderParams | None] = [None] * (self.order + 1)
        if self.order >= 1:
            self._params[1] = self._estimate(1)  # no trie level needed
        if self.trie.built:
            self.params  # noqa: B018 - every order estimated now, as the trie is there

    @property
    def params(self) -> list[OrderParams | None]:
        """Each order's parameters (``params[k]``, k >= 1), estimated on first use."""
        for j in range(2, self.order + 1):
            if self._params[j] is None:
                self._params[j] = self._estimate(j)
        return self._params

    def _scanning(self) -> bool:
        """Whether a context is best answered from the table by a scan (see :mod:`textlab.lm.scan`):
        the trie is not built yet, and the scans so far cost less than building it."""
        scan = self.trie.scan
        return scan is not None and not scan.spent

    # -- estimation ----------------------------------------------------------
    def _counts(self, k: int) -> np.ndarray:
        """The counts u is computed from at order k (adjusted counts below the top order for KN)."""
        trie = self.trie
        raw = trie.unigram_counts if k == 1 else trie.levels[k].counts  # type: ignore[union-attr]
        if self.smoothing != "kn" or k == self.order:
            counts = raw.astype(float)
        else:
            # continuation count: how many distinct tokens precede this n-gram
            suffix = trie.levels[k + 1].suffix  # type: ignore[union-attr]
            if suffix is None:
                raise ValueError("Kneser-Ney needs a trie with its suffixes: Trie(table, suffixes=True)")
            counts = np.bincount(suffix, minlength=len(raw)).astype(float)
            starts_with_bos = self._first_token(k) == self.bos
            counts[starts_with_bos] = raw[starts_with_bos]  # nothing precedes <s>: keep its raw count
        if k == 1:
            counts = counts.copy()
            counts[self.bos] = 0  # <s> is a context, never a prediction
        return counts

    def _first_token(self, k: int) -> np.ndarray:
        node = np.arange(self.trie.size(k))
        for j in range(k, 1, -1):
            node = self.trie.levels[j].prefix[node]  # type: ignore[union-attr]
        return node

    def _estimate(self, k: int) -> OrderParams:
        trie = self.trie
        a = self._counts(k)
        if k == 1:
            contexts = np.zeros(len(a), np.int64)  # one context: the empty one
            n_contexts = 1
        else:
            contexts = trie.levels[k].prefix  # type: ignore[union-attr]
            n_contexts = trie.size(k - 1)
        if self.smoothing != "kn":
            total = np.bincount(contexts, weights=a, minlength=n_contexts)
            return OrderParams(*self._plain(a, np.where(total > 0, total, 1.0), contexts), total)
        d = kn_discounts(a[a > 0])
        return OrderParams(*kn_order(a, contexts, n_contexts, d), d)

    def _plain(self, a: np.ndarray, safe: np.ndarray, contexts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Maximum likelihood's or add-k's u of each count ``a`` and gamma of each context,
        from the contexts' totals (``safe``: 1 where a total is 0) and each count's context.
        One formula for the trie's every context and a scan's one, so both give the same bits."""
        if self.smoothing == "mle":
            return a / safe[contexts], np.zeros(len(safe))
        denom = safe + self.k * self.V
        return a / denom[contexts], self.k * self.V / denom

    # -- queries ---------------------------------------------------------------
    def ids(self, text_tokens: str | list[str]) -> list[int]:
        """Token ids of a context (characters of a string, or a list of words); unknown -> <unk>."""
        return [self.index.get(t, self.unk) for t in text_tokens]

    def context_order(self, history: list[int]) -> int:
        """The order actually used for this history: 1 + the longest suffix seen as a context."""
        for k in range(self.order, 1, -1):
            if k - 1 > len(history):
                continue
            context = history[len(history) - (k - 1) :]
            if self._scanning():
                if self.trie.scan.continuations(k, context)[1].sum() > 0:  # type: ignore[union-attr]
                    return k
                continue
            node = self.trie.find_one(context)
            if node >= 0 and self.params[k].total[node] > 0:  # type: ignore[union-attr]
                return k
        return min(self.order, 1)

    def distribution(self, history: list[int]) -> np.ndarray:
        """P(next token | history) for every token id (a vector summing to 1 over tokens but <unk>)."""
        V = self.vocab_size
        if self.order == 0:
            p = self.predictable.astype(float)
            p[self.unk] = 0
            return p / p.sum()
        # Maximum likelihood and add-k use only the longest seen context;
        # Kneser-Ney interpolates every order from 1 up to it.
        top = self.context_order(history)
        first = 1 if self.smoothing == "kn" else top
        p = np.where(self.predictable, 1.0 / self.V, 0.0)
        for k in range(first, top + 1):
            context = history[len(history) - (k - 1) :] if k > 1 else []
            if k == 1:
                par = self._params[1]
                assert par is not None
                last, u, gamma = np.arange(V), par.u, par.gamma[0]
            elif self._scanning():
                last, u, gamma = self._scanned(k, context)
            else:
                par = self.params[k]
                level = self.trie.levels[k]
                assert par is not None and level is not None
                node = self.trie.find_one(context)
                lo, hi = int(level.starts[node]), int(level.starts[node + 1])
                last, u, gamma = level.last[lo:hi], par.u[lo:hi], par.gamma[node]
            base = self._base(p, gamma)
            base[last] += u
            p = base
        p[self.unk] = 0  # never generate <unk>; its mass is spread back by renormalising
        return p / p.sum()

    def _scanned(self, k: int, context: list[int]) -> tuple[np.ndarray, np.ndarray, float]:
        """What ``_estimate(k)`` gives the n-grams after ``context`` (last tokens, u, gamma),
        computed from its continuations alone, by the same formula (``_plain``)."""
        assert self.trie.scan is not None and self.smoothing != "kn"
        last, raw = self.trie.scan.continuations(k, context)
        a = raw.astype(float)
        total = a.sum()
        u, gamma = self._plain(a, np.array([total if total > 0 else 1.0]), np.zeros(len(a), np.intp))
        return last, u, float(gamma[0])

    def _base(self, lower: np.ndarray, gamma: float) -> np.ndarray:
        if self.smoothing == "kn":
            return gamma * lower
        if self.smoothing == "add-k":
            return np.where(self.predictable, gamma / self.V, 0.0)
        return np.zeros_like(lower)

    def probabilities(self, history: np.ndarray, words: np.ndarray) -> np.ndarray:
        """P(words[i] | history[i]) for a batch; ``history`` has N-1 columns, -1 where there is none.

        Vectorised over the batch: one ``searchsorted`` per order and context length.
        """
        m = len(words)
        if self.order == 0:
            return np.full(m, 1.0 / self.V)  # uniform over V, like the floor of every other order
        p = np.full(m, 1.0 / self.V)
        width = history.shape[1]
        for k in range(1, self.order + 1):
            par = self.params[k]
            assert par is not None
            if k == 1:
                u = par.u[words]
                gamma = np.full(m, par.gamma[0])
                seen = np.full(m, par.total[0] > 0)
            else:
                node = self.trie.find(history[:, width - (k - 1) :])
                seen = node >= 0
                seen[seen] = par.total[node[seen]] > 0
                entry = self.trie.child(k, np.where(seen, node, -1), words)
                u = np.where(entry >= 0, par.u[np.maximum(entry, 0)], 0.0)
                gamma = np.where(seen, par.gamma[np.maximum(node, 0)], 0.0)
            if self.smoothing == "kn":
                new = u + gamma * p
            elif self.smoothing == "add-k":
                new = u + gamma / self.V
            else:
                new = u
            p = np.where(seen, new, p)
        return p
