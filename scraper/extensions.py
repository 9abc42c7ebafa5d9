"""Crawler components that Scrapy lacks: retries that back off instead of hammering.

Scrapy retries a failed request as soon as it is rescheduled; a struggling Drupal site
answering 503 would get the same load again at once. :class:`BackoffRetryMiddleware` waits
``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds (capped at ``RETRY_BACKOFF_MAX``) before the n-th
retry of a request. The wait happens in the downloader, so it also holds back the requests
queued behind it for the same site.

A 429 or 503 carrying ``Retry-After`` (seconds or an HTTP date) is the site saying when to come
back: the retry waits at least that long. A wait longer than ``PLEDGEWATCH_RETRY_AFTER_MAX``
is not retried at all: the page fails, and its record says why.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

BACKOFF_META = "pledgewatch_backoff"
RETRY_AFTER_META = "pledgewatch_retry_after"  # seconds the last answer asked to wait
RETRY_AFTER_REFUSED = "pledgewatch_retry_after_refused"  # seconds asked, over the cap
RETRY_AFTER_CODES = frozenset({429, 503})


def retry_after_seconds(value: bytes | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (RFC 9110 §10.2.3); None if unreadable."""
    text = (value or b"").decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retries wait an exponentially growing delay first."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)
        self.retry_after_max = settings.getfloat("PLEDGEWATCH_RETRY_AFTER_MAX", 300.0)

    async def process_request(self, request: Request) -> None:
        """Delay a retried request by its backoff before it is downloaded."""
        delay = float(request.meta.get(BACKOFF_META, 0.0))
        if delay > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))

    def process_response(  # type: ignore[override]  # Scrapy's stub still names the spider
            self, request: Request, response: Response) -> Request | Response:
        """Retry as Scrapy does, but no sooner than a 429/503's ``Retry-After``."""
        wait = None
        if response.status in RETRY_AFTER_CODES:
            wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is not None and wait > self.retry_after_max:
            request.meta[RETRY_AFTER_REFUSED] = wait
            return response
        request.meta[RETRY_AFTER_META] = wait or 0.0
        return super().process_response(request, response)

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            attempt = int(retry.meta.get("retry_times", 1))
            backoff = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
            retry.meta[BACKOFF_META] = max(backoff, float(retry.meta.pop(RETRY_AFTER_META, 0.0)))
        return retry
