"""robots.txt first, and all of it: Disallow (start URLs too), Crawl-delay, Retry-After.

Each crawl runs the real spider against a copy of ``small/before`` served on 127.0.0.1 with
its own robots.txt; the server's log (arrival time and path of each request) shows what was
asked for and when.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper import settings as project
from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.extensions import retry_after_seconds
from pledgewatch.scraper.fixture_site import FixtureServer

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
SITE = "https://gfmd.org"
MAYORS = f"{SITE}/contributors/mayors-local-and-regional-governments"
SUBNATIONAL = f"{SITE}/geographical-relevance/subnational"
HEALTH = f"{SITE}/pfp/ppd/migration-and-health"
EGYPT = f"{SITE}/pfp/ppd/egypt"
QUIET = {"LOG_LEVEL": "ERROR"}
FAST_RETRY = {"RETRY_TIMES": 1, "RETRY_BACKOFF_BASE": 0.05, **QUIET}
# The live politeness of scraper.settings where replay relaxes it, on the loopback server.
LIVE = {name: getattr(project, name) for name in (
    "AUTOTHROTTLE_ENABLED", "DOWNLOAD_DELAY", "CONCURRENT_REQUESTS", "CONCURRENT_REQUESTS_PER_DOMAIN",
    "PLEDGEWATCH_CRAWL_DELAY")}


def site_with(root: Path, robots: str | None, faults: dict[str, dict[str, Any]] | None = None) -> Path:
    """small/before with this robots.txt (None: a 503 for it) and fault fields on some pages."""
    shutil.copytree(SMALL / "before", root)
    data = json.loads((root / "site.json").read_text(encoding="utf-8"))
    for entry in data["responses"]:
        entry.update((faults or {}).get(entry["url"], {}))
        if entry["url"] == f"{SITE}/robots.txt" and robots is None:
            entry.update(status=503, body=None)
    (root / "robots.txt").write_text(robots or "", encoding="utf-8")
    (root / "site.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return root


def crawl(site: Path, start_urls: list[str] | None = None,
          **settings: Any) -> tuple[list[dict[str, Any]], list[tuple[float, str]]]:
    with FixtureServer(site) as server:
        run_crawl(site / "run.jsonl", replay=server, start_urls=start_urls,
                  settings={**QUIET, **settings}, timeout=120)
        log = server.log
    lines = (site / "run.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines], log


def pages(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in records if r["type"] == "page"}


@pytest.mark.parametrize("politeness", ["replay", "live"])
def test_disallow_all_means_no_listing_page_is_requested(tmp_path: Path, politeness: str) -> None:
    site = site_with(tmp_path / "site", "User-agent: *\nDisallow: /\n")
    records, log = crawl(site, **(LIVE if politeness == "live" else {}))
    assert [path for _, path in log] == ["/robots.txt"]
    found = pages(records)
    assert len(found) == 6  # each start URL, as a failed page
    assert {p["error"] for p in found.values()} == {"not fetched: Forbidden by robots.txt"}


def test_a_disallowed_term_is_a_failed_page_and_the_others_are_crawled(tmp_path: Path) -> None:
    """The last two start URLs (themes and countries share /pfp/ppd/) are disallowed."""
    site = site_with(tmp_path / "site", "User-agent: *\nDisallow: /pfp/ppd/\n")
    records, log = crawl(site)
    paths = [path for _, path in log]
    assert paths[0] == "/robots.txt" and paths.count("/robots.txt") == 1
    assert not [p for p in paths if p.startswith("/pfp/ppd/")]
    found = pages(records)
    for url in (HEALTH, EGYPT):
        assert (found[url]["ok"], found[url]["error"]) == (False, "not fetched: Forbidden by robots.txt")
    assert sum(p["ok"] for p in found.values()) == 8  # the 10 pages of small/before less those two


def test_an_unavailable_robots_txt_means_nothing_is_fetched(tmp_path: Path) -> None:
    site = site_with(tmp_path / "site", None)
    records, log = crawl(site, **FAST_RETRY)
    assert [path for _, path in log] == ["/robots.txt", "/robots.txt"]  # asked, retried once
    assert {p["error"] for p in pages(records).values()} == {"not fetched: robots.txt unavailable (HTTP 503)"}


def test_crawl_delay_spaces_the_requests_even_under_autothrottle(tmp_path: Path) -> None:
    """Configured 0.1 s, AutoThrottle on (it would go lower); robots.txt asks for 0.5 s."""
    site = site_with(tmp_path / "site", "User-agent: *\nCrawl-delay: 0.5\nDisallow: /admin/\n")
    fast_live = {**LIVE, "DOWNLOAD_DELAY": 0.1, "AUTOTHROTTLE_START_DELAY": 0.1}
    records, log = crawl(site, start_urls=[MAYORS, SUBNATIONAL], **fast_live)
    assert records[-1]["pages_ok"] == 5
    times = [at for at, path in log if path != "/robots.txt"]
    gaps = [later - earlier for earlier, later in pairwise(times)]
    assert len(gaps) == 4 and min(gaps) >= 0.45, gaps


def test_retry_after_is_waited_for_and_a_wait_over_the_cap_is_not_retried(tmp_path: Path) -> None:
    faults = {HEALTH: {"status": 503, "headers": {"Retry-After": "1"}},
              EGYPT: {"status": 429, "headers": {"Retry-After": "3600"}}}
    site = site_with(tmp_path / "site", "User-agent: *\n", faults)
    records, log = crawl(site, [HEALTH, EGYPT], PLEDGEWATCH_RETRY_AFTER_MAX=2, **FAST_RETRY)
    health = [at for at, path in log if path == "/pfp/ppd/migration-and-health"]
    assert len(health) == 2 and health[1] - health[0] >= 0.95
    assert [path for _, path in log].count("/pfp/ppd/egypt") == 1
    found = pages(records)
    assert (found[HEALTH]["status"], found[HEALTH]["error"]) == (503, "HTTP 503 after 1 retries")
    assert (found[EGYPT]["status"], found[EGYPT]["error"]) == (
        429, "HTTP 429: Retry-After 3600 s is over the cap; not retried")


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(b"120", 120.0), (b" 0 ", 0.0), (b"Sun, 06 Dec 2026 10:02:00 GMT", 120.0),
     (b"Sun, 06 Dec 2026 09:00:00 GMT", 0.0), (b"soon", None), (b"-5", None), (None, None)],
)
def test_retry_after_reads_seconds_and_http_dates(value: bytes | None, seconds: float | None) -> None:
    now = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    assert retry_after_seconds(value, now) == seconds
