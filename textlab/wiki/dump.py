"""Streaming the pages of a MediaWiki XML dump (``pages-articles.xml[.bz2]``).

The dump is parsed with expat, the C parser in Python's standard library,
fed 1 MB at a time: only the fields of the current page are held, so memory
stays flat however large the dump is. Each page comes out as a ``Page``
with its raw wikitext; ``articles`` turns the article pages into prose
with :func:`textlab.wiki.markup.clean`.

The parts of the export format (schema 0.10 and later) read here::

    <mediawiki>
      <siteinfo><namespaces><namespace key="6">File</namespace>...</namespaces></siteinfo>
      <page>
        <title>Cat</title> <ns>0</ns> <id>6678</id>
        <redirect title="..."/>            (only on redirects)
        <revision><id>...</id> ... <text>wikitext</text></revision>
      </page>
      ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import BinaryIO
from xml.parsers import expat

from ..errors import DataError
from ..io import CORRUPT
from .markup import Namespaces, clean

_READ_SIZE = 1 << 20

# The fields captured, by (parent element, element).
_FIELDS = {
    ("page", "title"): "title",
    ("page", "ns"): "ns",
    ("page", "id"): "id",
    ("revision", "id"): "revision",
    ("revision", "text"): "text",
    ("namespaces", "namespace"): "namespace",
}


class DumpError(DataError):
    """The dump is not MediaWiki XML, or it ends early (``pages_done`` pages were read)."""

    def __init__(self, message: str, pages_done: int) -> None:
        super().__init__(message)
        self.pages_done = pages_done


@dataclass
class Page:
    """One page of the dump, its wikitext untouched."""

    id: int
    title: str
    ns: int
    redirect: bool
    revision: int
    text: str


@dataclass
class Article:
    """An article as prose: paragraphs (headings and list items included) separated by newlines."""

    id: int
    title: str
    text: str
    revision: int = 0


class DumpParser:
    """Read ``Page``s from a binary stream of MediaWiki export XML.

    After (or during) iteration, ``namespaces`` holds the wiki's namespace
    names from its <siteinfo>, so links to ``Datei:`` or ``Categoría:`` are
    recognised in a German or Spanish dump.
    """

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.namespaces = Namespaces()
        self.pages_done = 0
        self._stack: list[str] = []
        self._field: str | None = None
        self._buffer: list[str] = []
        self._page: dict[str, object] = {}
        self._ready: list[Page] = []
        self._ns_key = 0

    # -- expat callbacks ---------------------------------------------------
    def _start(self, name: str, attrs: dict[str, str]) -> None:
        if not self._stack and name != "mediawiki":
            raise DumpError(f"not a MediaWiki XML dump (the document starts with <{name}>)", 0)
        parent = self._stack[-1] if self._stack else ""
        self._stack.append(name)
        if name == "page":
            self._page = {"redirect": False}
        elif name == "redirect" and parent == "page":
            self._page["redirect"] = True
        field = _FIELDS.get((parent, name))
        if field is not None:
            self._field = field
            self._buffer = []
            if field == "namespace":
                self._ns_key = int(attrs.get("key", "0"))

    def _end(self, name: str) -> None:
        self._stack.pop()
        if self._field is not None:
            value = "".join(self._buffer)
            if self._field == "namespace":
                if value:
                    self.namespaces.add(self._ns_key, value)
            elif self._field not in self._page:  # the first <id> of a revision, not its contributor's
                self._page[self._field] = value
            self._field = None
        if name == "page":
            p = self._page
            self._ready.append(
                Page(
                    id=int(str(p.get("id", "0")) or 0),
                    title=str(p.get("title", "")),
                    ns=int(str(p.get("ns", "0")) or 0),
                    redirect=bool(p["redirect"]),
                    revision=int(str(p.get("revision", "0")) or 0),
                    text=str(p.get("text", "")),
                )
            )
            self._page = {}

    def _data(self, data: str) -> None:
        if self._field is not None:
            self._buffer.append(data)

    # -- reading -------------------------------------------------------------
    def __iter__(self) -> Iterator[Page]:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.buffer_size = 1 << 16
        parser.StartElementHandler = self._start
        parser.EndElementHandler = self._end
        parser.CharacterDataHandler = self._data
        # read1: what a truncated stream decompressed before its end still arrives
        read = getattr(self.stream, "read1", self.stream.read)
        # Decompression (bz2 releases the GIL) runs one chunk ahead on another
        # thread, overlapping the parsing and cleaning of the current chunk.
        reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="textlab-dump")
        ahead = reader.submit(read, _READ_SIZE)
        chunk = b""
        try:
            while True:
                try:
                    chunk = ahead.result()
                except EOFError:
                    raise DumpError("the compressed dump ends early (truncated download?)", self.pages_done) from None
                except CORRUPT as e:  # damaged compressed data
                    raise DumpError(f"the dump cannot be decompressed ({e})", self.pages_done) from None
                if chunk:
                    ahead = reader.submit(read, _READ_SIZE)
                parser.Parse(chunk, not chunk)
                yield from self._drain()
                if not chunk:
                    break
        except expat.ExpatError as e:
            yield from self._drain()
            if not self._stack and e.lineno <= 1 and chunk:
                raise DumpError("not a MediaWiki XML dump (not XML at all)", 0) from None
            if chunk:  # an error in the middle: the XML itself is broken
                raise DumpError(
                    f"not well-formed XML at line {e.lineno} ({expat.errors.messages[e.code]})", self.pages_done
                ) from None
            if e.lineno <= 1 and e.offset == 0:
                raise DumpError("the dump is empty", 0) from None
            raise DumpError("the dump ends early, in the middle of a page (truncated file?)", self.pages_done) from None
        finally:
            reader.shutdown(wait=True, cancel_futures=True)

    def _drain(self) -> Iterator[Page]:
        ready, self._ready = self._ready, []
        for page in ready:
            self.pages_done += 1
            yield page


def articles(
    pages: Iterable[Page],
    namespaces: Namespaces,
    keep_namespaces: Iterable[int] = (0,),
    min_words: int = 0,
) -> Iterator[Article]:
    """The pages of ``keep_namespaces`` that are not redirects, as prose with at least ``min_words`` words."""
    keep = set(keep_namespaces)
    for page in pages:
        if page.ns not in keep or page.redirect or page.text.lstrip()[:9].upper() == "#REDIRECT":
            continue
        text = clean(page.text, namespaces)
        if not text or (min_words and len(text.split()) < min_words):
            continue
        yield Article(page.id, page.title, text, page.revision)
