"""The spider with a crawl plan: terms at their depths, conditional requests, 304s followed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pledgewatch.core.crawl_plan import CrawlPlan, TermFetch, Validators
from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import FixtureServer

BEFORE = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small" / "before"
SITE = "https://gfmd.org"
MAYORS = f"{SITE}/contributors/mayors-local-and-regional-governments"
HEALTH = f"{SITE}/pfp/ppd/migration-and-health"


def crawl(tmp_path: Path, plan: CrawlPlan) -> tuple[list[dict[str, Any]], FixtureServer]:
    plan.write(tmp_path / "plan.json")
    with FixtureServer(BEFORE) as server:
        run_crawl(tmp_path / "run.jsonl", replay=server, settings={"LOG_LEVEL": "WARNING"},
                  plan=tmp_path / "plan.json")
    lines = [json.loads(line) for line in (tmp_path / "run.jsonl").read_text().splitlines()]
    return lines, server


def pages(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["url"]: r for r in lines if r["type"] == "page"}


def body_tag(relative: str) -> str:
    """The fixture server's ETag: a quoted hash of the body, worked out from the file."""
    return '"' + hashlib.sha256((BEFORE / relative).read_bytes()).hexdigest()[:32] + '"'


def test_only_the_plans_terms_are_read_and_depth_first_reads_page_0(tmp_path: Path) -> None:
    plan = CrawlPlan("cover", (TermFetch(MAYORS, "first"), TermFetch(HEALTH, "all")))
    lines, server = crawl(tmp_path, plan)
    read = pages(lines)
    assert set(read) == {MAYORS, HEALTH}  # page 0 of mayors only, though it has three
    assert (read[MAYORS]["depth"], read[MAYORS]["teasers"], read[MAYORS]["last_page"]) == (
        "first", 10, 2)
    assert read[HEALTH]["depth"] == "all"
    assert read[MAYORS]["etag"] == body_tag(
        "pages/contributors/mayors-local-and-regional-governments/page-0.html")
    assert lines[-1]["plan"] == "cover"
    assert not [p for p in server.hits if "mayors" in p and "page=" in p]


def test_a_304_stands_for_the_stored_page_and_its_stored_pager_is_followed(
        tmp_path: Path) -> None:
    folder = "pages/contributors/mayors-local-and-regional-governments"
    page1 = f"{MAYORS}?page=1"
    plan = CrawlPlan("full", (TermFetch(MAYORS, "all"),), validators={
        MAYORS: Validators(body_tag(f"{folder}/page-0.html"), None, page1, 2, 10),
        page1: Validators(body_tag(f"{folder}/page-1.html"), None, f"{MAYORS}?page=2", 2, 10)})
    lines, server = crawl(tmp_path, plan)
    read = pages(lines)
    assert list(read) == [MAYORS, page1, f"{MAYORS}?page=2"]
    for url in (MAYORS, page1):
        assert (read[url]["status"], read[url]["ok"], read[url]["not_modified"]) == (304, True, True)
        assert read[url]["teasers"] == 10
    assert read[page1]["next_url"] == f"{MAYORS}?page=2"
    last = read[f"{MAYORS}?page=2"]
    assert (last["status"], last["not_modified"], last["teasers"]) == (200, False, 3)
    assert {t["listing_url"] for t in lines if t["type"] == "teaser"} == {f"{MAYORS}?page=2"}
    assert len(server.not_modified) == 2


def test_the_records_a_304_page_lists_count_as_seen_not_missing(tmp_path: Path) -> None:
    # Page 0 of the mayors term answers 304: its stored copy listed these ten records, so the
    # crawl must not take them for missing and read all ten record pages.
    from pledgewatch.scraper.parsing import parse_listing

    folder = "pages/contributors/mayors-local-and-regional-governments"
    listed = tuple(t.url for t in parse_listing((BEFORE / folder / "page-0.html").read_text(),
                                                url=MAYORS).teasers)
    assert len(listed) == 10
    plan = CrawlPlan("full", (TermFetch(MAYORS, "all"),), known=dict.fromkeys(listed, "stored"),
                     validators={MAYORS: Validators(body_tag(f"{folder}/page-0.html"), None,
                                                    f"{MAYORS}?page=1", 2, 10, listed)})
    lines, _ = crawl(tmp_path, plan)
    assert pages(lines)[MAYORS]["not_modified"] is True
    asked = {r["url"]: r["why"] for r in lines if r["type"] == "record"}
    assert not set(listed) & set(asked)  # the later pages' records are new, these were seen
    assert set(asked.values()) == {"new"}
