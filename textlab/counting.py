"""Counting n-grams of integer ids with NumPy, in bounded memory.

Every n-gram counter in textlab (letters, character and word n-grams) works
the same way: tokens become small integer ids, each window of ``n`` ids is
packed into one integer key, and the keys are counted:

    ids  [3, 1, 3, 1, 2]        n = 2, 2 bits per id
    keys [3<<2|1, 1<<2|3, 3<<2|1, 1<<2|2] = [13, 7, 13, 6]
    count {6: 1, 7: 1, 13: 2}   ->  rows [1 2], [1 3], [3 1] with counts 1, 1, 2

Three pieces, one idea each:

- :class:`KeyPacker` turns windows (or rows) of ids into keys and back;
- :class:`DenseCounter` counts a small key space with ``np.bincount`` into one
  array (letter pairs: 2**12 slots); :class:`SortingCounter` counts any key
  space by sorting the keys as they pile up and adding them to one sorted
  (key, count) table;
- :class:`NgramCounter` feeds a stream in pieces: it carries windows across
  pieces, drops windows that cross a boundary, and widens the packing when a
  bigger id arrives.

Memory follows the number of distinct n-grams, not the size of the input.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .errors import ParameterError
from .sorting import stable_argsort

if TYPE_CHECKING:
    from concurrent.futures import ThreadPoolExecutor

    from .spill import Run, RunStore

#: Key spaces of up to 2**DENSE_BITS keys are counted densely: one int64 slot per
#: possible key (32 MB at 22 bits), filled by ``np.bincount`` with no sort at all.
#: Letters (6 bits an id) stay dense up to trigrams; words never are.
DENSE_BITS = 22

#: The highest order counted.  Past about 20, nearly every n-gram of a real text
#: occurs once, so the table is the text copied n times over (an order-n key takes
#: 4n bytes a position while it is counted): 1.3 GB for order 32 of a 1 MB text.
MAX_ORDER = 32

#: A sorting counter sorts its waiting keys into the table once this many wait
#: (8 M keys, 64 MB) ...
MERGE_KEYS = 1 << 23
#: ... or once the waiting keys are this many times the table: a merge re-sorts the
#: whole table, so merging less often than that would cost more than it saves.
MERGE_TABLE_RATIO = 4


def sum_by_key(keys: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Merge duplicate keys, adding their counts; the keys come out sorted.

    >>> k, c = sum_by_key(np.array([5, 2, 5]), np.array([1, 1, 3]))
    >>> k.tolist(), c.tolist()
    ([2, 5], [1, 4])
    """
    if len(keys) == 0:
        return keys, counts
    order = stable_argsort(keys) if keys.dtype.kind in "iu" else np.argsort(keys, kind="stable")
    keys = keys[order]
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[first], np.add.reduceat(counts[order], first)


