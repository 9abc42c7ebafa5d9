"""robots.txt first, and all of it: Disallow for every request, Crawl-delay, an unreachable file.

Scrapy's ``RobotsTxtMiddleware`` holds each request for a host until that host's robots.txt
is parsed, but the requests waiting meanwhile share one Deferred: the first gets the parser,
every later one gets None and goes out unchecked (Scrapy 2.19; under ``Disallow: /`` four of
six start URLs were fetched). It also ignores ``Crawl-delay``. :class:`RobotsFirstMiddleware`
takes its place in ``scraper.settings``:

- every request waiting for the file gets the parsed rules, so no listing request is sent
  before robots.txt is fetched and parsed, and start URLs obey ``Disallow`` like any other;
- ``Crawl-delay`` becomes the host's download delay when it is longer than the configured one
  (``DOWNLOAD_DELAY``): without random variation below it, and AutoThrottle cannot lower it
  (``PLEDGEWATCH_CRAWL_DELAY`` turns this off; replay does, see ``scraper.crawl``);
- a robots.txt answering 429 or 5xx, or not answering at all, means nothing may be fetched
  from that host (RFC 9309 §2.3.1.4); any other answer (a 404) is read as the rules it holds.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)
CRAWL_DELAY_SETTING = "PLEDGEWATCH_CRAWL_DELAY"


class Unavailable(RobotParser):
    """The rules of a host whose robots.txt could not be read: nothing is allowed."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @classmethod
    def from_crawler(cls, crawler: Crawler, robotstxt_body: bytes) -> Unavailable:
        return cls("unreadable")

    def allowed(self, url: str | bytes, user_agent: str | bytes) -> bool:
        return False


def _follow(source: Deferred[RobotParser | None]) -> Deferred[RobotParser | None]:
    """A Deferred firing with ``source``'s result, leaving that result for the next waiter."""
    follower: Deferred[RobotParser | None] = Deferred()

    def relay(result: RobotParser | None) -> RobotParser | None:
        follower.callback(result)
        return result

    source.addCallback(relay)
    return follower


class RobotsFirstMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware with the gaps above closed; see the module docstring."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self.obey_crawl_delay = crawler.settings.getbool(CRAWL_DELAY_SETTING, True)
        self.configured_delay = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.crawl_delays: dict[str, float] = {}  # download slot -> Crawl-delay in force
        crawler.signals.connect(self.keep_crawl_delay, signal=signals.response_downloaded)

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = self._parsers.get(urlparse_cached(request).netloc)
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(_follow(parser))
        return await super().robot_parser(request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        if isinstance(rp, Unavailable):
            self._stats.inc_value("robotstxt/unavailable")
            raise IgnoreRequest(f"robots.txt unavailable ({rp.reason})")
        super().process_request_2(rp, request)

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status == 429 or response.status >= 500:
            self._settle(netloc, Unavailable(f"HTTP {response.status}"))
            return
        await super()._parse_robots(response, netloc, request)
        parser = self._parsers[netloc]
        if self.obey_crawl_delay and parser is not None and not isinstance(parser, Deferred):
            self._apply_crawl_delay(parser, request)

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._settle(netloc, Unavailable(str(exc) or type(exc).__name__))

    def _settle(self, netloc: str, parser: RobotParser) -> None:
        waiting = self._parsers.get(netloc)
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def _apply_crawl_delay(self, parser: RobotParser, request: Request) -> None:
        delay = parser.crawl_delay(self._robotstxt_useragent or self._default_useragent)
        if delay is None or delay <= self.configured_delay:
            return
        assert self.crawler.engine is not None  # requests come only while the engine runs
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        self.crawl_delays[key] = delay
        # For the slot as it is, and for a new one should Scrapy drop the idle slot later.
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay, slot.jitter = max(slot.delay, delay), 0.0
        logger.info("robots.txt of %s asks for %s s between requests; honoured", key, delay)

    def keep_crawl_delay(self, response: Response, request: Request, spider: Spider) -> None:
        """Undo AutoThrottle lowering a slot's delay below the host's Crawl-delay.

        Connected after AutoThrottle (extensions are built before the downloader), so it runs
        after its adjustment and before the slot picks its next request.
        """
        key = request.meta.get("download_slot")
        floor = self.crawl_delays.get(key or "")
        assert self.crawler.engine is not None
        slot = self.crawler.engine.downloader.slots.get(key or "")
        if floor and slot is not None and slot.delay < floor:
            slot.delay = floor
