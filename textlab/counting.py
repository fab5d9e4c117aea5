"""Counting n-grams of integer ids with NumPy, in bounded memory.

Every n-gram counter in textlab (letters, character and word n-grams) works
the same way: tokens become small integer ids, each window of ``n`` ids is
packed into one 64-bit key, and the keys are counted by sorting:

    ids  [3, 1, 3, 1, 2]        n = 2, 2 bits per id
    keys [3<<2|1, 1<<2|3, 3<<2|1, 1<<2|2] = [13, 7, 13, 6]
    sort [6, 7, 13, 13]  ->  {6: 1, 7: 1, 13: 2}

Chunks are counted one by one and their (key, count) tables merged, so
memory follows the number of distinct n-grams, not the size of the input.
When ``n`` ids do not fit in 64 bits the windows are compared as raw bytes
(a NumPy void dtype): slower, same answer.
"""

from __future__ import annotations

import numpy as np


def sum_by_key(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge duplicate keys, adding their counts.

    >>> k, c = sum_by_key(np.array([5, 2, 5]), np.array([1, 1, 3]))
    >>> k.tolist(), c.tolist()
    ([2, 5], [1, 4])
    """
    if len(keys) == 0:
        return keys, counts
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[first], np.add.reduceat(counts[order], first)


class NgramCounter:
    """Count the n-grams of a stream of integer ids fed in pieces.

    Parameters
    ----------
    n:
        The n-gram order (1 for unigrams).

    ``update(ids, ok)`` adds a piece of the stream; ``ok`` (optional, boolean)
    marks positions allowed inside an n-gram, so an n-gram never spans a
    position where ``ok`` is False (a space between words, say). Windows that
    straddle two pieces are counted: the last ``n - 1`` ids are carried over.
    Call ``cut()`` where the stream must not be joined (a new document).
    """

    def __init__(self, n: int) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        self.n = n
        self._bits = 1
        self._void = False
        self._keys = np.empty(0, np.uint64)
        self._counts = np.empty(0, np.int64)
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []
        self._pending_size = 0
        self._tail_ids = np.empty(0, np.uint32)
        self._tail_ok = np.empty(0, bool)
        self.total = 0

    # -- feeding ------------------------------------------------------------
    def cut(self) -> None:
        """Forget the carried-over context: no n-gram spans this point."""
        self._tail_ids = self._tail_ids[:0]
        self._tail_ok = self._tail_ok[:0]

    def update(self, ids: np.ndarray, ok: np.ndarray | None = None) -> None:
        ids = np.asarray(ids, dtype=np.uint32)
        ok = np.ones(len(ids), bool) if ok is None else np.asarray(ok, bool)
        n = self.n
        if n > 1 and len(self._tail_ids):
            ids = np.concatenate([self._tail_ids, ids])
            ok = np.concatenate([self._tail_ok, ok])
        if n > 1:
            self._tail_ids = ids[-(n - 1) :].copy()
            self._tail_ok = ok[-(n - 1) :].copy()
        m = len(ids) - n + 1
        if m <= 0:
            return
        # A window starting at i is valid when ok[i:i+n] has no False:
        # compare running counts of bad positions n apart.
        bad = np.concatenate([[0], np.cumsum(~ok, dtype=np.int64)])
        starts = np.flatnonzero(bad[n : n + m] == bad[:m])
        if len(starts) == 0:
            return
        self._grow_bits(int(ids.max()).bit_length())
        keys = self._pack(ids, starts)
        keys, counts = np.unique(keys, return_counts=True)
        self._pending.append((keys, counts.astype(np.int64)))
        self._pending_size += len(keys)
        self.total += len(starts)
        if self._pending_size > max(1 << 22, 2 * len(self._keys)):
            self._flush()

    # -- results ------------------------------------------------------------
    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct n-grams as an ``(m, n)`` array of ids, and their counts."""
        self._flush()
        return self._unpack(self._keys), self._counts.copy()

    # -- packing ids into keys ------------------------------------------------
    def _pack(self, ids: np.ndarray, starts: np.ndarray) -> np.ndarray:
        n = self.n
        if self._void:
            rows = np.stack([ids[starts + j] for j in range(n)], axis=1).astype(np.uint32)
            return np.ascontiguousarray(rows).view(np.dtype((np.void, 4 * n))).ravel()
        key = ids[starts].astype(np.uint64)
        for j in range(1, n):
            key = (key << np.uint64(self._bits)) | ids[starts + j].astype(np.uint64)
        return key

    def _unpack(self, keys: np.ndarray) -> np.ndarray:
        n = self.n
        if self._void:
            return keys.view(np.uint32).reshape(-1, n)
        mask = np.uint64((1 << self._bits) - 1)
        cols = [((keys >> np.uint64(self._bits * (n - 1 - j))) & mask).astype(np.uint32) for j in range(n)]
        return np.stack(cols, axis=1) if len(keys) else np.empty((0, n), np.uint32)

    def _grow_bits(self, bits: int) -> None:
        """Widen the packing when ids outgrow it, repacking what was counted."""
        if self._void or bits <= self._bits:
            return
        self._flush()
        rows = self._unpack(self._keys)
        if bits * self.n > 64:
            self._void = True
        else:
            self._bits = bits
        flat = rows.ravel()
        starts = np.arange(0, len(flat), self.n)
        self._keys = self._pack(flat, starts) if len(flat) else self._empty_keys()

    def _empty_keys(self) -> np.ndarray:
        return np.empty(0, np.dtype((np.void, 4 * self.n)) if self._void else np.uint64)

    def _flush(self) -> None:
        if not self._pending:
            return
        keys = np.concatenate([self._keys] + [k for k, _ in self._pending])
        counts = np.concatenate([self._counts] + [c for _, c in self._pending])
        self._keys, self._counts = sum_by_key(keys, counts)
        self._pending = []
        self._pending_size = 0
