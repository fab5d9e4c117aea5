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
from typing import IO, TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .ngrams import NgramTable

#: Rows a block: its index arrays take about 60 bytes a row.
BLOCK_ROWS = 1 << 18

_POWERS = 10 ** np.arange(19, dtype=np.int64)


def digits(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Non-negative integers written in decimal: the digits of all, one after another, and
    each one's width.

    >>> d, w = digits(np.array([7, 120, 45]))
    >>> d.tobytes(), w.tolist()
    (b'712045', [1, 3, 2])
    """
    values = np.asarray(values, np.int64)
    width = np.searchsorted(_POWERS, values, side="right").clip(1)  # 0 has one digit
    ends = np.cumsum(width)
    out = np.empty(int(ends[-1]) if len(ends) else 0, np.uint8)
    for w in np.unique(width).tolist():
        at = np.flatnonzero(width == w)
        places = _POWERS[w - 1 :: -1][:w]  # 10**(w-1) ... 1
        grid = (values[at, None] // places) % 10 + 48
        out[(ends[at] - w)[:, None] + np.arange(w)] = grid
    return out, width


def fixed(values: np.ndarray, places: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Floats written as Python's ``f"{v:.6f}"`` writes them (``places`` decimals, correctly
    rounded, a minus sign kept on a negative that rounds to zero): the text of all, one
    after another, and each one's width.

    The digits come from ``rint(|v| * 10**places)``; the product is off by at most half
    a unit in its last place, which can only change the rounding when the exact value
    lies within that of a half: values within 1e-3 of one (and inf, nan, huge ones) are
    formatted by Python instead.

    >>> t, w = fixed(np.array([-1.2345675, 0.5, -0.0000001, -99.0]))
    >>> t.tobytes(), w.tolist()
    (b'-1.2345680.500000-0.000000-99.000000', [9, 8, 9, 10])
    """
    v = np.asarray(values, float)
    scale = 10.0**places
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = np.abs(v) * scale
        half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-3
        slow = np.flatnonzero(~np.isfinite(v) | (scaled >= 2.0**52) | half)
    scaled[slow] = 0.0
    whole = np.rint(scaled).astype(np.int64)
    int_digits, int_width = digits(whole // 10**places)
    frac = (whole % 10**places)[:, None] // _POWERS[places - 1 :: -1][:places] % 10 + 48
    text = [format(x, f".{places}f").encode() for x in v[slow].tolist()]
    extra = np.frombuffer(b"-." + b"".join(text), np.uint8)
    n = len(v)
    base_int, base_frac, base_extra = 0, len(int_digits), len(int_digits) + frac.size
    source = np.concatenate([int_digits, frac.astype(np.uint8).ravel(), extra])
    sign = np.signbit(v).astype(np.int64)
    starts = [np.full(n, base_extra), base_int + np.cumsum(int_width) - int_width, np.full(n, base_extra + 1)]
    starts.append(base_frac + places * np.arange(n))
    lengths = [sign, int_width, np.ones(n, np.int64), np.full(n, places)]
    if len(slow):
        widths = np.fromiter(map(len, text), np.int64, len(text))
        starts[1][slow] = base_extra + 2 + np.cumsum(widths) - widths
        lengths[0][slow], lengths[1][slow], lengths[2][slow], lengths[3][slow] = 0, widths, 0, 0
    return segments(source, starts, lengths), sum(lengths)


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
    index = np.repeat(start - first.astype(kind), length) + np.arange(size, dtype=kind)
    return source[index]


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
        self.pool = np.frombuffer(data + b"\t \n", np.uint8)
        lengths = np.fromiter(sizes, np.int64, len(tokens))
        self.token_start = np.cumsum(lengths) - lengths
        self.token_len = lengths
        self.tab, self.space, self.newline = len(self.pool) - 3, len(self.pool) - 2, len(self.pool) - 1
        self.separator = 1 if unit == "word" else 0
        self._buffer: np.ndarray | None = None

    def write(self, out: IO[bytes], table: NgramTable, with_order: bool) -> None:
        """The rows of ``table`` (sorted by order, as tables are) as ``[order\\t]ngram\\tcount`` lines."""
        for start in range(0, len(table), BLOCK_ROWS):
            block = table.select(slice(start, start + BLOCK_ROWS))  # slices: views, not copies
            bounds = [0, *(np.flatnonzero(np.diff(block.order)) + 1).tolist(), len(block)]
            for a, b in itertools.pairwise(bounds):
                if b > a:
                    out.write(self._lines(block.select(slice(a, b)), int(block.order[a]), with_order))

    def _lines(self, table: NgramTable, k: int, with_order: bool) -> bytes:
        """Rows of one order ``k`` as bytes.

        The segments point into the tokens' pool (made once for the table) and, after
        it, this block's numbers (the counts' digits, the order and its tab)."""
        m = len(table)
        count_digits, count_width = digits(table.counts)
        base = len(self.pool)
        numbers = count_digits
        starts, lengths = [], []
        if with_order:
            order_field = np.concatenate([digits(np.array([k]))[0], np.frombuffer(b"\t", np.uint8)])
            numbers = np.concatenate([count_digits, order_field])
            starts.append(np.full(m, base + len(count_digits)))
            lengths.append(np.full(m, len(order_field)))
        rows = table.rows[:, :k]
        for j in range(k):
            if j:
                starts.append(np.full(m, self.space))
                lengths.append(np.full(m, self.separator))
            starts.append(self.token_start[rows[:, j]])
            lengths.append(self.token_len[rows[:, j]])
        count_start = base + np.cumsum(count_width) - count_width
        starts += [np.full(m, self.tab), count_start, np.full(m, self.newline)]
        lengths += [np.ones(m, np.int64), count_width, np.ones(m, np.int64)]
        return segments(self._sources(numbers), starts, lengths).tobytes()

    def _sources(self, numbers: np.ndarray) -> np.ndarray:
        """The pool with this block's numbers after it: the pool is copied once, into a buffer
        with room behind it that each block's numbers overwrite (the pool of a big vocabulary
        is tens of megabytes: copied for every block, it would be written out again each time)."""
        base = len(self.pool)
        if self._buffer is None or len(self._buffer) < base + len(numbers):
            self._buffer = np.empty(base + max(len(numbers), 1 << 20), np.uint8)
            self._buffer[:base] = self.pool
        self._buffer[base : base + len(numbers)] = numbers
        return self._buffer
