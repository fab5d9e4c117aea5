"""``wiki dump`` on a cluster: a dump cut into byte ranges of whole pages, each
extracted by a worker into a numbered shard.

Where the cuts fall: as for ``wiki dump --jobs`` (:mod:`textlab.wiki.parallel`),
at the start of a bzip2 stream in a multistream dump (from its index, or found
by the stream header) and after a ``</page>`` in plain XML.  The client reads
only a little around each cut and the dump's header (for its namespaces); each
worker reads its own range, extracts it batch by batch (bounded memory) with
the same ``extract`` as a local run, and writes its articles to its shard.  The
shards, read in the order of their numbers, are the local run's output, byte
for byte.  A dump that is a single compressed stream (``.gz``, ``.xz``, a
bzip2 of one stream) cannot be entered in the middle: it is refused, with what
to do instead.

A shard appears only once complete (written beside and renamed, as every
output of textlab), so a task that runs again after its worker died replaces
nothing half-written.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import BinaryIO

from ..errors import DataError, UsageError
from ..io import atomic_output, is_compressed
from ..wiki.dump import DumpError
from ..wiki.parallel import (
    BATCH_BYTES,
    PAGE_END,
    STREAM_START,
    Batch,
    Settings,
    extract,
    header_namespaces,
    is_multistream,
    stream_batches,
)
from .partitions import Piece, after_pattern, cut_points, filesystem, is_url, open_piece, open_raw, size_of


@dataclass(frozen=True)
class DumpPart:
    """A byte range of whole pages of a dump, and the shard its articles go to."""

    piece: Piece
    shard: str
    compressed: bool  # bzip2 streams, or plain XML
    offsets: tuple[int, ...] | None = None  # the stream starts inside it (from the index), relative to it


@dataclass(frozen=True)
class Extracted:
    """What a worker did with a part: articles written, pages read, and why it stopped early if it did."""

    articles: int
    pages: int
    error: str | None = None


def split_dump(
    path: str, every: int, directory: str, first: int, settings: Settings, offsets: list[int] | None = None
) -> tuple[list[DumpPart], Settings]:
    """The parts of the dump at ``path`` (shards numbered from ``first``), and ``settings``
    with the dump's namespaces, read from its header."""
    size = size_of(path)
    with open_raw(path) as f:
        head = f.read(1 << 20)
    if is_compressed(head) and not is_multistream(head):
        raise DataError(
            f"{path} is one compressed stream: it cannot be cut for a cluster",
            "give the multistream dump (...-multistream.xml.bz2) or plain XML, or extract it on one machine",
        )
    multistream = is_compressed(head)
    if multistream:
        if offsets is not None:
            starts = sorted(set(offsets))

            def at_stream(_f, near: int) -> int | None:
                i = bisect.bisect_left(starts, near)
                return starts[i] if i < len(starts) else None

            cuts = cut_points(path, size, every, at_stream)
        else:
            cuts = cut_points(path, size, every, after_pattern(STREAM_START, before=True))
        with open_raw(path) as f:  # the header is the first stream: up to where the second starts
            header_end = after_pattern(STREAM_START, before=True)(f, 1) or size
        header = Batch(head[:header_end] if header_end <= len(head) else _read(path, header_end), True, 0)
    else:
        cuts = cut_points(path, size, every, after_pattern(PAGE_END))
        header = Batch(head, False, 0)
    try:
        namespaces = header_namespaces(header)
    except DumpError as e:
        raise DumpError(f"{path}: {e}", 0) from None
    except OSError as e:
        raise DataError(f"{path}: the dump cannot be decompressed ({e})") from None
    suffix = ".jsonl" if settings.fmt == "jsonl" else ".txt"
    width = 5
    parts = []
    for i, (a, b) in enumerate(itertools.pairwise(cuts)):
        inside = None
        if multistream and offsets is not None:
            inside = tuple(o - a for o in sorted(set(offsets)) if a <= o < b)
        shard = _join(directory, f"{first + i:0{width}d}{suffix}")
        parts.append(DumpPart(Piece(path, a, b), shard, multistream, inside))
    return parts, replace(settings, namespaces=namespaces)


