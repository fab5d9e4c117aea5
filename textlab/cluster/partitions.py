"""Inputs cut into partitions that can be counted apart and added up.

A *partition* is a :class:`Piece`: a whole file, or a byte range of a plain
one.  The partitions of a run, in order, are the inputs as ``TextReader``
reads them, one after the other as if concatenated, so counting them apart
and adding the counts up gives the local run's table when each partition's
count includes exactly the n-grams that *start* in it:

- A plain file is cut at line starts (the byte after a ``\\n``): the cut is
  found by reading forward from each multiple of the partition size, so a
  line belongs to the partition where it starts, however long it is, and no
  cut falls inside a UTF-8 character (``\\n`` is never part of one).
- Compressed files are not cut: a gzip, bzip2 or xz stream cannot be entered
  in the middle, so each is one partition (many files give many partitions).
- An n-gram that starts in one partition and ends in the next is seen by
  reading a little of what follows: the *lookahead*, the next ``n - 1``
  characters, or for words the rest of the line (word n-grams stop at line
  ends, but two files join into one line where the first does not end with a
  newline).  A partition's count is ``count(own + lookahead) - count(lookahead)``:
  the lookahead's own n-grams cancel, the ones across the cut stay.

Where paths are URLs (``s3://``, ``gs://``, ``file://``...), ``fsspec`` opens
them; a path is read by the process that counts it, so on a cluster it must
name the same file on every machine (a shared filesystem, or a URL).
"""

from __future__ import annotations

import codecs
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from ..errors import DataError, UsageError
from ..io import (
    CHUNK_SIZE,
    TextReader,
    counting_reader,
    decompressed,
    describe,
    is_compressed,
    open_path,
    wide_encoding,
)

#: The default partition size: large enough that a task's start-up is a small part of
#: its work (counting 64 MB takes seconds), small enough that a few per worker even out.
PARTITION_BYTES = 64 << 20

#: Encodings in which a byte 10 is always a newline, never part of another
#: character, so a file in them can be cut after any ``\\n`` byte.
SPLITTABLE_ENCODINGS = ("utf-8", "ascii", "latin-1", "iso8859", "cp125", "mac-roman", "koi8")


#: About how many times its size a compressed text file holds.
COMPRESSION = 4


@dataclass(frozen=True)
class Piece:
    """``path`` from byte ``start`` to ``end`` (None: to its end, a whole file)."""

    path: str
    start: int = 0
    end: int | None = None
    size: int = 0  # the file's size on disk, for a whole file

    def __str__(self) -> str:
        return self.path if self.end is None else f"{self.path} (bytes {self.start:,}-{self.end:,})"

    @property
    def weight(self) -> int:
        """About how much text it holds, in bytes (a compressed file's size is counted
        ``COMPRESSION`` times: text compresses about that well)."""
        return self.end - self.start if self.end is not None else COMPRESSION * self.size


#: Input bytes of the pieces after a partition that go with it, for its lookahead.
LOOKAHEAD_BYTES = 1 << 20
#: At most this many pieces go with a partition for its lookahead.
LOOKAHEAD_PIECES = 64


@dataclass(frozen=True)
class Partitions:
    """A run's inputs in order, as pieces, and where each partition starts among them:
    partition ``i`` is ``pieces[starts[i]:starts[i + 1]]`` (the last runs to the end).
    ``more``: pieces follow that are left out (a :meth:`window`)."""

    pieces: tuple[Piece, ...]
    starts: tuple[int, ...]
    encoding: str | None = None
    more: bool = False

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, number: int) -> tuple[int, int]:
        """The pieces of partition ``number``: ``pieces[first:end]``."""
        end = self.starts[number + 1] if number + 1 < len(self.starts) else len(self.pieces)
        return self.starts[number], end

    def name(self, number: int) -> str:
        """The partition for messages: its first piece, and how many files follow in it."""
        first, end = self.span(number)
        more = f" and {end - first - 1} more file(s)" if end - first > 1 else ""
        return f"{self.pieces[first]}{more}"

    def window(self, number: int) -> Partitions:
        """Partition ``number`` and enough of what follows for its lookahead (about
        ``LOOKAHEAD_BYTES`` of input, in at most ``LOOKAHEAD_PIECES`` pieces): what a
        task needs, so a task does not carry the whole list (a dump has thousands)."""
        first, end = self.span(number)
        own, held = end, 0
        while end < len(self.pieces) and held < LOOKAHEAD_BYTES and end - own < LOOKAHEAD_PIECES:
            held += self.pieces[end].weight
            end += 1
        starts = (0, own - first) if own < end else (0,)
        return Partitions(self.pieces[first:end], starts, self.encoding, self.more or end < len(self.pieces))


