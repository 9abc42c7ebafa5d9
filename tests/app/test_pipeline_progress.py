"""Crawl progress: read by tailing the crawl's JSON Lines; a live line on a terminal, log lines otherwise."""

from __future__ import annotations

import io
import json
import logging
import time
from pathlib import Path

import pytest

from pledgewatch.progress import (
    CrawlCounts,
    CrawlWatcher,
    LogProgress,
    TerminalProgress,
    progress_for,
)


def page(term: str, number: int, last: int | None, ok: bool = True) -> str:
    return json.dumps({"type": "page", "url": f"{term}?page={number}", "term_url": term,
                       "page": number, "last_page": last, "ok": ok, "teasers": 10}) + "\n"


def teaser() -> str:
    return json.dumps({"type": "teaser", "title": "t"}) + "\n"


class Recorder:
    def __init__(self) -> None:
        self.updates: list[tuple[int, int, int]] = []
        self.finished: CrawlCounts | None = None

    def update(self, counts: CrawlCounts) -> None:
        self.updates.append((counts.pages_done, counts.pages_known, counts.pages_failed))

    def finish(self, counts: CrawlCounts) -> None:
        self.finished = counts


def test_pages_known_grow_as_pagers_reveal_how_many_pages_a_term_has() -> None:
    counts = CrawlCounts()
    counts.add(json.loads(page("/a", 0, 2)))
    assert (counts.pages_done, counts.pages_known) == (1, 3)
    counts.add(json.loads(page("/b", 0, None, ok=False)))
    assert (counts.pages_done, counts.pages_known, counts.pages_failed) == (2, 4, 1)
    assert counts.line() == "crawl: 2 of 4 known pages done, 1 error, 0 teasers"


def test_the_watcher_follows_a_file_as_the_crawl_appends_to_it(tmp_path: Path) -> None:
    out, recorder = tmp_path / "crawl.jsonl", Recorder()
    with CrawlWatcher(out, recorder, poll=0.01):
        time.sleep(0.05)  # the file does not exist yet
        with out.open("a") as handle:
            handle.write(teaser() + page("/a", 0, 1))
            handle.flush()
            time.sleep(0.1)
            handle.write(page("/a", 1, 1) + '{"type": "page", "url": "/b", "ok": tr')  # half a line
    assert (1, 2, 0) in recorder.updates
    assert recorder.finished is not None
    assert (recorder.finished.pages_done, recorder.finished.teasers) == (2, 1)


def test_a_terminal_gets_one_line_rewritten_in_place() -> None:
    stream = io.StringIO()
    progress = TerminalProgress(stream)
    counts = CrawlCounts(pages_done=3, term_pages={"/a": 5})
    progress.update(counts)
    progress.finish(counts)
    assert stream.getvalue().count("\r") == 2 and stream.getvalue().endswith("\n")
    assert "3 of 5 known pages done" in stream.getvalue()


def test_without_a_terminal_progress_is_a_log_line_now_and_then(caplog: pytest.LogCaptureFixture) -> None:
    now = [0.0]
    progress = LogProgress(interval=60, clock=lambda: now[0])
    with caplog.at_level(logging.INFO, logger="pledgewatch.progress"):
        for second in range(0, 130, 10):
            now[0] = float(second)
            progress.update(CrawlCounts(pages_done=second))
        progress.finish(CrawlCounts(pages_done=130))
    assert [r.getMessage().split(" of")[0] for r in caplog.records] == [
        "crawl: 60", "crawl: 120", "crawl: 130"]
    assert all("\r" not in r.getMessage() for r in caplog.records)


def test_the_kind_of_progress_follows_the_stream() -> None:
    assert isinstance(progress_for(io.StringIO()), LogProgress)
