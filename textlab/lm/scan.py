"""A count table answering a model's first questions by scanning, before its trie is built.

Building the trie of a table of millions of n-grams (:class:`~textlab.lm.trie.Trie`)
sorts and looks up every row: about 1.2 s for the 5.3 million rows of Webster's
orders 1-3. A sample of 40 words asks for 40 contexts. Each is answered exactly by
one pass over one order's rows (a vectorised comparison of 32-bit keys, a few
milliseconds for 3.4 million rows), so `generate -m` can start drawing at once, and
builds the trie only once the scans have cost a good part of what building it
would (the ski-rental rule: never much worse than the better of the two). The
answers are the trie's own, number for number, so the draws do not depend on when
that happens.

Maximum likelihood and add-k need nothing else: a context's continuations and
their counts. Kneser-Ney needs every order's continuation counts, so it always
builds the trie.
"""

from __future__ import annotations

import numpy as np

#: Rows scanned, as a multiple of the table's, before the trie is built instead.
#: Building costs about 230 ns a row and a scan about 2.5 ns a row it passes over, so
#: the break-even point is near 90x. The trie is built sooner, at about a third of it:
#: until then the table itself is held, beside the distributions the generator caches
#: (8 bytes a word of the vocabulary per context). Measured on Webster's 5.3 million
#: rows: at 64x, 3,000 words peaked 170 MB above building at once; at 32x, with the
#: table's order column let go, 78 MB below.
SCANS_PER_BUILD = 32

#: Continuations kept for contexts asked again (a model asks for a context's, then its
#: distribution needs them).
_REMEMBERED = 256

_MIX = np.uint64(0x9E3779B97F4A7C15)  # an odd 64-bit constant (the golden ratio's bits)


class TableScan:
    """The n-grams of ``table`` looked up by scanning; ids are the trie's canonical ones
    (``new_id[table id]``)."""

    def __init__(
        self,
        grams: dict[int, tuple[np.ndarray, np.ndarray]],
        new_id: np.ndarray,
        tokens: int,
        vocab_size: int,
        size: int,
    ) -> None:
        """``grams[k]``: the rows (table ids) and counts of order k >= 2, of a table of
        ``size`` rows and ``tokens`` tokens whose canonical ids are ``new_id``."""
        self.new_id = new_id[:-1]  # table id -> canonical id (the last entry is the padding's)
        self.old_id = np.full(vocab_size, -1, np.int64)  # canonical id -> table id; -1: not in the table
        self.old_id[self.new_id[:tokens]] = np.arange(tokens)
        self.grams = grams
        self._keys: dict[int, np.ndarray] = {}  # order -> each row's key of its first k-1 tokens
        self._known: dict[tuple[int, tuple[int, ...]], tuple[np.ndarray, np.ndarray]] = {}
        self.budget = SCANS_PER_BUILD * max(size, 1)
        self.scanned = 0

    @property
    def spent(self) -> bool:
        """Whether the scans have cost about what building the trie would."""
        return self.scanned >= self.budget

    def continuations(self, k: int, context: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """The last tokens (canonical ids) and counts of the order-k n-grams that continue
        ``context`` (its k-1 canonical ids), in table order; none if the trie would not hold
        ``context`` itself (an n-gram of the table whose own prefixes the table lacks)."""
        key = (k, tuple(context))
        known = self._known.get(key)
        if known is not None:
            return known
        found = self._scan(k, context)
        if found is None or (k > 2 and not self._holds(context)):
            found = np.zeros(0, np.int64), np.zeros(0, np.int64)
        if len(self._known) >= _REMEMBERED:
            self._known.clear()
        self._known[key] = found
        return found

    def _holds(self, context: list[int]) -> bool:
        """Whether ``context`` (2 tokens or more) is an n-gram of the trie: it and each of its
        prefixes down to 2 tokens are rows (a single token always is)."""
        for j in range(2, len(context) + 1):
            last, _ = self.continuations(j, context[: j - 1])
            if not (last == context[j - 1]).any():
                return False
        return True

    def _scan(self, k: int, context: list[int]) -> tuple[np.ndarray, np.ndarray] | None:
        if k not in self.grams:
            return None
        rows, counts = self.grams[k]
        wanted = self.old_id[np.asarray(context, np.int64)]
        if (wanted < 0).any():
            return None  # a token the table never lists: no row can hold it
        keys = self._keys.get(k)
        if keys is None:
            keys = self._keys[k] = _key(rows[:, : k - 1])
        self.scanned += len(rows)
        hit = np.flatnonzero(keys == _key(wanted[None, :])[0])
        hit = hit[(rows[hit, : k - 1] == wanted).all(axis=1)]  # keys may collide: the tokens decide
        return self.new_id[rows[hit, k - 1]], counts[hit]


def positions(mask: np.ndarray) -> slice | np.ndarray:
    """The positions where ``mask`` holds: a slice when they are one run (a table lists
    each order's rows together), which NumPy takes as a view rather than a copy."""
    at = np.flatnonzero(mask)
    if len(at) and at[-1] - at[0] + 1 == len(at):
        return slice(int(at[0]), int(at[-1]) + 1)
    return at


def _key(columns: np.ndarray) -> np.ndarray:
    """One 32-bit key per row of token ids: equal rows, equal keys; unequal rows rarely (a
    scan checks its hits' tokens). 32 bits, not 64: a scan reads half the bytes."""
    key = np.zeros(len(columns), np.uint64)
    with np.errstate(over="ignore"):
        for j in range(columns.shape[1]):
            key = (key ^ columns[:, j].astype(np.uint64)) * _MIX
    return (key >> np.uint64(32)).astype(np.uint32)  # the product's high bits are the well-mixed ones
