"""Crawler components that Scrapy lacks: retries that back off instead of hammering.

Scrapy retries a failed request as soon as it is rescheduled; a struggling Drupal site
answering 503 would get the same load again at once. :class:`BackoffRetryMiddleware` waits
``RETRY_BACKOFF_BASE * 2**(n-1)`` seconds (capped at ``RETRY_BACKOFF_MAX``) before the n-th
retry of a request. The wait happens in the downloader, so it also holds back the requests
queued behind it for the same site.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.settings import BaseSettings

BACKOFF_META = "pledgewatch_backoff"


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware whose retries wait an exponentially growing delay first."""

    def __init__(self, settings: BaseSettings) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 30.0)

    async def process_request(self, request: Request) -> None:
        """Delay a retried request by its backoff before it is downloaded."""
        delay = float(request.meta.get(BACKOFF_META, 0.0))
        if delay > 0:
            from twisted.internet import reactor

            await maybe_deferred_to_future(task.deferLater(reactor, delay, lambda: None))

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is not None:
            attempt = int(retry.meta.get("retry_times", 1))
            retry.meta[BACKOFF_META] = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
        return retry
