"""Write the crawl's records as JSON Lines, in emission order, the crawl record last.

The run file is the only hand-over from the scraper to the ETL, and a crawl can be killed at
any time (cron timeout, reboot). So every line is flushed as soon as it is written, and the
``crawl`` record is only written when Scrapy closes the spider: a file without it is
recognisably cut short.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from scraper.items import CrawlRecord, PageRecord, Record, TeaserRecord, TermRecord, to_json_line

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

RECORD_TYPES = (TeaserRecord, PageRecord, TermRecord)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLinesPipeline:
    """Appends each record to ``PLEDGEWATCH_OUT`` and counts page outcomes for the crawl record."""

    def __init__(self, crawler: Crawler, out: Path) -> None:
        self.crawler = crawler
        self.out = out
        self.file: IO[str] | None = None
        self.started = utc_now()
        self.pages_ok = 0
        self.pages_failed = 0

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
        self.out.parent.mkdir(parents=True, exist_ok=True)
        self.file = self.out.open("w", encoding="utf-8", newline="\n")
        self.started = utc_now()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, RECORD_TYPES):
            if isinstance(item, PageRecord):
                self.pages_ok += item.ok
                self.pages_failed += not item.ok
            self._write(item)
        return item

    def spider_closed(self, spider: Spider, reason: str) -> None:
        record = CrawlRecord(
            started=self.started,
            finished=utc_now(),
            reason=reason,
            source=str(self.crawler.settings.get("PLEDGEWATCH_SOURCE", "live")),
            parser_version=str(getattr(spider, "parser_version", "")),
            start_urls=list(getattr(spider, "term_urls", [])),
            pages_ok=self.pages_ok,
            pages_failed=self.pages_failed,
        )
        self._write(record)
        if self.file is not None:
            self.file.close()
            self.file = None

    def _write(self, record: Record) -> None:
        if self.file is None:
            raise RuntimeError("the run file is not open")
        self.file.write(to_json_line(record))
        self.file.flush()
