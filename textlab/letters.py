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

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from . import codepoints
from .codepoints import CharTable
from .counting import NgramCounter

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

REFERENCES = {"english": ENGLISH_FREQUENCIES}


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


def _count_ngrams(chunks: Iterable[bytes], n: int, table: CharTable, all_chars: bool) -> NgramCounts:
    counter = NgramCounter(n)
    for chunk in chunks:
        cps = codepoints.decode(chunk)
        if not len(cps):
            continue
        kinds = table.learn(cps)
        if table.fold is not None:
            cps = table.fold[cps]
            kinds = table.learn(cps)
        ok = None if all_chars else kinds == CharTable.LETTER
        counter.update(table.ids(cps), ok)
    rows, counts = counter.result()
    chars = np.array([0] + table.chars, dtype=np.uint32)
    # rows of dense ids -> rows of code points -> strings, all at once
    as_text = np.ascontiguousarray(chars[rows]).view(f"<U{n}").ravel() if len(rows) else []
    ngrams, counts = _sorted([str(s) for s in as_text], counts)
    return NgramCounts(ngrams, counts, counter.total, n)


def count_letters(
    chunks: Iterable[bytes],
    n: int = 1,
    ignore_case: bool = False,
    all_chars: bool = False,
) -> NgramCounts:
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

    Returns
    -------
    NgramCounts
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    table = CharTable(ignore_case)
    if n == 1:
        return _count_single(chunks, table, all_chars)
    return _count_ngrams(chunks, n, table, all_chars)


@dataclass
class Comparison:
    """A text's letter shares beside a reference table, one row per reference letter."""

    letters: list[str]
    counts: np.ndarray
    percent: np.ndarray
    reference: np.ndarray

    @property
    def difference(self) -> np.ndarray:
        return self.percent - self.reference


def compare(counts: NgramCounts, reference: str = "english") -> Comparison:
    """Set letter counts beside a reference frequency table.

    Shares are computed over the reference's letters only (a-z for English),
    case folded, so both columns sum to 100 and a Spanish text's ñ or á does
    not shift them.
    """
    if counts.n != 1:
        raise ValueError("compare works on single letters (n = 1)")
    table = REFERENCES[reference]
    own: dict[str, int] = {}
    for letter, c in zip(counts.ngrams, counts.counts.tolist()):
        low = letter.lower()
        if low in table:
            own[low] = own.get(low, 0) + c
    letters = sorted(table, key=lambda k: (-own.get(k, 0), -table[k]))
    counted = np.array([own.get(k, 0) for k in letters], np.int64)
    percent = 100.0 * counted / max(int(counted.sum()), 1)
    return Comparison(letters, counted, percent, np.array([table[k] for k in letters]))
