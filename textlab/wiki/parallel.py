"""``wiki dump`` on every core: the dump cut into batches of whole pages, each
batch extracted in a worker process, the articles written in the dump's order.

Where the cuts fall.  Wikimedia publishes ``pages-articles-multistream.xml.bz2``:
many independent bzip2 streams of about 100 pages each, after a first stream
that holds the ``<siteinfo>`` header.  Each stream decompresses on its own, so
a batch is a run of whole streams, still compressed, and the workers
decompress as well as parse: the main process only reads bytes and writes
text.  Streams are found by their header (``BZh`` + level + the block magic
``1AY&SY``, byte-aligned only where a stream starts), or from the dump's index
file when it is given.  Any other dump (one bzip2 stream, gzip, xz, plain XML)
is decompressed here, and cut after a ``</page>``: inside ``<text>`` a ``<`` is
always escaped, so that tag can only be a page's end.

Why the output is the same as one process's.  Every batch is parsed as
``<mediawiki>`` + its pages + ``</mediawiki>`` by the same :class:`DumpParser`
and :func:`articles`, with the namespaces read once from the header, and the
results are written in the order of the batches.

Memory.  At most ``AHEAD`` batches a worker are in flight (about a megabyte
each, compressed), whatever the dump's size.
"""

from __future__ import annotations

import bisect
import bz2
import io
import itertools
import json
import multiprocessing
import re
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import BinaryIO

from ..io import CORRUPT, decompressed, open_input
from .dump import Article, DumpError, DumpParser, articles
from .markup import Namespaces

#: XML bytes a batch holds (about 0.15 s of work): enough that a task's cost
#: dwarfs handing it to a process, small enough to keep memory and order tight.
BATCH_BYTES = 1 << 20
#: Compressed bytes a batch of bzip2 streams holds: about a megabyte of XML.
STREAM_BATCH_BYTES = 1 << 18
#: Batches in flight for each worker: one running, one waiting, so no worker idles.
AHEAD = 2
#: How far into a dump a second bzip2 stream must show for it to count as multistream.
PROBE_BYTES = 1 << 20

#: The start of a bzip2 stream: "BZh", the block size 1-9, the first block's magic.
STREAM_START = re.compile(rb"BZh[1-9]1AY&SY")

SITEINFO_END = b"</siteinfo>"
PAGE_END = b"</page>"


@dataclass(frozen=True)
class Settings:
    """What a worker needs to turn pages into output text."""

    namespaces: Namespaces = field(default_factory=Namespaces)  # the dump's own, read from its header
    keep: tuple[int, ...] = (0,)
    min_words: int = 0
    fmt: str = "text"  # or "jsonl"


@dataclass(frozen=True)
class Batch:
    """Whole pages: bzip2 streams (``compressed``) or XML; ``read`` is the input
    bytes read once it was cut (for progress)."""

    data: bytes
    compressed: bool
    read: int
    error: str | None = None  # the input broke off after this batch: why (as one process would say)


@dataclass(frozen=True)
class Done:
    """A batch extracted: its articles as output text, and the pages it held."""

    articles: list[str]
    pages: int
    error: str | None = None  # a DumpError's message, or damaged compressed data


def format_article(article: Article, fmt: str = "text") -> str:
    """One article as ``wiki dump`` and ``wiki fetch`` write it: a title line, the
    paragraphs, a blank line; or (``jsonl``) one JSON object a line."""
    if fmt == "jsonl":
        return json.dumps({"id": article.id, "title": article.title, "text": article.text}, ensure_ascii=False) + "\n"
    return f"{article.title}\n{article.text}\n\n"


# -- cutting the dump into batches --------------------------------------------
def is_multistream(head: bytes) -> bool:
    """Whether the start of a ``.bz2`` file holds a second stream (a multistream dump)."""
    return head.startswith(b"BZh") and STREAM_START.search(head, 4) is not None


def stream_batches(raw: BinaryIO, offsets: list[int] | None = None) -> Iterator[Batch]:
    """Runs of whole bzip2 streams of about ``STREAM_BATCH_BYTES``, read from ``raw``.

    ``offsets`` (from the index file) are where streams start; without them the
    stream headers are searched for.  The first batch holds only the first
    stream: the header, which the main process reads itself.
    """
    starts = sorted(set(offsets)) if offsets is not None else None
    buf = bytearray()
    base = 0  # file offset of buf[0]
    searched = 1  # buf[:searched] holds no stream start we have not seen
    first = True
    while True:
        block = raw.read(STREAM_BATCH_BYTES)
        buf += block
        while True:
            want = 1 if first else STREAM_BATCH_BYTES  # the header stream alone first
            cut = _next_cut(buf, base, want, searched, starts)
            if cut is None:
                searched = max(searched, len(buf) - 10)
                break
            yield Batch(bytes(buf[:cut]), True, base + cut)
            del buf[:cut]
            base += cut
            searched, first = 1, False
        if not block:
            if buf:
                yield Batch(bytes(buf), True, base + len(buf))
            return


