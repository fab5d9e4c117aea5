"""N-gram tables of characters or words: counts, conditional probabilities, merges.

A text becomes a stream of integer token ids (characters through
``codepoints.CharTable``, words through ``vocab.Vocabulary``), which
``counting.NgramCounter`` counts chunk by chunk. Separators — a non-letter
under ``letters_only``, a line break between words — are kept in the stream
as positions no n-gram may cross.

With ``boundaries=True`` each segment (a word under ``letters_only``, else a
line) is wrapped in a start and an end marker, as a language model wants, so
that "the first letter of a word" and "the last word of a line" are n-grams
too::

    "cat dog", letters_only, boundaries:  ^ c a t $ | ^ d o g $   (| no n-gram crosses)
    bigrams: ^c ca at t$ ^d do og g$

Markers are written ``^`` and ``$`` for characters, ``<s>`` and ``</s>`` for
words (the ARPA convention).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .codepoints import CharTable
from .counting import MAX_ORDER, SPILL_SHARE, NgramCounter, Spill, pack_rows, sum_by_key
from .errors import DataError, UsageError
from .letters import NgramCounts, count_letters
from .sorting import stable_argsort
from .tokens import CHAR_MARKERS, WORD_MARKERS, char_stream, word_stream
from .vocab import HashedWords, Vocabulary

if TYPE_CHECKING:
    from .spill import RunStore
    from .spilled import SpilledTable


@dataclass
class NgramTable:
    """Counts of n-grams of one or more orders.

    ``rows`` holds token ids, padded with -1 on the right for orders below
    the largest; ``tokens[i]`` is the text of token id ``i``. ``ngrams``
    renders each n-gram as text: characters concatenated, words joined by
    spaces.
    """

    unit: str
    order: np.ndarray
    rows: np.ndarray
    counts: np.ndarray
    tokens: list[str]
    markers: int = 0  # tokens[:markers] are the boundary markers (a counted table's), not text

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def ngrams(self) -> list[str]:
        sep = "" if self.unit == "char" else " "
        toks = np.array(self.tokens + [""], dtype=object)  # id -1 (padding) -> ""
        out = np.empty(len(self), dtype=object)
        for k in np.unique(self.order).tolist():  # gather whole columns, join in C
            at = np.flatnonzero(self.order == k)
            out[at] = list(map(sep.join, zip(*(toks[self.rows[at, j]] for j in range(k)))))
        return out.tolist()

    def select(self, keep: np.ndarray | slice) -> NgramTable:
        """The rows ``keep`` picks: a slice (views), a boolean mask or positions."""
        if isinstance(keep, np.ndarray) and keep.dtype != bool:
            # np.take: 9x faster than rows[keep] for the rows of a 2-D array (1.8 M rows: 40 ms against 365)
            return NgramTable(
                self.unit,
                self.order.take(keep),
                np.take(self.rows, keep, axis=0),
                self.counts.take(keep),
                self.tokens,
                self.markers,
            )
        return NgramTable(self.unit, self.order[keep], self.rows[keep], self.counts[keep], self.tokens, self.markers)

    def sorted(self) -> NgramTable:
        """By order, then most frequent first; ties keep their current order
        (counting returns n-grams sorted by token ids, so this is deterministic)."""
        if len(self) == 0:
            return self
        # Most n-grams of a big table occur once; those keep their order and go
        # last within their order, so only the others need a real sort.
        once = self.counts == 1
        many = np.flatnonzero(~once)
        # by order, then count descending: one integer key, sorted through np.sort where it fits
        top = int(self.counts[many].max()) if len(many) else 0
        if len(many) and self.counts[many].min() >= 0 and (int(self.order.max()) + 1) * (top + 1) < 2**62:
            many = many[stable_argsort(self.order[many] * (top + 1) + (top - self.counts[many]))]
        else:
            many = many[np.lexsort([-self.counts[many], self.order[many]])]
        rows = np.concatenate([many, np.flatnonzero(once)])
        if self.order[0] == self.order[-1] and (self.order == self.order[0]).all():
            return self.select(rows)  # one order: grouped already
        # stable by (order, seen once): a radix sort of small integers
        group = (self.order[rows] * 2 + once[rows]).astype(np.int16 if self.order.max() < 16_000 else np.int64)
        return self.select(rows[np.argsort(group, kind="stable")])

    def probabilities(self) -> np.ndarray:
        """P(last token | the others) for each n-gram: its count over the total
        count of n-grams of the same order that share its context."""
        prob = np.empty(len(self), float)
        for k in np.unique(self.order).tolist():
            at = np.flatnonzero(self.order == k)
            if k == 1:
                prob[at] = self.counts[at] / self.counts[at].sum()
                continue
            keys = pack_rows(self.rows[at, : k - 1])
            uniq, totals = sum_by_key(keys, self.counts[at])
            prob[at] = self.counts[at] / totals[np.searchsorted(uniq, keys)]
        return prob


# -- the public functions ----------------------------------------------------
def count_ngrams(
    chunks: Iterable[bytes],
    n: int = 2,
    unit: str = "char",
    orders: list[int] | None = None,
    ignore_case: bool = False,
    letters_only: bool = False,
    boundaries: bool = False,
    sort: bool = True,
    blank_lines: bool = False,
) -> NgramTable:
    """Count the n-grams of a text, in memory (see :func:`count_within` for a budget).

    Parameters
    ----------
    chunks:
        Valid UTF-8 byte chunks (``TextReader(paths).chunks()``). For
        ``unit="word"`` the text is whitespace-separated words, one segment
        per line — what ``textlab words`` writes.
    n, orders:
        The order, or several orders counted in one pass (``orders=[1, 2, 3]``).
    unit:
        ``"char"`` or ``"word"``.
    ignore_case:
        Fold upper case into lower case first.
    letters_only:
        (characters) count only n-grams made of letters, like ``letters -n``.
    boundaries:
        Wrap each segment in start/end markers (see the module docstring).
    blank_lines:
        (words, with ``boundaries``) a line without words is the sentence ``<s> </s>``,
        as KenLM counts it; by default it is skipped.
    sort:
        Most frequent first (by order, then count); False leaves the rows in the
        order of their token ids, as :func:`merge_tables` wants them (a table
        counted in parts is sorted once, at the end).

    Returns
    -------
    NgramTable, sorted by order then count.
    """
    table = count_within(chunks, None, None, n, unit, orders, ignore_case, letters_only, boundaries, sort, blank_lines)
    assert isinstance(table, NgramTable)  # no budget: nothing goes to disk
    return table


def count_within(
    chunks: Iterable[bytes],
    memory: int | None,
    store: RunStore | None,
    n: int = 2,
    unit: str = "char",
    orders: list[int] | None = None,
    ignore_case: bool = False,
    letters_only: bool = False,
    boundaries: bool = False,
    sort: bool = True,
    blank_lines: bool = False,
) -> NgramTable | SpilledTable:
    """:func:`count_ngrams` within a budget of ``memory`` bytes for the counters' tables:
    past it they write sorted runs to ``store`` (see :mod:`textlab.spill`), and the result
    is a :class:`~textlab.spilled.SpilledTable`, read block by block in the same order."""
    orders = orders or [n]
    if min(orders) < 1:
        raise UsageError("n must be at least 1")
    if unit not in ("char", "word"):
        raise UsageError(f"unknown unit {unit!r}: use char or word")
    if unit == "char" and orders == [1] and not boundaries:
        # Single characters are a histogram of code points: the byte-level
        # counter of ``textlab letters`` does it in one bincount per block.
        single = count_letters(chunks, 1, ignore_case=ignore_case, all_chars=not letters_only)
        assert isinstance(single, NgramCounts)  # single letters never spill
        return letters_table(single)
    spill = _spill(memory, store, len(orders))
    counters = {k: NgramCounter(k, spill) for k in orders}
    if unit == "char":
        table = CharTable(ignore_case)
        stream = char_stream(chunks, ignore_case, letters_only, boundaries, table)
    else:
        vocab = Vocabulary()
        stream = word_stream(chunks, ignore_case, boundaries, vocab, blank_lines)
    _feed(counters, stream)
    if unit == "char":
        tokens = list(CHAR_MARKERS) + [chr(c) for c in table.chars]
    else:
        tokens = list(WORD_MARKERS) + vocab.words
    if spill is not None and any(c.spilled for c in counters.values()):
        from .spilled import SpilledTable

        return SpilledTable(unit, counters, tokens, spill.store, spill.limit)
    return _table_of(counters, unit, tokens, sort)


def count_stream(
    stream: Iterable[tuple[np.ndarray, np.ndarray | None]],
    orders: list[int],
    vocab: Vocabulary,
    memory: int | None = None,
    store: RunStore | None = None,
) -> NgramTable | SpilledTable:
    """The table of a word stream (``tokens.word_stream`` numbering its words in ``vocab``),
    boundary markers included, rows in the order of their token ids: in memory, or past
    ``memory`` bytes in sorted runs in ``store`` (as :func:`count_within`)."""
    spill = _spill(memory, store, len(orders))
    counters = {k: NgramCounter(k, spill) for k in orders}
    _feed(counters, stream)
    tokens = list(WORD_MARKERS) + vocab.words
    if spill is not None and any(c.spilled for c in counters.values()):
        from .spilled import SpilledTable

        return SpilledTable("word", counters, tokens, spill.store, spill.limit)
    return _table_of(counters, "word", tokens, sort=False)


def _spill(memory: int | None, store: RunStore | None, orders: int) -> Spill | None:
    """Where counters of ``orders`` orders spill within ``memory`` bytes (None: they never do)."""
    if memory is None or store is None:
        return None
    return Spill(store, max(1 << 16, memory // (SPILL_SHARE * orders)))


def _feed(counters: dict[int, NgramCounter], stream: Iterable[tuple[np.ndarray, np.ndarray | None]]) -> None:
    for ids, ok in stream:
        if len(ids):
            ids = ids.astype(np.uint32, copy=False)  # separators hold any id: never inside an n-gram
            for counter in counters.values():
                counter.update(ids, ok)


def _table_of(counters: dict[int, NgramCounter], unit: str, tokens: list[str], sort: bool) -> NgramTable:
    """The counters' tables, in memory, as one table of every order."""
    if sort and len(counters) == 1:  # one order: sorted by count as it is unpacked, no copies to re-order
        ((k, counter),) = counters.items()
        rows, counts = counter.result(by_count=True, dtype=np.int64)
        return NgramTable(unit, np.full(len(counts), k, np.int64), rows, counts, tokens, markers=2)
    orders = list(counters)
    width = max(orders)
    parts = []
    for k, counter in counters.items():
        rows, order_counts = counter.result()
        padded = np.full((len(rows), width), -1, np.int64)
        padded[:, :k] = rows
        parts.append((np.full(len(rows), k), padded, order_counts))
    result = NgramTable(
        unit,
        np.concatenate([p[0] for p in parts]).astype(np.int64),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]).astype(np.int64),
        tokens,
        markers=2,
    )
    return result.sorted() if sort else result


