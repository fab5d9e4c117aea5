"""Where text becomes token ids: the one token layer under letters, n-grams, language models and word2vec.

A text arrives as chunks of valid UTF-8 bytes (``textlab.io.TextReader``) and
leaves as NumPy arrays of integer ids, chunk by chunk, so no Python loop ever
runs per character or word:

- ``char_stream``: characters, through ``codepoints.CharTable`` (case folding,
  what is a letter);
- ``hashed_lines`` and ``word_stream``: words, hashed with NumPy
  (``vocab.hash_words``) and numbered by ``vocab.Vocabulary``, each word knowing
  whether a line starts with it;
- ``Segmenter``: the boundary markers around each segment, across chunk ends.

Separators (a non-letter under ``letters_only``, a line break between words)
stay in the stream as positions that no n-gram may cross; ``member`` says
which positions are not separators.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from . import codepoints
from .codepoints import CharTable
from .counting import workers
from .vocab import HashedWords, Vocabulary, hash_words

BOS, EOS = 0, 1  # token ids of the boundary markers; real tokens start at 2
CHAR_MARKERS = ("^", "$")
WORD_MARKERS = ("<s>", "</s>")


class Segmenter:
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


def code_points(chunks: Iterable[bytes], table: CharTable) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Each chunk's code points, case folded when ``table`` folds, and their kinds (letter, mark, ...);
    chunks without a character are skipped. The one decode-classify-fold loop under letters, words
    and the character streams.

    >>> [(c.tolist(), k.tolist()) for c, k in code_points([b"Ab1"], CharTable(ignore_case=True))]
    [([97, 98, 49], [1, 1, 3])]
    """
    for chunk in chunks:
        cps = codepoints.decode(chunk)
        if not len(cps):
            continue
        kinds = table.learn(cps)
        if table.fold is not None:
            cps = table.fold[cps]
            kinds = table.learn(cps)
        yield cps, kinds


def char_stream(
    chunks: Iterable[bytes], ignore_case: bool, letters_only: bool, boundaries: bool, table: CharTable
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    """A text's characters as token ids (``table``'s dense ids + 1, so markers are 0 and 1), chunk
    by chunk, with ``member`` (False at a separator; None when every position may be inside an
    n-gram). Segments are words with ``letters_only``, else lines; ``boundaries`` adds the markers;
    the last segment is closed by the final, extra piece (it may go on in the next chunk).

    >>> from textlab.codepoints import CharTable
    >>> t = CharTable(False)
    >>> [ids.tolist() for ids, _ in char_stream([b"ab a"], False, True, True, t)]  # ^ a b $ | ^ a ... $
    [[0, 2, 3, 1, 4, 0, 2], [1]]
    """
    seg = Segmenter(boundaries)
    for cps, kinds in code_points(chunks, table):
        ids = table.ids(cps) + np.uint32(1)  # dense ids start at 1 -> tokens start at 2
        if letters_only:
            member = kinds == CharTable.LETTER
        elif boundaries:
            member = cps != 10  # segments are lines; the newline itself is the separator
        else:
            member = None  # every position may sit inside an n-gram
        yield seg(ids, member)
    yield seg.finish()


def word_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
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
    chunks: Iterable[bytes],
    ignore_case: bool = False,
    text_starts_a_line: bool = False,
    every_piece: bool = False,
    vocab: Vocabulary | None = None,
) -> Iterator[tuple[HashedWords, np.ndarray]]:
    """The words of a text, hashed a piece at a time, and for each word whether a new
    line starts with it (across piece boundaries; pieces without words are skipped,
    unless ``every_piece``: then they come too, with no words, for their newlines).

    The next pieces are hashed on the worker threads while the caller uses this one,
    and looked up in ``vocab`` there too (``HashedWords.known``): the caller's
    ``vocab.encode`` then only adds the words that were not in it yet.
    """
    newline_pending = text_starts_a_line  # the previous piece ended with a newline after its last word

    def prepare(piece: bytes) -> HashedWords:
        if ignore_case:
            piece = piece.lower() if piece.isascii() else piece.decode("utf-8").lower().encode("utf-8")
        hashed = hash_words(piece)
        if vocab is not None:
            hashed.known = vocab.known(hashed.keys)
        return hashed

    for hashed in prefetch(prepare, word_chunks(chunks)):
        piece = hashed.chunk
        if not len(hashed.keys):
            newline_pending |= b"\n" in piece
            if every_piece:
                yield hashed, hashed.newline_before
            continue
        starts_line = hashed.newline_before
        starts_line[0] |= newline_pending
        newline_pending = b"\n" in piece[len(piece.rstrip()) :]
        yield hashed, starts_line


