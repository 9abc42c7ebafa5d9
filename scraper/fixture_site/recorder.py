"""Record a crawl's responses as a fixture site, so real pages become replayable fixtures.

No raw gfmd.org HTML has ever been available; the first live crawl recorded with this
extension replaces the inferred markup with the real thing, in the same format the tests
replay.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.fixture_site.manifest import (
    DEFAULT_ORIGIN,
    Entry,
    body_path,
    is_inside,
    write_manifest,
)

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
RECORD_SETTING = "PLEDGEWATCH_RECORD_DIR"
BAD_INPUT = "bad input: "  # a crawl record's reason starting so means the crawl refused its input
_KEPT_HEADERS = ("Content-Type", "Last-Modified")


class SiteRecorder:
    """Collects entries in memory and writes bodies as they arrive; ``site.json`` at the end."""

    def __init__(self, root: Path, origin: str = DEFAULT_ORIGIN) -> None:
        self.root = root
        self.origin = origin.rstrip("/")
        self.entries: dict[str, Entry] = {}

    def add(self, url: str, status: int, headers: dict[str, str], body: bytes) -> Entry:
        """Save one response; ``url`` must already be public (on the origin).

        Raises :class:`InputError` (nothing written) when the URL maps to a body path that
        would leave the record folder.
        """
        content_type = headers.get("Content-Type", "text/html")
        relative = body_path(url, content_type)
        if not is_inside(self.root, relative):
            raise InputError(f"recorded response {url}: body path {relative!r} leaves {self.root}")
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        kept = {k: v for k, v in headers.items() if k in _KEPT_HEADERS}
        if kept.get("Content-Type", "").startswith(("text/html", "text/plain")):
            del kept["Content-Type"]  # the body's file extension says it
        entry = Entry(
            url=url,
            status=status,
            headers=kept,
            body=relative if body else None,
            redirect=headers.get("Location"),
        )
        self.entries[url] = entry
        return entry

    def save(self, description: str = "", terms: list[str] | None = None) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        entries = list(self.entries.values())
        return write_manifest(self.root, entries, description, self.origin, terms)


class RecorderExtension:
    """Scrapy extension: enabled by the ``PLEDGEWATCH_RECORD_DIR`` setting."""

    def __init__(self, crawler: Crawler, root: Path) -> None:
        self.crawler = crawler
        self.recorder = SiteRecorder(root)
        self.refused: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RecorderExtension:
        root = crawler.settings.get(RECORD_SETTING)
        if not root:
            raise NotConfigured
        ext = cls(crawler, Path(root))
        crawler.signals.connect(ext.response_received, signal=signals.response_received)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        public = getattr(spider, "public_url", lambda u: u)(response.url)
        headers = {
            k.decode("latin-1"): (response.headers.get(k) or b"").decode("latin-1")
            for k in response.headers
        }
        headers = {_title(k): v for k, v in headers.items()}
        try:
            self.recorder.add(public, response.status, headers, response.body)
        except InputError as error:
            self._stop(str(error))

    def _stop(self, error: str) -> None:
        """End the crawl on bad input: ``scraper.crawl`` turns this reason into exit code 2."""
        if self.refused is None:
            self.refused = error
            logger.error("%s", error)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason=BAD_INPUT + error))

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.refused is None:  # a refused recording leaves no site.json: it would not replay
            self.recorder.save(f"recorded crawl ({reason})", getattr(spider, "term_urls", None))


def _title(name: str) -> str:
    return "-".join(part.capitalize() for part in name.split("-"))
