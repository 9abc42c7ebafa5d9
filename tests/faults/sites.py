"""Faulty fixture sites built at test time from ``fixtures/sites/small``, and crawl helpers.

A faulty site is a copy of a bundled site whose ``site.json`` entries gain fault fields
(``status``, ``headers``, ``delay``, ``truncate``, ``reset``, ``redirect``) or a new body;
the real spider then crawls it over the loopback fixture server.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from pledgewatch.scraper.crawl import CrawlSummary, run_crawl

REPO = Path(__file__).resolve().parents[2]
SMALL = REPO / "fixtures" / "sites" / "small"
SITE = "https://gfmd.org"

# One page, and the only term of three pledges (truth.only_on): if it fails they vanish.
HEALTH = f"{SITE}/pfp/ppd/migration-and-health"
MAYORS = f"{SITE}/contributors/mayors-local-and-regional-governments"

# Short timeouts and one quick retry: every fault resolves in seconds.
FAST: dict[str, Any] = {"RETRY_TIMES": 1, "RETRY_BACKOFF_BASE": 0.1, "DOWNLOAD_TIMEOUT": 2}


def faulty_site(target: Path, faults: Mapping[str, Mapping[str, Any]], *, base: str = "before",
                bodies: Mapping[str, bytes] | None = None) -> Path:
    """Copy ``small/<base>`` to ``target`` with fault fields merged into the named entries.

    ``bodies`` maps a URL to new body bytes, written next to the pages.
    """
    shutil.copytree(SMALL / base, target)
    manifest = target / "site.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    entries = {entry["url"]: entry for entry in data["responses"]}
    for number, (url, body) in enumerate((bodies or {}).items()):
        name = f"pages/fault-{number}.html"
        (target / name).write_bytes(body)
        entries.setdefault(url, {"url": url})["body"] = name
        if url not in [e["url"] for e in data["responses"]]:
            data["responses"].append(entries[url])
    for url, fields in faults.items():
        if url not in entries:
            raise KeyError(f"{url} is not in small/{base}")
        entries[url].update(fields)
    manifest.write_text(json.dumps(data, indent=1), encoding="utf-8")
    return target


def crawl(site: Path, out: Path, **settings: Any) -> CrawlSummary:
    """The real spider over the loopback fixture server, with the fast test settings."""
    return run_crawl(out, replay=site, settings={**FAST, **settings}, timeout=120)


@dataclass(frozen=True)
class Crawled:
    path: Path
    summary: CrawlSummary
    seconds: float


def cached_crawl(cache: dict[str, Crawled], name: str, folder: Callable[[str], Path],
                 make_site: Callable[[Path], Path], **settings: Any) -> Crawled:
    """Crawl the site ``make_site(dir)`` builds once per test session, keyed by ``name``."""
    if name not in cache:
        where = folder(name)
        site = make_site(where / "site")
        started = time.monotonic()
        result = crawl(site, where / "run.jsonl", **settings)
        cache[name] = Crawled(where / "run.jsonl", result, time.monotonic() - started)
    return cache[name]


def records(path: Path, kind: str) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        return [r for r in map(json.loads, lines) if r.get("type") == kind]


def page_record(path: Path, url: str) -> dict[str, Any]:
    (found,) = [r for r in records(path, "page") if r["url"] == url]
    return found


class ConnectionTrap:
    """A TCP listener on 127.0.0.1 that accepts, counts and closes every connection."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(16)
        self._socket.settimeout(0.2)
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self._socket.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            connection.close()

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._socket.close()


def wait_for(condition: Any, timeout: float, what: str) -> None:
    """Poll ``condition()`` until true; fail the test naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
