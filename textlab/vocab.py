"""Words to integer ids without a Python step per word.

Splitting a text into Python strings and looking each up in a dict costs
about 0.3 µs per word — the whole budget of a fast counter. Instead, a chunk
of whitespace-separated words stays a NumPy byte array and every word gets a
64-bit polynomial hash, computed for all words at once with arithmetic
modulo 2**64 (the natural wrap-around of ``uint64``, so no division at all):

    G[i]        = sum over k < i of  byte[k] * B**k             (a cumulative sum)
    hash(s, e)  = (G[e] - G[s]) * B**(-s)                       (B is odd: invertible)
                = sum over j of byte[s+j] * B**j                 -- the same for equal
                                                                    words wherever they sit

The hashes are then looked up in an open-addressing hash table kept in a
NumPy array (every probe round is one vectorised gather); Python touches
each *distinct new* word once, to keep its text.

Two different words share a 64-bit hash with probability about 3e-8 for a
vocabulary of a million words (birthday bound) — textlab accepts that, as
hashing tokenizers such as fastText's do. (Power-of-two moduli can be
attacked with crafted strings thousands of bytes long; words are not that.)

>>> v = Vocabulary()
>>> v.encode(b"the cat saw the dog").tolist()
[0, 1, 2, 0, 3]
>>> v.words
['the', 'cat', 'saw', 'dog']
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

_B = np.uint64(0x9E3779B97F4A7C15)  # odd, so it has an inverse modulo 2**64
#: Positions within one piece of text; longer chunks are split at a space.
SPAN = 1 << 21


def _powers(base: np.uint64, n: int) -> np.ndarray:
    """[1, B, B**2, ...] modulo 2**64, n of them, by doubling (log n NumPy steps)."""
    out = np.ones(n, np.uint64)
    size = 1
    step = base  # B**size
    with np.errstate(over="ignore"):
        while size < n:
            take = min(size, n - size)
            out[size : size + take] = out[:take] * step
            step = step * step
            size *= 2
    return out


def _inverse(b: int) -> int:
    return pow(b, -1, 1 << 64)


@functools.cache
def _power_tables() -> tuple[np.ndarray, np.ndarray]:
    """B**i and B**-i for every position in a span: 32 MB, built on first use, not at import."""
    return _powers(_B, SPAN + 1), _powers(np.uint64(_inverse(int(_B))), SPAN + 1)


def release_hash_tables() -> None:
    """Free the 32 MB of power tables (a long job that has finished hashing wants the memory back)."""
    _power_tables.cache_clear()


#: Bytes that separate words: space, tab, newline, carriage return, and the other controls.
_SEPARATOR = np.zeros(256, bool)
_SEPARATOR[:33] = True


def word_spans(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words (runs of non-separator bytes) in ``b``."""
    word = np.zeros(len(b) + 2, bool)  # padded with a separator at each end
    np.greater(b, 32, out=word[1:-1])  # the separators are exactly the bytes 0..32
    edges = np.flatnonzero(word[1:] != word[:-1])
    return edges[0::2], edges[1::2]


