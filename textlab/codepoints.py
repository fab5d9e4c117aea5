"""Characters as NumPy arrays: UTF-8 bytes to code points without a Python loop.

``TextReader.chunks()`` hands out valid UTF-8 bytes. Decoding them into a
``str`` and iterating would cost a Python step per character; instead the
byte patterns are decoded with array arithmetic:

    byte 0xxxxxxx                      -> itself (ASCII)
    110xxxxx 10yyyyyy                  -> xxxxx yyyyyy
    1110xxxx 10yyyyyy 10zzzzzz         -> xxxx yyyyyy zzzzzz
    11110xxx 10yyyyyy 10zzzzzz 10wwwwww-> xxx yyyyyy zzzzzz wwwwww

Continuation bytes (10xxxxxx) start no character and are dropped.
"""

from __future__ import annotations

import unicodedata

import numpy as np

#: ``np.bincount`` converts its input to 64-bit integers first; on blocks of
#: this size the conversion stays in cache (about 10x faster than one huge call).
BLOCK = 1 << 18

N_CODEPOINTS = 0x110000


def _decode_at(b: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Code points of the multi-byte sequences whose lead bytes sit at ``pos``."""
    padded = np.concatenate([b, np.zeros(3, np.uint8)])  # so pos+3 never runs off the end
    lead = padded[pos].astype(np.uint32)
    c1 = padded[pos + 1].astype(np.uint32) & 0x3F
    c2 = padded[pos + 2].astype(np.uint32) & 0x3F
    c3 = padded[pos + 3].astype(np.uint32) & 0x3F
    two = ((lead & 0x1F) << 6) | c1
    three = ((lead & 0x0F) << 12) | (c1 << 6) | c2
    four = ((lead & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3
    return np.where(lead < 0xE0, two, np.where(lead < 0xF0, three, four))


def decode(chunk: bytes) -> np.ndarray:
    """The code points of valid UTF-8 ``chunk`` as a ``uint32`` array.

    >>> decode("añ€".encode()).tolist()
    [97, 241, 8364]
    """
    b = np.frombuffer(chunk, np.uint8)
    if chunk.isascii():
        return b.astype(np.uint32)
    starts = np.flatnonzero((b & 0xC0) != 0x80)
    cps = b[starts].astype(np.uint32)
    multi = np.flatnonzero(cps >= 0xC0)
    cps[multi] = _decode_at(b, starts[multi])
    return cps


def count(chunk: bytes, totals: np.ndarray) -> None:
    """Add the number of times each code point occurs in ``chunk`` to ``totals``.

    ``totals`` has one slot per code point (``N_CODEPOINTS`` long). ASCII bytes
    are counted with ``bincount`` over the raw bytes; only the lead bytes of
    multi-byte characters are decoded, so mostly-ASCII text costs little more
    than one pass over its bytes.
    """
    b = np.frombuffer(chunk, np.uint8)
    byte_counts = np.zeros(256, np.int64)
    for i in range(0, len(b), BLOCK):
        byte_counts += np.bincount(b[i : i + BLOCK], minlength=256)
    totals[:128] += byte_counts[:128]
    if byte_counts[0xC0:].any():
        cps = _decode_at(b, np.flatnonzero(b >= 0xC0))
        values, counts = np.unique(cps, return_counts=True)
        totals[values] += counts


def _kind(ch: str) -> int:
    if ch.isalpha():
        return CharTable.LETTER
    if unicodedata.category(ch).startswith("M"):
        return CharTable.MARK  # a combining accent: part of the word it sits on
    if ch.isdigit():
        return CharTable.DIGIT
    if ch.isspace():
        return CharTable.SPACE
    return CharTable.OTHER


def distinct(a: np.ndarray) -> np.ndarray:
    """The distinct values of ``a``, sorted: ``np.unique(a)`` without its masked-array check,
    which imports ``numpy.ma`` (20 ms of every one-liner's start) the first time it runs.

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    s = np.sort(a)
    return s[np.concatenate(([True], s[1:] != s[:-1]))] if len(s) else s


class CharTable:
    """What textlab knows about each character, filled in lazily.

    Three arrays with one slot per code point: its kind (letter, combining
    mark, digit, white space, other), what
    it folds to under ``--ignore-case``, and a small dense id. Python's
    ``str.isalpha``/``str.lower`` are asked once per distinct character seen;
    everything else is a NumPy gather.
    """

    UNKNOWN, LETTER, MARK, DIGIT, SPACE, OTHER = 0, 1, 2, 3, 4, 5

    def __init__(self, ignore_case: bool = False) -> None:
        self.ignore_case = ignore_case
        self.kind = np.zeros(N_CODEPOINTS, np.uint8)
        self.fold = np.arange(N_CODEPOINTS, dtype=np.uint32) if ignore_case else None
        self.dense = np.zeros(N_CODEPOINTS, np.uint32)
        self.chars: list[int] = []  # dense id -> code point

    def learn(self, cps: np.ndarray) -> np.ndarray:
        """Classify the code points in ``cps`` not seen before; return the kind of each."""
        kinds = self.kind.take(cps)
        if (kinds == self.UNKNOWN).any():
            for cp in distinct(cps[kinds == self.UNKNOWN]).tolist():
                ch = chr(cp)
                self.kind[cp] = _kind(ch)
                if self.fold is not None:
                    low = ch.lower()
                    if len(low) == 1:  # 'İ'.lower() is two characters: keep İ as it is
                        self.fold[cp] = ord(low)
            kinds = self.kind.take(cps)
        return kinds

    def ids(self, cps: np.ndarray) -> np.ndarray:
        """Dense ids (1, 2, 3, ... in order of first appearance) for ``cps``."""
        ids = self.dense.take(cps)
        if (ids == 0).any():
            # keep first-appearance order within the chunk, for stable ids
            first = np.sort(np.unique(cps, return_index=True)[1])
            ordered = [cp for cp in cps[first].tolist() if self.dense[cp] == 0]
            start = len(self.chars) + 1
            self.dense[ordered] = np.arange(start, start + len(ordered), dtype=np.uint32)
            self.chars.extend(ordered)
            ids = self.dense.take(cps)
        return ids
