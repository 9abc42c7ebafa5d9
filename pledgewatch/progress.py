"""Crawl progress: a live line on a terminal, a plain log line now and then under cron.

The crawl runs in a subprocess that appends one JSON line per record to its
output file, so progress is read by tailing that file: no pipe or callback
between the processes, and nothing the spider has to know about.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, Self, TextIO

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CrawlCounts:
    pages_done: int = 0
    pages_failed: int = 0
    teasers: int = 0
    # Per term listing: how many pages its pager says it has (last_page + 1).
    term_pages: dict[str, int] = field(default_factory=dict)

    @property
    def pages_known(self) -> int:
        return max(self.pages_done, sum(self.term_pages.values()))

    def add(self, record: dict[str, Any]) -> None:
        if record.get("type") == "teaser":
            self.teasers += 1
        elif record.get("type") == "page":
            self.pages_done += 1
            self.pages_failed += 0 if record.get("ok") else 1
            self._know_pages(record)

    def _know_pages(self, page: dict[str, Any]) -> None:
        term = page.get("term_url") or page.get("url") or ""
        last = page.get("last_page")
        seen = (page.get("page") or 0) + 1
        known = last + 1 if isinstance(last, int) else seen
        self.term_pages[term] = max(self.term_pages.get(term, 0), known, seen)

    def line(self) -> str:
        errors = "error" if self.pages_failed == 1 else "errors"
        return (
            f"crawl: {self.pages_done} of {self.pages_known} known pages done, "
            f"{self.pages_failed} {errors}, {self.teasers} teasers"
        )


class Progress(Protocol):
    def update(self, counts: CrawlCounts) -> None: ...
    def finish(self, counts: CrawlCounts) -> None: ...


class TerminalProgress:
    """One line rewritten in place; only for an interactive terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def update(self, counts: CrawlCounts) -> None:
        self.stream.write("\r\x1b[K" + counts.line())
        self.stream.flush()

    def finish(self, counts: CrawlCounts) -> None:
        self.update(counts)
        self.stream.write("\n")
        self.stream.flush()


class LogProgress:
    """A log line at most every ``interval`` seconds, so cron mail stays short."""

    def __init__(self, interval: float = 60.0, clock: Any = time.monotonic) -> None:
        self.interval, self.clock = interval, clock
        self._last = clock()

    def update(self, counts: CrawlCounts) -> None:
        if self.clock() - self._last >= self.interval:
            self._last = self.clock()
            log.info("%s", counts.line())

    def finish(self, counts: CrawlCounts) -> None:
        log.info("%s", counts.line())


def progress_for(stream: TextIO) -> Progress:
    return TerminalProgress(stream) if stream.isatty() else LogProgress()


class CrawlWatcher:
    """Tails a crawl's JSON Lines in a thread and reports counts as they grow."""

    def __init__(self, path: Path, progress: Progress, poll: float = 0.25) -> None:
        self.path, self.progress, self.poll = path, progress, poll
        self.counts = CrawlCounts()
        self._offset, self._partial = 0, b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="crawl-progress", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        self.read_new()
        self.progress.finish(self.counts)

    def _loop(self) -> None:
        while not self._stop.wait(self.poll):
            if self.read_new():
                self.progress.update(self.counts)

    def read_new(self) -> bool:
        """Count complete lines appended since the last read; False when nothing new."""
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                data = handle.read()
        except OSError:  # not created yet, or replaced
            return False
        self._offset += len(data)
        lines = (self._partial + data).split(b"\n")
        self._partial = lines.pop()
        for line in lines:
            self._count(line)
        return bool(lines)

    def _count(self, line: bytes) -> None:
        try:
            record = json.loads(line)
        except ValueError:
            return
        if isinstance(record, dict):
            self.counts.add(record)
