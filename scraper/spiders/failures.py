"""Say in one line why a listing page could not be fetched, for its page record.

The crawl never stops for a bad page; the page record's ``error`` is what an editor (and the
ETL's completeness guard) reads, so it names the failure in words, with the HTTP status when
there was one.
"""

from __future__ import annotations

from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet import error as tx
from twisted.python.failure import Failure
from twisted.web._newclient import ResponseFailed

from pledgewatch.scraper.extensions import RETRY_AFTER_REFUSED

_MESSAGES: tuple[tuple[type[BaseException] | tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, tx.TimeoutError, tx.TCPTimedOutError), "timeout"),
    (ResponseDataLossError, "truncated body: the connection closed before the announced length"),
    (DownloadCancelledError, "download cancelled (oversize response?)"),
    ((DownloadConnectionRefusedError, tx.ConnectionRefusedError), "connection refused"),
    ((tx.ConnectionLost, tx.ConnectionDone), "connection lost or reset"),
    (CannotResolveHostError, "host name not resolved"),
    (DownloadFailedError, "download failed"),
)


def describe_failure(failure: Failure) -> tuple[int | None, str]:
    """``(HTTP status or None, message)`` for a request that reached the errback."""
    value = failure.value
    request = getattr(failure, "request", None)  # set by Scrapy on the failures it hands back
    retries = int(request.meta.get("retry_times", 0) or 0) if request is not None else 0
    tries = f" after {retries} retries" if retries else ""
    if isinstance(value, HttpError):
        status = value.response.status
        refused = value.response.request and value.response.request.meta.get(RETRY_AFTER_REFUSED)
        if refused:
            return status, f"HTTP {status}{tries}: Retry-After {refused:g} s is over the cap; not retried"
        return status, f"HTTP {status}{tries}"
    if isinstance(value, IgnoreRequest):
        return None, f"not fetched: {value}"
    if isinstance(value, ResponseFailed):
        return None, _from_reasons(value.reasons) + tries
    cause = value.__cause__ or value.__context__ if value is not None else None
    if isinstance(value, DownloadFailedError) and isinstance(cause, ResponseFailed):
        return None, _from_reasons(cause.reasons) + tries
    for kinds, message in _MESSAGES:
        if isinstance(value, kinds):
            detail = str(value).strip()
            if isinstance(value, DownloadCancelledError) and "max size" in detail.lower():
                message = "oversize response"
            return None, f"{message}{tries}" + (f" ({detail})" if detail else "")
    return None, f"{type(value).__name__}: {value}{tries}"


def _from_reasons(failures: list[object]) -> str:
    """Twisted's client reports a failed response as a list of underlying failures."""
    reasons = [r.value for r in failures if isinstance(r, Failure)]
    names = {type(r).__name__ for r in reasons}
    if "_DataLoss" in names or "PotentialDataLoss" in names:
        return "truncated body: the connection closed before the announced length"
    if any(isinstance(r, (tx.ConnectionLost, tx.ConnectionDone)) for r in reasons):
        return "connection lost or reset mid-response"
    return f"response failed ({', '.join(sorted(names)) or 'unknown reason'})"