# -- opening paths and URLs ------------------------------------------------------
def is_url(path: str) -> bool:
    return "://" in path


def filesystem(path: str):
    """fsspec's filesystem for a URL, and the path inside it."""
    try:
        from fsspec.core import url_to_fs
    except ImportError:
        raise UsageError(f"{path}: URLs are read through fsspec", "pip install 'textlab-toolkit[cluster]'") from None
    try:
        return url_to_fs(path)
    except (ValueError, ImportError) as e:
        raise DataError(f"{path}: cannot open ({e})") from None


def _on_url(path: str, action):
    """``action(fs, inner)`` for a URL, with the errors ``textlab.io`` gives for a path."""
    fs, inner = filesystem(path)
    try:
        return action(fs, inner)
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as e:
        raise DataError(f"{path}: cannot open ({e})") from None


def size_of(path: str) -> int:
    """The size of a file in bytes (a path's errors are ``textlab.io``'s)."""
    if is_url(path):
        return int(_on_url(path, lambda fs, inner: fs.size(inner)))
    if path == "-":
        raise UsageError("standard input cannot be split for a cluster", "give the input as files")
    with open_path(path) as f:
        return os.fstat(f.fileno()).st_size


def open_raw(path: str) -> BinaryIO:
    """A seekable binary file for a path or URL."""
    if is_url(path):
        return _on_url(path, lambda fs, inner: fs.open(inner, "rb"))
    return open_path(path)


class _Window(io.RawIOBase):
    """Bytes ``start`` to ``end`` of a seekable file, as a stream of their own."""

    def __init__(self, raw: BinaryIO, start: int, end: int) -> None:
        self._raw = raw
        self._left = end - start
        raw.seek(start)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if self._left <= 0:
            return 0
        view = memoryview(buffer)[: min(len(buffer), self._left)]
        n = self._raw.readinto(view)  # type: ignore[attr-defined]
        self._left -= n or 0
        return n or 0

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_piece(piece: Piece) -> BinaryIO:
    """A piece's raw bytes: a window of its file, or the whole file."""
    raw = open_raw(piece.path)
    if piece.end is None:
        return raw
    return _Window(raw, piece.start, piece.end)  # type: ignore[return-value]


# -- cutting ----------------------------------------------------------------------
def cut_points(path: str, size: int, every: int, find: Callable[[BinaryIO, int], int | None]) -> list[int]:
    """Offsets that cut a file of ``size`` bytes into parts of about ``every`` bytes:
    ``find(file, near)`` gives the first allowed cut at or after ``near`` (None: none
    before the end).  The first offset is 0 and the last ``size``."""
    cuts = [0]
    with open_raw(path) as f:
        near = every
        while near < size:
            at = find(f, near)
            if at is None or at >= size:
                break
            if at > cuts[-1]:
                cuts.append(at)
            near = max(near + every, at + 1)
    return cuts + [size]