#: A stand-in for an empty line's missing words: the segmenter wraps it in <s> and </s>
#: like any line, then it is taken out, leaving the sentence ``<s> </s>``.
_EMPTY = np.uint32(0xFFFFFFFF)


def word_stream(
    chunks: Iterable[bytes], ignore_case: bool, boundaries: bool, vocab: Vocabulary, blank_lines: bool = False
) -> Iterator[tuple[np.ndarray, np.ndarray | None]]:
    r"""A text's words as token ids (``vocab``'s ids + 2), chunk by chunk, with ``member``: a
    separator (id 0, member False) stands before each word that starts a new line, so no n-gram
    crosses a line; ``boundaries`` wraps each line in the markers <s> (0) and </s> (1).

    ``blank_lines``: a line without words is a sentence too, ``<s> </s>``, as KenLM reads
    it (otherwise it is skipped: it holds nothing to count).

    >>> v = Vocabulary()
    >>> [i.tolist() for i, _ in word_stream([b"a\n\nb\n"], False, True, v, blank_lines=True)]
    [[0, 2, 1, 0, 0, 1, 0, 0, 3], [1]]
    """
    seg = Segmenter(boundaries)
    pending = 0  # newlines since the last word
    seen_words = False
    for hashed, newline_before in hashed_lines(chunks, ignore_case, every_piece=blank_lines, vocab=vocab):
        ids = (vocab.encode(hashed) + 2).astype(np.uint32)
        # A separator placeholder (member False) before each word that starts a new line.
        breaks = np.flatnonzero(newline_before)
        if blank_lines:
            # newlines in the gap before each word (and after the last): k of them between
            # two words leave k - 1 empty lines; before the text's first word, k
            gaps = np.bincount(
                np.searchsorted(hashed.starts, np.flatnonzero(np.frombuffer(hashed.chunk, np.uint8) == 10)),
                minlength=len(ids) + 1,
            )
            if not len(ids):
                pending += int(gaps[0])
                continue
            gaps[0] += pending
            blank = gaps[:-1] - 1
            if not seen_words:
                blank[0] += 1
            pending, seen_words = int(gaps[-1]), True
            blank = np.maximum(blank, 0)
            # before such a word: (separator, stand-in) once per empty line, then its own separator
            at = np.repeat(np.arange(len(ids)), 2 * blank)
            stand_ins = np.tile(np.array([0, _EMPTY], np.uint32), int(blank.sum()))
            where = np.concatenate([at, breaks])
            what = np.concatenate([stand_ins, np.zeros(len(breaks), np.uint32)])
            order = np.argsort(where, kind="stable")  # the stand-ins before the word's own separator
            ids = np.insert(ids, where[order], what[order])
        else:
            ids = np.insert(ids, breaks, 0)
        member = ids != 0
        yield _without_stand_ins(*seg(ids, member))
    if blank_lines:
        trailing = pending - 1 if seen_words else pending
        if trailing > 0:
            ids = np.tile(np.array([0, _EMPTY], np.uint32), trailing)
            yield _without_stand_ins(*seg(ids, ids != 0))
    yield seg.finish()


def _without_stand_ins(ids: np.ndarray, member: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    keep = ids != _EMPTY
    if keep.all():
        return ids, member
    return ids[keep], member[keep] if member is not None else None


def prefetch(fn, items: Iterable, ahead: int = 2) -> Iterator:
    """``map(fn, items)``, computing up to ``ahead`` results in advance on the worker threads."""
    pool = workers()
    queue: list = []
    for item in items:
        queue.append(pool.submit(fn, item))
        if len(queue) > ahead:
            yield queue.pop(0).result()
    for future in queue:
        yield future.result()
