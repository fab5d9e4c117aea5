"""Sorting and looking up integer keys at the speed of ``np.sort``.

NumPy sorts values with SIMD instructions but has no such argsort: on this
kind of machine, 3.4 million int64 keys take 0.08 s to sort and 0.7 s to
argsort. When the keys are non-negative and small enough to share a 64-bit
word with their position, the permutation is read off the *sorted values*
instead:

    packed = key << b | position        (b bits hold every position)
    sort(packed) & (2**b - 1)  ->  the positions, in key order

Equal keys keep their order (the position breaks the tie), so this is a
stable argsort.

Looking many keys up in a sorted array (``searchsorted``) is slow for
queries in random order, since each probes the array at random: 3.9 s for
3.4 million queries into 2.6 million keys, against 0.16 s once the queries
are sorted. ``locate`` sorts them first.

>>> stable_argsort(np.array([30, 10, 20, 10])).tolist()
[1, 3, 2, 0]
>>> locate(np.array([10, 20, 30]), np.array([30, 5, 10, 30])).tolist()
[2, -1, 0, 2]
"""

from __future__ import annotations

import numpy as np


def stable_argsort(keys: np.ndarray) -> np.ndarray:
    """``np.argsort(keys, kind="stable")``, through ``np.sort`` where the keys leave room."""
    n = len(keys)
    if n < 2:
        return np.arange(n)
    if keys.dtype.kind == "V":  # raw bytes (keys wider than 64 bits): no arithmetic on them
        return np.argsort(keys, kind="stable")
    bits = max(1, (n - 1).bit_length())
    low, high = int(keys.min()), int(keys.max())
    if low < 0 or high >= 1 << (63 - bits):
        return np.argsort(keys, kind="stable")
    packed = keys.astype(np.int64) << bits
    packed |= np.arange(n, dtype=np.int64)
    packed.sort()
    packed &= (1 << bits) - 1
    return packed


def locate(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Position of each query in ``sorted_keys`` (which holds each key once), or -1 where absent."""
    if not len(sorted_keys) or not len(queries):
        return np.full(len(queries), -1, np.int64)
    order = stable_argsort(queries)
    wanted = queries[order]
    found = np.searchsorted(sorted_keys, wanted)
    np.minimum(found, len(sorted_keys) - 1, out=found)
    found[sorted_keys[found] != wanted] = -1
    out = np.empty(len(queries), np.int64)
    out[order] = found
    return out
