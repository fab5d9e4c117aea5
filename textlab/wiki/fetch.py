"""One Wikipedia article as plain text, through wikipedia-api, with an on-disk cache.

The MediaWiki API's ``extracts`` (with ``explaintext``) already returns
prose; wikipedia-api asks for it, follows redirects ("cats" -> "Cat") and
splits it into sections. Articles are cached as JSON files under
``cache_dir/LANG/``, so a classroom re-running the same command reads the
disk, not the network.

Wikimedia asks every client for a User-Agent naming the tool and a way to
contact its user (https://meta.wikimedia.org/wiki/User-Agent_policy): set
yours with ``--user-agent`` or ``TEXTLAB_USER_AGENT``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import DataError, ParameterError, UsageError
from ..io import atomic_output

DEFAULT_USER_AGENT = (
    f"textlab/{__version__} (https://pypi.org/project/textlab-toolkit/; set TEXTLAB_USER_AGENT to your contact)"
)
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[a-z]+)*")


@dataclass
class FetchedArticle:
    """An article's resolved title (after redirects), its language and its prose."""

    title: str
    lang: str
    text: str
    cached: bool = False


def default_cache_dir() -> Path:
    """``$TEXTLAB_CACHE``, else ``$XDG_CACHE_HOME/textlab/wiki``, else ``~/.cache/textlab/wiki``."""
    if os.environ.get("TEXTLAB_CACHE"):
        return Path(os.environ["TEXTLAB_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "textlab" / "wiki"


def _cache_path(cache_dir: Path, lang: str, title: str, summary: bool) -> Path:
    key = hashlib.sha1(f"{title.strip()}\0{summary}".encode()).hexdigest()[:20]
    return cache_dir / lang / f"{key}.json"


def _tidy(text: str) -> str:
    """The API's prose with blank lines and empty lines removed: one paragraph (or heading) per line."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


class WikipediaClient:
    """Fetch articles of one language edition.

    Parameters
    ----------
    lang:
        The edition's code: ``en``, ``es``, ``de`` ...
    user_agent:
        Sent with every request (Wikimedia's policy asks for a contact).
    cache_dir:
        Where articles are kept; ``None`` disables the cache.
    transport:
        An ``httpx`` transport, for tests (``httpx.MockTransport``); the
        real network otherwise.
    """

    def __init__(
        self,
        lang: str = "en",
        user_agent: str | None = None,
        cache_dir: Path | None = None,
        transport: Any = None,
        retries: int = 1,
    ) -> None:
        if not _LANGUAGE.fullmatch(lang):
            raise ParameterError("lang", f"{lang!r} is not a Wikipedia language code (en, es, de, pt, ...)")
        self.lang = lang
        self.user_agent = user_agent or os.environ.get("TEXTLAB_USER_AGENT") or DEFAULT_USER_AGENT
        self.cache_dir = cache_dir
        self.transport = transport
        self.retries = retries
        self._wiki: Any = None

    def _client(self) -> Any:
        if self._wiki is None:
            import wikipediaapi  # imported late: it costs start-up time every other command would pay

            extra = {"transport": self.transport} if self.transport is not None else {}
            self._wiki = wikipediaapi.Wikipedia(
                user_agent=self.user_agent,
                language=self.lang,
                extract_format=wikipediaapi.ExtractFormat.WIKI,
                max_retries=self.retries,
                retry_wait=0.5,
                **extra,
            )
        return self._wiki

    def fetch(self, title: str, summary: bool = False) -> FetchedArticle:
        """The article ``title`` (its lead only with ``summary``), from the cache when it is there."""
        if not title.strip():
            raise UsageError("an empty title: give the article's name, e.g. Cat")
        path = _cache_path(self.cache_dir, self.lang, title, summary) if self.cache_dir else None
        if path is not None and path.is_file():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                return FetchedArticle(data["title"], self.lang, data["text"], cached=True)
            except (OSError, ValueError, KeyError):
                pass  # a damaged cache entry: fetch again and overwrite it
        article = self._download(title, summary)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(path) as f:
                json.dump(
                    {"title": article.title, "lang": self.lang, "query": title, "text": article.text},
                    f,
                    ensure_ascii=False,
                )
        return article

    def _download(self, title: str, summary: bool) -> FetchedArticle:
        from wikipediaapi import WikiConnectionError, WikiHttpError, WikiHttpTimeoutError, WikipediaException

        host = f"{self.lang}.wikipedia.org"
        try:
            page = self._client().page(title)
            text = page.summary if summary else page.text
            exists = page.exists()
        except (WikiConnectionError, WikiHttpTimeoutError):
            raise DataError(
                f"cannot reach {host} (no network?)",
                f"offline, extract articles from a dump instead: textlab wiki dump "
                f"{self.lang}wiki-latest-pages-articles.xml.bz2",
            ) from None
        except WikiHttpError as e:
            raise DataError(
                f"{host} answered HTTP {getattr(e, 'status_code', '?')} for {title!r}; try again later"
            ) from None
        except WikipediaException as e:
            raise DataError(f"{host}: {e}") from None
        if not exists:
            raise DataError(f"no article titled {title!r} on {host}", "check the spelling, or the Wikipedia's language")
        return FetchedArticle(page.title, self.lang, _tidy(text))