def _next_cut(buf: bytearray, base: int, want: int, searched: int, starts: list[int] | None) -> int | None:
    """Where the first stream that starts ``want`` bytes or more into ``buf`` begins (None: not in buf yet)."""
    if starts is None:
        match = STREAM_START.search(buf, max(want, searched))
        return match.start() if match else None
    at = bisect.bisect_left(starts, base + want)  # the index's first stream start far enough in
    return starts[at] - base if at < len(starts) and starts[at] < base + len(buf) else None


def xml_batches(stream: BinaryIO, read: Callable[[], int]) -> Iterator[Batch]:
    """Runs of whole pages of about ``BATCH_BYTES`` from a decompressed XML stream;
    the first batch ends with the header's ``</siteinfo>``.  A stream that breaks
    off gives its last bytes as a batch that says why (``Batch.error``)."""
    buf = bytearray()
    header = True
    # read1: what a truncated stream decompressed before its end still arrives
    read_some = getattr(stream, "read1", stream.read)
    while True:
        try:
            block = read_some(BATCH_BYTES)
        except EOFError:
            yield Batch(bytes(buf), False, read(), "the compressed dump ends early (truncated download?)")
            return
        except CORRUPT as e:
            yield Batch(bytes(buf), False, read(), f"the dump cannot be decompressed ({e})")
            return
        buf += block
        if header:
            end = buf.find(SITEINFO_END)
            if end >= 0 or not block or len(buf) > PROBE_BYTES:
                cut = end + len(SITEINFO_END) if end >= 0 else 0
                yield Batch(bytes(buf[:cut]), False, read())
                del buf[:cut]
                header = False
        if not header and block and len(buf) >= BATCH_BYTES:
            end = buf.rfind(PAGE_END)
            if end >= 0:
                cut = end + len(PAGE_END)
                yield Batch(bytes(buf[:cut]), False, read())
                del buf[:cut]
        if not block:
            # no closing tag: the file was cut short (expat, reading it whole, says the same)
            unclosed = (
                None if b"</mediawiki>" in buf else "the dump ends early, in the middle of a page (truncated file?)"
            )
            yield Batch(bytes(buf), False, read(), unclosed)
            return


def header_namespaces(batch: Batch) -> Namespaces:
    """The namespaces of the dump's ``<siteinfo>``, from its first batch (and a
    ``DumpError`` if the dump is not MediaWiki XML at all)."""
    xml = bz2.decompress(batch.data) if batch.compressed else batch.data
    end = xml.find(SITEINFO_END)
    head = xml[: end + len(SITEINFO_END)] if end >= 0 else xml[: xml.find(b">") + 1]
    parser = DumpParser(io.BytesIO(head + b"</mediawiki>"))
    for _ in parser:
        pass
    return parser.namespaces


# -- the workers ----------------------------------------------------------------
_settings: Settings | None = None


def _start_worker(settings: Settings) -> None:
    global _settings
    _settings = settings
    # Ctrl-C reaches the whole process group: the main process stops the pool, the workers
    # must not die half-way through a batch first (the pool would be broken); and the main
    # process's SIGTERM handler, inherited by fork, is not theirs
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)


def extract(data: bytes, compressed: bool, settings: Settings | None = None) -> Done:
    """The articles of one batch, as output text.  A batch that breaks off (a truncated
    or damaged stream) still gives the articles complete before the break, as one
    process reading the whole dump would, and says why it stopped."""
    settings = settings or _settings
    assert settings is not None
    xml, error = _decompress(data) if compressed else (data, None)
    parser = DumpParser(io.BytesIO(_as_document(xml)))
    out: list[str] = []
    try:
        for article in articles(parser, settings.namespaces, settings.keep, settings.min_words):
            out.append(format_article(article, settings.fmt))
    except DumpError as e:
        error = error or e.message  # a page cut off by the damage: the damage is the news
    return Done(out, parser.pages_done, error)


