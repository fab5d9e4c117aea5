"""Words to integer ids without a Python step per word.

Splitting a text into Python strings and looking each up in a dict costs
about 0.3 µs per word — the whole budget of a fast counter. Instead, a chunk
of whitespace-separated words stays a NumPy byte array and every word gets a
64-bit key, computed for all words at once:

* a word of at most 8 bytes *is* its key: its bytes read as one little-endian
  integer (one gather from a view of the buffer with an 8-byte item at every
  byte offset), so short words never collide;
* a longer word folds in each further 8 bytes: ``key = mix(key) ^ next 8``.

Keys are then scrambled (``_mix``, a bijection) and looked up in an
open-addressing hash table kept in a NumPy array (every probe round is one
vectorised gather); Python touches each *distinct new* word once, to keep its
text.

Looking words up is most of the work, and new words must be numbered in order,
one chunk after another. So the lookup of the chunks ahead runs on worker
threads (``known``), in a frozen copy of the table that nothing writes (a new
copy replaces it once the words have grown by a quarter); the chunk's own
thread then looks up only the words missing from that copy. On Webster's word
stream that takes the main thread's lookups from 0.57 s to 0.43 s (line
profile); the copy costs at most ``FROZEN_BYTES`` of memory.

Two different words longer than 8 bytes share a key with probability about
2**-64 per pair (about 3e-8 for a vocabulary of a million long words, the
birthday bound) — textlab accepts that, as hashing tokenizers such as
fastText's do.

>>> v = Vocabulary()
>>> v.encode(b"the cat saw the dog").tolist()
[0, 1, 2, 0, 3]
>>> v.words
['the', 'cat', 'saw', 'dog']
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The largest hash table a vocabulary keeps a frozen copy of for worker threads (1 M slots,
#: half a million words): a copy of a bigger one would cost more memory than its time is
#: worth (at 32 MB, a count of three renamed copies of Webster at --memory 300M peaked 20 MB higher).
FROZEN_BYTES = 16 << 20

#: The low n bytes of a 64-bit word, for n = 0..8.
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], np.uint64)


def word_spans(b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end offsets of the words (runs of non-separator bytes) in ``b``."""
    word = np.zeros(len(b) + 2, bool)  # padded with a separator at each end
    np.greater(b, 32, out=word[1:-1])  # the separators are exactly the bytes 0..32
    edges = np.flatnonzero(word[1:] != word[:-1])
    return edges[0::2].copy(), edges[1::2].copy()  # contiguous: every later step on them is faster


