"""The small fixture sites' record pages, and a crawl of ``after`` planned from ``before``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.core.crawl_plan import CrawlPlan, TermFetch
from pledgewatch.core.text import teaser_fingerprint
from pledgewatch.scraper.fixture_site import load_site
from pledgewatch.scraper.parsing import read_record
from tests.scraper.record_sites import crawl_with_plan, record_lines

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
S = "https://gfmd.org"


def url(nid: int) -> str:
    return f"{S}/pfp/ppd/{nid}"


@pytest.fixture(scope="module")
def before_run(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    out = tmp_path_factory.mktemp("before") / "run.jsonl"
    return crawl_with_plan(SMALL / "before", None, out)


def teasers(run: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {line["url"]: line for line in run if line["type"] == "teaser"}


def record_file(side: str, nid: int) -> bytes:
    return (SMALL / side / "pages" / "pfp" / "ppd" / f"{nid}.html").read_bytes()


@pytest.mark.parametrize("side", ["before", "after"])
def test_every_listed_pledge_has_a_record_that_reads_whole(side: str, before_run: list[dict[str, Any]]) -> None:
    site = load_site(SMALL / side)
    records = {e.url for e in site.entries.values() if "/pfp/ppd/" in e.url and e.url.rsplit("/", 1)[1].isdigit()
               and e.status == 200}
    listed = set(teasers(before_run)) if side == "before" else None
    if listed is not None:
        assert listed <= records
        assert len(listed) == 26
    markups = {"d7": 0, "d10": 0}
    for record in records:
        body = record_file(side, int(record.rsplit("/", 1)[1]))
        page = read_record(body, record)
        assert page.title and page.body and page.date_shared
        markups["d10" if b"node--view-mode-full" in body else "d7"] += 1
    assert markups["d10"] >= 12 and markups["d7"] >= 12


def test_records_open_with_their_teaser_summary(before_run: list[dict[str, Any]]) -> None:
    for record_url, teaser in teasers(before_run).items():
        page = read_record(record_file("before", int(record_url.rsplit("/", 1)[1])), record_url)
        assert page.title == teaser["title"]
        assert page.body.startswith(teaser["summary"].strip()[:60])
        assert len(page.body) > len(teaser["summary"])


def test_the_stored_pages_say_what_site_md_says() -> None:
    p13001 = read_record(record_file("before", 13001), url(13001))
    assert p13001.date_shared == "Friday, March 17, 2023 - 16:39"
    assert p13001.countries == ()
    names = [name for _, name in p13001.terms]
    assert names[:5] == ["Goal 1: End poverty", "Goal 2: Zero hunger", "Goal 13: Climate action",
                         "Goal 16: Peace, justice and strong institutions", "Goal 17: Partnerships for the goals"]
    assert "International Organizations" in names and "France 2022-2023" in names
    assert "Diversity, Inclusiveness and Social Cohesion" in names
    assert len(names) == 18  # 5 goals, 6 objectives, 2 contributor types, 1 chair, 4 themes
    p24 = read_record(record_file("before", 24), url(24))
    assert p24.date_shared == "Monday, December 23, 2013 - 15:15"
    assert p24.gfmd_source == ("2013 Survey Report",
                               "M&D Practices Shared within the GFMD context by Steering Group Members (2007 - 2011)")
    assert p24.thematic_recollection == ("GFMD 2009 - RT 2.1",)
    p10929 = read_record(record_file("before", 10929), url(10929))
    assert p10929.countries == () and [n for _, n in p10929.terms] == ["Contributions of migrants and diasporas"]


def test_the_record_only_edit_is_past_the_trim(before_run: list[dict[str, Any]]) -> None:
    before = read_record(record_file("before", 13234), url(13234))
    after = read_record(record_file("after", 13234), url(13234))
    summary = teasers(before_run)[url(13234)]["summary"]
    assert before.body != after.body
    assert before.body.startswith(summary.strip()) and after.body.startswith(summary.strip())
    assert after.body.endswith("due in 2027, with a survey of the people it reached.")


def test_the_removed_pledges_record_is_gone_after() -> None:
    [entry] = [e for e in load_site(SMALL / "after").entries.values() if e.url == url(13122)]
    assert entry.status == 410


@pytest.fixture(scope="module")
def planned_after(before_run: list[dict[str, Any]],
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    known = {u: teaser_fingerprint(t["title"], t["summary"]) for u, t in teasers(before_run).items()}
    terms = tuple(TermFetch(u) for u in json.loads((SMALL / "after" / "site.json").read_text())["terms"])
    plan = CrawlPlan(mode="full", terms=terms, known=known, due=(url(13234),))
    out = tmp_path_factory.mktemp("after") / "run.jsonl"
    return record_lines(crawl_with_plan(SMALL / "after", plan, out))


def test_a_crawl_of_after_planned_from_before_reads_what_changed(planned_after: dict[str, dict[str, Any]]) -> None:
    assert {u: line["why"] for u, line in planned_after.items()} == {
        url(13301): "new",
        url(13171): "changed",  # summary edit
        url(13185): "changed",  # title edit
        url(13234): "due",
        url(13122): "missing",
    }  # the whitespace-only teasers (13283, 13269) and the re-classified 13150 are not read


def test_the_planned_crawl_sees_the_record_edit_and_the_removal(planned_after: dict[str, dict[str, Any]]) -> None:
    assert planned_after[url(13234)]["ok"] is True
    assert planned_after[url(13234)]["body"].endswith("with a survey of the people it reached.")
    gone = planned_after[url(13122)]
    assert (gone["status"], gone["gone"], gone["ok"]) == (410, True, False)
    title = "Legazpi City: Expanded Help Desk and Hotline for Overseas Filipino Workers"
    assert planned_after[url(13185)]["title"] == title