def _read(path: str, n: int) -> bytes:
    with open_raw(path) as f:
        return f.read(n)


def _join(directory: str, name: str) -> str:
    return directory.rstrip("/") + "/" + name if is_url(directory) else os.path.join(directory, name)


# -- the task ------------------------------------------------------------------------
def extract_part(part: DumpPart, settings: Settings) -> Extracted:
    """Extract one part into its shard, batch by batch, as a local run extracts it."""
    articles = pages = 0
    error = None
    with _shard(part.shard) as out, open_piece(part.piece) as raw:
        batches = stream_batches(raw, list(part.offsets) if part.offsets is not None else None)
        for batch in batches if part.compressed else _page_batches(raw):
            done = extract(batch.data, batch.compressed, settings)
            out.write("".join(done.articles))
            articles += len(done.articles)
            pages += done.pages
            if done.error is not None:
                error = done.error
                break
    return Extracted(articles, pages, error)


def _page_batches(raw: BinaryIO) -> Iterator[Batch]:
    """Runs of whole pages of about ``BATCH_BYTES`` from a range of plain XML (not
    ``parallel.xml_batches``: that reads a whole dump, header first, and takes a range
    without ``</mediawiki>`` for a dump cut short)."""
    buf = bytearray()
    while block := raw.read(BATCH_BYTES):
        buf += block
        end = buf.rfind(PAGE_END) if len(buf) >= BATCH_BYTES else -1
        if end >= 0:
            cut = end + len(PAGE_END)
            yield Batch(bytes(buf[:cut]), False, 0)
            del buf[:cut]
    if buf:
        yield Batch(bytes(buf), False, 0)


@contextlib.contextmanager
def _shard(path: str):
    """A shard to write, appearing only once complete: a local path through
    ``atomic_output``; a URL through fsspec, written beside and moved into place."""
    if not is_url(path):
        with atomic_output(path) as out:
            yield out
        return
    fs, inner = filesystem(path)
    temporary = f"{inner}.{uuid.uuid4().hex[:8]}.tmp"
    try:
        with fs.open(temporary, "w", encoding="utf-8") as out:
            yield out
        fs.mv(temporary, inner)
    finally:
        with contextlib.suppress(OSError):
            if fs.exists(temporary):
                fs.rm(temporary)


def prepare_directory(directory: str) -> None:
    """The shards' directory: made if new; refused if it holds files (they would be mixed up)."""
    if is_url(directory):
        fs, inner = filesystem(directory)
        if fs.exists(inner) and fs.ls(inner):
            raise UsageError(f"{directory} is not empty", "give a new directory for the shards")
        fs.makedirs(inner, exist_ok=True)
        return
    if os.path.exists(directory) and not os.path.isdir(directory):
        raise UsageError(f"{directory} is a file", "give a new directory for the shards")
    if os.path.isdir(directory) and os.listdir(directory):
        raise UsageError(f"{directory} is not empty", "give a new directory for the shards")
    try:
        os.makedirs(directory, exist_ok=True)
    except OSError as e:
        raise DataError(f"{directory}: cannot make the directory ({e.strerror})") from None


def extract_on_cluster(
    address: str, parts: list[tuple[DumpPart, Settings]], on_progress: Callable[[int, int], None] | None = None
) -> tuple[int, str | None]:
    """Every part extracted into its shard by the cluster at ``address``: the articles
    written, and why the dump broke off if it did (as a local run says it).  Past a
    break, as a local run stops there, the later shards are removed."""
    from .scheduler import run_each

    results = run_each(address, extract_part, parts, on_progress)
    written = 0
    for i, (result, (part, _)) in enumerate(zip(results, parts)):
        written += result.articles
        if result.error is not None:
            for later, _ in parts[i + 1 :]:
                _remove(later.shard)
            return written, f"{part.piece.path}: {result.error}"
    return written, None


def _remove(path: str) -> None:
    if is_url(path):
        fs, inner = filesystem(path)
        if fs.exists(inner):
            fs.rm(inner)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
