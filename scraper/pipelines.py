"""Write the crawl's items as JSON Lines, in emission order, the crawl line last.

The run file is the only hand-over from the scraper to the ETL, and a crawl can be killed at
any time (cron timeout, reboot). So lines reach the file whole, a page's teaser lines
together with its page line (flushed at each page, term and crawl line), and the
``crawl`` line is only written when Scrapy closes the spider: a file without it is
recognisably cut short. A run file that cannot be written (a full disk) stops the crawl
at once and is reported through the crawl's stats (:data:`RUN_FILE_ERROR`), not as one
traceback per page.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson
from scrapy import signals
from scrapy.exceptions import CloseSpider, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from pledgewatch.core import clock
from pledgewatch.scraper.items import (
    CrawlItem,
    PageItem,
    RecordItem,
    RunItem,
    TeaserItem,
    TermItem,
    to_json_line,
)

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

ITEM_TYPES = (TeaserItem, PageItem, TermItem, RecordItem)
# Lines written as soon as one of these arrives (with the lines held before it).
FLUSH_TYPES = (PageItem, TermItem, RecordItem, CrawlItem)
_ITEM_CLASSES = (*ITEM_TYPES, CrawlItem)
RUN_FILE_ERROR = "pledgewatch/run_file_error"  # stats key: {"file", "errno", "error"}


@dataclass(slots=True)
class PageItems:
    """One listing page's items (its teasers, then its page item) as a single Scrapy
    item, written in order: Scrapy's per-item cost (middlewares, signals, logging, stats)
    is paid once per page instead of once per teaser."""

    items: list[RunItem]


def json_line(item: RunItem) -> bytes:
    """:func:`scraper.items.to_json_line` as UTF-8 bytes, the same bytes.

    orjson writes an item straight from its dataclass (fields in definition order, compact
    separators, text unescaped), ten times faster than building a dict for ``json``; the
    items hold only strings, integers, booleans, None and lists of strings, which both
    encode alike (``tests/scraper/test_pipeline_lines.py``). What orjson refuses (an integer
    beyond 64 bits, a lone surrogate) takes the ``json`` way; a lone surrogate then fails to
    encode, as it failed to reach the UTF-8 file before.
    """
    if type(item) in _ITEM_CLASSES:
        try:
            return orjson.dumps(item, option=orjson.OPT_APPEND_NEWLINE)
        except orjson.JSONEncodeError:
            pass
    return to_json_line(item).encode("utf-8")


def run_file_from_feed(settings: Any) -> None:
    """Make Scrapy's ``-O FILE.jsonl`` (or ``-o``) name the run file, written by this pipeline.

    Without it, ``scrapy crawl listings -O run.jsonl`` ran and wrote nothing of use: the
    pipeline had no ``PLEDGEWATCH_OUT`` and the feed exporter knows no crawl record. A run
    file is always written afresh, so ``-o`` (append) is treated as ``-O``. Other feeds
    (CSV, JSON) are left to Scrapy.
    """
    feeds = settings.getdict("FEEDS")
    if settings.get("PLEDGEWATCH_OUT") or len(feeds) != 1:
        return
    uri, options = next(iter(feeds.items()))
    uri = str(uri)
    if str(options.get("format", "")) not in ("jsonlines", "jsonl") or "://" in uri.replace("file://", ""):
        return
    settings.set("PLEDGEWATCH_OUT", uri.removeprefix("file://"), priority="cmdline")
    settings.set("FEEDS", {}, priority="cmdline")


def utc_now() -> str:
    return clock.now().isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLinesPipeline:
    """Appends each record to ``PLEDGEWATCH_OUT`` and counts page outcomes for the crawl record."""

    def __init__(self, crawler: Crawler, out: Path) -> None:
        self.crawler = crawler
        self.out = out
        self.file: IO[bytes] | None = None
        self.pending: list[bytes] = []  # whole lines not yet written
        self.started = utc_now()
        self.pages_ok = 0
        self.pages_failed = 0
        self.failed = False  # the run file could not be written; the crawl is stopping
        self._closing: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesPipeline:
        out = crawler.settings.get("PLEDGEWATCH_OUT")
        if not out:
            raise NotConfigured("PLEDGEWATCH_OUT is not set")
        pipeline = cls(crawler, Path(out))
        crawler.signals.connect(pipeline.spider_opened, signal=signals.spider_opened)
        # spider_closed comes after every item went through: the crawl record is last.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def spider_opened(self, spider: Spider) -> None:
        self.started = utc_now()
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self.file = self.out.open("wb")
        except OSError as error:
            self._give_up(error)
            raise CloseSpider("run_file_error") from None

    def process_item(self, item: Any) -> Any:
        if isinstance(item, PageItems):
            for line_item in item.items:
                self._take(line_item)
        else:
            self._take(item)
        return item

    def _take(self, item: Any) -> None:
        if isinstance(item, ITEM_TYPES):
            if isinstance(item, PageItem):
                self.pages_ok += item.ok
                self.pages_failed += not item.ok
            self._write(item)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        crawl = CrawlItem(
            started=self.started,
            finished=utc_now(),
            reason=reason,
            source=str(self.crawler.settings.get("PLEDGEWATCH_SOURCE", "live")),
            parser_version=str(getattr(spider, "parser_version", "")),
            start_urls=list(getattr(spider, "term_urls", [])),
            pages_ok=self.pages_ok,
            pages_failed=self.pages_failed,
            plan=getattr(getattr(spider, "plan", None), "mode", None),
        )
        self._write(crawl)
        if self.file is not None:
            try:
                self.file.close()
            except OSError as error:
                self._give_up(error)
            self.file = None

    def _write(self, item: RunItem) -> None:
        if self.failed:
            return
        if self.file is None:
            raise RuntimeError("the run file is not open")
        self.pending.append(json_line(item))
        if isinstance(item, FLUSH_TYPES):
            try:
                self.file.write(b"".join(self.pending))
                self.file.flush()
            except OSError as error:
                self._give_up(error)
                self._closing = deferred_from_coro(
                    self.crawler.engine.close_spider_async(reason="run_file_error"))
            self.pending.clear()

    def _give_up(self, error: OSError) -> None:
        """Record why the run file failed and write no more: every later line would fail too,
        and a crawl nobody can read is not worth the site's bandwidth."""
        self.failed = True
        self.crawler.stats.set_value(RUN_FILE_ERROR, {
            "file": str(self.out), "errno": error.errno, "error": str(error)})
        if self.file is not None:
            with contextlib.suppress(OSError):  # flushing fails again; the file closes all the same
                self.file.close()
            self.file = None