class KeyPacker:
    """One sortable key per n ids of ``bits`` bits each.

    The key of ``(a, b, c)`` is ``a << 2*bits | b << bits | c``, so keys sort as
    the rows do.  Keys are ``uint32`` while ``n * bits`` fits (they sort twice as
    fast as ``uint64``), ``uint64`` up to 64 bits, and past that the row's raw
    bytes (a NumPy void dtype, big-endian so they sort as the rows do): slower,
    same answer.

    >>> p = KeyPacker(2, bits=2)
    >>> p.windows(np.array([3, 1, 3, 1, 2], np.uint32)).tolist()
    [13, 7, 13, 6]
    >>> p.unpack(np.array([6], p.dtype)).tolist()
    [[1, 2]]
    """

    def __init__(self, n: int, bits: int) -> None:
        self.n, self.bits = n, max(1, bits)
        self.width = n * self.bits  # bits in a key
        self.dtype: np.dtype = (
            np.dtype(np.uint32)
            if self.width <= 32
            else np.dtype(np.uint64)
            if self.width <= 64
            else np.dtype((np.void, 4 * n))
        )
        self.raw = self.dtype.kind == "V"

    @classmethod
    def fitting(cls, n: int, largest_id: int) -> KeyPacker:
        """The narrowest packer for ids up to ``largest_id``."""
        return cls(n, int(largest_id).bit_length())

    def windows(self, ids: np.ndarray, dtype: np.dtype | type | None = None) -> np.ndarray:
        """Keys of every window ``ids[i : i + n]``, built from shifted slices (no gathers).

        ``dtype`` overrides the key type (the dense counter wants ``np.intp`` indices).
        """
        m = len(ids) - self.n + 1
        if self.raw:
            return self.rows(np.stack([ids[j : j + m] for j in range(self.n)], axis=1))
        kind = np.dtype(dtype or self.dtype).type
        key: np.ndarray = ids[:m].astype(kind)
        for j in range(1, self.n):
            key <<= kind(self.bits)
            key |= ids[j : j + m]
        return key

    def rows(self, rows: np.ndarray) -> np.ndarray:
        """Keys of the rows of an ``(m, n)`` array of ids."""
        if self.raw:
            return np.ascontiguousarray(rows, dtype=">u4").view(self.dtype).ravel()
        kind = self.dtype.type
        key: np.ndarray = rows[:, 0].astype(kind)
        for j in range(1, self.n):
            key = (key << kind(self.bits)) | rows[:, j].astype(kind)
        return key

    def unpack(self, keys: np.ndarray, dtype: np.dtype | type = np.uint32) -> np.ndarray:
        """The ``(m, n)`` array of ids (``uint32``, or ``dtype``) the keys were made from."""
        if self.raw:
            return keys.view(">u4").reshape(-1, self.n).astype(dtype)
        out = np.empty((len(keys), self.n), dtype)
        kind = keys.dtype.type
        mask = kind((1 << self.bits) - 1)
        for j in range(self.n):  # each column written in place: no temporaries of the whole table
            np.bitwise_and(keys >> kind(self.bits * (self.n - 1 - j)), mask, out=out[:, j], casting="unsafe")
        return out


def pack_rows(rows: np.ndarray) -> np.ndarray:
    """One sortable key per row of non-negative ids (rows that are equal get equal keys).

    >>> pack_rows(np.array([[1, 2], [3, 0]])).tolist()
    [6, 12]
    """
    rows = np.asarray(rows)
    return KeyPacker.fitting(rows.shape[1], rows.max(initial=0)).rows(rows)


