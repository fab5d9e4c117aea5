"""Reading text in and writing files out, the same way for every command.

Inputs
    Paths, ``-`` or nothing for standard input. gzip, bzip2 and xz are
    recognised by their magic bytes (so ``zcat``-less pipes work too), a UTF-8
    byte-order mark is skipped, and invalid bytes are replaced by U+FFFD and
    counted instead of stopping the run. Text is streamed in bounded chunks,
    so a 10 GB file or a 100 MB file that is one single line never sits in
    memory whole.

    ``TextReader.chunks()`` yields *valid UTF-8 bytes*, each chunk ending on a
    character boundary. Counting code works on those bytes with NumPy and never
    decodes them; code that wants ``str`` uses ``TextReader.texts()``.

Outputs
    ``atomic_output`` writes to a temporary file beside the target and renames
    it into place only when the command succeeded: an interrupted run never
    leaves a half-written file.
"""

from __future__ import annotations

import bz2
import codecs
import contextlib
import errno
import gzip
import io
import itertools
import lzma
import os
import re
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO, BinaryIO

from .errors import DataError, ParameterError, UsageError

#: Bytes read per step. Large enough that per-chunk Python overhead vanishes,
#: small enough that NumPy temporaries stay in the CPU caches.
CHUNK_SIZE = 1 << 20

BOM = codecs.BOM_UTF8
_MAGIC: dict[bytes, Callable[[IO[bytes]], BinaryIO]] = {
    b"\x1f\x8b": lambda f: gzip.GzipFile(fileobj=f),  # type: ignore[dict-item,return-value]  # binary files
    b"BZh": bz2.BZ2File,  # type: ignore[dict-item]
    b"\xfd7zXZ\x00": lzma.LZMAFile,  # type: ignore[dict-item]
}

#: What reading a damaged compressed file raises (gzip's BadGzipFile and bz2's
#: errors are OSErrors; gzip's damaged deflate data a zlib.error; xz has its own);
#: a truncated one raises EOFError.
CORRUPT = (OSError, lzma.LZMAError, zlib.error)

ProgressCallback = Callable[[int, "int | None"], None]


