"""The real spider against a misbehaving loopback site: every failure becomes a page record.

One term per fault, so each failure is independent of the others; the crawl must finish and
say, page by page, what went wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import Entry, write_manifest
from pledgewatch.scraper.render import RenderTeaser, render_listing

SITE = "https://gfmd.org"
FAST = {  # short timeouts and retries keep the test quick; behaviour is the same
    "RETRY_TIMES": 1,
    "RETRY_BACKOFF_BASE": 0.05,
    "DOWNLOAD_TIMEOUT": 1,
    "DOWNLOAD_MAXSIZE": 50_000,
    "LOG_LEVEL": "WARNING",
}
FAULTS: dict[str, dict[str, Any]] = {
    "/contributors/server-error": {"status": 500},
    "/contributors/slow": {"delay": 3},
    "/contributors/moved-away": {"redirect": "https://proboprint.info/contributors/moved-away"},
    "/contributors/huge": {"pad": 200_000},
    "/contributors/truncated": {"truncate": 200},
    "/contributors/reset": {"reset": True},
}
NOT_RECORDED = "/contributors/not-recorded"
LAYOUT_CHANGED = "/contributors/new-layout"
PAGED = "/contributors/member-states"


def teasers(first_nid: int, count: int) -> list[RenderTeaser]:
    return [RenderTeaser(first_nid - i, f"Pledge {first_nid - i}", "Ms. Anqi ZHANG", "Text.") for i in range(count)]


def write_page(root: Path, path: str, html: str, **fault: Any) -> Entry:
    relative = "pages" + path.replace("?page=", "/page-") + ("" if "?page=" in path else "/page-0") + ".html"
    pad = fault.pop("pad", 0)
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(html + "<!--" + "x" * pad + "-->", encoding="utf-8")
    return Entry(url=SITE + path, body=relative, **fault)


def build_fault_site(root: Path) -> Path:
    entries = [write_page(root, PAGED + (f"?page={n}" if n else ""), render_listing(
        "Member States", PAGED, 7, n, 2, teasers(900 - 10 * n, 10 if n < 2 else 4))) for n in range(3)]
    for n, (path, fault) in enumerate(FAULTS.items()):
        html = render_listing(path.rsplit("/", 1)[1], path, 100 + n, 0, 0, teasers(500 + 20 * n, 3))
        entries.append(write_page(root, path, html, **fault))
    entries.append(write_page(root, LAYOUT_CHANGED, "<html><body><div class='new-theme'>Pledges</div></body></html>"))
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n")
    entries.append(Entry(url=SITE + "/robots.txt", body="robots.txt"))
    terms = [SITE + p for p in (PAGED, *FAULTS, NOT_RECORDED, LAYOUT_CHANGED)]
    write_manifest(root, entries, "fault site", SITE, terms)
    return root


@pytest.fixture(scope="module")
def fault_run(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    root = build_fault_site(tmp_path_factory.mktemp("fault-site"))
    out = root / "run.jsonl"
    run_crawl(out, replay=root, settings=FAST)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def page(records: list[dict[str, Any]], path: str) -> dict[str, Any]:
    [found] = [r for r in records if r["type"] == "page" and r["url"] == SITE + path]
    return found


def test_the_crawl_finishes_and_its_record_is_last(fault_run: list[dict[str, Any]]) -> None:
    crawl = fault_run[-1]
    assert crawl["type"] == "crawl" and crawl["reason"] == "finished"
    assert [r["type"] for r in fault_run].count("crawl") == 1
    assert (crawl["pages_ok"], crawl["pages_failed"]) == (3, 8)


def test_the_pager_is_followed_to_the_last_page(fault_run: list[dict[str, Any]]) -> None:
    pages = [page(fault_run, PAGED + q) for q in ("", "?page=1", "?page=2")]
    assert [(p["page"], p["teasers"], p["last_page"], p["ok"]) for p in pages] == [
        (0, 10, 2, True), (1, 10, 2, True), (2, 4, 2, True)]
    assert pages[0]["next_url"] == SITE + PAGED + "?page=1"
    assert pages[2]["next_url"] is None


@pytest.mark.parametrize(
    ("path", "status", "error"),
    [
        ("/contributors/server-error", 500, "HTTP 500 after 1 retries"),
        ("/contributors/slow", None, "timeout"),
        ("/contributors/moved-away", 302, "offsite redirect to https://proboprint.info/"),
        ("/contributors/huge", None, "oversize"),
        ("/contributors/truncated", None, "truncated body"),
        ("/contributors/reset", None, "connection"),
        (NOT_RECORDED, 404, "HTTP 404"),
        (LAYOUT_CHANGED, 200, "no teasers found"),
    ],
)
def test_each_failure_is_a_page_record_saying_what_failed(
    fault_run: list[dict[str, Any]], path: str, status: int | None, error: str
) -> None:
    record = page(fault_run, path)
    assert record["ok"] is False and record["teasers"] == 0
    assert record["status"] == status
    assert error in record["error"]
    assert record["term_url"] == SITE + path and record["vocabulary"] == "contributors"


def test_records_carry_canonical_public_urls_only(fault_run: list[dict[str, Any]]) -> None:
    text = json.dumps(fault_run[:-1])
    assert "127.0.0.1" not in text and "?page=0" not in text
    urls = [r["url"] for r in fault_run if r["type"] in ("page", "teaser")]
    assert all(u.startswith(SITE + "/") for u in urls)
