"""N-gram counts as a trie held in sorted NumPy arrays.

Order 1 is indexed by token id. An n-gram of order k > 1 is named by the
pair (index of its first k-1 tokens at order k-1, its last token), packed
into one integer key ``prefix * V + last``; the keys of each order are
sorted, so

* finding an n-gram is a ``searchsorted`` (for a whole batch at once), and
* the continuations of a context are one contiguous slice, because keys
  with the same prefix sit side by side.

For each n-gram we also keep the index of its *suffix* (the n-gram without
its first token, one order down): Kneser-Ney's continuation counts and the
ARPA file's interpolated probabilities both walk that link. Maximum
likelihood and add-k never do, so a trie read from a table for them can go
without (``suffixes=False``): a third of the work of reading it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..counting import workers
from ..errors import DataError
from ..ngrams import NgramTable
from ..sorting import locate, stable_argsort
from ..tokens import CHAR_MARKERS, WORD_MARKERS
from .scan import TableScan, positions


@dataclass
class Level:
    """The n-grams of one order k (k >= 2), sorted by key."""

    keys: np.ndarray  # prefix * V + last, sorted (int64)
    prefix: np.ndarray  # index of the first k-1 tokens at order k-1
    last: np.ndarray  # the last token
    counts: np.ndarray  # raw counts
    suffix: np.ndarray | None  # index of tokens 2..k at order k-1 (None: not looked up)
    starts: np.ndarray  # for each n-gram of order k-1: where its continuations start here (len m_{k-1} + 1)


class Trie:
    """Counts of orders 1..N over ``tokens``; token ids index ``tokens``.

    ``unigram_counts[t]`` is the count of token ``t``; ``levels[k]`` holds
    order k for k = 2..N (``levels[0]`` and ``levels[1]`` are ``None``).
    """

    def __init__(self, table: NgramTable, suffixes: bool = True, lazy: bool = False) -> None:
        """The trie of a count table. An n-gram whose shorter parts the table lacks (a
        hand-made table, say) is left out: its prefix always, its suffix when ``suffixes``
        are looked up, which a smoothing that interpolates needs and counting does not.

        ``lazy``: the levels are built when first used; until then ``scan`` answers
        for them from the table (see :mod:`textlab.lm.scan`)."""
        if lazy and suffixes:
            raise ValueError("a lazy trie answers from scans, which look up no suffixes: suffixes=False")
        orders = np.flatnonzero(np.bincount(table.order)).tolist() if len(table) else []
        if not orders:
            raise DataError("the model is empty: no n-grams to learn from")
        n = max(orders)
        if orders != list(range(1, n + 1)):
            raise DataError(
                f"a model needs every order from 1 to {n}, the table has {orders} "
                f"(count it with boundary markers, every order from 1 to {n})"
            )
        self.unit = table.unit
        self.order = n
        new_id = self._number(table.tokens)
        first = positions(table.order == 1)
        self.unigram_counts = np.bincount(
            new_id[table.rows[first, 0]], weights=table.counts[first], minlength=self.vocab_size
        ).astype(np.int64)
        # each order's rows and counts: views of the table's where its orders are runs, as
        # tables are written (its other arrays, such as the order column, can go)
        grams = {}
        for k in range(2, n + 1):
            at = positions(table.order == k)
            grams[k] = (table.rows[at, :k], table.counts[at])
        self._levels: list[Level | None] | None = None
        self._source: tuple[dict[int, tuple[np.ndarray, np.ndarray]], np.ndarray, bool] | None = (
            grams,
            new_id,
            suffixes,
        )
        self.scan = TableScan(grams, new_id, len(table.tokens), self.vocab_size, len(table)) if lazy else None
        if not lazy:
            self._build()

    @property
    def built(self) -> bool:
        """Whether the levels are there (a lazy trie builds them on first use)."""
        return self._levels is not None

    @property
    def levels(self) -> list[Level | None]:
        """``levels[k]``: the n-grams of order k (k >= 2), built on first use if lazy."""
        if self._levels is None:
            self._build()
        assert self._levels is not None
        return self._levels

    @levels.setter
    def levels(self, levels: list[Level | None]) -> None:
        self._levels = levels

    def _build(self) -> None:
        assert self._source is not None
        grams, new_id, suffixes = self._source
        self._source, self.scan = None, None  # the table is not needed again
        V = self.vocab_size
        levels: list[Level | None] = [None, None]
        self._levels = levels  # filled order by order: each order's lookups go through the one below
        below_keys = np.arange(V, dtype=np.int64)  # order 1: the key is the token id itself
        for k in range(2, self.order + 1):
            rows_k = new_id[grams[k][0]]  # one order at a time: the others' padding is never copied
            counts = grams.pop(k)[1]  # dropped as they are used
            if suffixes:
                later = workers().submit(self._index, rows_k[:, 1:])  # the suffixes, on another core
                prefix = self._index(rows_k[:, : k - 1])
                suffix = later.result()
                keep = (prefix >= 0) & (suffix >= 0)
            else:  # the prefixes alone, half on each core
                half = len(rows_k) // 2
                later = workers().submit(self._index, rows_k[half:, : k - 1])
                prefix = np.concatenate([self._index(rows_k[:half, : k - 1]), later.result()])
                suffix = None
                keep = prefix >= 0
            if not keep.all():  # e.g. a table cut by --min-count: an n-gram needs its shorter parts
                rows_k, counts, prefix = rows_k[keep], counts[keep], prefix[keep]
                suffix = suffix[keep] if suffix is not None else None
            keys = prefix * V + rows_k[:, -1]
            order = stable_argsort(keys)
            keys, prefix, counts = keys[order], prefix[order], counts[order]
            suffix = suffix[order] if suffix is not None else None
            last = rows_k[:, -1][order]
            levels.append(_level(keys, prefix, last, counts, suffix, len(below_keys)))
            below_keys = keys

    def _number(self, tokens: list[str]) -> np.ndarray:
        """Set the canonical token list; the canonical id of each of ``tokens``' ids (and -1 of -1)."""
        new_id, self.tokens = canonical_ids(tokens, self.unit)
        self.bos, self.eos = 0, 1
        self.unk = len(self.tokens) - 1
        self.vocab_size = len(self.tokens)
        return new_id

    @classmethod
    def counted(cls, ids: np.ndarray, ok: np.ndarray, tokens: list[str], unit: str, order: int) -> Trie:
        """The trie of orders 1..``order`` of a token stream, counted straight into its levels:
        the same arrays as ``Trie(table)`` of the stream's count table, without the table.

        ``ids`` index ``tokens`` (markers included); ``ok`` is False at the separators no
        n-gram crosses. Order by order, ``node[p]`` is the index, in the order just built,
        of the n-gram that ends at position p (-1 where none does), so the next order's
        n-grams are just ``node[p - 1] * V + ids[p]``: their keys, counted by one sort::

            ids   <s> the cat </s> | <s> the dog </s>
            k=2        (<s> the) (the cat) (cat </s>) ...   ->  keys, counts, node
            k=3             (<s> the cat) ...               ->  node[p-1] * V + ids[p]

        The n-gram's suffix (its last k-1 tokens) is the previous order's node at the
        same position, its prefix the key // V. Memory: the stream's ids a few times
        over, and the levels themselves; no row of k ids is ever made.
        """
        trie = cls.__new__(cls)
        trie.unit = unit
        trie._source, trie.scan = None, None  # built here, whole
        new_id = trie._number(tokens)
        V = trie.vocab_size
        index_type = np.int32 if len(ids) < 2**31 else np.int64  # positions, and indices of n-grams
        ok = np.asarray(ok, bool)
        ids = new_id.astype(np.int32)[ids]
        trie.unigram_counts = np.bincount(ids[ok], minlength=V).astype(np.int64)
        if not trie.unigram_counts.any():
            raise DataError("the model is empty: no n-grams to learn from")
        trie.levels = [None, None]
        node = np.where(ok, ids, -1).astype(index_type)  # order 1: an n-gram's index is its token id
        below = V
        for _k in range(2, order + 1):
            at = (np.flatnonzero((node[:-1] >= 0) & ok[1:]) + 1).astype(index_type)  # where an n-gram ends
            if not len(at):
                break  # no segment is this long: the model stops an order below
            keys = node[at - 1].astype(np.int64) * V + ids[at]
            by_key = stable_argsort(keys)
            keys, at = keys[by_key], at[by_key]
            del by_key
            new = np.concatenate([[True], keys[1:] != keys[:-1]])
            first = np.flatnonzero(new)
            counts = np.diff(np.append(first, len(keys)))
            suffix = node[at[first]]  # the n-gram without its first token ends here too
            node = np.full(len(ids), -1, index_type)
            node[at] = np.cumsum(new, dtype=index_type) - 1  # each occurrence's n-gram
            del at, new
            keys = keys[first]
            trie.levels.append(_level(keys, keys // V, keys % V, counts.astype(np.int64), suffix, below))
            below = len(keys)
        trie.order = len(trie.levels) - 1
        return trie

    def size(self, k: int) -> int:
        """How many n-grams of order k."""
        return self.vocab_size if k == 1 else len(self.levels[k].keys)  # type: ignore[union-attr]

    def _index(self, rows: np.ndarray) -> np.ndarray:
        """Index of each row of token ids (an n-gram of order rows.shape[1]) in its order, or -1."""
        node = rows[:, 0].copy()
        for j in range(1, rows.shape[1]):
            node = self.child(j + 1, node, rows[:, j])
        return node

    def child(self, k: int, node: np.ndarray, token: np.ndarray) -> np.ndarray:
        """Index at order k of (n-gram ``node`` of order k-1) + ``token``; -1 where absent (or node is -1)."""
        level = self.levels[k]
        assert level is not None
        known = node >= 0
        if known.all():
            return locate(level.keys, node * self.vocab_size + token)
        out = np.full(len(node), -1, np.int64)
        out[known] = locate(level.keys, node[known] * self.vocab_size + token[known])
        return out

    def find(self, context: np.ndarray) -> np.ndarray:
        """Index of each context (rows of token ids, -1 = none) at order ``context.shape[1]``, or -1."""
        if context.shape[1] == 0:
            return np.zeros(len(context), np.int64)
        node = np.where(context[:, 0] >= 0, context[:, 0], -1)
        for j in range(1, context.shape[1]):
            node = self.child(j + 1, node, np.maximum(context[:, j], 0))
            node = np.where(context[:, j] >= 0, node, -1)
        return node

    def find_one(self, context: list[int]) -> int:
        """``find`` for a single context, with scalar searches (a sampling step's hot path)."""
        if not context:
            return 0
        node = context[0]
        V = self.vocab_size
        for j in range(1, len(context)):
            keys = self.levels[j + 1].keys  # type: ignore[union-attr]
            key = node * V + context[j]
            at = int(keys.searchsorted(key))
            if at == len(keys) or keys[at] != key:
                return -1
            node = at
        return node


def canonical_ids(tokens: list[str], unit: str) -> tuple[np.ndarray, list[str]]:
    """A model's token list, and the id in it of each of ``tokens``' ids (and -1 of -1).

    Canonical ids: the markers (<s> 0, </s> 1), then the tokens in text order, then
    <unk>. A model trained on text and one read from its count table are then the same
    arrays, so the same --seed draws the same text from both; and an n-gram's ids in
    order are its place in an ARPA file."""
    markers = CHAR_MARKERS if unit == "char" else WORD_MARKERS
    tokens = list(tokens)
    for m in markers:  # a table without boundary markers still gets their ids
        if m not in tokens:
            tokens.append(m)
    marker_ids = [tokens.index(m) for m in markers]
    rest = sorted(set(range(len(tokens))) - set(marker_ids), key=tokens.__getitem__)
    perm = marker_ids + rest
    new_id = np.empty(len(tokens) + 1, np.int64)
    new_id[perm] = np.arange(len(perm))
    new_id[-1] = -1  # padding stays padding
    return new_id, [tokens[i] for i in perm] + ["<unk>"]


def _level(
    keys: np.ndarray, prefix: np.ndarray, last: np.ndarray, counts: np.ndarray, suffix: np.ndarray | None, below: int
) -> Level:
    """The level of n-grams sorted by ``keys`` over the ``below`` n-grams of the order below.

    ``starts`` follows from the sorted prefixes (how many n-grams each context continues
    into, summed up). The indices (prefix, last, suffix, starts) are kept in 32 bits where
    they fit: they are only ever gathered with, never multiplied, and they are most of a
    model's memory."""
    starts = np.zeros(below + 1, np.int64)
    np.cumsum(np.bincount(prefix, minlength=below), out=starts[1:])

    def narrow(a: np.ndarray) -> np.ndarray:
        return a.astype(np.int32) if not len(a) or (a.min() >= -1 and a.max() < 2**31) else a

    return Level(keys, narrow(prefix), narrow(last), counts, None if suffix is None else narrow(suffix), narrow(starts))
