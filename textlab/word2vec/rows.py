"""Adding up a mini-batch's updates per weight row, at most ``cap`` of them.

A mini-batch sends thousands of updates to the rows of a weight matrix,
many to the same row (a frequent word is drawn as a negative dozens of
times). NumPy's ``matrix[rows] += updates`` would keep only one update per
repeated row, and ``np.add.at`` is slow, so the updates are first summed per
distinct row.

The cap. The C tool applies updates one after another, and each sees the
row as the last one left it: a row pushed away from a context stops being
pushed once its score is low. A mini-batch computes all its updates from
the same weights, so a row with 300 of them would take 300 steps at once
and overshoot. Each row therefore moves by at most ``cap`` updates' worth:
the mean of its updates times ``cap`` (rare rows, with fewer, are summed as
they are). On Webster's dictionary a cap of 16 raised skip-gram's analogy
accuracy from 12.4% to between 13.3% and 14.1% over three seeds
(scripts/bench_word2vec.py). But on a small corpus whose words come in bursts
(an article on Apollo 11 says "moon" dozens of times in 1,024 words) 16 was
still too many: those words' rows overshot together and collapsed onto one
direction (every neighbour of "moon" at cosine 0.996 on the tour's corpus). A
cap of 4 keeps them apart (neighbours at 0.86 to 0.91, two random words at
0.14) and scored the same on the benchmark (skip-gram 13.79%, CBOW 16.32%
against 16.64%), for about 8% more time per epoch. Skip-gram now starts at twice that
rate (0.05) with half the cap, 2: a busy row moves as far per batch as before, and a
test checks that the tour's neighbours of "moon" stay apart (with 4 they did not).
"""

from __future__ import annotations

import numpy as np

from ..sorting import stable_argsort

#: Rows with more updates than this in one batch are summed with one reduceat over their runs.
_ROUNDS = 8


def summed_rows(
    rows: np.ndarray,
    updates: np.ndarray,
    cap: int | None = None,
    into: tuple[np.ndarray, np.ndarray] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """(distinct rows in increasing order, the sum of each one's updates, capped).

    ``into``: arrays to write the two results in (their first rows; the results are views of
    them), such as a worker's mailbox in shared memory, so that nothing is copied there after.

    >>> r, u = summed_rows(np.array([3, 1, 3]), np.array([[1.0], [2.0], [4.0]]))
    >>> r.tolist(), u.tolist()
    ([1, 3], [[2.0], [5.0]])
    """
    order = stable_argsort(rows)  # through np.sort: 0.87x the time of the whole call with argsort
    ordered = rows[order]
    new = np.empty(len(rows), bool)
    new[:1] = True
    new[1:] = ordered[1:] != ordered[:-1]
    starts = np.flatnonzero(new)
    run = np.cumsum(new) - 1  # which distinct row each sorted update belongs to
    rank = np.arange(len(rows)) - starts[run]  # 0 for a row's first update, 1 for its second, ...
    # np.take: faster than updates[...] for rows. Into given arrays with mode="clip" (the indices
    # are in range by construction): with the default "raise", NumPy takes into a buffer and
    # copies it over, 2.5x the time
    sums = np.take(updates, order[starts], axis=0, out=None if into is None else into[1][: len(starts)], mode="clip")
    # Most rows get a few updates: add every row's second update at once, then every third...
    # each step one vectorised add over distinct rows. The few rows with many more updates
    # have the rest of their runs summed by one reduceat.
    most = int(rank.max()) if len(rank) else 0
    for k in range(1, min(most, _ROUNDS - 1) + 1):
        at = np.flatnonzero(rank == k)
        sums[run[at]] += np.take(updates, order[at], axis=0)
    if most >= _ROUNDS:
        at = np.flatnonzero(rank >= _ROUNDS)
        firsts = np.flatnonzero(np.diff(run[at], prepend=-1))
        sums[run[at[firsts]]] += np.add.reduceat(np.take(updates, order[at], axis=0), firsts, axis=0)
    if cap is not None and most >= cap:
        sizes = np.diff(starts, append=len(rows))
        over = np.flatnonzero(sizes > cap)
        sums[over] *= (cap / sizes[over]).astype(sums.dtype)[:, None]
    return np.take(ordered, starts, out=None if into is None else into[0][: len(starts)], mode="clip"), sums
