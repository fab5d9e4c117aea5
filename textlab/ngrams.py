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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from . import codepoints
from .codepoints import CharTable
from .counting import NgramCounter, pack_rows, sum_by_key, workers
from .errors import DataError, UsageError
from .letters import count_letters
from .vocab import HashedWords, Vocabulary, hash_words

BOS, EOS = 0, 1  # token ids of the boundary markers; real tokens start at 2
CHAR_MARKERS = ("^", "$")
WORD_MARKERS = ("<s>", "</s>")


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

    def select(self, keep: np.ndarray) -> NgramTable:
        return NgramTable(self.unit, self.order[keep], self.rows[keep], self.counts[keep], self.tokens)

    def sorted(self) -> NgramTable:
        """By order, then most frequent first; ties keep their current order
        (counting returns n-grams sorted by token ids, so this is deterministic)."""
        if len(self) == 0:
            return self
        # Most n-grams of a big table occur once; those keep their order and go
        # last within their order, so only the others need a real sort.
        once = self.counts == 1
        many = np.flatnonzero(~once)
        many = many[np.lexsort([-self.counts[many], self.order[many]])]
        rows = np.concatenate([many, np.flatnonzero(once)])
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


# -- token streams -----------------------------------------------------------
class _Segmenter:
    """Wraps segments in BOS/EOS markers, across chunk boundaries.

    Input: ids and ``member`` (False marks a separator). Output: ids and ``ok``
    with markers inserted; separators stay, as positions no n-gram crosses.
    """

    def __init__(self, boundaries: bool) -> None:
        self.boundaries = boundaries
        self.open = False  # the last chunk ended inside a segment

    def __call__(self, ids: np.ndarray, member: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
        if not self.boundaries or not len(ids):
            return ids, member
        assert member is not None  # with boundaries every stream says which positions are separators
        edges = np.diff(np.concatenate([[False], member, [False]]).view(np.int8))
        starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
        at, values = [], []
        if self.open and not member[0]:
            at.append(np.array([0]))
            values.append(np.array([EOS]))
        if len(starts):
            if self.open and starts[0] == 0:
                starts = starts[1:]  # the segment continues from the last chunk
            close = ends[:-1] if member[-1] else ends  # the last segment may go on
            at += [starts, close]
            values += [np.full(len(starts), BOS), np.full(len(close), EOS)]
        self.open = bool(member[-1])
        if not at:
            return ids, member
        where = np.concatenate(at)
        what = np.concatenate(values)
        order = np.argsort(where, kind="stable")  # EOS at 0 before a BOS at 0
        return (
            np.insert(ids, where[order], what[order]),
            np.insert(member, where[order], True),
        )

    def finish(self) -> tuple[np.ndarray, np.ndarray]:
        if self.boundaries and self.open:
            self.open = False
            return np.array([EOS]), np.array([True])
        return np.empty(0, np.int64), np.empty(0, bool)


def _char_stream(
    chunks: Iterable[bytes], ignore_case: bool, letters_only: bool, boundaries: bool, table: CharTable
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    seg = _Segmenter(boundaries)
    for chunk in chunks:
        cps = codepoints.decode(chunk)
        if not len(cps):
            continue
        kinds = table.learn(cps)
        if table.fold is not None:
            cps = table.fold[cps]
            kinds = table.learn(cps)
        ids = table.ids(cps) + np.uint32(1)  # dense ids start at 1 -> tokens start at 2
        if letters_only:
            member = kinds == CharTable.LETTER
        elif boundaries:
            member = cps != 10  # segments are lines; the newline itself is the separator
        else:
            member = None  # every position may sit inside an n-gram
        yield seg(ids, member)
    yield seg.finish()


def _word_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """Re-cut chunks after their last whitespace byte so no word is split."""
    carry = b""
    for chunk in chunks:
        chunk = carry + chunk
        cut = max(chunk.rfind(b" "), chunk.rfind(b"\n"), chunk.rfind(b"\t")) + 1
        if cut == 0 and len(chunk) < (1 << 16):
            carry = chunk
            continue
        if cut == 0:
            cut = len(chunk)  # a 64 KB "word": cut it anyway
        carry = chunk[cut:]
        yield chunk[:cut]
    if carry:
        yield carry


def hashed_lines(
    chunks: Iterable[bytes], ignore_case: bool = False, text_starts_a_line: bool = False
) -> Iterator[tuple[HashedWords, np.ndarray]]:
    """The words of a text, hashed a piece at a time, and for each word whether a new
    line starts with it (across piece boundaries; pieces without words are skipped).

    The next pieces are hashed on the worker threads while the caller uses this one.
    """
    newline_pending = text_starts_a_line  # the previous piece ended with a newline after its last word

    def prepare(piece: bytes) -> HashedWords:
        if ignore_case:
            piece = piece.lower() if piece.isascii() else piece.decode("utf-8").lower().encode("utf-8")
        return hash_words(piece)

    for hashed in _prefetch(prepare, _word_chunks(chunks)):
        piece = hashed.chunk
        if not len(hashed.keys):
            newline_pending |= b"\n" in piece
            continue
        starts_line = hashed.newline_before
        starts_line[0] |= newline_pending
        newline_pending = b"\n" in piece[len(piece.rstrip()) :]
        yield hashed, starts_line


def _word_stream(
    chunks: Iterable[bytes], ignore_case: bool, boundaries: bool, vocab: Vocabulary
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    seg = _Segmenter(boundaries)
    for hashed, newline_before in hashed_lines(chunks, ignore_case):
        ids = vocab.encode(hashed)
        # A separator placeholder (member False) before each word that starts a new line.
        breaks = np.flatnonzero(newline_before)
        ids = np.insert((ids + 2).astype(np.uint32), breaks, 0)
        member = np.insert(np.ones(len(newline_before), bool), breaks, False)
        yield seg(ids, member)
    yield seg.finish()


def _prefetch(fn, items: Iterable, ahead: int = 2) -> Iterator:
    """``map(fn, items)``, computing up to ``ahead`` results in advance on the worker threads."""
    pool = workers()
    queue: list = []
    for item in items:
        queue.append(pool.submit(fn, item))
        if len(queue) > ahead:
            yield queue.pop(0).result()
    for future in queue:
        yield future.result()


# -- the public functions ----------------------------------------------------
def parse_orders(n: int | None, orders: str | None) -> list[int]:
    """``-n 3`` -> [3]; ``--orders 1-3`` -> [1, 2, 3]; ``--orders 2,4`` -> [2, 4]."""
    if orders is None:
        if n is None or n < 1:
            raise UsageError("n must be at least 1")
        return [n]
    out: set[int] = set()
    for part in orders.split(","):
        lo, _, hi = part.partition("-")
        try:
            low, high = int(lo), int(hi or lo)
        except ValueError:
            raise UsageError(f"--orders {orders!r}: expected a range like 1-3 or a list like 1,2,5") from None
        if high < low:
            raise UsageError(f"--orders {orders!r}: write a range low to high, e.g. {high}-{low}")
        out.update(range(low, high + 1))
    if not out or min(out) < 1:
        raise UsageError(f"--orders {orders!r}: orders start at 1")
    return sorted(out)


def count_ngrams(
    chunks: Iterable[bytes],
    n: int = 2,
    unit: str = "char",
    orders: list[int] | None = None,
    ignore_case: bool = False,
    letters_only: bool = False,
    boundaries: bool = False,
) -> NgramTable:
    """Count the n-grams of a text.

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

    Returns
    -------
    NgramTable, sorted by order then count.
    """
    orders = orders or [n]
    if min(orders) < 1:
        raise UsageError("n must be at least 1")
    if unit not in ("char", "word"):
        raise UsageError(f"unknown unit {unit!r}: use char or word")
    if unit == "char" and orders == [1] and not boundaries:
        # Single characters are a histogram of code points: the byte-level
        # counter of ``textlab letters`` does it in one bincount per block.
        counts = count_letters(chunks, 1, ignore_case=ignore_case, all_chars=not letters_only)
        return table_from_rows("char", zip([1] * len(counts), counts.ngrams, counts.counts.tolist())).sorted()
    counters = {k: NgramCounter(k) for k in orders}
    if unit == "char":
        table = CharTable(ignore_case)
        stream = _char_stream(chunks, ignore_case, letters_only, boundaries, table)
    else:
        vocab = Vocabulary()
        stream = _word_stream(chunks, ignore_case, boundaries, vocab)
    for ids, ok in stream:
        if len(ids):
            ids = ids.astype(np.uint32, copy=False)  # separators hold any id: never inside an n-gram
            for counter in counters.values():
                counter.update(ids, ok)
    if unit == "char":
        tokens = list(CHAR_MARKERS) + [chr(c) for c in table.chars]
    else:
        tokens = list(WORD_MARKERS) + vocab.words
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
    )
    return result.sorted()


def merge_tables(tables: Iterable[NgramTable]) -> NgramTable:
    """Sum several tables n-gram by n-gram (counts of a big corpus made in parts)."""
    tables = list(tables)
    if not tables:
        raise UsageError("nothing to merge")
    unit = tables[0].unit
    if any(t.unit != unit for t in tables):
        raise DataError("cannot merge character and word tables")
    # Re-express every table's token ids in one shared token list.
    tokens: list[str] = []
    index: dict[str, int] = {}
    width = max(t.rows.shape[1] for t in tables)
    rows, orders, counts = [], [], []
    for t in tables:
        remap = np.array([index.setdefault(tok, len(index)) for tok in t.tokens] + [-1], np.int64)
        padded = np.full((len(t), width), -1, np.int64)
        padded[:, : t.rows.shape[1]] = remap[t.rows]  # -1 maps to remap[-1] = -1
        rows.append(padded)
        orders.append(t.order)
        counts.append(t.counts)
    tokens = list(index)
    all_rows = np.concatenate(rows)
    all_orders = np.concatenate(orders)
    keyed = np.concatenate([all_orders[:, None], all_rows], axis=1)
    uniq, inverse = np.unique(keyed, axis=0, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=np.concatenate(counts)).astype(np.int64)
    return NgramTable(unit, uniq[:, 0], uniq[:, 1:], summed, tokens).sorted()


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


def read_table(path: str, unit: str = "char") -> NgramTable:
    """Read a table written by ``textlab ngrams`` (columns ``ngram``, ``count``, optionally ``order``)."""
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
                raise DataError(f"{path}:{number}: count and order must be whole numbers") from None
            if order is None:
                order = len(text) if unit == "char" else len(text.split(" "))
            yield order, text, count

    return table_from_rows(unit, parsed())