class DenseCounter:
    """Counts of keys below ``2**width`` in one array, one slot per possible key."""

    def __init__(self, width: int) -> None:
        self.slots = np.zeros(1 << width, np.int64)

    def add(self, keys: np.ndarray) -> None:
        """``keys`` as ``np.intp`` (bincount's index type)."""
        counts = np.bincount(keys)
        self.slots[: len(counts)] += counts

    def add_counted(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Distinct ``keys`` with their counts (a table counted before)."""
        self.slots[keys.astype(np.intp)] += counts

    def table(self) -> tuple[np.ndarray, np.ndarray]:
        """The keys seen, sorted, and their counts."""
        keys = np.flatnonzero(self.slots)
        return keys, self.slots[keys]


def workers() -> ThreadPoolExecutor:
    """Two threads for the work of the next chunks or blocks (hashing words and looking them
    up, making a table's bytes): NumPy releases the GIL inside each call on a big array, so
    they run on the other core while this thread goes on."""
    global _pool
    if _pool is None:
        # imported here: concurrent.futures brings logging (6 ms), and letters never needs it
        from concurrent.futures import ThreadPoolExecutor

        _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="textlab-count")
    return _pool


_pool: ThreadPoolExecutor | None = None


def run_lengths(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct keys of a sorted array and how often each occurs."""
    if not len(keys):
        return keys, np.empty(0, np.int64)
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    return keys[first], np.diff(first, append=len(keys))


class SortingCounter:
    """Counts of any keys: the keys wait as they come, and once enough wait (see
    ``MERGE_*``) they are sorted together and added to one sorted table of (key, count).

    One ``np.sort`` of all the waiting keys, rather than a sort of each chunk and a merge
    of the chunks' tables: NumPy's sort of integers is SIMD (5.4 million 64-bit keys in
    about 0.09 s here), and merging counted chunk tables re-sorts about as many keys again
    through a slower argsort."""

    def __init__(self, dtype: np.dtype, merge_keys: int = MERGE_KEYS) -> None:
        self.keys = np.empty(0, dtype)
        self.counts = np.empty(0, np.int64)
        self.merge_keys = merge_keys  # fewer under a memory budget: a merge holds about 3x its keys
        # The waiting keys, copied in as they come, sorted in place: room for merge_keys is asked
        # for at once, and memory is only taken as it is written (the pages of a big block come
        # when first touched), so there is no concatenated copy of the chunks and no regrowing.
        self._waiting = np.empty(0, dtype)
        self._waiting_keys = 0

    @property
    def nbytes(self) -> int:
        """About what the table and the keys waiting to join it hold."""
        return self.keys.nbytes + self.counts.nbytes + self._waiting_keys * self.keys.itemsize

    def add(self, keys: np.ndarray) -> None:
        have, need = self._waiting_keys, self._waiting_keys + len(keys)
        if need > len(self._waiting):
            room = np.empty(max(need, 2 * len(self._waiting), self.merge_keys + len(keys)), self.keys.dtype)
            room[:have] = self._waiting[:have]
            self._waiting = room
        self._waiting[have:need] = keys
        self._waiting_keys = need
        if need > self.merge_keys and need > MERGE_TABLE_RATIO * len(self.keys):
            self._merge()

    def add_counted(self, keys: np.ndarray, counts: np.ndarray) -> None:
        self._merge((keys.astype(self.keys.dtype), counts))

    def table(self) -> tuple[np.ndarray, np.ndarray]:
        """The keys seen, sorted, and their counts (the room for waiting keys is let go)."""
        self._merge()
        self._waiting = np.empty(0, self.keys.dtype)
        return self.keys, self.counts

    def repack(self, convert: Callable[[np.ndarray], np.ndarray], dtype: np.dtype) -> None:
        """Rewrite every key, counted or waiting, as ``convert`` does (keeping their order)."""
        self.keys = convert(self.keys).astype(dtype, copy=False)
        waiting = np.empty(len(self._waiting), dtype)
        waiting[: self._waiting_keys] = convert(self._waiting[: self._waiting_keys])
        self._waiting = waiting

    def _merge(self, counted: tuple[np.ndarray, np.ndarray] | None = None) -> None:
        parts = [(self.keys, self.counts)] if len(self.keys) else []
        if self._waiting_keys:
            waiting = self._waiting[: self._waiting_keys]
            waiting.sort()
            parts.append(run_lengths(waiting))  # copies out of the room, which the next keys reuse
            self._waiting_keys = 0
        if counted is not None:
            parts.append(counted)
        if len(parts) == 1 and counted is None:
            self.keys, self.counts = parts[0]
        elif parts:
            self.keys, self.counts = sum_by_key(
                np.concatenate([k for k, _ in parts]), np.concatenate([c for _, c in parts])
            )


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

    >>> c = NgramCounter(2)
    >>> c.update(np.array([3, 1, 3]))
    >>> c.update(np.array([1, 2]))
    >>> rows, counts = c.result()
    >>> rows.tolist(), counts.tolist()
    ([[1, 2], [1, 3], [3, 1]], [1, 1, 2])
    """

    def __init__(self, n: int, spill: Spill | None = None) -> None:
        if n < 1:
            raise ParameterError("n", "must be at least 1")
        if n > MAX_ORDER:
            raise ParameterError(
                "n", f"must be at most {MAX_ORDER}", "past that nearly every n-gram occurs once: the table is the text"
            )
        self.n = n
        self.spill = spill
        self.runs: list[Run] = []  # tables written to disk, each sorted by key (with the packer of its keys)
        self.packer = KeyPacker(n, bits=1)
        self.counter: DenseCounter | SortingCounter = self._counter_for(self.packer)
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
        ids, ok = self._carry(ids, ok)
        n = self.n
        m = len(ids) - n + 1
        if m <= 0:
            return
        self._fit(int(ids.max()))
        dense = isinstance(self.counter, DenseCounter)
        keys = self.packer.windows(ids, np.intp if dense else None)  # dense: index type straight away
        if ok is not None and not ok.all():
            # A window starting at i is valid when ok[i:i+n] has no False:
            # compare running counts of bad positions n apart.
            bad = np.concatenate([[0], np.cumsum(~ok, dtype=np.int32)])
            keys = keys[np.flatnonzero(bad[n : n + m] == bad[:m])]
        if len(keys):
            self.total += len(keys)
            self.counter.add(keys)
            self._spill_if_full()

    def add_rows(self, rows: np.ndarray, counts: np.ndarray) -> None:
        """N-grams counted before, as an ``(m, n)`` array of ids (each row once) and their
        counts: a table to add up with what was counted (``ngrams --merge``)."""
        if not len(rows):
            return
        self._fit(int(rows.max()))
        dense = isinstance(self.counter, DenseCounter)
        keys = self.packer.rows(rows.astype(np.uint32))
        self.counter.add_counted(keys.astype(np.intp) if dense else keys, counts)
        self.total += int(counts.sum())  # n-grams counted, as if they had been fed
        self._spill_if_full()

    def renumber(self, new_id: np.ndarray) -> None:
        """Give id ``i`` the id ``new_id[i]`` in everything counted, on disk too: each run is
        read back whole (it was written at the budget's share), renumbered, sorted again and
        written anew. So the table's key order becomes the new ids' order (``letters`` wants
        ties in code point order, and counts with ids in order of first appearance)."""
        assert self.spill is not None or not self.runs
        # the runs on disk taken first: re-adding the table in memory may write a run, in new ids
        runs, self.runs = self.runs, []
        keys, counts = self.counter.table()
        rows = new_id[self.packer.unpack(keys)]
        self.counter = self._counter_for(self.packer)
        self._fit(int(new_id.max(initial=0)))
        total = self.total  # the same n-grams, counted once
        if len(rows):
            self.add_rows(rows, counts.copy())
        self.total = total
        for run in runs:
            packer = run.extra["packer"]
            block = next(run.blocks(run.length)) if run.length else {"key": np.zeros(0, packer.dtype), "count": []}
            keys = self.packer.rows(new_id[packer.unpack(block["key"])])
            order = stable_argsort(keys)
            assert self.spill is not None
            self.spill.store.remove(run)
            self.runs.append(
                self.spill.store.write(
                    {"key": keys[order], "count": np.asarray(block["count"])[order]}, packer=self.packer
                )
            )

    # -- results ------------------------------------------------------------
    @property
    def spilled(self) -> bool:
        """Whether part of the table is on disk (then read it with :meth:`key_blocks`)."""
        return bool(self.runs)

    def result(self, by_count: bool = False, dtype: np.dtype | type = np.uint32) -> tuple[np.ndarray, np.ndarray]:
        """The distinct n-grams as an ``(m, n)`` array of ids (``dtype``), and their counts: in
        the order of their ids, or ``by_count``, most frequent first (ties in the order of ids)."""
        if self.runs:
            raise RuntimeError("the table is on disk: read it with key_blocks()")
        keys, counts = self.counter.table()
        if by_count and len(counts):
            order = stable_argsort(int(counts.max()) - counts)
            keys, counts = keys.take(order), counts.take(order)
        else:
            counts = counts.copy()
        return self.packer.unpack(keys, dtype), counts

    def key_blocks(self, rows: int) -> Iterator[dict[str, np.ndarray]]:
        """The whole table, on disk and in memory, as blocks of (``key``, ``count``) in key
        order (keys of this counter's final ``packer``), equal keys added up."""
        from .spill import add_up, merged

        def on_disk(run: Run) -> Iterator[dict[str, np.ndarray]]:
            packer = run.extra["packer"]
            for block in run.blocks(rows):
                if packer is not self.packer:  # packed narrower, before bigger ids came: the same order
                    block["key"] = self.packer.rows(packer.unpack(block["key"]))
                yield block

        keys, counts = self.counter.table()
        here = iter([{"key": keys.astype(self.packer.dtype, copy=False), "count": counts}])
        yield from merged([on_disk(run) for run in self.runs] + [here], "key", add_up)

    def _spill_if_full(self) -> None:
        """A run written to disk once the table passes its share of the budget (a dense
        counter's memory is fixed by its key space: it never spills)."""
        counter = self.counter
        if self.spill is not None and isinstance(counter, SortingCounter) and counter.nbytes > self.spill.limit:
            self._write_run()

    def _write_run(self) -> None:
        assert self.spill is not None
        keys, counts = self.counter.table()
        self.runs.append(self.spill.store.write({"key": keys, "count": counts}, packer=self.packer))
        self.counter = self._counter_for(self.packer)

    # -- inside ---------------------------------------------------------------
    def _carry(self, ids: np.ndarray, ok: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        """Prepend the last ``n - 1`` ids of the previous piece, and keep this piece's for the next."""
        if self.n == 1:
            return ids, ok
        if len(self._tail_ids):
            ids = np.concatenate([self._tail_ids, ids])
            if ok is not None or not self._tail_ok.all():
                rest = np.ones(len(ids) - len(self._tail_ok), bool) if ok is None else ok
                ok = np.concatenate([self._tail_ok, rest])
        keep = self.n - 1
        self._tail_ids = ids[-keep:].copy()
        self._tail_ok = ok[-keep:].copy() if ok is not None else np.ones(min(keep, len(ids)), bool)
        return ids, ok

    def _fit(self, largest_id: int) -> None:
        """Widen the packing when ids outgrow it, moving what was counted into the new keys."""
        if self.packer.raw or largest_id.bit_length() <= self.packer.bits:
            return
        wider = KeyPacker.fitting(self.n, largest_id)
        narrow = self.packer
        if isinstance(self.counter, SortingCounter):  # (a wider key space is never dense)
            # keys packed wider sort as they did (row order is key order at any width):
            # each key is rewritten where it is, the waiting ones still unsorted
            self.counter.repack(lambda keys: wider.rows(narrow.unpack(keys)), wider.dtype)
            self.counter.merge_keys = self._merge_keys(wider)
            self.packer = wider
            return
        keys, counts = self.counter.table()
        rows = narrow.unpack(keys)
        self.packer, self.counter = wider, self._counter_for(wider)
        if len(rows):
            self.counter.add_counted(wider.rows(rows), counts)

    def _counter_for(self, packer: KeyPacker) -> DenseCounter | SortingCounter:
        if packer.width <= DENSE_BITS:
            return DenseCounter(packer.width)
        return SortingCounter(packer.dtype, merge_keys=self._merge_keys(packer))

    def _merge_keys(self, packer: KeyPacker) -> int:
        if self.spill is None:
            return MERGE_KEYS
        keys = self.spill.limit // (packer.dtype.itemsize + 8)  # what the budget's share holds
        return min(MERGE_KEYS, max(1 << 16, keys))


#: A count under a memory budget gives each order's table 1/SPILL_SHARE of it: with the
#: chunks waiting to join it and a merge's temporaries a table peaks near 8x its bytes, and
#: the rest of the process (reading, hashing, the vocabulary) needs its part.  Measured on
#: 16 million words of word trigrams at --memory 300M: a share of 8 peaked at 476 MB,
#: 16 at 377 MB (1.3x the in-memory time), 32 at 317 MB (3x: many small runs to merge);
#: since waiting keys are sorted once (not counted per chunk and merged), 16 peaked at 278 MB,
#: and at 333 MB once the vocabulary kept a frozen copy of its table (its memory is not budgeted).
SPILL_SHARE = 16


@dataclass(frozen=True)
class Spill:
    """Where a counter writes its runs, and how many bytes its table may hold before it does."""

    store: RunStore
    limit: int
