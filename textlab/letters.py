"""Letter counts and letter n-grams: ``LetterCounts[text]`` and ``LetterCounts[text, n]``.

A *letter* is a character Unicode calls a letter (``str.isalpha``): é, ñ, ä
and Cyrillic count, digits, punctuation and spaces do not. Text comes in as
valid UTF-8 byte chunks (see ``textlab.io.TextReader``) and is counted with
NumPy; Python only ever looks at each *distinct* character once.

>>> c = count_letters([b"Hello, hello!"])
>>> list(zip(c.ngrams, c.counts.tolist()))[:3]
[('l', 4), ('e', 2), ('o', 2)]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from . import codepoints
from .codepoints import CharTable
from .counting import SPILL_SHARE, NgramCounter, Spill
from .errors import DataError, ParameterError, UsageError
from .tokens import code_points

if TYPE_CHECKING:
    from .spill import RunStore
    from .spilled import SpilledTable

#: Relative frequency (percent) of each letter in English text, from
#: R. E. Lewand, *Cryptological Mathematics* (MAA, 2000), p. 36 — the table
#: Wikipedia's "Letter frequency" article reproduces.
ENGLISH_FREQUENCIES: dict[str, float] = {
    "a": 8.167, "b": 1.492, "c": 2.782, "d": 4.253, "e": 12.702, "f": 2.228,
    "g": 2.015, "h": 6.094, "i": 6.966, "j": 0.153, "k": 0.772, "l": 4.025,
    "m": 2.406, "n": 6.749, "o": 7.507, "p": 1.929, "q": 0.095, "r": 5.987,
    "s": 6.327, "t": 9.056, "u": 2.758, "v": 0.978, "w": 2.360, "x": 0.150,
    "y": 1.974, "z": 0.074,
}  # fmt: skip

#: Relative frequency (percent) of each letter in Spanish text: the Spanish
#: column of the table "Relative frequencies of letters in other languages" in
#: Wikipedia's "Letter frequency" article (English Wikipedia; the article does
#: not say which corpus the column was measured on). There, á é í ñ ó ú ü are
#: letters of their own, not counted as a e i n o u u, as textlab counts them
#: when the text is composed (NFC; a decomposed "a" + U+0301 counts as "a").
#: The 33 shares add up to 100.
SPANISH_FREQUENCIES: dict[str, float] = {
    "a": 11.525, "b": 2.215, "c": 4.019, "d": 5.010, "e": 12.181, "f": 0.692,
    "g": 1.768, "h": 0.703, "i": 6.247, "j": 0.493, "k": 0.011, "l": 4.967,
    "m": 3.157, "n": 6.712, "o": 8.683, "p": 2.510, "q": 0.877, "r": 6.871,
    "s": 7.977, "t": 4.632, "u": 2.927, "v": 1.138, "w": 0.017, "x": 0.215,
    "y": 1.008, "z": 0.467,
    "á": 0.502, "é": 0.433, "í": 0.725, "ñ": 0.311, "ó": 0.827, "ú": 0.168, "ü": 0.012,
}  # fmt: skip

#: The reference tables by name. A table's letters are its alphabet: shares
#: are compared over exactly those letters (a-z for English; a-z and
#: á é í ñ ó ú ü for Spanish).
REFERENCES: dict[str, dict[str, float]] = {"english": ENGLISH_FREQUENCIES, "spanish": SPANISH_FREQUENCIES}


@dataclass
class NgramCounts:
    """Counts of n-grams (strings), most frequent first.

    ``total`` is the number of n-grams counted in the whole text, so that
    ``percent`` stays a share of the whole text even after ``top(k)``.
    """

    ngrams: list[str]
    counts: np.ndarray
    total: int
    n: int = 1

    @property
    def percent(self) -> np.ndarray:
        return 100.0 * self.counts / max(self.total, 1)

    def top(self, k: int | None) -> NgramCounts:
        if k is None or k >= len(self.ngrams):
            return self
        return NgramCounts(self.ngrams[:k], self.counts[:k], self.total, self.n)

    def as_dict(self) -> dict[str, int]:
        return dict(zip(self.ngrams, self.counts.tolist()))

    def __len__(self) -> int:
        return len(self.ngrams)


def _sorted(ngrams: list[str], counts: np.ndarray) -> tuple[list[str], np.ndarray]:
    """Most frequent first; ties in code point order, so output is deterministic."""
    if not ngrams:
        return [], np.empty(0, np.int64)
    order = np.lexsort((np.array(ngrams, dtype=object).astype(str), -counts))
    return [ngrams[i] for i in order], counts[order]


def _count_single(chunks: Iterable[bytes], table: CharTable, all_chars: bool) -> NgramCounts:
    totals = np.zeros(codepoints.N_CODEPOINTS, np.int64)
    for chunk in chunks:
        codepoints.count(chunk, totals)
    seen = np.flatnonzero(totals)
    table.learn(seen.astype(np.uint32))
    if not all_chars:
        seen = seen[table.kind[seen] == CharTable.LETTER]
    counts = totals[seen]
    if table.fold is not None:
        folded = table.fold[seen]
        seen, inverse = np.unique(folded, return_inverse=True)
        counts = np.bincount(inverse, weights=counts).astype(np.int64)
    ngrams, counts = _sorted([chr(c) for c in seen.tolist()], counts)
    return NgramCounts(ngrams, counts, int(counts.sum()), 1)


def _count_ngrams(
    chunks: Iterable[bytes], n: int, table: CharTable, all_chars: bool, spill: Spill | None = None
) -> NgramCounts | SpilledCounts:
    counter = NgramCounter(n, spill)
    for cps, kinds in code_points(chunks, table):
        ok = None if all_chars else kinds == CharTable.LETTER
        counter.update(table.ids(cps), ok)
    if counter.spilled:
        return _spilled(counter, table)
    rows, counts = counter.result()
    chars = np.array([0] + table.chars, dtype=np.uint32)
    cps = chars[rows]  # rows of dense ids -> rows of code points
    # Most frequent first, ties in code point order: for n-grams of one length that is the
    # order of their text, sorted here as integers (a sort of millions of strings took most
    # of `letters -n 7`), and the strings made once, in that order, all at once.
    order = np.lexsort((*(cps[:, j] for j in reversed(range(n))), -counts))
    ngrams = np.ascontiguousarray(cps[order]).view(f"<U{n}").ravel().tolist() if len(rows) else []
    return NgramCounts(ngrams, counts[order], counter.total, n)


@dataclass
class SpilledCounts:
    """Letter n-grams counted past a memory budget, on disk: read back a block at a time,
    in the order :class:`NgramCounts` has them (most frequent first, ties in code point
    order)."""

    table: SpilledTable
    total: int
    n: int

    def blocks(self, top: int | None = None) -> Iterator[NgramCounts]:
        for block, _ in self.table.blocks(1, top):
            yield NgramCounts(block.ngrams, block.counts, self.total, self.n)


def _spilled(counter: NgramCounter, table: CharTable) -> SpilledCounts:
    """The spilled table renumbered so that id order is code point order: key order, in
    which the merge leaves ties, is then the n-grams' text order, as in memory."""
    from .spilled import SpilledTable

    assert counter.spill is not None
    chars = np.array(table.chars, np.int64)  # dense id i + 1 is code point chars[i]
    by_text = np.argsort(chars, kind="stable")
    new_id = np.zeros(len(chars) + 1, np.int64)  # 0 stays 0 (no character)
    new_id[by_text + 1] = np.arange(1, len(chars) + 1)
    counter.renumber(new_id)
    tokens = ["\0"] + [chr(c) for c in chars[by_text].tolist()]
    spilled = SpilledTable("char", {counter.n: counter}, tokens, counter.spill.store, counter.spill.limit)
    return SpilledCounts(spilled, counter.total, counter.n)


