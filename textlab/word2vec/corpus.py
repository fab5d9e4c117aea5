"""A corpus for word2vec: its vocabulary, and the whole text as one compact array of word ids.

One pass over the text (``textlab words`` output: a document per line,
words separated by spaces) maps every word to an integer with the
NumPy-hashed ``textlab.vocab.Vocabulary`` and keeps the ids in an
``int32`` array, 4 bytes a word (5.4 million words: 22 MB), plus the
positions where lines start. The vocabulary is then sorted by frequency
(most frequent first, as the word2vec file format lists it), cut by
``min_count`` and ``max_vocab``, and the id array renumbered: a word left
out becomes -1 and is skipped in training, as the C tool skips it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from ..errors import DataError, EmptyInput, ParameterError
from ..io import os_reason
from ..tokens import hashed_lines
from ..vocab import Vocabulary


@dataclass
class Corpus:
    """``words[i]`` has count ``counts[i]`` (most frequent first); ``ids`` is the text
    (-1 where a word was left out), ``line_starts`` where each line begins in it."""

    words: list[str]
    counts: np.ndarray
    ids: np.ndarray
    line_starts: np.ndarray
    total_words: int  # every word of the text, the left-out ones included

    @property
    def kept_words(self) -> int:
        return int(self.counts.sum())

    def lines_of(self, positions: np.ndarray) -> np.ndarray:
        """The line number of each position of ``ids`` (two words share a window only on one line)."""
        return np.searchsorted(self.line_starts, positions, side="right").astype(self.line_starts.dtype)


def read_corpus(
    chunks: Iterable[bytes],
    min_count: int = 5,
    max_vocab: int | None = None,
    memory: int | None = None,
    ids_file: str | None = None,
) -> Corpus:
    """Read the text once: vocabulary, counts, the id array and the line starts.

    The ids are held in memory up to ``memory`` bytes (None: no limit); past it,
    or from the start when ``ids_file`` names a file, they go to a file (``ids_file``,
    or a temporary one) that the corpus then maps: a corpus bigger than memory
    trains, read from the page cache a block at a time.  The file is removed from
    its directory as soon as it is mapped, so nothing stays behind however the run
    ends; its space returns when the corpus is let go.
    """
    if min_count < 1:
        raise ParameterError("min_count", "must be at least 1")
    vocab = Vocabulary()
    parts: list[np.ndarray] = []
    starts: list[np.ndarray] = []
    offset = 0
    spill = _IdsFile(ids_file) if ids_file is not None else None
    try:
        for hashed, first_of_line in hashed_lines(chunks, text_starts_a_line=True, vocab=vocab):
            ids = vocab.encode(hashed).astype(np.int32)
            starts.append(np.flatnonzero(first_of_line) + offset)
            parts.append(ids)
            offset += len(ids)
            if spill is None and memory is not None and 4 * offset > memory:
                spill = _IdsFile(None)
            if spill is not None:
                spill.write(parts)
                parts = []
        if offset == 0:
            raise EmptyInput()
        raw = spill.mapped(offset) if spill is not None else np.concatenate(parts)
    finally:
        if spill is not None:
            spill.close()
    del parts  # memory: the corpus is held once, as ``raw``, from here on
    counts = np.zeros(len(vocab), np.int64)
    for at in range(0, len(raw), 1 << 24):  # a slice at a time: bincount would copy a mapped array whole
        counts += np.bincount(raw[at : at + (1 << 24)], minlength=len(vocab))
    # Most frequent first; ties in order of first appearance (a stable sort), as the C tool keeps them.
    order = np.argsort(-counts, kind="stable")
    keep = order[counts[order] >= min_count]
    if max_vocab is not None:
        keep = keep[:max_vocab]
    if len(keep) == 0:
        raise DataError(
            f"no word occurs {min_count} times or more ({offset:,} words, {len(vocab):,} distinct)",
            "lower the minimum count, or give a bigger corpus",
        )
    if len(keep) == 1:
        raise DataError(
            f"only one word ({vocab.words[keep[0]]!r}) occurs {min_count} times or more: nothing to relate it to",
            "lower the minimum count, or give a bigger corpus",
        )
    new_id = np.full(len(vocab), -1, np.int32)
    new_id[keep] = np.arange(len(keep), dtype=np.int32)
    for at in range(0, len(raw), 1 << 20):  # renumber in place, a slice at a time: no second copy
        raw[at : at + (1 << 20)] = new_id[raw[at : at + (1 << 20)]]
    if isinstance(raw, np.memmap):
        raw.flush()
    line_starts = np.concatenate(starts) if starts else np.zeros(1, np.int64)
    return Corpus(
        words=[vocab.words[i] for i in keep.tolist()],
        counts=counts[keep].astype(np.int64),
        ids=raw,
        line_starts=line_starts.astype(np.int32 if offset < 2**31 else np.int64),  # 4 bytes a line when they fit
        total_words=offset,
    )


class _IdsFile:
    """The corpus's ids written to a file, then mapped (``path`` None: a temporary file)."""

    def __init__(self, path: str | None) -> None:
        import tempfile

        if path is None:
            fd, path = tempfile.mkstemp(prefix="textlab-ids-", suffix=".int32")
            self.file = os.fdopen(fd, "wb")
        else:
            try:
                self.file = open(path, "wb")
            except OSError as e:
                raise DataError(f"{path}: cannot write the word ids: {os_reason(e)}") from None
        self.path = path

    def write(self, parts: list[np.ndarray]) -> None:
        for part in parts:
            part.tofile(self.file)

    def mapped(self, length: int) -> np.ndarray:
        self.file.close()
        ids = np.memmap(self.path, np.int32, mode="r+", shape=(length,))
        os.unlink(self.path)  # the mapping keeps the data; the name goes now
        return ids

    def close(self) -> None:
        self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
