"""An n-gram table written as TSV by NumPy: the bytes of a block of rows at once.

Writing a table of millions of rows through Python strings (a string per
n-gram, per count, then joins) took longer than counting it: 60% of a word
bigram count's run.  Here a row is a list of byte *segments* (the order, each
token, a space between words, a tab, the count's digits, a newline), taken
from two sources of bytes: the table's pool (the tokens' UTF-8, escaped for
TSV once per distinct token, and the separators) and the block's numbers (the
counts' digits, written by NumPy a digit column at a time for the counts of
each width).  A block's output is then one gather over both:
``np.repeat(starts, lengths) + offsets within each segment``.
"""

from __future__ import annotations

import itertools
import threading
from typing import IO, TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .ngrams import NgramTable

#: Rows a block: its index arrays take about 60 bytes a row, so a block's arrays stay in the
#: cores' caches (1 MB here). farm-bench of a 1.8 M-row word bigram count, whole command:
#: blocks of 2**16 rows 0.88x the time of 2**18, 2**14 0.93x of 2**16, 2**12 no faster.
BLOCK_ROWS = 1 << 14

#: The largest token pool written on the worker threads, each with a copy of it (32 MB: a
#: vocabulary of about 1.5 million words); a bigger one is written on this thread alone.
POOL_THREADS = 32 << 20

_POWERS = 10 ** np.arange(19, dtype=np.int64)


