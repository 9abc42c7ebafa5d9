"""The spider's rules for which record pages to ask for, table by table, without a crawl."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from scrapy.exceptions import DontCloseSpider

from pledgewatch.core.crawl_plan import CrawlPlan, TermFetch, Validators
from pledgewatch.core.errors import InputError
from pledgewatch.core.text import teaser_fingerprint
from pledgewatch.scraper.parsing import Teaser
from pledgewatch.scraper.spiders.listings import ListingsSpider
from pledgewatch.scraper.spiders.records import DUE_PRIORITY, MAX_MISSING_AFTER_FAILURE

S = "https://gfmd.org"


def url(nid: int) -> str:
    return f"{S}/pfp/ppd/{nid}"


def spider(tmp_path: Path, **plan: object) -> tuple[ListingsSpider, list[object]]:
    path = tmp_path / "plan.json"
    CrawlPlan(mode="full", terms=(TermFetch(S + "/contributors/member-states"),), **plan).write(path)  # type: ignore[arg-type]
    made = ListingsSpider(plan=str(path))
    asked: list[object] = []
    made.crawler = SimpleNamespace(engine=SimpleNamespace(crawl=asked.append))  # type: ignore[assignment]
    return made, asked


def teaser(nid: int, summary: str = "Text.") -> Teaser:
    return Teaser(url(nid), f"Pledge {nid}", None, None, False, None, summary)


@pytest.mark.parametrize(
    ("known", "summary", "why"),
    [
        (None, "Text.", "new"),
        ("same", "Text.", None),
        ("same", "Text changed.", "changed"),
        ("same", "  Text. ", None),  # whitespace only: the same fingerprint
    ],
)
def test_a_teaser_makes_its_record_read_when_new_or_changed(
        tmp_path: Path, known: str | None, summary: str, why: str | None) -> None:
    plan_known = {url(1): teaser_fingerprint("Pledge 1", "Text.")} if known else {}
    made, _ = spider(tmp_path, known=plan_known)
    requests = list(made.teaser_records([teaser(1, summary)]))
    assert [r.meta["why"] for r in requests] == ([why] if why else [])


def test_each_record_is_asked_for_once_with_its_validators(tmp_path: Path) -> None:
    made, _ = spider(tmp_path, due=(url(1),), validators={url(1): Validators('"e1"', "Mon, 07 Dec 2026 04:00:00 GMT")})
    [due] = list(made.due_requests())
    assert due.priority == DUE_PRIORITY and due.meta["why"] == "due"
    assert due.headers.get("If-None-Match") == b'"e1"'
    assert due.headers.get("If-Modified-Since") == b"Mon, 07 Dec 2026 04:00:00 GMT"
    assert list(made.teaser_records([teaser(1)])) == []  # new, but asked for already


def test_a_request_without_validators_is_unconditional(tmp_path: Path) -> None:
    made, _ = spider(tmp_path)
    [request] = list(made.teaser_records([teaser(2)]))
    assert b"If-None-Match" not in request.headers and b"If-Modified-Since" not in request.headers


@pytest.mark.parametrize(
    ("missing", "failures", "asked"),
    [
        (3, 0, 3),
        (MAX_MISSING_AFTER_FAILURE + 10, 0, MAX_MISSING_AFTER_FAILURE + 10),
        (MAX_MISSING_AFTER_FAILURE, 1, MAX_MISSING_AFTER_FAILURE),
        (MAX_MISSING_AFTER_FAILURE + 1, 1, 0),
        (0, 0, 0),
    ],
)
def test_known_records_not_seen_are_read_as_missing_within_bounds(
        tmp_path: Path, missing: int, failures: int, asked: int) -> None:
    known = {url(n): "x" for n in range(1000, 1000 + missing)} | {url(1): "x"}
    made, crawled = spider(tmp_path, known=known)
    list(made.teaser_records([teaser(1)]))  # seen on a listing page
    made.listing_failures = failures
    if asked:
        with pytest.raises(DontCloseSpider):
            made.spider_idle()
    else:
        made.spider_idle()
    assert len(crawled) == asked
    assert all(r.meta["why"] == "missing" for r in crawled)  # type: ignore[attr-defined]
    made.spider_idle()  # once per crawl: the second idle closes the spider
    assert len(crawled) == asked


def test_without_a_plan_nothing_is_read(tmp_path: Path) -> None:
    made = ListingsSpider()
    assert made.plan is None
    assert list(made.teaser_records([teaser(1)])) == [] and list(made.due_requests()) == []
    made.spider_idle()


def test_a_bad_plan_file_is_an_input_error(tmp_path: Path) -> None:
    (tmp_path / "plan.json").write_text("{}", encoding="utf-8")
    with pytest.raises(InputError, match="crawl plan"):
        ListingsSpider(plan=str(tmp_path / "plan.json"))