def letters_table(counts: NgramCounts) -> NgramTable:
    """Single characters counted by ``count_letters`` as a table: ties in code point order, as there."""
    return table_from_rows("char", zip([1] * len(counts), counts.ngrams, counts.counts.tolist())).sorted()


def negated(table: NgramTable) -> NgramTable:
    """The table with its counts taken away: merged with another, it subtracts."""
    return NgramTable(table.unit, table.order, table.rows, -table.counts, table.tokens, table.markers)


def merge_tables(tables: Iterable[NgramTable], sort: bool = True) -> NgramTable:
    """Sum several tables n-gram by n-gram (counts of a big corpus made in parts).

    Tokens are matched by their text, except a counted table's boundary markers,
    which stay apart from the same characters in the text (``^`` the marker is not
    ``^`` the letter); the merged table numbers them in order of first appearance
    across the tables, so tables of consecutive parts of a text merge, in order,
    into the very table of the whole text.  N-grams whose counts add up to zero
    (a part taken away with :func:`negated`) are left out.  ``sort``: as in
    :func:`count_ngrams` (False: by token ids, ready to merge again).
    """
    merged = merge_within(tables, None, None, sort)
    assert isinstance(merged, NgramTable)  # no budget: nothing goes to disk
    return merged


def merge_within(
    tables: Iterable[NgramTable], memory: int | None, store: RunStore | None, sort: bool = True
) -> NgramTable | SpilledTable:
    """:func:`merge_tables` with one table in memory at a time: each is added into one
    counter per order (read from the files one by one, they are never all held), and
    those counters write sorted runs to ``store`` past ``memory`` bytes, as counting
    does. Memory follows the distinct n-grams of the merged table (or the budget), and
    the largest single table, not the sum of the inputs."""
    spill = None
    counters: dict[int, NgramCounter] = {}
    index: dict[tuple[bool, str], int] = {}  # a counted table's marker is not the same text in the input
    unit = markers = None
    width = 1
    for table in tables:
        if unit is None:
            unit, markers = table.unit, table.markers
            if memory is not None and store is not None:  # each order its share, as counting gives it
                share = SPILL_SHARE * max(1, len(np.unique(table.order)))
                spill = Spill(store, max(1 << 16, memory // share))
        elif table.unit != unit:
            raise DataError("cannot merge character and word tables")
        markers = markers if table.markers == markers else 0
        width = max(width, table.rows.shape[1])
        names = [(i < table.markers, tok) for i, tok in enumerate(table.tokens)]
        remap = np.array([index.setdefault(name, len(index)) for name in names] + [-1], np.int64)
        for k in np.unique(table.order).tolist():
            at = np.flatnonzero(table.order == k)
            if k not in counters:
                counters[k] = NgramCounter(k, spill)
            counters[k].add_rows(remap[table.rows[at, :k]], table.counts[at])
        del table, remap  # the next table replaces this one
    if unit is None:
        raise UsageError("nothing to merge")
    counters = dict(sorted(counters.items()))
    tokens = [tok for _, tok in index]
    if not counters:  # tables with a header and no row: their merge has none either
        empty = np.zeros(0, np.int64)
        return NgramTable(unit, empty, np.full((0, width), -1, np.int64), empty, tokens, markers or 0)
    if spill is not None and any(c.spilled for c in counters.values()):
        from .spilled import SpilledTable

        return SpilledTable(unit, counters, tokens, spill.store, spill.limit)
    merged = _table_of(counters, unit, tokens, sort=False)
    kept = merged.counts != 0  # n-grams whose counts add up to zero are left out
    merged = merged if kept.all() else merged.select(kept)
    merged = NgramTable(merged.unit, merged.order, merged.rows, merged.counts, merged.tokens, markers or 0)
    return merged.sorted() if sort else merged


def table_from_rows(unit: str, ngrams: Iterable[tuple[int, str, int]]) -> NgramTable:
    """Build a table from (order, ngram text, count) rows, as read from TSV."""
    index: dict[str, int] = {}
    orders: list[int] = []
    rows: list[list[int]] = []
    counts: list[int] = []
    for order, text, count in ngrams:
        toks = list(text) if unit == "char" else text.split(" ")
        if len(toks) != order:
            raise DataError(f"n-gram {text!r} has {len(toks)} tokens, but its order is {order}")
        rows.append([index.setdefault(t, len(index)) for t in toks])
        orders.append(order)
        counts.append(count)
    width = max(orders, default=1)
    arr = np.full((len(rows), width), -1, np.int64)
    for i, r in enumerate(rows):
        arr[i, : len(r)] = r
    return NgramTable(unit, np.array(orders, np.int64), arr, np.array(counts, np.int64), list(index))


#: Counts read from a table must fit in NumPy's int64, with room to add tables up.
LARGEST_COUNT = 1 << 62


def read_table(path: str, unit: str = "char") -> NgramTable:
    """Read a table written by ``textlab ngrams`` (columns ``ngram``, ``count``, optionally ``order``).

    Tables of millions of rows are read column by column: each block of text
    is split into cells by ``str.split`` (C), the counts converted by NumPy,
    the tokens numbered through one dict of the distinct ones.  A block that
    does not parse cleanly is read again line by line, which names the bad line.
    """
    from .io import describe, read_tsv

    name = describe(path)
    header, _ = read_tsv(path, ["ngram", "count"])  # checks the header, names the file if it is not a table
    # `ngrams` writes [order] ngram count [prob]; the probabilities follow from the counts, so
    # they are not read (a table of --prob is a model's table all the same)
    with_order, with_prob = header[:1] == ["order"], header[-1:] == ["prob"]
    if header == ["order"] * with_order + ["ngram", "count"] + ["prob"] * with_prob:
        if unit == "word":
            fast = _read_word_bytes(path, with_order, with_prob)  # the big tables: millions of word n-grams
            if fast is not None:
                return fast
        fast = _read_columns(path, unit, name, with_order, with_prob)
        if fast is not None:
            return fast
    return _read_rows(path, unit, name)


def _read_rows(path: str, unit: str, name: str) -> NgramTable:
    """The table read a row at a time: slow, and exact about what is wrong and where."""
    from .io import read_tsv

    header, rows = read_tsv(path, ["ngram", "count"])
    at_ngram, at_count = header.index("ngram"), header.index("count")
    at_order = header.index("order") if "order" in header else None

    def parsed():
        for number, cells in enumerate(rows, start=2):
            text = cells[at_ngram]
            try:
                count = int(cells[at_count])
                order = int(cells[at_order]) if at_order is not None else None
            except ValueError:
                raise DataError(f"{name}:{number}: count and order must be whole numbers") from None
            if not 0 <= count < LARGEST_COUNT:
                problem = "is negative" if count < 0 else "is too large (a count is a 64-bit integer)"
                raise DataError(f"{name}:{number}: count {cells[at_count]} {problem}")
            if order is None:
                order = len(text) if unit == "char" else len(text.split(" "))
            if not 1 <= order <= MAX_ORDER:
                raise DataError(f"{name}:{number}: order {order} is not between 1 and {MAX_ORDER}")
            yield order, text, count

    return table_from_rows(unit, parsed())


def _read_word_bytes(path: str, with_order: bool = False, with_prob: bool = False) -> NgramTable | None:
    """A word table (``ngram``, ``count``, ``order`` first if ``with_order``, ``prob`` last if
    ``with_prob``, not read) read from its bytes with NumPy alone; None where that does not
    apply (escapes, other columns, odd bytes), for the row reader to say what is wrong.

    The file is read in blocks of whole rows, each parsed by :func:`_word_rows` (the next
    ones on the worker threads, as NumPy releases the GIL) while this thread numbers the
    words of the last one with one :class:`Vocabulary`, in order of first appearance.
    """
    from .tokens import prefetch

    vocab = Vocabulary()
    ids_parts: list[np.ndarray] = []
    size_parts: list[np.ndarray] = []
    count_parts: list[np.ndarray] = []
    for rows in prefetch(lambda block: _word_rows(block, with_order, with_prob), _row_blocks(path)):
        if rows is None:
            return None
        size, counts, words = rows
        ids_parts.append(vocab.encode(words))
        size_parts.append(size)
        count_parts.append(counts)
    order = np.concatenate(size_parts) if size_parts else np.zeros(0, np.int64)
    if len(order) and order.max() > MAX_ORDER:
        return None
    count = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    return NgramTable("word", order, _rows_of(ids_parts, size_parts), count, list(vocab.words))


def _row_blocks(path: str) -> Iterator[bytes | None]:
    """The rows of a table after its header, in blocks of whole lines; None last if the last
    row has no newline (for the row reader to take)."""
    from .io import TextReader

    rest, first = b"", True
    for chunk in TextReader([path]).chunks():
        block = rest + chunk
        cut = block.rfind(b"\n") + 1
        block, rest = block[:cut], block[cut:]
        if first:
            block = block[block.find(b"\n") + 1 :]
            first = False
        if block:
            yield block
    if rest:
        yield None


def _word_rows(
    block: bytes | None, with_order: bool, with_prob: bool = False
) -> tuple[np.ndarray, np.ndarray, HashedWords] | None:
    """A block of word-table rows parsed: each row's order (its number of words), its count, and
    all the words hashed; None if the block is not clean.

    Only the whitespace-separated spans are found in the bytes (:func:`word_spans`); the
    rest is read off the one byte after each span. In a clean block that byte is the whole
    gap to the next span: a space between the words of an n-gram, a tab between cells, a
    newline after the count::

        2 <tab> the <space> cat <tab> 14 <newline>   ->  spans "2" | "the" "cat" | "14"

    Every byte up to 32 then sits in such a gap, so a double space, an empty cell or a
    carriage return cannot hide anywhere.
    """
    from .vocab import hashed_spans, word_spans

    if block is None or b"\\" in block:
        return None
    arr = np.frombuffer(block, np.uint8)
    span_from, span_to = word_spans(arr)
    n = len(span_from)
    if not n or span_from[0] != 0 or span_to[-1] != len(arr) - 1:
        return None  # the block starts with a gap, or ends on anything but one newline
    if not np.array_equal(span_from[1:], span_to[:-1] + 1):
        return None  # a gap of two bytes or more
    after = arr[span_to]  # the one separator after each span
    last = np.flatnonzero(after == 10)  # each row's last span: its count (or its prob)
    tabs = np.flatnonzero(after == 9)
    cells = 2 + with_order + with_prob
    if len(tabs) != (cells - 1) * len(last) or np.count_nonzero(after == 32) != n - len(tabs) - len(last):
        return None  # a row with other cells, or another control byte
    first = np.concatenate([[0], last[:-1] + 1])  # each row's first span
    count = last - 1 if with_prob else last  # each row's count: one span, digits only
    tab = tabs.reshape(-1, cells - 1)
    if not np.array_equal(tab[:, -1], last - 1) or (with_order and not np.array_equal(tab[:, 0], first)):
        return None  # a tab out of place: the n-gram cell is every span between the tabs
    if with_prob and not np.array_equal(tab[:, -2], last - 2):
        return None
    size = last - first + 2 - cells  # the spans of a row: [order], the words, count, [prob]
    counts = _numbers(arr, span_from[count], span_to[count])
    if counts is None or size.min() < 1:
        return None
    if with_order:
        orders = _numbers(arr, span_from[first], span_to[first])
        if orders is None or not np.array_equal(size, orders):
            return None
    word = np.ones(n, bool)
    word[last] = word[count] = False
    if with_order:
        word[first] = False
    span_from, span_to = span_from[word], span_to[word]
    return size, counts, hashed_spans(block, span_from, span_to, np.zeros(len(span_from), bool))


_POWERS = 10 ** np.arange(19, dtype=np.int64)


def _numbers(arr: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray | None:
    """The whole numbers written in ``arr[lo[i]:hi[i]]`` (each 1 to 18 digits), or None."""
    width = hi - lo
    if not len(width):
        return np.zeros(0, np.int64)
    if width.min() < 1 or width.max() > 18:
        return None
    first = np.cumsum(width) - width
    at = np.arange(int(width.sum())) - np.repeat(first, width) + np.repeat(lo, width)
    digits = arr[at].astype(np.int64) - 48
    if digits.min() < 0 or digits.max() > 9:
        return None
    place = np.repeat(hi, width) - 1 - at  # 0 for the last digit
    return np.add.reduceat(digits * _POWERS[place], first)  # each row's digits are contiguous


def _rows_of(ids: list[np.ndarray], order: list[np.ndarray]) -> np.ndarray:
    """Token ids laid out one n-gram a row, padded with -1, from blocks of them: block i
    holds the n-grams of orders ``order[i]``, their ids one after another in ``ids[i]``.

    Each block is laid out straight into its rows (never concatenated first). A table
    lists its orders in runs (``--orders 1-3`` writes every unigram, then every
    bigram...): each run's ids are one reshape. Many short runs go through one scatter
    instead."""
    total = sum(len(o) for o in order)
    high = max((int(o.max()) for o in order if len(o)), default=1)
    # each cell written once: ids, or the padding; in 32 bits where they fit, which halves
    # the bytes written (a 5 million-row table's rows would be 127 MB in 64)
    small = all(len(i) == 0 or int(i.max()) < 2**31 for i in ids)
    rows = np.empty((total, high), np.int32 if small else np.int64)
    done = 0
    for block_ids, block_order in zip(ids, order):
        _lay_out(rows[done : done + len(block_order)], block_ids, block_order)
        done += len(block_order)
    return rows


def _lay_out(rows: np.ndarray, ids: np.ndarray, order: np.ndarray) -> None:
    high = rows.shape[1]
    cuts = np.flatnonzero(order[1:] != order[:-1]) + 1
    if len(cuts) < 64:
        bounds = [0, *cuts.tolist(), len(order)]
        at = 0
        for lo, hi in itertools.pairwise(bounds):
            k = int(order[lo])
            rows[lo:hi, :k] = ids[at : at + (hi - lo) * k].reshape(-1, k)
            rows[lo:hi, k:] = -1
            at += (hi - lo) * k
        return
    rows.fill(-1)
    starts = np.cumsum(order) - order
    flat = np.repeat(np.arange(len(order)) * high - starts, order) + np.arange(len(ids))
    rows.ravel()[flat] = ids


def _read_columns(path: str, unit: str, name: str, with_order: bool, with_prob: bool = False) -> NgramTable | None:
    """The table read a block at a time with no Python step per row; None if any block
    is not clean (a row with other cells than the header's, a count that is not a whole
    number in range, an escape, an order that disagrees), so the row reader can say where."""
    from .io import TextReader, unescape_cell

    at_gram = 1 if with_order else 0
    width = at_gram + 2 + with_prob
    texts: list[str] = []
    counts: list[np.ndarray] = []
    orders: list[np.ndarray] = []
    rest, first = "", True
    for chunk in TextReader([path]).texts():
        block = rest + chunk
        cut = block.rfind("\n") + 1
        block, rest = block[:cut], block[cut:]
        if first:
            block = block[block.find("\n") + 1 :]  # the header, checked already
            first = False
        if not block:
            continue
        if "\r" in block or block.count("\t") != (width - 1) * block.count("\n"):
            return None
        cells = block[:-1].replace("\t", "\n").split("\n")
        grams = cells[at_gram::width]
        if "\\" in block:
            grams = [unescape_cell(g) if "\\" in g else g for g in grams]
        try:  # int() of each string, in C through map: faster than NumPy's string-to-int cast
            column = cells[at_gram + 1 :: width]
            counts.append(np.fromiter(map(int, column), np.int64, len(column)))
            if with_order:
                orders.append(np.fromiter(map(int, cells[0::width]), np.int64, len(column)))
        except (ValueError, OverflowError):
            return None
        texts += grams
    if rest:  # a last row without its newline
        return None
    count = np.concatenate(counts) if counts else np.zeros(0, np.int64)
    if count.size and (count.min() < 0 or count.max() >= LARGEST_COUNT):
        return None
    if unit == "char":
        sizes = np.fromiter(map(len, texts), np.int64, len(texts))
        tokens = list("".join(texts))
    else:
        sizes = np.fromiter(map(str.count, texts, [" "] * len(texts)), np.int64, len(texts)) + 1
        tokens = " ".join(texts).split(" ") if texts else []
    order = np.concatenate(orders) if with_order and orders else sizes
    if len(order) and (not np.array_equal(order, sizes) or order.min() < 1 or order.max() > MAX_ORDER):
        return None
    ids, names = _token_ids(tokens, unit)
    if len(ids) != int(sizes.sum()):
        return None
    return NgramTable(unit, order, _rows_of([ids], [order]), count, names)


def _token_ids(tokens: list[str], unit: str) -> tuple[np.ndarray, list[str]]:
    """Ids of the tokens, numbered in order of first appearance, and the distinct tokens.

    Words go through :class:`Vocabulary` (hashed with NumPy, no dict lookup per
    word); characters, a small alphabet, through one dict.
    """
    if unit == "word":
        vocab = Vocabulary()
        ids = vocab.encode(" ".join(tokens).encode("utf-8")).astype(np.int64)
        return ids, list(vocab.words)
    index = {t: i for i, t in enumerate(dict.fromkeys(tokens))}
    return np.fromiter(map(index.__getitem__, tokens), np.int64, len(tokens)), list(index)