def hash_spans(b: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit hashes of the byte spans ``b[starts[i]:ends[i]]`` (len(b) <= SPAN)."""
    n = len(b)
    pow_, inv_pow = _power_tables()
    g = np.zeros(n + 1, np.uint64)
    with np.errstate(over="ignore"):
        np.cumsum(b * pow_[:n], out=g[1:])
        return (g[ends] - g[starts]) * inv_pow[starts]


def _mix(x: np.ndarray) -> np.ndarray:
    """Scramble the bits (splitmix64's finaliser, a bijection): a polynomial hash of a
    one-letter word is just its byte, and table slots are taken from the high bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        return x ^ (x >> np.uint64(31))


@dataclass
class HashedWords:
    """The words of one chunk of text, located and hashed (see ``hash_words``)."""

    chunk: bytes
    starts: np.ndarray
    ends: np.ndarray
    keys: np.ndarray
    newline_before: np.ndarray  # a newline separates this word from the previous one


def hash_words(chunk: bytes) -> HashedWords:
    """Locate and hash the whitespace-separated words of ``chunk`` (UTF-8 bytes).

    Pure NumPy and thread-safe, so callers may hash the next chunk on another
    core while the vocabulary looks up this one. ``newline_before[0]`` says
    whether a newline comes before the first word within the chunk.
    """
    b = np.frombuffer(chunk, np.uint8)
    if len(b) > SPAN:  # keep positions inside the power table: hash in pieces cut at a separator
        seps = np.flatnonzero(_SEPARATOR[b[:SPAN]])
        cut = int(seps[-1]) + 1 if len(seps) else SPAN
        a, z = hash_words(chunk[:cut]), hash_words(chunk[cut:])
        nl = z.newline_before.copy()
        return HashedWords(
            chunk,
            np.concatenate([a.starts, z.starts + cut]),
            np.concatenate([a.ends, z.ends + cut]),
            np.concatenate([a.keys, z.keys]),
            np.concatenate([a.newline_before, nl]),
        )
    starts, ends = word_spans(b)
    keys = _mix(hash_spans(b, starts, ends))
    keys[keys == 0] = 1  # 0 marks an empty table slot (a 2**-64 chance of merging two words)
    # newline_before: is there a newline between the previous word's end and this start?
    # Each newline sits in the gap before some word: the first start after it.
    before = np.zeros(len(starts), bool)
    after_newline = np.searchsorted(starts, np.flatnonzero(b == 10))
    before[after_newline[after_newline < len(starts)]] = True
    return HashedWords(chunk, starts, ends, keys, before)


def _texts(chunk: bytes, starts: np.ndarray, ends: np.ndarray) -> list[str]:
    """The words chunk[starts[i]:ends[i]] as strings, with one decode for all of them:
    their bytes are gathered into one buffer, a newline after each, then split.

    >>> _texts(b"the cat sat", np.array([4, 8]), np.array([7, 11]))
    ['cat', 'sat']
    """
    if not len(starts):
        return []
    lengths = ends - starts
    stops = np.cumsum(lengths + 1)  # where each word's newline goes, plus one
    # position in ``chunk`` of every output byte: a run start..end per word (and one for the newline)
    shift = np.repeat(starts - (stops - lengths - 1), lengths + 1)
    where = np.arange(int(stops[-1])) + shift
    out = np.frombuffer(chunk, np.uint8)[np.minimum(where, len(chunk) - 1)]
    out[stops - 1] = 10
    # words never hold a newline (it separates them), so the split is exact
    return out.tobytes().decode("utf-8", errors="replace").split("\n")[:-1]


class Vocabulary:
    """A growing mapping between words and ids 0, 1, 2, ... in order of first appearance."""

    def __init__(self) -> None:
        self.words: list[str] = []
        self._bits = 16
        # One row per slot: [key, id]. Key 0 marks an empty slot; keeping key and
        # id side by side costs one cache miss per lookup instead of two.
        self._table = np.zeros((1 << self._bits, 2), np.uint64)

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, chunk: bytes | HashedWords) -> np.ndarray:
        """Ids of the whitespace-separated words of ``chunk`` (bytes, or already hashed)."""
        hashed = chunk if isinstance(chunk, HashedWords) else hash_words(chunk)
        return self._lookup(hashed)

    # -- the hash table -------------------------------------------------------
    def _slots(self, keys: np.ndarray) -> np.ndarray:
        # the high bits of a polynomial hash are the well-mixed ones
        return (keys >> np.uint64(64 - self._bits)).astype(np.intp)

    def _rows(self, slot: np.ndarray) -> np.ndarray:
        """The [key, id] rows at ``slot``: gathered as single 16-byte items (complex128),
        which ``take`` moves twice as fast as rows of a 2-D array."""
        return self._table.view(np.complex128).ravel().take(slot).view(np.uint64).reshape(-1, 2)

    def _find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slot of each key (or the empty slot where it would go), whether it was found, and its id."""
        mask = (1 << self._bits) - 1
        slot = self._slots(keys)
        rows = self._rows(slot)  # first probe for every key at once: most hit their home slot
        found = rows[:, 0] == keys
        ids = rows[:, 1]
        todo = np.flatnonzero(~found & (rows[:, 0] != 0))
        while len(todo):  # occupied by another key: probe the next slot
            slot[todo] = (slot[todo] + 1) & mask
            rows = self._rows(slot[todo])
            hit = rows[:, 0] == keys[todo]
            found[todo[hit]] = True
            ids[todo[hit]] = rows[hit, 1]
            todo = todo[~hit & (rows[:, 0] != 0)]
        return slot, found, ids

    def _insert(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Insert distinct new keys (vectorised: colliding keys retry in the next round)."""
        while len(keys):
            slot, _, _ = self._find(keys)
            _, winners = np.unique(slot, return_index=True)  # one key per empty slot this round
            self._table[slot[winners], 0] = keys[winners]
            self._table[slot[winners], 1] = ids[winners]
            rest = np.ones(len(keys), bool)
            rest[winners] = False
            keys, ids = keys[rest], ids[rest]

    def _grow(self, need: int) -> None:
        if need * 4 <= len(self._table):  # load factor at most 1/4: short probe chains
            return
        old = self._table[self._table[:, 0] != 0]
        while need * 4 > (1 << self._bits):
            self._bits += 1
        self._table = np.zeros((1 << self._bits, 2), np.uint64)
        self._insert(old[:, 0], old[:, 1])

    def _lookup(self, h: HashedWords) -> np.ndarray:
        _slot, found, ids = self._find(h.keys)
        ids = ids.astype(np.int64)
        missing = np.flatnonzero(~found)
        if len(missing):
            # New words get ids in order of first appearance in this chunk.
            uniq, first, inverse = np.unique(h.keys[missing], return_index=True, return_inverse=True)
            order = np.argsort(first, kind="stable")
            new_ids = np.empty(len(uniq), np.int64)
            new_ids[order] = np.arange(len(self.words), len(self.words) + len(uniq))
            at = missing[first[order]]
            self.words.extend(_texts(h.chunk, h.starts[at], h.ends[at]))
            ids[missing] = new_ids[inverse.ravel()]
            self._grow(len(self.words))
            self._insert(uniq, new_ids.astype(np.uint64))
        return ids
