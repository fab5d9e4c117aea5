"""An n-gram table that did not fit its memory budget: on disk, read back in order.

``count_ngrams(..., memory=...)`` returns a :class:`SpilledTable` when a
counter had to write runs (see :mod:`spill`).  Its :meth:`~SpilledTable.blocks`
give the very rows, in the very order, that the in-memory table gives once
sorted, ``--min-count``, ``--top`` and ``--prob`` applied, a block at a time:

1. each order's runs merged by key (equal n-grams added up), which is also
   where ``P(last | context)`` is computed: the n-grams of one context are
   neighbours in key order, so each context's total is a sum over a stretch,
   carried across blocks;
2. ``min_count`` applied there, before anything else is kept;
3. n-grams seen once (most of a big table) keep key order, as the in-memory
   sort leaves them, and go to a run of their own; the others are sorted by
   count in runs of the budget's size and merged again by (count, key).

So the table is read from disk about twice, and memory stays a few blocks
whatever its size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .counting import KeyPacker, NgramCounter
from .spill import Block, Run, RunStore, by_count_key, merged


@dataclass
class SpilledTable:
    """The n-grams of each order, as their counters left them (some on disk)."""

    unit: str
    counters: dict[int, NgramCounter]
    tokens: list[str]
    store: RunStore
    limit: int  # bytes a block or an in-memory run may hold

    @property
    def orders(self) -> list[int]:
        return sorted(self.counters)

    def blocks(self, min_count: int = 1, top: int | None = None, prob: bool = False) -> Iterator[tuple]:
        """``(table, probs)`` blocks in the final order: by order, most frequent first, ties
        in token order (``probs`` None unless ``prob``); ``top`` rows at most per order."""
        from .ngrams import NgramTable

        width = max(self.orders)
        for k in self.orders:
            left = top
            for block in self._ordered(k, min_count, prob):
                if left is not None:
                    block = {name: values[:left] for name, values in block.items()}
                    left -= len(block["key"])
                rows = self.counters[k].packer.unpack(block["key"]).astype(np.int64)
                padded = np.full((len(rows), width), -1, np.int64)
                padded[:, :k] = rows
                table = NgramTable(self.unit, np.full(len(rows), k), padded, block["count"], self.tokens, 2)
                yield table, block.get("prob")
                if left is not None and left <= 0:
                    break

    # -- one order ----------------------------------------------------------------
    def _rows_per_block(self, row_bytes: int, sources: int = 1) -> int:
        return max(1 << 12, self.limit // (4 * row_bytes * max(sources, 1)))

    def _ordered(self, k: int, min_count: int, prob: bool) -> Iterator[Block]:
        counter = self.counters[k]
        row_bytes = counter.packer.dtype.itemsize + 16
        by_key = counter.key_blocks(self._rows_per_block(row_bytes, len(counter.runs) + 1))
        if prob:
            by_key = _with_probabilities(by_key, counter, k)
        once: list[Run] = []
        many: list[Run] = []
        buffer: list[Block] = []
        held = 0
        for block in by_key:
            if min_count > 1:
                block = _select(block, block["count"] >= min_count)
            single = block["count"] == 1
            if single.any():
                once.append(self.store.write(_select(block, single)))
            rest = _select(block, ~single)
            if len(rest["key"]):
                buffer.append(rest)
                held += len(rest["key"]) * row_bytes
            if held > self.limit:
                many.append(self.store.write(_by_count(buffer)))
                buffer, held = [], 0
        if many:
            if buffer:
                many.append(self.store.write(_by_count(buffer)))
            rows = self._rows_per_block(row_bytes + 16, len(many))
            yield from map(_unranked, merged([run.blocks(rows) for run in many], "rank"))
        elif buffer:
            yield _unranked(_by_count(buffer))
        rows = self._rows_per_block(row_bytes)
        for run in once:  # n-grams seen once: in key order, run after run
            yield from run.blocks(rows)
            self.store.remove(run)
        for run in many:
            self.store.remove(run)


def _unranked(block: Block) -> Block:
    """A block without its sorting column."""
    return {name: values for name, values in block.items() if name != "rank"}


def _select(block: Block, keep: np.ndarray) -> Block:
    return {name: values[keep] for name, values in block.items()}


def _by_count(blocks: list[Block]) -> Block:
    """Blocks (each in key order, one after another) sorted by count, most first, ties by key."""
    joined = {name: np.concatenate([b[name] for b in blocks]) for name in blocks[0]}
    joined["rank"] = by_count_key(joined["count"], joined["key"])
    order = np.argsort(joined["rank"], kind="stable")
    return {name: values[order] for name, values in joined.items()}


def _with_probabilities(blocks: Iterator[Block], counter: NgramCounter, k: int) -> Iterator[Block]:
    """Key-ordered blocks with ``prob`` = count / the total count of the n-grams sharing the
    context; a context's last stretch waits for the next block, where it may go on."""
    if k == 1:
        for block in blocks:
            block["prob"] = block["count"] / counter.total
            yield block
        return
    context = KeyPacker(k - 1, counter.packer.bits)
    waiting: Block | None = None
    for block in blocks:
        if waiting is not None:
            block = {name: np.concatenate([waiting[name], block[name]]) for name in block}
        ctx = context.rows(counter.packer.unpack(block["key"])[:, : k - 1])
        starts = np.flatnonzero(np.concatenate([[True], ctx[1:] != ctx[:-1]]))
        last = int(starts[-1])
        waiting = {name: values[last:] for name, values in block.items()}
        done = {name: values[:last] for name, values in block.items()}
        if len(done["key"]):
            yield _divide(done, starts[:-1])
    if waiting is not None and len(waiting["key"]):
        yield _divide(waiting, np.array([0]))


def _divide(block: Block, starts: np.ndarray) -> Block:
    totals = np.add.reduceat(block["count"], starts)
    sizes = np.diff(np.concatenate([starts, [len(block["count"])]]))
    block["prob"] = block["count"] / np.repeat(totals, sizes)
    return block