class _CountingReader(io.RawIOBase):
    """Wraps a binary file and counts the bytes read through it.

    Progress is reported in bytes of the file on disk, so for a compressed
    dump the bar moves with the compressed bytes consumed.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self.count += n or 0
        return n

    def close(self) -> None:
        if self._raw is not sys.stdin.buffer:
            self._raw.close()
        super().close()


def describe(path: str) -> str:
    return "standard input" if path == "-" else path


def open_path(path: str) -> BinaryIO:
    """Open a path (or ``-``) for binary reading, with errors a person can act on."""
    if path == "-":
        return sys.stdin.buffer
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except PermissionError:
        raise DataError(f"{path}: permission denied") from None
    if stat.S_ISDIR(mode):
        raise DataError(f"{path}: is a directory", "give the files inside it, e.g. DIR/*.txt") from None
    try:
        return open(path, "rb")
    except OSError as e:
        raise DataError(f"{path}: cannot open ({e.strerror})") from None


def open_input(path: str) -> tuple[io.BufferedReader, _CountingReader]:
    """Open ``path`` (or ``-``) for reading its raw bytes, buffered (so its first
    bytes can be peeked at), and the counter of bytes read."""
    return counting_reader(open_path(path))


def counting_reader(raw: BinaryIO) -> tuple[io.BufferedReader, _CountingReader]:
    """An opened binary stream, buffered, and the counter of its bytes read."""
    counter = _CountingReader(raw)
    return io.BufferedReader(counter, buffer_size=CHUNK_SIZE), counter


def is_compressed(head: bytes) -> bool:
    """Whether a file's first bytes are gzip's, bzip2's or xz's magic."""
    return any(head.startswith(magic) for magic in _MAGIC)


def decompressed(buffered: io.BufferedReader) -> BinaryIO:
    """The stream itself, or its gzip/bzip2/xz decompression, by its magic bytes."""
    head = buffered.peek(6)[:6]
    for magic, opener in _MAGIC.items():
        if head.startswith(magic):
            return opener(buffered)
    return buffered  # BufferedReader is a BinaryIO in all but name


def open_binary(path: str) -> tuple[BinaryIO, _CountingReader]:
    """Open ``path`` for reading, decompressing gzip/bzip2/xz by their magic bytes.

    Returns the (possibly decompressing) stream and the counter of raw bytes read.
    """
    buffered, counter = open_input(path)
    return decompressed(buffered), counter


def input_size(paths: Iterable[str]) -> int | None:
    """Total size on disk of the inputs, or None when one is a pipe."""
    total = 0
    for p in paths:
        if p == "-":
            return None
        try:
            st = os.stat(p)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        total += st.st_size
    return total


def _incomplete_tail(buf: bytes) -> int:
    """Index where an unfinished UTF-8 sequence at the end of ``buf`` begins.

    >>> _incomplete_tail("añ".encode()[:-1])   # b'a\\xc3': the \\xc3 waits for more
    1
    """
    n = len(buf)
    for back in range(1, min(4, n) + 1):
        byte = buf[n - back]
        if byte < 0x80:
            return n  # ASCII: complete
        if byte >= 0xC0:  # a lead byte: how long should its sequence be?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return n - back if back < need else n
    return n  # only continuation bytes: invalid anyway, let the decoder judge


def _decode_replacing(data: bytes) -> tuple[str, int]:
    """Decode UTF-8, replacing each invalid sequence by U+FFFD; return the text and the bad-byte count."""
    parts: list[str] = []
    bad = 0
    start = 0
    while True:
        try:
            parts.append(data[start:].decode("utf-8"))
            return "".join(parts), bad
        except UnicodeDecodeError as e:
            parts.append(data[start : start + e.start].decode("utf-8"))
            parts.append("\ufffd")
            bad += e.end - e.start
            start += e.end


class TextReader:
    """Stream the text of several inputs as one, in bounded chunks.

    The inputs are read one after the other as if concatenated (``textlab
    letters a b`` equals ``cat a b | textlab letters``), except that each
    file's byte-order mark is dropped.

    Parameters
    ----------
    paths:
        File paths; ``-`` (or an empty list) is standard input.
    encoding:
        ``None`` or ``utf-8`` for the fast path; any other Python codec name
        (``latin-1``, ``cp1252``, ``utf-16``) is decoded and re-encoded.
    on_progress:
        Called with (bytes read so far, total bytes or None) after each chunk.

    After reading, ``invalid_bytes`` holds how many bytes were replaced.
    """

    def __init__(
        self,
        paths: Iterable[str] | None = None,
        encoding: str | None = None,
        chunk_size: int = CHUNK_SIZE,
        on_progress: ProgressCallback | None = None,
    ) -> None:
        self.paths = list(paths or []) or ["-"]
        if encoding is not None:
            try:
                encoding = codecs.lookup(encoding).name
            except LookupError:
                raise UsageError(f"unknown encoding {encoding!r}", "try utf-8, latin-1 or cp1252") from None
        self.encoding = None if encoding in (None, "utf-8") else encoding
        self.chunk_size = chunk_size
        self.on_progress = on_progress
        self.invalid_bytes = 0
        self.bytes_read = 0
        self.total = input_size(self.paths)

    # -- public iterators -------------------------------------------------
    def chunks(self) -> Iterator[bytes]:
        """Yield valid UTF-8 byte chunks, each ending on a character boundary."""
        # Open every path first so a missing third file fails before any work.
        for path in self.paths:
            if path != "-":
                open_path(path).close()
        for path in self.paths:
            yield from self._file_chunks(path)

    def texts(self) -> Iterator[str]:
        """Yield the text as ``str`` chunks (decoding is cheap: the bytes are valid)."""
        for chunk in self.chunks():
            yield chunk.decode("utf-8")

    # -- one file ---------------------------------------------------------
    def _file_chunks(self, path: str) -> Iterator[bytes]:
        stream, counter = open_binary(path)
        yield from self.stream_chunks(stream, counter, path)

    def stream_chunks(
        self, stream: BinaryIO, counter: _CountingReader, path: str, at_start: bool = True
    ) -> Iterator[bytes]:
        """The valid UTF-8 chunks of one opened input (``path`` names it in messages),
        closed at the end; ``at_start``: the stream begins at the file's start, where a
        byte-order mark may be (a part of a file read from its middle has none)."""
        base = self.bytes_read
        try:
            head = stream.read(max(self.chunk_size, 4))  # a byte-order mark is up to 4 bytes
            encoding = self.encoding or (wide_encoding(head, describe(path)) if at_start else None)
            if encoding is None:
                if at_start and head.startswith(BOM):
                    head = head[3:]
                source = self._utf8(stream, head)
            else:
                source = self._recode(stream, head, encoding, path)
            for chunk in source:
                self.bytes_read = base + counter.count
                if self.on_progress:
                    self.on_progress(self.bytes_read, self.total)
                if chunk:
                    yield chunk
        except EOFError:
            raise DataError(f"{describe(path)}: compressed data ends early (truncated file?)") from None
        except CORRUPT as e:
            if isinstance(e, BrokenPipeError):
                raise
            raise DataError(f"{describe(path)}: cannot read ({e})") from None
        finally:
            if stream is not sys.stdin.buffer:
                stream.close()

    def _utf8(self, stream: BinaryIO, head: bytes) -> Iterator[bytes]:
        carry = b""
        raw = head
        while raw:
            buf = carry + raw if carry else raw
            cut = _incomplete_tail(buf)
            body, carry = buf[:cut], buf[cut:]
            yield self._validate(body)
            raw = stream.read(self.chunk_size)
        if carry:
            yield self._validate(carry)

    def _validate(self, body: bytes) -> bytes:
        # isascii() and a strict decode both run at C speed (GB/s); only a
        # chunk with a real error takes the slow path.
        if body.isascii():
            return body
        try:
            body.decode("utf-8")
            return body
        except UnicodeDecodeError:
            text, bad = _decode_replacing(body)
            self.invalid_bytes += bad
            return text.encode("utf-8")

    def _recode(self, stream: BinaryIO, head: bytes, encoding: str, path: str) -> Iterator[bytes]:
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        raw = head
        while True:
            final = not raw
            try:
                text = decoder.decode(raw, final=final)
            except UnicodeError as e:  # utf-16/utf-32 without a byte-order mark say which byte order
                problem = f"{encoding}-le or {encoding}-be is needed: {describe(path)} has no byte-order mark ({e})"
                raise ParameterError("encoding", problem, exit_code=1) from None
            self.invalid_bytes += text.count("\ufffd")
            yield text.encode("utf-8")
            if final:
                return
            raw = stream.read(self.chunk_size)


#: Byte-order marks of the encodings wider than a byte; UTF-32's first, since
#: UTF-32-LE's mark begins with UTF-16-LE's.
WIDE_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def wide_encoding(head: bytes, name: str) -> str | None:
    """UTF-16 or UTF-32 when ``head`` starts with its byte-order mark (Windows' Notepad
    writes such files), None for UTF-8; refuse text that has NUL bytes in a pattern
    only a wide encoding without a mark makes, rather than count its NULs as letters.

    >>> wide_encoding("hi".encode("utf-16"), "f"), wide_encoding(b"hi", "f")
    ('utf-16', None)
    """
    for bom, encoding in WIDE_BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 4 >= len(sample):
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        guess = "utf-16-le" if odd > 2 * even else "utf-16-be" if even > 2 * odd else "utf-32-le"
        problem = f"{guess} is needed: {name} looks like {guess[:6].upper()} text without a byte-order mark"
        raise ParameterError("encoding", problem, exit_code=1)
    return None


# -- outputs ----------------------------------------------------------------
class OutputError(DataError):
    """An output cannot be written: the disk is full, the place is read-only, ... (exit 1).

    >>> import errno
    >>> str(OutputError.of("t.tsv", OSError(errno.ENOSPC, "No space left on device")))
    't.tsv: cannot write: no space left on device'
    """

    @classmethod
    def of(cls, path: str | os.PathLike[str], error: OSError, step: str = "") -> OutputError:
        return cls(f"{path}: cannot write{step}: {os_reason(error)}")


def os_reason(error: OSError) -> str:
    """What the system says, as the rest of a textlab line (``No space left on device`` -> ``no space ...``)."""
    reason = (error.strerror or str(error)).rstrip(".")
    return reason[:1].lower() + reason[1:]


def check_output_path(path: str | os.PathLike[str] | None) -> Path | None:
    """Fail now, with one line, if ``path`` cannot be written: a long job checks before it starts.

    ``None`` and ``-`` (standard output) always can.
    """
    if path is None or str(path) == "-":
        return None
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise DataError(f"{target}: directory {directory} does not exist")
    if target.is_dir():
        raise DataError(f"{target}: is a directory, give a file name")
    return target


def writes_in_place(target: Path) -> bool:
    """Whether ``target`` is written straight to rather than replaced: a device
    (``/dev/null``), a FIFO, a terminal, ``/dev/stdout``.  Replacing one of those
    with a regular file would break it (as root, ``-o /dev/null`` would replace
    the system's) and its reader would get nothing."""
    try:
        return not stat.S_ISREG(os.stat(target).st_mode)
    except OSError:
        return False  # not there yet (or a dangling link): a new regular file


_DESCRIPTOR = re.compile(r"/dev/(stdout|stderr|fd/(\d+))|/proc/(self|\d+)/fd/(\d+)")


def descriptor_of(path: str | os.PathLike[str]) -> int | None:
    """The open file descriptor a path names (``/dev/stdout`` is 1, ``/dev/fd/3`` is 3), or None.

    >>> descriptor_of("/dev/stdout"), descriptor_of("/dev/fd/3"), descriptor_of("out.txt")
    (1, 3, None)
    """
    match = _DESCRIPTOR.fullmatch(str(path))
    if match is None or (match.group(3) not in (None, "self") and int(match.group(3)) != os.getpid()):
        return None
    named = {"stdout": 1, "stderr": 2}.get(match.group(1) or "")
    return named if named is not None else int(match.group(2) or match.group(4))


def same_file(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two paths name one existing file (by device and inode: links and ``./a`` too)."""
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        return False


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, binary: bool = False) -> Iterator[IO]:
    """Open ``path`` for writing so that it appears only once complete.

    ``None`` or ``-`` means standard output (written directly). Otherwise data
    goes to a temporary file in the same directory, renamed over ``path`` when
    the block ends without an exception, and deleted when it does not.  A
    symbolic link is followed: what it points to is replaced, the link stays.
    A device or a FIFO is written straight to (:func:`writes_in_place`).
    Errors of the disk (full, read-only, no permission) become one
    :class:`OutputError`; the old file stays as it was.
    """
    if path is None or str(path) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        return
    mode = "wb" if binary else "w"
    text = {} if binary else {"encoding": "utf-8", "newline": ""}
    fd = descriptor_of(path)
    if fd is not None:
        # /dev/stdout on a file opened with >>: opening the path anew would truncate it (or replace it)
        if fd in (1, 2):
            stream = sys.stdout if fd == 1 else sys.stderr
            yield stream.buffer if binary else stream
            stream.flush()
            return
        with open(os.dup(fd), mode, **text) as f:  # type: ignore[call-overload]
            yield f
        return
    target = check_output_path(path)
    assert target is not None
    if writes_in_place(target):
        try:
            with open(target, mode, **text) as f:  # type: ignore[call-overload]
                yield f
        except OSError as e:
            if isinstance(e, BrokenPipeError) or not _is_write_error(e):
                raise
            raise OutputError.of(path, e) from None
        return
    real = Path(os.path.realpath(target))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{real.name}.", suffix=".tmp", dir=real.parent)
    except OSError as e:  # no temporary file can be made beside the target (read-only, /proc, ...)
        raise OutputError.of(path, e, f" (a temporary file in {real.parent}, renamed over it when done)") from None
    done = False
    try:
        with open(fd, mode, **text) as f:  # type: ignore[call-overload]
            yield f
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, real)
        done = True
    except OSError as e:
        if not _is_write_error(e):
            raise
        raise OutputError.of(path, e) from None
    finally:
        if not done:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


#: What the disk or the file system says when a file cannot be written; other
#: OSErrors inside an output block come from reading and are not ours to rename.
WRITE_ERRORS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR}
)


def _is_write_error(e: OSError) -> bool:
    return e.errno in WRITE_ERRORS and not isinstance(e, BrokenPipeError)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# -- TSV --------------------------------------------------------------------
#: What a TSV cell cannot hold as itself: the separators, and what tools mangle
#: (a CR is eaten as a line ending, a NUL ends a C string); each is written as a
#: backslash escape, as PostgreSQL's COPY and ClickHouse's TSV do.
ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\0": "\\0"}
_ESCAPE = str.maketrans(ESCAPES)
_UNESCAPE = {v[1]: k for k, v in ESCAPES.items()}


def needs_escape(text: str) -> bool:
    return "\t" in text or "\n" in text or "\\" in text or "\r" in text or "\0" in text


def format_cell(value: object) -> str:
    r"""How a value is written in TSV: floats with 6 significant digits; tab, newline,
    CR, NUL and backslash escaped.

    >>> format_cell("a\tb\r\\"), format_cell(0.1234567)
    ('a\\tb\\r\\\\', '0.123457')
    """
    if isinstance(value, float):
        return f"{value:.6g}"
    text = str(value)
    return text.translate(_ESCAPE) if needs_escape(text) else text


def unescape_cell(text: str) -> str:
    """Invert :func:`format_cell` for text cells."""
    if "\\" not in text:
        return text
    out = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_UNESCAPE.get(nxt, "\\" + nxt))
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def _format_column(values: Sequence) -> Sequence[str]:
    """Format one column; a column of one type takes a fast C-level path."""
    kinds = set(map(type, values))
    if len(kinds) == 1:
        kind = kinds.pop()
        if kind is int:
            return list(map(str, values))
        if kind is float:
            return list(map("{:.6g}".format, values))
        if kind is str:
            joined = "".join(values)
            if not needs_escape(joined):
                return values  # nothing to escape
            if _APART not in joined:  # escaped all at once, then split where the cells were joined
                return _APART.join(values).translate(_ESCAPE).split(_APART)
    return [format_cell(v) for v in values]


_APART = "\x1f"  # the unit separator: no escape makes it, and text almost never holds it


def write_tsv(stream: IO[str], columns: list[str], rows: Iterable[tuple], header: bool = True) -> None:
    """Write rows as tab-separated values, with a header row unless ``header`` is False."""
    if header:
        stream.write("\t".join(columns) + "\n")
    it = iter(rows)
    while batch := list(itertools.islice(it, 20_000)):
        write_tsv_columns(stream, columns, [list(col) for col in zip(*batch)], header=False)


def write_tsv_columns(stream: IO[str], columns: list[str], data: Sequence[Sequence], header: bool = True) -> None:
    """Write a table given column by column (``data[j]`` is column ``j``).

    Each column is formatted at C speed (``map(str, ...)``), not cell by cell,
    so a table of millions of n-grams takes about a second, not several.
    """
    if header:
        stream.write("\t".join(columns) + "\n")
    size = len(data[0]) if data else 0
    for start in range(0, size, 50_000):  # bounded batches: no giant string in memory
        cells = [_format_column(col[start : start + 50_000]) for col in data]
        stream.write("\n".join(map("\t".join, zip(*cells))) + "\n")


def read_tsv(path: str, required: list[str]) -> tuple[list[str], Iterator[list[str]]]:
    """Open a textlab TSV table; check its header names ``required`` columns.

    Returns the header and an iterator over the remaining rows (split, unescaped).
    """
    reader = TextReader([path])
    lines = iter_lines(reader.texts())
    try:
        header = next(lines).split("\t")
    except StopIteration:
        raise DataError(f"{describe(path)}: empty table, expected a header row") from None
    missing = [c for c in required if c not in header]
    if missing:
        raise DataError(
            f"{describe(path)}: not a textlab table with columns {', '.join(required)} "
            f"(header is {' '.join(header)[:60]!r})"
        )

    def rows() -> Iterator[list[str]]:
        for number, line in enumerate(lines, start=2):
            cells = [unescape_cell(c) for c in line.split("\t")]
            if len(cells) != len(header):
                raise DataError(f"{describe(path)}:{number}: expected {len(header)} columns, found {len(cells)}")
            yield cells

    return header, rows()


def iter_lines(texts: Iterator[str]) -> Iterator[str]:
    """Split a stream of text chunks into lines (without their newline, nor the \\r of a CRLF)."""
    for line, _ in exact_lines(texts):
        yield line.rstrip("\r")


def exact_lines(texts: Iterator[str]) -> Iterator[tuple[str, bool]]:
    """Split a stream of text chunks at ``\\n`` only, keeping everything else (``\\r`` too).

    Yields ``(line, ended)``: ``ended`` is False only for a last line with no
    newline after it, so a command that writes line for line can reproduce
    its input byte for byte.
    """
    rest = ""
    for text in texts:
        parts = (rest + text).split("\n")
        rest = parts.pop()
        for line in parts:
            yield line, True
    if rest:
        yield rest, False


def plain_utf8_files(paths: Sequence[str]) -> tuple[bool, bool]:
    """Whether ``paths`` are all regular, uncompressed files of valid UTF-8 without a
    byte-order mark (so a native library may read them itself), and whether any
    holds more than whitespace. One fast pass: decoding checks at C speed.
    """
    has_text = False
    for path in paths:
        if path == "-" or not os.path.isfile(path):
            return False, has_text
        with open(path, "rb") as f:
            head = f.read(6)
            if head.startswith(BOM) or any(head.startswith(m) for m in _MAGIC):
                return False, has_text
            decoder = codecs.getincrementaldecoder("utf-8")()
            block = head
            while True:
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError:
                    return False, has_text
                if not block:
                    break
                has_text = has_text or bool(block.strip())
                block = f.read(CHUNK_SIZE)
    return True, has_text


#: A table's header is a short line: a first line longer than this is text, and no more of it is read to decide.
_HEAD_LIMIT = 1 << 16


class _RewindableStdin(io.RawIOBase):
    """Standard input that can be read again from its start, once, after a look at its first line.

    Until ``rewind()`` reads pass through and the bytes are kept; after it,
    the kept bytes come back first and then the rest of the pipe. So a pipe is
    read only once, and only what finding the first line took is held (one
    buffer's worth at most), not the input.
    """

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__()
        # one read at a time: a pipe gives what it has instead of blocking to fill a buffer
        self._read = getattr(raw, "readinto1", None) or getattr(raw, "readinto")  # noqa: B009  (BinaryIO lacks it)
        self._kept = bytearray()
        self._at = 0
        self._recording = True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        if not self._recording and self._at < len(self._kept):
            n = min(len(buffer), len(self._kept) - self._at)
            buffer[:n] = self._kept[self._at : self._at + n]
            self._at += n
            if self._at == len(self._kept):
                self._kept, self._at = bytearray(), 0  # all given back: let it go
            return n
        n = self._read(buffer)
        if self._recording and n:
            self._kept += memoryview(buffer)[:n]
        return n

    def rewind(self) -> None:
        self._recording = False
        self._at = 0


def _header(path: str, encoding: str | None) -> list[str] | None:
    """The input's first line split at tabs if it has a tab (a table's header), None for text.

    The line is read decompressed and decoded, as the text would be, so a
    gzipped table or a UTF-16 text is judged by its content, not its bytes.
    """
    stream, _ = open_binary(path)
    try:
        # readline loops until a newline: a pipe that delivers the header in pieces is still read whole
        head = stream.readline(_HEAD_LIMIT)
    except (EOFError, OSError, lzma.LZMAError):
        return None  # unreadable: reading it as text says why, in the usual words
    finally:
        stream.close()
    if len(head) == _HEAD_LIMIT and not head.endswith(b"\n"):
        return None
    try:
        line = head.decode(encoding or "utf-8", "replace")
    except LookupError:
        line = head.decode("utf-8", "replace")  # an unknown --encoding: the text reader refuses it, with a hint
    line = line.lstrip("\ufeff").rstrip("\r\n")
    return line.split("\t") if "\t" in line else None


@contextlib.contextmanager
def table_headers(paths: list[str], encoding: str | None) -> Iterator[dict[str, list[str] | None]]:
    """Each input's table header, or None for text (see ``_header``), by path: how a command that
    reads either a textlab table or a text tells them apart.

    Standard input is looked at without being used up: inside the ``with``
    block it reads again from its first byte, so the table or text reader
    that comes next sees all of it.
    """
    original = sys.stdin
    stdin = _RewindableStdin(original.buffer) if "-" in paths else None
    if stdin is not None:
        # textlab.io opens "-" as sys.stdin.buffer; this makes that the rewindable stream
        sys.stdin = io.TextIOWrapper(stdin)
    try:
        headers = {path: _header(path, encoding) for path in dict.fromkeys(paths)}
        if stdin is not None:
            stdin.rewind()
        yield headers
    finally:
        sys.stdin = original
