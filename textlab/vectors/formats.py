"""Word-vector files: the word2vec text and binary formats, and GloVe's text format.

    word2vec text     first line "VOCAB DIM", then "word v1 v2 ... vDIM" per line
    word2vec binary   first line "VOCAB DIM", then per word: "word " + DIM float32 (little-endian) + "\\n"
    GloVe             like word2vec text, without the first line

The format is recognised from the file itself. Numbers are parsed by NumPy
in one call over all rows (``np.fromstring``), not one by one in Python;
only when the count comes out wrong does a slower pass find the line to
blame.

A vector with inf or nan (or a number too big for 32 bits, which becomes
inf) is a ``DataError`` naming the word and its line: the file is corrupt or
its training diverged, and every cosine with such a vector is NaN. gensim
loads it and answers NaN later; refusing it here, where the line is known,
is the one check every command shares. All-zero rows load as they are
(``Vectors`` marks them as having no direction).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

import numpy as np

from ..errors import DataError
from ..io import TextReader, exact_lines, open_binary


def _header(line: str) -> tuple[int, int] | None:
    fields = line.split()
    if len(fields) == 2 and all(f.isdigit() for f in fields):
        return int(fields[0]), int(fields[1])
    return None


def _is_binary(path: str) -> bool:
    stream, _ = open_binary(path)
    try:
        head = stream.read(4096)
    finally:
        stream.close()
    first, _, rest = head.partition(b"\n")
    if _header(first.decode("latin-1")) is None:
        return False
    try:
        rest.decode("utf-8")
        return False
    except UnicodeDecodeError as e:  # float32 bytes are not text (a cut at the end of the block is fine)
        return e.start < len(rest) - 4


def load(path: str, limit: int | None = None, encoding: str | None = None) -> tuple[list[str], np.ndarray]:
    """Words and their vectors (float32, one row a word) from a file in any of the three formats.

    ``limit`` keeps the first N rows: these files list the most frequent words first.
    """
    if _is_binary(path):
        return _load_binary(path, limit)
    return _load_text(path, limit, encoding)


def _load_text(path: str, limit: int | None, encoding: str | None) -> tuple[list[str], np.ndarray]:
    lines = (line for line, _ in exact_lines(TextReader([path], encoding=encoding).texts()))
    first = next(lines, None)
    if first is None or not first.strip():
        raise DataError(f"{path}: empty vectors file")
    header = _header(first)
    rows = [] if header else [first]
    at = [] if header else [1]  # the line number of each row (blank lines are skipped)
    wanted = header[0] if header else None
    keep = min(x for x in (wanted, limit) if x is not None) if (wanted or limit) else None
    for number, line in enumerate(lines, start=2):
        if keep is not None and len(rows) >= keep:
            break
        if line.strip():
            rows.append(line)
            at.append(number)
    if header and len(rows) < (keep or 0):
        raise DataError(f"{path}: the header says {header[0]:,} vectors, the file has {len(rows):,}")
    words, numbers = [], []
    for line in rows:
        word, _, rest = line.rstrip().partition(" ")
        words.append(word)
        numbers.append(rest)
    dim = header[1] if header else len(numbers[0].split())
    if dim == 0:
        raise DataError(f"{path}: vectors of dimension 0")
    try:
        values = np.fromstring(" ".join(numbers), dtype=np.float32, sep=" ")  # text mode: one C loop
    except ValueError:  # something that is not a number: find it
        values = np.empty(0, np.float32)
    if values.size != len(rows) * dim:
        _blame(path, numbers, dim, at)
    matrix = values.reshape(len(rows), dim)
    _check_finite(path, words, matrix, lambda row: f"{path}:{at[row]}", lambda row, col: numbers[row].split()[col])
    return words, matrix


def _check_finite(
    path: str,
    words: list[str],
    matrix: np.ndarray,
    where: Callable[[int], str],
    shown: Callable[[int, int], str],
) -> None:
    """Refuse a matrix with inf or nan: one pass at C speed when all is well; then name the first
    bad row by ``where(row)`` (its line) and the value as the file wrote it, ``shown(row, column)``."""
    if np.isfinite(matrix).all():
        return
    bad = np.flatnonzero(~np.isfinite(matrix).all(axis=1))
    row = int(bad[0])
    column = int(np.flatnonzero(~np.isfinite(matrix[row]))[0])
    more = f"; {len(bad) - 1:,} more vectors like it" if len(bad) > 1 else ""
    raise DataError(
        f"{where(row)}: the vector of {words[row]!r} has {shown(row, column)[:30]!r}, not a finite 32-bit number",
        f"a corrupt file, or a training run that diverged{more}",
    )


def _blame(path: str, numbers: list[str], dim: int, at: list[int]) -> None:
    """Find the row that broke the parse (too few or too many numbers, or not a number) and say so."""
    for number, rest in zip(at, numbers):
        fields = rest.split()
        for field in fields:
            try:
                float(field)
            except ValueError:
                raise DataError(f"{path}:{number}: {field[:30]!r} is not a number") from None
        if len(fields) != dim:
            raise DataError(f"{path}:{number}: {len(fields)} numbers, but the vectors have {dim} (ragged rows?)")
    raise DataError(f"{path}: could not read the numbers")


def _load_binary(path: str, limit: int | None) -> tuple[list[str], np.ndarray]:
    stream, _ = open_binary(path)
    try:
        data = stream.read()
    finally:
        stream.close()
    head_end = data.index(b"\n")
    header = _header(data[:head_end].decode("latin-1"))
    assert header is not None
    count, dim = header
    if dim == 0:
        raise DataError(f"{path}: vectors of dimension 0")
    count = min(count, limit) if limit else count
    words: list[str] = []
    matrix = np.empty((count, dim), np.float32)
    width = 4 * dim
    at = head_end + 1
    for row in range(count):  # one step per word; the numbers are copied as a block
        while at < len(data) and data[at] in (10, 13):  # the newline after the previous vector
            at += 1
        space = data.find(b" ", at)
        if space < 0 or space + 1 + width > len(data):
            raise DataError(f"{path}: the header says {header[0]:,} vectors, the file ends after {row:,}")
        words.append(data[at:space].decode("utf-8", errors="replace"))
        matrix[row] = np.frombuffer(data, dtype="<f4", count=dim, offset=space + 1)
        at = space + 1 + width
    # a binary file has no lines to point at: the vector's number, from 1
    _check_finite(
        path, words, matrix, lambda row: f"{path}: vector {row + 1:,}", lambda row, col: str(matrix[row, col])
    )
    return words, matrix


def save(words: list[str], matrix: np.ndarray, out: IO[bytes], binary: bool = False) -> None:
    """Write vectors in the word2vec text format (or ``binary``), as the C tool and gensim read them."""
    count, dim = matrix.shape
    out.write(f"{count} {dim}\n".encode())
    matrix = np.ascontiguousarray(matrix, dtype="<f4")
    if binary:
        for word, row in zip(words, matrix):
            out.write(word.encode("utf-8") + b" " + row.tobytes() + b"\n")
        return
    # One %-format of a whole row (a C loop over its numbers): 4x faster than np.char.mod, which
    # formats each number as its own Python call, and the same text. A block at a time: bounded memory.
    row_format = " ".join(["%.6g"] * dim)
    for start in range(0, count, 2_000):
        block = matrix[start : start + 2_000].tolist()
        lines = [word + " " + row_format % tuple(row) for word, row in zip(words[start : start + 2_000], block)]
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
