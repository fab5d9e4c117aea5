"""glibc's malloc, tuned for NumPy's big short-lived arrays (on Linux; elsewhere nothing is done).

Three uses: keeping word2vec's peak memory near what its arrays need
(:func:`returning_big_blocks`), keeping counting fast, in a Dask worker as
in ``ngrams`` (:func:`reusing_big_blocks`), and keeping the threads of a count
from each holding its own heap (:func:`one_heap`).

word2vec: reading a corpus hashes it a megabyte at a time on three threads, and each
megabyte makes tens of megabytes of short-lived arrays. glibc's malloc
serves big blocks with ``mmap`` and returns them to the system when freed,
but after the first such free it raises that threshold, so later blocks
come from per-thread heaps that keep their high-water mark: the process
would hold about 100 MB more than its live arrays. ``returning_big_blocks``
pins the threshold at 128 KB while reading (each big array is returned when
freed), then sets it high for training, whose mini-batch arrays are better
reused from the heap: an ``mmap`` per array would cost a page fault per 4 KB
(2.5x slower, measured). Elsewhere (macOS, musl) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Iterator
from contextlib import contextmanager

_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD, _M_ARENA_MAX = -1, -3, -8  # from glibc's malloc.h


def _libc():
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@contextmanager
def returning_big_blocks(after: int = 32 << 20) -> Iterator[None]:
    """Inside: blocks of 128 KB and up go back to the system when freed. After: only those over ``after`` bytes."""
    global _returning
    libc = _libc()
    if libc is None or _returning:  # nested: the outermost one decides what comes after
        yield
        return
    libc.mallopt(_M_MMAP_THRESHOLD, 128 << 10)
    _returning = True
    try:
        yield
    finally:
        _returning = False
        libc.malloc_trim(0)
        libc.mallopt(_M_MMAP_THRESHOLD, after)
        libc.mallopt(_M_TRIM_THRESHOLD, 2 * after)  # keep freed heap for the next mini-batch


_returning = False  # inside returning_big_blocks


def reusing_big_blocks(threshold: int = 32 << 20) -> None:
    """Serve blocks below ``threshold`` from the heap and keep freed heap, as glibc does by itself
    once it has seen big blocks freed.

    A Dask worker starts with ``MALLOC_TRIM_THRESHOLD_`` set (Dask's default, to give memory
    back), and setting it turns off glibc's moving mmap threshold: every array over 128 KB is
    then a fresh ``mmap``, a page fault per 4 KB, and counting a partition took 2.4 s in a
    worker against 1.3 s in a plain process (measured, 5.4 million words).
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_MMAP_THRESHOLD, threshold)
        libc.mallopt(_M_TRIM_THRESHOLD, 2 * threshold)


def one_heap() -> None:
    """Threads started from now on allocate from the main heap, not each from its own arena.

    With the big blocks kept in the heap (``reusing_big_blocks``), every arena keeps the
    high-water mark of its own thread: counting's hashing threads held their chunks' arrays
    once more. One heap: ``ngrams --unit word -n 2`` on Webster's words peaked at 241 MB
    against 276 MB, in the same time (farm-bench, 11 pairs). The lock it shares is taken
    once per big array, not per Python object (those come from Python's own allocator).
    """
    libc = _libc()
    if libc is not None:
        libc.mallopt(_M_ARENA_MAX, 1)
