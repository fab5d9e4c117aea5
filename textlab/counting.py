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

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from .errors import ParameterError


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


def pack_rows(rows: np.ndarray) -> np.ndarray:
    """One sortable key per row of non-negative ids: 64-bit when the row fits, raw bytes otherwise.

    >>> pack_rows(np.array([[1, 2], [3, 0]])).tolist()
    [6, 12]
    """
    rows = np.asarray(rows, np.int64)
    m, n = rows.shape
    bits = max(1, int(rows.max(initial=0)).bit_length())
    if bits * n <= 64:
        key = np.zeros(m, np.uint64)
        for j in range(n):
            key = (key << np.uint64(bits)) | rows[:, j].astype(np.uint64)
        return key
    return np.ascontiguousarray(rows).view(np.dtype((np.void, 8 * n))).ravel()


#: Key spaces up to 2**DENSE_BITS are counted with ``np.bincount`` into one
#: array (letters: 64 symbols ** 3); larger ones by sorting each chunk's keys.
DENSE_BITS = 22

_pool: ThreadPoolExecutor | None = None


def workers() -> ThreadPoolExecutor:
    """Two threads: NumPy's sort releases the GIL, so chunks sort on both cores."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="textlab-count")
    return _pool


def _unique_counts(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    keys, counts = np.unique(keys, return_counts=True)
    return keys, counts.astype(np.int64)


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
            raise ParameterError("n", "must be at least 1")
        self.n = n
        self._bits = 1
        self._void = False
        self._dense: np.ndarray | None = (
            np.zeros(1 << n, np.int64) if n <= DENSE_BITS else None
        )  # while bits * n <= DENSE_BITS
        self._keys = np.empty(0, np.uint32)
        self._counts = np.empty(0, np.int64)
        self._pending: list[Future] = []
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
        n = self.n
        if n > 1 and len(self._tail_ids):
            ids = np.concatenate([self._tail_ids, ids])
            if ok is not None or not self._tail_ok.all():
                ok = np.concatenate([self._tail_ok, np.ones(len(ids) - len(self._tail_ok), bool) if ok is None else ok])
        if n > 1:
            self._tail_ids = ids[-(n - 1) :].copy()
            self._tail_ok = ok[-(n - 1) :].copy() if ok is not None else np.ones(min(n - 1, len(ids)), bool)
        m = len(ids) - n + 1
        if m <= 0:
            return
        self._grow_bits(int(ids.max()).bit_length())
        # dense mode packs straight into the index type bincount wants (one pass fewer)
        keys = self._pack(ids, m, np.intp if self._dense is not None else self._key_type())
        if ok is not None and not ok.all():
            # A window starting at i is valid when ok[i:i+n] has no False:
            # compare running counts of bad positions n apart.
            bad = np.concatenate([[0], np.cumsum(~ok, dtype=np.int32)])
            starts = np.flatnonzero(bad[n : n + m] == bad[:m])
            keys = keys[starts]
        if len(keys) == 0:
            return
        self.total += len(keys)
        if self._dense is not None:
            counts = np.bincount(keys)
            self._dense[: len(counts)] += counts
            return
        self._pending.append(workers().submit(_unique_counts, keys))
        self._pending_size += len(keys)
        if len(self._pending) > 16 or self._pending_size > max(1 << 23, 4 * len(self._keys)):
            self._flush()

    # -- results ------------------------------------------------------------
    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """The distinct n-grams as an ``(m, n)`` array of ids, and their counts."""
        self._to_sparse() if self._dense is not None else self._flush()
        return self._unpack(self._keys), self._counts.copy()

    # -- packing ids into keys ------------------------------------------------
    def _pack(self, ids: np.ndarray, m: int, dtype: type = np.uint64) -> np.ndarray:
        """Keys of the ``m`` windows ids[i : i + n], built from shifted slices (no gathers)."""
        n = self.n
        if self._void:
            rows = np.stack([ids[j : j + m] for j in range(n)], axis=1).astype(np.uint32)
            return np.ascontiguousarray(rows).view(np.dtype((np.void, 4 * n))).ravel()
        key: np.ndarray = ids[:m].astype(dtype)
        shift = dtype(self._bits)
        for j in range(1, n):
            key <<= shift
            key |= ids[j : j + m]
        return key

    def _unpack(self, keys: np.ndarray) -> np.ndarray:
        n = self.n
        if self._void:
            return keys.view(np.uint32).reshape(-1, n)
        keys = keys.astype(np.uint64)
        mask = np.uint64((1 << self._bits) - 1)
        cols = [((keys >> np.uint64(self._bits * (n - 1 - j))) & mask).astype(np.uint32) for j in range(n)]
        return np.stack(cols, axis=1) if len(keys) else np.empty((0, n), np.uint32)

    def _grow_bits(self, bits: int) -> None:
        """Widen the packing when ids outgrow it, repacking what was counted."""
        if self._void or bits <= self._bits:
            return
        if self._dense is not None:
            self._to_sparse()
        self._flush()
        rows = self._unpack(self._keys)
        if bits * self.n > 64:
            self._void = True
        else:
            self._bits = bits
        self._keys = self._pack_rows(rows)
        if not self._void and bits * self.n <= DENSE_BITS:
            self._dense = np.zeros(1 << (bits * self.n), np.int64)
            self._dense[self._keys.astype(np.intp)] += self._counts
            self._keys, self._counts = self._empty_keys(), np.empty(0, np.int64)

    def _key_type(self) -> type:
        """uint32 keys while they fit (char 4-grams of a small alphabet): they sort twice as fast."""
        return np.uint32 if self._bits * self.n <= 32 else np.uint64

    def _pack_rows(self, rows: np.ndarray) -> np.ndarray:
        if not len(rows):
            return self._empty_keys()
        if self._void:
            return np.ascontiguousarray(rows.astype(np.uint32)).view(np.dtype((np.void, 4 * self.n))).ravel()
        dtype = self._key_type()
        key: np.ndarray = rows[:, 0].astype(dtype)
        for j in range(1, self.n):
            key = (key << dtype(self._bits)) | rows[:, j].astype(dtype)
        return key

    def _to_sparse(self) -> None:
        """Move the dense bincount array into the sorted (keys, counts) form."""
        assert self._dense is not None
        keys = np.flatnonzero(self._dense)
        self._keys, self._counts = sum_by_key(
            np.concatenate([self._keys, keys.astype(self._key_type())]),
            np.concatenate([self._counts, self._dense[keys]]),
        )
        self._dense = None

    def _empty_keys(self) -> np.ndarray:
        return np.empty(0, np.dtype((np.void, 4 * self.n)) if self._void else self._key_type())

    def _flush(self) -> None:
        if not self._pending:
            return
        done = [f.result() for f in self._pending]
        keys = np.concatenate([self._keys] + [k for k, _ in done])
        counts = np.concatenate([self._counts] + [c for _, c in done])
        self._keys, self._counts = sum_by_key(keys, counts)
        self._pending = []
        self._pending_size = 0