def merge_counts(parts: Iterable[NgramCounts]) -> NgramCounts:
    """Add up counts of the same n-grams (one text counted in parts), most frequent
    first as :func:`count_letters` orders them.  Counts may be negative (a part taken
    away); n-grams whose counts add up to zero are left out."""
    parts = list(parts)
    summed: dict[str, int] = {}
    for part in parts:  # a step per distinct n-gram of each part: letters tables are small
        for gram, count in zip(part.ngrams, part.counts.tolist()):
            summed[gram] = summed.get(gram, 0) + count
    kept = {gram: count for gram, count in summed.items() if count}
    ngrams, counts = _sorted(list(kept), np.array(list(kept.values()), np.int64))
    return NgramCounts(ngrams, counts, sum(p.total for p in parts), parts[0].n if parts else 1)


def count_letters(
    chunks: Iterable[bytes],
    n: int = 1,
    ignore_case: bool = False,
    all_chars: bool = False,
    memory: int | None = None,
    store: RunStore | None = None,
) -> NgramCounts | SpilledCounts:
    """Count the letters (or letter n-grams) of a text, most frequent first.

    Parameters
    ----------
    chunks:
        The text as valid UTF-8 byte chunks, e.g. ``TextReader(paths).chunks()``
        or simply ``[text.encode()]``.
    n:
        Count n-grams of ``n`` consecutive characters; an n-gram is counted
        only where all its characters are letters (Wolfram's ``LetterCounts[s, n]``).
    ignore_case:
        Fold upper case into lower case before counting.
    all_chars:
        Count every character (digits, punctuation, spaces, newlines) too.
    memory, store:
        For n > 1, the bytes the n-grams' table may hold before it is written to
        ``store`` as sorted runs (see :mod:`textlab.spill`); then the result is a
        :class:`SpilledCounts`, read block by block. Single letters are a histogram
        of code points and never need it.

    Returns
    -------
    NgramCounts, or SpilledCounts past ``memory``
    """
    if n < 1:
        raise ParameterError("n", "must be at least 1")
    table = CharTable(ignore_case)
    if n == 1:
        return _count_single(chunks, table, all_chars)
    spill = Spill(store, max(1 << 16, memory // SPILL_SHARE)) if memory is not None and store is not None else None
    return _count_ngrams(chunks, n, table, all_chars, spill)


@dataclass
class Comparison:
    """Two letter distributions side by side, one row per letter.

    ``counts`` and ``percent`` are the text's; ``reference`` is the percent of
    what it is compared with, and ``reference_counts`` its counts when that is
    a text too (a reference table has shares only, so there it is ``None``).
    """

    letters: list[str]
    counts: np.ndarray
    percent: np.ndarray
    reference: np.ndarray
    reference_counts: np.ndarray | None = None

    @property
    def difference(self) -> np.ndarray:
        """The text's share minus the reference's, in percentage points."""
        return self.percent - self.reference

    def __len__(self) -> int:
        return len(self.letters)


def _order(letters: list[str], first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Row order: by ``first`` descending, then ``second`` descending, then code point (deterministic)."""
    if not letters:
        return np.empty(0, np.intp)
    return np.lexsort((np.array(letters, dtype=str), -second, -first))


def _spell(alphabet: Iterable[str]) -> str:
    """An alphabet in few characters: ``a-z`` for the 26 ASCII letters, then the others."""
    letters = sorted(alphabet)
    ascii_ = set("abcdefghijklmnopqrstuvwxyz")
    if ascii_ <= set(letters):
        letters = ["a-z"] + [k for k in letters if k not in ascii_]
    return " ".join(letters)


def compare(counts: NgramCounts, reference: str | Mapping[str, float] = "english") -> Comparison:
    """Set letter counts beside a reference frequency table.

    Shares are computed over the reference's own letters only (its alphabet:
    a-z for English, a-z and á é í ñ ó ú ü for Spanish), case folded, so both
    columns sum to 100 and letters outside the alphabet (é in an English
    text, ç or ß anywhere) do not shift them.

    Parameters
    ----------
    counts:
        Single-letter counts of the text (``count_letters(..., n=1)``), folded
        or not: upper and lower case are added up here.
    reference:
        A name in ``REFERENCES`` (``"english"``, ``"spanish"``), or a table of
        letter -> percent of one's own.

    Returns
    -------
    Comparison
        One row per letter of the reference, most frequent in the text first
        (ties: most frequent in the reference first).

    >>> c = compare(count_letters([b"Eee, a tea!"]))
    >>> c.letters[:3], c.percent[:3].round(1).tolist()
    (['e', 'a', 't'], [57.1, 28.6, 14.3])
    """
    if counts.n != 1:
        raise UsageError(f"compare works on single letters, and counts are {counts.n}-grams (count with n=1)")
    if isinstance(reference, str):
        if reference not in REFERENCES:
            raise UsageError(f"reference {reference!r} is not one of: {', '.join(REFERENCES)}")
        name, table = reference, REFERENCES[reference]
    else:
        name, table = "reference", dict(reference)
    own: dict[str, int] = {}
    for letter, c in zip(counts.ngrams, counts.counts.tolist()):
        low = letter.lower()
        if low in table:
            own[low] = own.get(low, 0) + c
    if not own:
        raise DataError(f"the text (counts) has none of the {name} letters ({_spell(table)}): nothing to compare")
    alphabet = list(table)
    counted = np.array([own.get(k, 0) for k in alphabet], np.int64)
    shares = np.array([table[k] for k in alphabet], float)
    order = _order(alphabet, counted, shares)
    counted, shares = counted[order], shares[order]
    percent = 100.0 * counted / int(counted.sum())
    return Comparison([alphabet[i] for i in order], counted, percent, shares)


def compare_counts(counts: NgramCounts, other: NgramCounts) -> Comparison:
    """Set two texts' counts side by side: each letter's share in one and in the other.

    Both should be counted the same way (the command line counts both with
    ``ignore_case=True``), and whole, not cut with ``top``: each share is a
    percent of its own text's ``total``.

    Parameters
    ----------
    counts:
        The text's counts (the first columns, and the sign of the difference).
    other:
        The counts it is compared with; the same ``n``.

    Returns
    -------
    Comparison
        One row per letter of either text (a letter one text lacks has count
        0 there), most frequent in ``counts`` first, then most frequent in
        ``other``; ``reference_counts`` holds ``other``'s counts.

    >>> c = compare_counts(count_letters([b"aab"]), count_letters([b"bbc"]))
    >>> c.letters, c.difference.round(1).tolist()
    (['a', 'b', 'c'], [66.7, -33.3, -33.3])
    """
    if counts.n != other.n:
        raise UsageError(f"counts are {counts.n}-grams and other {other.n}-grams: count both with the same n")
    for label, c in (("counts", counts), ("other", other)):
        if c.total == 0:
            raise DataError(f"{label} is empty: nothing to compare")
    mine, theirs = counts.as_dict(), other.as_dict()
    letters = list(mine) + [k for k in theirs if k not in mine]
    a = np.array([mine.get(k, 0) for k in letters], np.int64)
    b = np.array([theirs.get(k, 0) for k in letters], np.int64)
    order = _order(letters, a, b)
    a, b = a[order], b[order]
    return Comparison(
        [letters[i] for i in order], a, 100.0 * a / counts.total, 100.0 * b / other.total, reference_counts=b
    )