def hash_spans(b: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """64-bit keys of the non-empty byte spans ``b[starts[i]:ends[i]]`` (before ``_mix``);
    ``b`` ends with 8 bytes that belong to no span, so every 8-byte read stays inside.

    >>> hex(int(hash_spans(np.frombuffer(b"to be" + bytes(8), np.uint8), np.array([0, 3]), np.array([2, 5]))[0]))
    '0x6f74'
    """
    eight = np.ndarray(len(b) - 7, "<u8", b, strides=(1,))  # eight[i] = bytes i..i+7
    size = ends - starts
    keys = eight.take(starts)  # take: twice as fast as eight[starts] here
    keys &= _LOW_BYTES.take(np.minimum(size, 8))
    longer = np.flatnonzero(size > 8)
    done = 8
    while len(longer):  # one round per further 8 bytes, over the words that long
        rest = eight[starts[longer] + done] & _LOW_BYTES[np.minimum(size[longer] - done, 8)]
        keys[longer] = _mix(keys[longer]) ^ rest
        done += 8
        longer = longer[size[longer] > done]
    return keys


def _mix(x: np.ndarray) -> np.ndarray:
    """Scramble the bits (splitmix64's finaliser, a bijection): a short word's key is
    just its bytes, and table slots are taken from the high bits."""
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
    known: tuple[np.ndarray, np.ndarray] | None = None  # Vocabulary.known of the keys, if looked up already


def hash_words(chunk: bytes) -> HashedWords:
    """Locate and hash the whitespace-separated words of ``chunk`` (UTF-8 bytes).

    Pure NumPy and thread-safe, so callers may hash the next chunk on another
    core while the vocabulary looks up this one. ``newline_before[0]`` says
    whether a newline comes before the first word within the chunk.
    """
    b = np.frombuffer(chunk, np.uint8)
    starts, ends = word_spans(b)
    # newline_before: is there a newline between the previous word's end and this start?
    # Each newline sits in the gap before some word: the first start after it.
    before = np.zeros(len(starts), bool)
    after_newline = np.searchsorted(starts, np.flatnonzero(b == 10))
    before[after_newline[after_newline < len(starts)]] = True
    return hashed_spans(chunk, starts, ends, before)


def hashed_spans(chunk: bytes, starts: np.ndarray, ends: np.ndarray, newline_before: np.ndarray) -> HashedWords:
    """The words ``chunk[starts[i]:ends[i]]`` (found by the caller), hashed."""
    keys = _mix(hash_spans(np.frombuffer(chunk + bytes(8), np.uint8), starts, ends))
    keys[keys == 0] = 1  # 0 marks an empty table slot (only a long word can map there: 2**-64)
    return HashedWords(chunk, starts, ends, keys, newline_before)


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
    out = np.frombuffer(chunk, np.uint8).take(np.minimum(where, len(chunk) - 1))
    out[stops - 1] = 10
    # words never hold a newline (it separates them), so the split is exact
    return out.tobytes().decode("utf-8", errors="replace").split("\n")[:-1]


class Vocabulary:
    """A growing mapping between words and ids 0, 1, 2, ... in order of first appearance."""

    def __init__(self) -> None:
        self.words: list[str] = []
        # One row per slot: [key, id]. Key 0 marks an empty slot; keeping key and
        # id side by side costs one cache miss per lookup instead of two.
        self._table = np.zeros((1 << 18, 2), np.uint64)  # 4 MB, untouched (calloc) until words come
        self._frozen: np.ndarray | None = None  # a copy of the table for worker threads (see known)
        self._frozen_words = 0

    def __len__(self) -> int:
        return len(self.words)

    def encode(self, chunk: bytes | HashedWords) -> np.ndarray:
        """Ids of the whitespace-separated words of ``chunk`` (bytes, or already hashed)."""
        hashed = chunk if isinstance(chunk, HashedWords) else hash_words(chunk)
        return self._lookup(hashed)

    def known(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
        """Which of the hashed words ``keys`` were in the vocabulary at its last frozen copy,
        and their ids; None before there is one.

        For worker threads: the copy is never written (a newer one replaces it), so it is read
        without locks while this thread goes on adding words. Hand the result to :meth:`encode`
        with the same words (``HashedWords.known``): only the words missing from it are then
        looked up here, most of them the new words that would be looked up anyway."""
        frozen = self._frozen  # one reference, read once
        if frozen is None:
            return None
        _, found, ids = self._find(keys, frozen)
        return found, ids

    # -- the hash table -------------------------------------------------------
    @staticmethod
    def _rows(table: np.ndarray, slot: np.ndarray) -> np.ndarray:
        """The [key, id] rows at ``slot``: gathered as single 16-byte items (complex128),
        which ``take`` moves twice as fast as rows of a 2-D array."""
        return table.view(np.complex128).ravel().take(slot).view(np.uint64).reshape(-1, 2)

    def _find(self, keys: np.ndarray, table: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Slot of each key in ``table`` (or the empty slot where it would go), whether it was
        found, and its id."""
        bits = len(table).bit_length() - 1
        mask = (1 << bits) - 1
        slot = (keys >> np.uint64(64 - bits)).astype(np.intp)  # the high bits are the well-mixed ones
        rows = self._rows(table, slot)  # first probe for every key at once: most hit their home slot
        found = rows[:, 0] == keys
        ids = rows[:, 1]
        todo = np.flatnonzero(~found & (rows[:, 0] != 0))
        while len(todo):  # occupied by another key: probe the next slot
            slot[todo] = (slot[todo] + 1) & mask
            rows = self._rows(table, slot[todo])
            hit = rows[:, 0] == keys[todo]
            found[todo[hit]] = True
            ids[todo[hit]] = rows[hit, 1]
            todo = todo[~hit & (rows[:, 0] != 0)]
        return slot, found, ids

    def _insert(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Insert distinct new keys (vectorised: colliding keys retry in the next round)."""
        while len(keys):
            slot, _, _ = self._find(keys, self._table)
            _, winners = np.unique(slot, return_index=True)  # one key per empty slot this round
            self._table[slot[winners], 0] = keys[winners]
            self._table[slot[winners], 1] = ids[winners]
            rest = np.ones(len(keys), bool)
            rest[winners] = False
            keys, ids = keys[rest], ids[rest]

    def _grow(self, need: int) -> None:
        if need * 2 <= len(self._table):  # load factor at most 1/2: probe chains stay short
            return
        old = self._table[self._table[:, 0] != 0]
        bits = len(self._table).bit_length() - 1
        while need * 2 > (1 << bits):
            bits += 1
        self._table = np.zeros((1 << bits, 2), np.uint64)
        self._insert(old[:, 0], old[:, 1])

    def _freeze(self) -> None:
        """A new frozen copy for :meth:`known` once the words have grown by a quarter since the
        last (words added since then are looked up again by :meth:`encode`: rare ones, most
        of them), while the copy is small: past FROZEN_BYTES it would cost more memory than
        the time it saves is worth."""
        if len(self.words) >= 1.25 * self._frozen_words and self._table.nbytes <= FROZEN_BYTES:
            self._frozen, self._frozen_words = self._table.copy(), len(self.words)
        elif self._table.nbytes > FROZEN_BYTES:
            self._frozen = None

    def _lookup(self, h: HashedWords) -> np.ndarray:
        if h.known is None:
            _slot, found, ids = self._find(h.keys, self._table)
            ids = ids.astype(np.int64)
        else:  # looked up in a frozen copy: what was missing there may have come since
            found, ids = h.known
            ids = ids.astype(np.int64)
            again = np.flatnonzero(~found)
            if len(again):
                _slot, found_now, ids_now = self._find(h.keys[again], self._table)
                found = found.copy()
                found[again], ids[again] = found_now, ids_now
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
            self._freeze()
        return ids
