"""Wikipedia as plain prose: articles fetched through the API, or streamed out of an XML dump.

- ``markup``  wikitext to readable sentences (templates, tables, refs, links ...)
- ``dump``    stream the pages of a MediaWiki XML export with expat, in constant memory
- ``fetch``   one article through wikipedia-api, with an on-disk cache
"""

from .dump import Article, DumpError, DumpParser, Page, articles
from .markup import Namespaces, clean

__all__ = ["Article", "DumpError", "DumpParser", "Namespaces", "Page", "articles", "clean"]
