"""A real Chromium (Debian's), driven by Playwright, reading a site served on 127.0.0.1.

Used by the browser test and by ``docs/tools/site_screenshots.py``. Nothing may
leave loopback: every request the page makes is recorded, and any request to
another address is aborted before it is sent.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on a free 127.0.0.1 port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Watch:
    """What the pages did: every URL requested, requests refused, console errors."""

    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return host == "127.0.0.1" or host.startswith("127.")


@contextmanager
def chromium(**context_options: Any) -> Iterator[tuple[Any, Watch]]:
    """A browser context whose pages are watched; yields (context, watch)."""
    from playwright.sync_api import sync_playwright

    watch = Watch()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(**context_options)
            context.route("**/*", functools.partial(_only_loopback, watch))
            context.on("page", functools.partial(_watch_page, watch))
            yield context, watch
            context.close()
        finally:
            browser.close()


def _only_loopback(watch: Watch, route: Any) -> None:
    url = route.request.url
    watch.requests.append(url)
    if is_loopback(url):
        route.continue_()
    else:
        watch.refused.append(url)
        route.abort()


def _watch_page(watch: Watch, page: Any) -> None:
    page.on("console", lambda message: watch.errors.append(message.text)
            if message.type == "error" else None)
    page.on("pageerror", lambda error: watch.errors.append(str(error)))
