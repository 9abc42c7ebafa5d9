"""Replay never leaves the machine: every request goes to the loopback fixture server or nowhere.

A recorded site holds what the live site answered, absolute redirects included
(``Location: https://www.gfmd.org/...`` for an http->https or www->bare move). Followed as
they stand, they would take a replayed crawl (tests, the demo) to the live host and mix live
content into a replay run. Two layers keep replay offline:

- :class:`LoopbackOnlyMiddleware` (on with ``PLEDGEWATCH_OFFLINE``, which replay sets) is the
  first downloader middleware: a request for gfmd.org or www.gfmd.org (any scheme, any port)
  is sent to the replay server instead, a loopback request passes, anything else is refused
  and becomes a failed page. Every request passes it: redirects, robots.txt, meta refreshes.
- :func:`install_loopback_guard` is an audit hook in the crawl process: a socket connection,
  datagram or name lookup for anything but a loopback address raises before it happens. The
  crawl child installs it in replay mode, and in any mode when ``PLEDGEWATCH_NETWORK_GUARD``
  is set; its value names a file that gets one line per refused attempt, which the test suite
  reads to fail a test that tried to reach the network.
"""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.httpobj import urlparse_cached

from pledgewatch.scraper.terms import ALLOWED_HOSTS

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

OFFLINE_SETTING = "PLEDGEWATCH_OFFLINE"
GUARD_ENV = "PLEDGEWATCH_NETWORK_GUARD"
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})


def is_loopback_host(host: str | bytes | None) -> bool:
    """A host that names this machine without a lookup on the network: 127.0.0.0/8, ::1."""
    if host is None or host in ("", b""):
        return True  # getaddrinfo(None, port): the local wildcard address
    name = (host.decode("ascii", "replace") if isinstance(host, bytes) else host).strip("[]").lower()
    if name in _LOCAL_NAMES:
        return True
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


class LoopbackOnlyMiddleware:
    """Downloader middleware: in replay, the live site's hosts mean the replay server."""

    def __init__(self) -> None:
        self.replay_base: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LoopbackOnlyMiddleware:
        if not crawler.settings.getbool(OFFLINE_SETTING):
            raise NotConfigured
        middleware = cls()
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        self.replay_base = getattr(spider, "base_url", None)

    def process_request(self, request: Request) -> Request | None:
        """Pass loopback requests, send the live site's to the replay server, refuse the rest."""
        host = urlparse_cached(request).hostname
        if is_loopback_host(host):
            return None
        if host in ALLOWED_HOSTS and self.replay_base and is_loopback_host(urlsplit(self.replay_base).hostname):
            parts = urlsplit(request.url)
            local = self.replay_base + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
            return request.replace(url=local, dont_filter=True)  # the same fetch, so never a duplicate
        raise IgnoreRequest(f"replay is offline: {host} is not fetched")


class OfflineViolation(ConnectionRefusedError):
    """A crawl process that must stay on loopback tried to reach another address."""


_ADDRESS_EVENTS = frozenset({"socket.connect", "socket.sendto", "socket.sendmsg", "socket.getnameinfo"})
_NAME_EVENTS = frozenset({"socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"})


def _target(event: str, args: tuple[Any, ...]) -> str | bytes | None:
    """The host an audited socket call would reach or look up; None when it is local."""
    if event in _NAME_EVENTS:
        return args[0]
    address = args[-1] if event != "socket.getnameinfo" else args[0]
    if isinstance(address, tuple) and address:
        return address[0]
    return None  # AF_UNIX paths, sendmsg on a connected socket


def install_loopback_guard(log: Path | None = None) -> None:
    """Refuse, from now on in this process, every socket call that would leave the machine.

    Audit hooks cannot be removed, so this is for a process that must stay offline for its
    whole life (a replayed crawl). ``log`` gets one line per refused attempt.
    """

    def guard(event: str, args: tuple[Any, ...]) -> None:
        if event not in _ADDRESS_EVENTS and event not in _NAME_EVENTS:
            return
        host = _target(event, args)
        if is_loopback_host(host):
            return
        line = f"{event} {host!r}"
        if log is not None:
            with log.open("a", encoding="utf-8") as out:
                out.write(line + "\n")
        raise OfflineViolation(f"offline: {line} refused")

    sys.addaudithook(guard)
