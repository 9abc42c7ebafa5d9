"""Replaying the bundled ``small`` sites gives the counts in fixtures/README.md."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper.crawl import run_crawl, summarize

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
SITE = "https://gfmd.org"
MAYORS = f"{SITE}/contributors/mayors-local-and-regional-governments"
QUIET = {"LOG_LEVEL": "WARNING"}


def crawl(side: str, out: Path, **kwargs: Any) -> list[dict[str, Any]]:
    run_crawl(out, replay=SMALL / side, settings=QUIET, **kwargs)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def before(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    return crawl("before", tmp_path_factory.mktemp("run") / "before.jsonl")


def test_before_gives_ten_pages_and_sixty_one_teasers(before: list[dict[str, Any]]) -> None:
    kinds = Counter(r["type"] for r in before)
    assert kinds == {"teaser": 61, "page": 10, "crawl": 1}
    assert len({r["url"] for r in before if r["type"] == "teaser"}) == 26
    crawl_record = before[-1]
    assert crawl_record["type"] == "crawl" and crawl_record["reason"] == "finished"
    assert (crawl_record["pages_ok"], crawl_record["pages_failed"]) == (10, 0)
    assert crawl_record["source"] == f"replay:{SMALL / 'before'}"
    assert len(crawl_record["start_urls"]) == 6 and crawl_record["parser_version"]


def test_teasers_per_page_match_the_readme(before: list[dict[str, Any]]) -> None:
    pages = {(r["term"], r["page"]): r["teasers"] for r in before if r["type"] == "page"}
    assert pages == {
        ("Mayors, Local and Regional Governments", 0): 10,
        ("Mayors, Local and Regional Governments", 1): 10,
        ("Mayors, Local and Regional Governments", 2): 3,
        ("Subnational", 0): 10,
        ("Subnational", 1): 3,
        ("Goal 11: Sustainable cities and communities", 0): 7,
        ("Objective 16: Empower migrants and societies to realize full inclusion and social cohesion", 0): 10,
        ("Objective 16: Empower migrants and societies to realize full inclusion and social cohesion", 1): 3,
        ("Migration and Health", 0): 5,
        ("Egypt", 0): 0,
    }


def test_the_empty_term_is_ok_and_says_so(before: list[dict[str, Any]]) -> None:
    [egypt] = [r for r in before if r["type"] == "page" and r["term"] == "Egypt"]
    assert egypt["ok"] and egypt["empty_term"] and egypt["error"] is None


def test_pagination_reaches_the_last_page_with_canonical_urls(before: list[dict[str, Any]]) -> None:
    mayors = sorted((r for r in before if r["type"] == "page" and r["term_url"] == MAYORS), key=lambda r: r["page"])
    assert [r["url"] for r in mayors] == [MAYORS, f"{MAYORS}?page=1", f"{MAYORS}?page=2"]
    assert [r["next_url"] for r in mayors] == [f"{MAYORS}?page=1", f"{MAYORS}?page=2", None]
    assert {r["last_page"] for r in mayors} == {2}
    teasers = [r for r in before if r["type"] == "teaser"]
    assert all(r["url"].startswith(f"{SITE}/pfp/ppd/1") for r in teasers)
    assert all(r["listing_url"].startswith(SITE + "/") and "page=0" not in r["listing_url"] for r in teasers)


def test_after_differs_by_one_teaser_and_a_summary_says_so(tmp_path: Path) -> None:
    records = crawl("after", tmp_path / "after.jsonl")
    assert Counter(r["type"] for r in records) == {"teaser": 60, "page": 10, "crawl": 1}
    summary = summarize(tmp_path / "after.jsonl")
    assert summary is not None and summary.complete
    assert (summary.pages_ok, summary.teasers) == (10, 60)


def test_start_urls_limit_the_crawl_to_those_terms(tmp_path: Path) -> None:
    records = crawl("before", tmp_path / "one.jsonl", start_urls=["http://www.gfmd.org/contributors/mayors-local-and-regional-governments?page=0"])
    assert {r["term_url"] for r in records if r["type"] == "page"} == {MAYORS}
    assert records[-1]["start_urls"] == [MAYORS]


def test_a_run_file_without_crawl_record_counts_as_cut_short(tmp_path: Path) -> None:
    out = tmp_path / "cut.jsonl"
    out.write_text('{"type": "page", "ok": true}\n', encoding="utf-8")
    assert summarize(out) is None