def digits(values: np.ndarray, end: bytes = b"") -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integers written in decimal, each followed by ``end`` (a separator, or
    nothing): the text of all, one after another, and each one's width.

    >>> d, w = digits(np.array([7, 120, 45]))
    >>> d.tobytes(), w.tolist()
    (b'712045', [1, 3, 2])
    >>> digits(np.array([7, 120]), end=b"\\n")[0].tobytes()
    b'7\\n120\\n'
    """
    values = np.asarray(values, np.int64)
    width = np.searchsorted(_POWERS, values, side="right").clip(1)  # 0 has one digit
    ends = np.cumsum(width + len(end)) - len(end)
    out = np.empty(int(ends[-1]) + len(end) if len(ends) else 0, np.uint8)
    if end:
        out[ends] = end[0]
    for w in np.flatnonzero(np.bincount(width)).tolist():  # the widths there are (np.unique would sort)
        at = np.flatnonzero(width == w)
        places = _POWERS[w - 1 :: -1][:w]  # 10**(w-1) ... 1
        grid = (values[at, None] // places) % 10 + 48
        out[(ends[at] - w)[:, None] + np.arange(w)] = grid
    return out, width + len(end)


#: Whole digits a float's fixed-point text has room for; larger ones are formatted by Python.
_WHOLE_DIGITS = 4


def fixed(values: np.ndarray, places: int = 6, end: bytes = b"") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Floats written as Python's ``f"{v:.6f}"`` writes them (``places`` decimals, correctly
    rounded, a minus sign kept on a negative that rounds to zero), each followed by ``end``
    (a separator: one segment fewer a value), for :func:`segments`: the bytes, where each
    value's text starts in them, and its width.

    Each value gets a field of ``- dddd . ffffff`` bytes, its digits from
    ``rint(|v| * 10**places)``, and its text is the end of the field (from its
    first digit, or its sign). The product is off by at most half a unit in its
    last place, which can only change the rounding when the exact value lies within
    that of a half: values within 1e-3 of one (and inf, nan, and those of more than
    four whole digits) are formatted by Python instead, after the fields.

    >>> source, start, width = fixed(np.array([-1.2345675, 0.5, -0.0000001, -99.0]))
    >>> [source[a : a + w].tobytes().decode() for a, w in zip(start, width)]
    ['-1.234568', '0.500000', '-0.000000', '-99.000000']
    """
    v = np.asarray(values, float)
    n = len(v)
    field = 1 + _WHOLE_DIGITS + 1 + places + len(end)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(v) * 10.0**places
        half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
        slow = np.flatnonzero(~(scaled < 10.0 ** (_WHOLE_DIGITS + places)) | half)  # nan too
    scaled[slow] = 0.0
    whole = np.rint(scaled).astype(np.int64)
    grid = np.empty((n, field), np.uint8)
    part = (whole % 10**places).astype(np.int32)
    if end:
        grid[:, -1] = end[0]
    for column in range(field - 1 - len(end), field - 1 - len(end) - places, -1):
        grid[:, column] = part % 10 + 48
        part //= 10
    grid[:, _WHOLE_DIGITS + 1] = 46  # the decimal point
    part = (whole // 10**places).astype(np.int32)
    digits_before = np.ones(n, np.int64)  # 0 has one digit
    for column in range(_WHOLE_DIGITS, 0, -1):
        grid[:, column] = part % 10 + 48
        if column < _WHOLE_DIGITS:
            digits_before += part > 0
        part //= 10
    first = _WHOLE_DIGITS + 1 - digits_before  # the column of the first whole digit
    negative = np.flatnonzero(np.signbit(v))
    grid[negative, first[negative] - 1] = 45  # the minus sign
    begin = first - np.signbit(v)
    start = np.arange(n, dtype=np.int64) * field + begin
    width = field - begin
    text = [format(x, f".{places}f").encode() + end for x in v[slow].tolist()]
    if text:
        widths = np.fromiter(map(len, text), np.int64, len(text))
        start[slow] = grid.size + np.cumsum(widths) - widths
        width[slow] = widths
    return np.concatenate([grid.ravel(), np.frombuffer(b"".join(text), np.uint8)]), start, width


def segments(source: np.ndarray, starts: list[np.ndarray], lengths: list[np.ndarray]) -> np.ndarray:
    """Rows of byte segments, gathered from ``source`` in one step: row i is the
    segments ``source[starts[j][i] : starts[j][i] + lengths[j][i]]`` for j = 0, 1, ...,
    and the rows follow one another.

    >>> pool = np.frombuffer(b"catdog ", np.uint8)
    >>> segments(pool, [np.array([0, 3]), np.array([6, 6])], [np.array([3, 3]), np.array([1, 0])]).tobytes()
    b'cat dog'
    """
    m = len(starts[0]) if starts else 0
    # row by row, segment by segment; 32-bit indices while the source allows
    kind = np.int32 if len(source) < 2**31 else np.int64
    grid_start = np.empty((m, len(starts)), kind)
    grid_length = np.empty((m, len(starts)), np.int32)
    for j, (a, b) in enumerate(zip(starts, lengths)):
        grid_start[:, j], grid_length[:, j] = a, b
    start, length = grid_start.ravel(), grid_length.ravel()
    first = np.cumsum(length, dtype=np.int64) - length
    size = int(first[-1] + length[-1]) if len(length) else 0
    index = np.repeat(start - first.astype(kind), length)
    index += np.arange(size, dtype=kind)  # each segment's bytes: its start, +1, +2, ...
    return np.take(source, index)  # half the time of source[index] with 32-bit indices


def token_pool(
    data: bytes, lengths: np.ndarray, followers: list[bytes]
) -> tuple[np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """The tokens (``data`` joined, token i ``lengths[i]`` bytes) once for each follower, every
    copy of a token followed by that follower (one byte, or b"" for nothing), so that a token
    and the separator after it are one segment: the pool, and for each follower where each
    token's copy starts and how long it is.

    >>> pool, starts, widths = token_pool(b"catdog", np.array([3, 3]), [b" ", b"\\t"])
    >>> pool.tobytes(), starts[1].tolist(), widths[1].tolist()
    (b'cat dog cat\\tdog\\t', [8, 12], [4, 4])
    """
    raw, ends = np.frombuffer(data, np.uint8), np.cumsum(lengths)
    copies, starts, widths = [], [], []
    offset = 0
    for follower in followers:
        copy = np.insert(raw, ends, ord(follower)) if follower else raw  # a byte after each token
        width = lengths + len(follower)
        starts.append(offset + np.cumsum(width) - width)
        widths.append(width)
        copies.append(copy)
        offset += len(copy)
    return np.concatenate(copies), starts, widths


class TableWriter:
    """Writes blocks of one table (its tokens, its unit) as TSV bytes."""

    def __init__(self, tokens: list[str], unit: str) -> None:
        from .io import format_cell, needs_escape

        joined = "".join(tokens)
        if needs_escape(joined):  # a token with a tab, a backslash...: escaped once per distinct token
            tokens = [format_cell(t) for t in tokens]
            joined = "".join(tokens)
        data = joined.encode("utf-8")
        sizes = map(len, tokens) if len(data) == len(joined) else map(len, map(str.encode, tokens))
        lengths = np.fromiter(sizes, np.int64, len(tokens))
        # Each token twice, with what follows it inside a row (a space between words, nothing
        # between characters) and at the row's last token (the tab before the count): a
        # row is then a segment a token and its count, half the segments of one a separator.
        self.pool, (self.within_start, self.last_start), (self.within_len, self.last_len) = token_pool(
            data, lengths, [b" " if unit == "word" else b"", b"\t"]
        )
        self._buffers = threading.local()  # each thread's copy of the pool (see _sources)

    def write(self, out: IO[bytes], table: NgramTable, with_order: bool) -> None:
        """The rows of ``table`` (sorted by order, as tables are) as ``[order\\t]ngram\\tcount`` lines.

        The next blocks' bytes are made on the worker threads while this one is written:
        the gathers that make them release the GIL, so a big table is written on both cores."""
        from .tokens import prefetch

        pieces: list[tuple[NgramTable, int]] = []
        for start in range(0, len(table), BLOCK_ROWS):
            block = table.select(slice(start, start + BLOCK_ROWS))  # slices: views, not copies
            bounds = [0, *(np.flatnonzero(np.diff(block.order)) + 1).tolist(), len(block)]
            pieces += [(block.select(slice(a, b)), int(block.order[a])) for a, b in itertools.pairwise(bounds) if b > a]
        make = lambda piece: self._lines(piece[0], piece[1], with_order)  # noqa: E731
        # each thread copies the pool once (see _sources): past POOL_THREADS, one thread does it all
        for lines in prefetch(make, pieces) if len(self.pool) <= POOL_THREADS else map(make, pieces):
            out.write(lines.data)

    def _lines(self, table: NgramTable, k: int, with_order: bool) -> np.ndarray:
        """Rows of one order ``k`` as bytes.

        The segments point into the tokens' pool (made once for the table) and, after
        it, this block's numbers (the counts' digits, the order and its tab)."""
        m = len(table)
        count_digits, count_width = digits(table.counts, end=b"\n")
        base = len(self.pool)
        numbers = count_digits
        starts, lengths = [], []
        if with_order:
            order_field = digits(np.array([k]), end=b"\t")[0]
            numbers = np.concatenate([count_digits, order_field])
            starts.append(np.full(m, base + len(count_digits)))
            lengths.append(np.full(m, len(order_field)))
        for j in range(k):
            column = np.ascontiguousarray(table.rows[:, j])  # take: faster than fancy indexing, on contiguous ids
            if j < k - 1:
                starts.append(self.within_start.take(column))
                lengths.append(self.within_len.take(column))
            else:
                starts.append(self.last_start.take(column))
                lengths.append(self.last_len.take(column))
        starts.append(base + np.cumsum(count_width) - count_width)
        lengths.append(count_width)
        return segments(self._sources(numbers), starts, lengths)

    def _sources(self, numbers: np.ndarray) -> np.ndarray:
        """The pool with this block's numbers after it: the pool is copied once per thread,
        into a buffer with room behind it that each block's numbers overwrite (the pool of a
        big vocabulary is tens of megabytes: copied for every block, it would be written out
        again each time)."""
        base = len(self.pool)
        buffer = getattr(self._buffers, "buffer", None)
        if buffer is None or len(buffer) < base + len(numbers):
            buffer = self._buffers.buffer = np.empty(base + max(len(numbers), 1 << 20), np.uint8)
            buffer[:base] = self.pool
        buffer[base : base + len(numbers)] = numbers
        return buffer
