"""Writing a dump as Wikimedia's *multistream* bzip2, with its index.

A multistream dump is the header (``<mediawiki>`` and ``<siteinfo>``) as one
bzip2 stream, then the pages, a hundred to a stream, then ``</mediawiki>`` as
the last stream; the index lists ``offset:page id:title`` for every page,
where ``offset`` is the byte where its stream starts.  Any page can then be
read without decompressing what comes before it, and every stream can be
decompressed on a different core (see :mod:`textlab.wiki.parallel`).

``repack`` turns any dump textlab reads into that form (the tests and the
benchmark build theirs with it, from the sample dump), optionally repeating
its pages under new ids to make a big dump from a small one.
"""

from __future__ import annotations

import bz2
import re
from collections.abc import Iterator
from typing import BinaryIO

from .parallel import BATCH_BYTES, PAGE_END, SITEINFO_END

_ID = re.compile(rb"<id>(\d+)</id>")
_TITLE = re.compile(rb"<title>(.*?)</title>", re.S)

#: Pages a stream, as Wikimedia packs them.
PAGES_PER_STREAM = 100


def pages(xml: BinaryIO) -> tuple[bytes, Iterator[bytes]]:
    """The header of a dump (up to ``</siteinfo>``) and its pages, each ``<page>...</page>``."""
    buf = bytearray()
    while (end := buf.find(SITEINFO_END)) < 0:
        block = xml.read(BATCH_BYTES)
        if not block:
            raise ValueError("no </siteinfo>: not a MediaWiki dump")
        buf += block
    header = bytes(buf[: end + len(SITEINFO_END)]) + b"\n"
    del buf[: end + len(SITEINFO_END)]

    def each() -> Iterator[bytes]:
        while True:
            end = buf.find(PAGE_END)
            if end < 0:
                block = xml.read(BATCH_BYTES)
                if not block:
                    return
                buf.extend(block)
                continue
            start = buf.find(b"<page>")
            yield bytes(buf[start : end + len(PAGE_END)]) + b"\n"
            del buf[: end + len(PAGE_END)]

    return header, each()


def repack(
    source: BinaryIO,
    out: BinaryIO,
    index: BinaryIO | None = None,
    per_stream: int = PAGES_PER_STREAM,
    copies: int = 1,
    id_step: int = 10_000_000,
) -> int:
    """Write the pages of ``source`` (XML) to ``out`` as a multistream dump, and its index
    (bzip2'd) to ``index``; ``copies`` > 1 repeats the pages, copy ``k`` with ``k * id_step``
    added to each page id.  Returns the number of pages written."""
    header, each = pages(source)
    # one pass over the source, or its pages held (a sample's few MB) to repeat them
    runs = [each] if copies == 1 else [list(each)] * copies
    offset = 0
    lines = bz2.BZ2Compressor() if index is not None else None

    def stream(data: bytes) -> None:
        nonlocal offset
        packed = bz2.compress(data)
        out.write(packed)
        offset += len(packed)

    stream(header)
    written = 0
    group: list[bytes] = []

    def flush() -> None:
        if not group:
            return
        start = offset
        if lines is not None:
            assert index is not None
            for page in group:
                page_id = _ID.search(page)
                title = _TITLE.search(page)
                entry = b"%d:%s:%s\n" % (start, page_id.group(1) if page_id else b"0", title.group(1) if title else b"")
                index.write(lines.compress(entry))
        stream(b"".join(group))
        group.clear()

    for k, run in enumerate(runs):
        for page in run:
            page_id = _ID.search(page) if k else None
            if page_id is not None:
                page = _ID.sub(b"<id>%d</id>" % (int(page_id.group(1)) + k * id_step), page, count=1)
            group.append(page)
            written += 1
            if len(group) == per_stream:
                flush()
    flush()
    stream(b"</mediawiki>\n")
    if lines is not None:
        assert index is not None
        index.write(lines.flush())
    return written