def _decompress(data: bytes) -> tuple[bytes, str | None]:
    """The bzip2 streams of ``data``, one after another; on damage, what came out before it, and why."""
    parts: list[bytes] = []
    while data:
        stream = bz2.BZ2Decompressor()
        try:
            parts.append(stream.decompress(data))
        except CORRUPT as e:
            return b"".join(parts), f"the dump cannot be decompressed ({e})"
        if not stream.eof:
            return b"".join(parts), "the compressed dump ends early (truncated download?)"
        data = stream.unused_data
    return b"".join(parts), None


def _as_document(xml: bytes) -> bytes:
    """A batch's pages as a document of their own: the header (up to ``</siteinfo>``)
    and the closing tag cut off, the rest wrapped in ``<mediawiki>``."""
    end = xml.find(SITEINFO_END)
    if end >= 0:
        xml = xml[end + len(SITEINFO_END) :]
    elif xml.lstrip().startswith((b"<mediawiki", b"<?xml")):
        xml = xml[xml.find(b">", xml.find(b"<mediawiki")) + 1 :]
    close = xml.rfind(b"</mediawiki>")
    if close >= 0:
        xml = xml[:close]
    return b"<mediawiki>" + xml + b"</mediawiki>"


def extract_in_order(batches: Iterator[Batch], settings: Settings, jobs: int) -> Iterator[tuple[Done, Batch]]:
    """Each batch extracted by ``jobs`` worker processes, yielded in the batches' order."""
    # fork starts a worker in milliseconds, the modules already imported; but a fork
    # copies the locks other threads hold (a progress bar's), so with threads running the
    # workers come from a fresh server process instead (about half a second more)
    alone = threading.active_count() == 1
    method = ("fork" if alone else "forkserver") if sys.platform.startswith("linux") else "spawn"
    pool = ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context(method), initializer=_start_worker, initargs=(settings,)
    )
    window: deque[tuple[Future[Done], Batch]] = deque()
    try:
        for batch in batches:
            window.append((pool.submit(extract, batch.data, batch.compressed), batch))
            while len(window) >= AHEAD * jobs:
                future, done_batch = window.popleft()
                yield future.result(), done_batch
        while window:
            future, done_batch = window.popleft()
            yield future.result(), done_batch
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- one dump, one process or many ------------------------------------------------
def article_texts(
    path: str, settings: Settings, jobs: int = 1, offsets: list[int] | None = None
) -> Iterator[tuple[str, int]]:
    """The output text of each article of the dump at ``path``, in the dump's order,
    with the input bytes read so far; ``jobs`` worker processes (1: this one).

    With one job the dump is parsed as one stream (the namespaces from its own
    header); with more, batches go to the workers.  A broken dump raises
    ``DumpError`` after the articles before the break.
    """
    buffered, counter = open_input(path)
    try:
        if jobs <= 1:
            parser = DumpParser(decompressed(buffered))
            for article in articles(parser, parser.namespaces, settings.keep, settings.min_words):
                yield format_article(article, settings.fmt), counter.count
            return
        if is_multistream(buffered.peek(PROBE_BYTES)[:PROBE_BYTES]):
            batches = stream_batches(buffered, offsets)
        else:
            stream = decompressed(buffered)
            batches = xml_batches(stream, lambda: counter.count)
        yield from _in_parallel(batches, settings, jobs)
    finally:
        if path != "-":
            buffered.close()


def _in_parallel(batches: Iterator[Batch], settings: Settings, jobs: int) -> Iterator[tuple[str, int]]:
    header = next(batches, None)
    if header is None:
        raise DumpError("not a MediaWiki XML dump (it is empty)", 0)
    try:
        namespaces = header_namespaces(header)
    except CORRUPT as e:
        raise DumpError(f"the dump cannot be decompressed ({e})", 0) from None
    settings = replace(settings, namespaces=namespaces)
    pages = 0
    for done, batch in extract_in_order(itertools.chain([header], batches), settings, jobs):
        yield from ((text, batch.read) for text in done.articles)
        pages += done.pages
        error = batch.error or done.error  # the input's own break first: it caused the rest
        if error is not None:
            raise DumpError(error, pages)


def read_index(path: str) -> list[int]:
    """The stream offsets of a multistream dump's index (``offset:page id:title`` lines, bzip2'd or not)."""
    from ..io import TextReader, iter_lines

    offsets: list[int] = []
    for number, line in enumerate(iter_lines(TextReader([path]).texts()), start=1):
        head, colon, _ = line.partition(":")
        if not line:
            continue
        if not colon or not head.isdigit():
            raise DumpError(f"{path}:{number}: not a multistream index line (offset:page id:title)", 0)
        offset = int(head)
        if not offsets or offsets[-1] != offset:  # a hundred lines share each stream's offset
            offsets.append(offset)
    return offsets