def after_pattern(pattern: bytes | re.Pattern[bytes], before: bool = False) -> Callable[[BinaryIO, int], int | None]:
    """A ``find`` for :func:`cut_points`: just after the first match of ``pattern`` at or
    after the offset (``before``: at the match's start), read block by block."""
    regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))

    def find(f: BinaryIO, near: int) -> int | None:
        back = 0 if before else 1  # a line start at `near` means a newline just before it
        at = max(near - back, 0)
        f.seek(at)
        tail = b""
        while True:
            block = f.read(CHUNK_SIZE)
            if not block:
                return None
            buf = tail + block
            match = regex.search(buf)
            if match:
                base = at - len(tail)
                return base + (match.start() if before else match.end())
            keep = min(len(buf), 64)  # a match may straddle two blocks
            tail, at = buf[-keep:], at + len(block)

    return find


#: A file is cut after a newline byte.
after_newline = after_pattern(b"\n")


def splittable(head: bytes, encoding: str | None) -> bool:
    """Whether a file that starts with ``head`` can be cut after any newline byte."""
    if is_compressed(head) or wide_encoding(head, "") is not None:
        return False
    name = codecs.lookup(encoding).name if encoding else "utf-8"
    return name.startswith(SPLITTABLE_ENCODINGS)


def split_inputs(paths: Sequence[str], every: int = PARTITION_BYTES, encoding: str | None = None) -> Partitions:
    """The inputs as partitions of about ``every`` bytes of text, in order: big plain
    files cut, small files together (empty files left out)."""
    if every < 1:
        raise UsageError("the partition size must be at least 1 byte")
    pieces: list[Piece] = []
    for path in paths:
        size = size_of(path)
        if size == 0:
            continue
        with open_raw(path) as f:
            head = f.read(6)
        if not splittable(head, encoding):
            pieces.append(Piece(path, size=size))
            continue
        cuts = cut_points(path, size, every, after_newline)
        pieces += [Piece(path, a, b) for a, b in itertools.pairwise(cuts)]
    starts: list[int] = []
    held = every
    for i, piece in enumerate(pieces):
        if held + piece.weight > every:  # this piece starts a partition of its own
            starts.append(i)
            held = 0
        held += piece.weight
    return Partitions(tuple(pieces), tuple(starts), encoding)


# -- reading ----------------------------------------------------------------------
class PieceReader(TextReader):
    """A ``TextReader`` over pieces of files: their valid UTF-8 chunks, in order."""

    def __init__(self, pieces: Sequence[Piece], encoding: str | None = None) -> None:
        super().__init__([], encoding=encoding)
        self.pieces = list(pieces)
        self.total = None

    def chunks(self) -> Iterator[bytes]:
        for piece in self.pieces:
            buffered, counter = counting_reader(open_piece(piece))
            stream = decompressed(buffered) if piece.end is None else buffered  # a whole file may be compressed
            yield from self.stream_chunks(stream, counter, describe(str(piece)), at_start=piece.start == 0)


def lookahead(partitions: Partitions, number: int, chars: int = 0, line: bool = False) -> Iterator[bytes]:
    """What follows partition ``number``: its next ``chars`` characters, or (``line``) the
    text up to and including the next newline; from as many of the following pieces as it
    takes, streamed (the rest of a line may be long)."""
    following = PieceReader(partitions.pieces[partitions.span(number)[1] :], partitions.encoding)
    want = chars
    for chunk in following.chunks():
        if line:
            newline = chunk.find(b"\n")
            yield chunk if newline < 0 else chunk[: newline + 1]
            if newline >= 0:
                return
            continue
        if want <= 0:
            return
        # the first `want` characters end where the next one starts: a byte not 10xxxxxx
        leads = [i for i, b in enumerate(chunk[: 4 * want + 4]) if b & 0xC0 != 0x80]
        yield chunk[: leads[want]] if len(leads) > want else chunk
        want -= len(leads)
    if partitions.more and (line or want > 0):
        # only a line that runs on through megabytes of files without a newline gets here
        raise DataError(
            f"a line runs on from {partitions.name(number)} through more than {LOOKAHEAD_BYTES >> 20} MB "
            "of the following files without a newline: it cannot be split into partitions",
            "end the files with a newline",
        )
