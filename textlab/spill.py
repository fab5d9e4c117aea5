"""Sorted runs on disk, merged block by block: counting past memory.

A counter that would outgrow its memory budget writes its table, sorted by
key, to a *run* (one raw file per column, in a temporary directory) and starts
again empty.  At the end the runs are merged: every run is read a block at a
time, and each step takes, from every run, the keys up to the smallest of the
runs' current last keys (so no key still to come can be smaller), sorts what it
took, adds up equal keys, and passes the block on.  Memory is a block per run,
whatever the size of the input; the output is the table the in-memory count
would have made, in the same order.

The runs are read with plain reads, not memory maps: pages of a mapped file
count as the process's memory while they stay mapped.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from .errors import DataError
from .io import os_reason
from .machine import memory

Block = dict[str, np.ndarray]

#: The share of the machine's memory a count may use by default, before it spills.
DEFAULT_SHARE = 4


def default_budget() -> int:
    """A quarter of the machine's memory (4 GB where the system does not say)."""
    physical = memory()
    return physical // DEFAULT_SHARE if physical is not None else 4 << 30


@dataclass
class Run:
    """A table on disk: columns of ``length`` rows, each in its own file, sorted by one of them."""

    files: dict[str, str]
    dtypes: dict[str, np.dtype]
    length: int
    extra: dict = field(default_factory=dict)  # what the writer needs to read it back (a key packer)

    def blocks(self, rows: int) -> Iterator[Block]:
        """The run, ``rows`` at a time."""
        handles = {name: open(path, "rb") for name, path in self.files.items()}
        try:
            for _ in range(0, self.length, rows):
                yield {name: np.fromfile(f, self.dtypes[name], rows) for name, f in handles.items()}
        finally:
            for f in handles.values():
                f.close()


class RunStore:
    """A temporary directory of runs, removed as a whole when closed (on success, on
    error and on Ctrl-C alike: it is a context manager)."""

    def __init__(self, directory: str | None = None) -> None:
        self.directory = directory
        self.path: str | None = None  # made when the first run is written: most counts never spill
        self._made = 0
        self.bytes = 0  # written so far, for a note

    def write(self, columns: Block, **extra: object) -> Run:
        writer = self.appending()
        writer.add(columns)
        return writer.finish(**extra)

    def appending(self) -> RunWriter:
        """A new run, written a block at a time (blocks already in order)."""
        if self.path is None:
            try:
                self.path = tempfile.mkdtemp(prefix="textlab-spill-", dir=self.directory)
            except OSError as e:
                where = self.directory or tempfile.gettempdir()
                raise DataError(f"{where}: cannot make a directory for the sorted runs: {os_reason(e)}") from None
        number = self._made
        self._made += 1
        return RunWriter(self, os.path.join(self.path, f"run{number:05d}"))

    def remove(self, run: Run) -> None:
        for path in run.files.values():
            os.unlink(path)

    def close(self) -> None:
        if self.path is not None:
            shutil.rmtree(self.path, ignore_errors=True)

    def __enter__(self) -> RunStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class RunWriter:
    """A run being written: each block's columns appended to the column's file."""

    def __init__(self, store: RunStore, stem: str) -> None:
        self.store, self.stem = store, stem
        self.files: dict[str, str] = {}
        self.dtypes: dict[str, np.dtype] = {}
        self.length = 0

    def add(self, columns: Block) -> None:
        for name, values in columns.items():
            values = np.ascontiguousarray(values)
            if name not in self.files:
                self.files[name], self.dtypes[name] = f"{self.stem}.{name}", values.dtype
                mode = "wb"
            else:
                mode = "ab"
            with open(self.files[name], mode) as f:
                values.astype(self.dtypes[name], copy=False).tofile(f)
            self.store.bytes += values.nbytes
        self.length += len(next(iter(columns.values()))) if columns else 0

    def finish(self, **extra: object) -> Run:
        return Run(dict(self.files), dict(self.dtypes), self.length, dict(extra))


def merged(
    sources: list[Iterator[Block]], key: str, combine: Callable[[Block], Block] | None = None
) -> Iterator[Block]:
    """Blocks sorted by column ``key``, from sources each sorted by it, with equal keys in
    one block (``combine`` then adds them up, or whatever it does to a sorted block).

    Each step is NumPy over whole blocks: which rows each source gives is a
    ``searchsorted`` of the bound in its block.
    """
    cursors: list[tuple[Iterator[Block], Block]] = []
    for source in sources:
        first = _next_nonempty(source, key)
        if first is not None:
            cursors.append((source, first))
    while cursors:
        lasts = np.array([block[key][-1] for _, block in cursors])
        bound = np.sort(lasts)[0]  # np.sort: void keys (raw bytes) have no minimum ufunc
        taken: list[Block] = []
        still: list[tuple[Iterator[Block], Block]] = []
        for source, block in cursors:
            cut = int(np.searchsorted(block[key], bound, side="right"))
            taken.append({name: values[:cut] for name, values in block.items()})
            rest = {name: values[cut:] for name, values in block.items()}
            if not len(rest[key]):
                following = _next_nonempty(source, key)
                if following is None:
                    continue
                rest = following
            still.append((source, rest))
        cursors = still
        joined = {name: np.concatenate([t[name] for t in taken]) for name in taken[0]}
        order = np.argsort(joined[key], kind="stable")  # stable: ties keep the sources' order
        block = {name: values[order] for name, values in joined.items()}
        yield combine(block) if combine is not None else block


def _next_nonempty(source: Iterator[Block], key: str) -> Block | None:
    for block in source:
        if len(block[key]):
            return block
    return None


def add_up(block: Block) -> Block:
    """A block sorted by ``key``, equal keys' ``count`` added up (a ``combine`` for :func:`merged`)."""
    keys = block["key"]
    if not len(keys):
        return block
    first = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1]]))
    out = {name: values[first] for name, values in block.items() if name != "count"}
    out["count"] = np.add.reduceat(block["count"], first)
    return out


def by_count_key(counts: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """One sortable value per row for "most frequent first, then by key": the raw
    big-endian bytes of (``2**63 - 1 - count``, key), compared as bytes."""
    keys = np.ascontiguousarray(keys)
    big = keys.astype(keys.dtype.newbyteorder(">")) if keys.dtype.kind in "ui" else keys
    width = big.dtype.itemsize
    both = np.empty(len(keys), dtype=[("count", ">u8"), ("key", f"V{width}")])
    both["count"] = np.uint64((1 << 63) - 1) - counts.astype(np.uint64)
    both["key"] = big.view(f"V{width}")
    return both.view(f"V{8 + width}")
