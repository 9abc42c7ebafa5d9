"""The spider reads record pages as its crawl plan says, and every try is one record line.

One listing page shows records 101-114; the plan knows some of them, others it lists as due,
and knows two the listing no longer shows. Each record page answers one way: a page, a 304,
404, 410, 500, a timeout, a reset, a changed layout, redirects on site, off site, in a loop
and to a listing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from pledgewatch.core.crawl_plan import CrawlPlan, TermFetch, Validators
from pledgewatch.core.text import teaser_fingerprint
from tests.scraper.record_sites import (
    SITE,
    SiteBuilder,
    crawl_with_plan,
    record_lines,
    record_url,
    teaser,
)

LISTING = "/contributors/member-states"
ON_LISTING = range(101, 115)


def build(root: Path) -> Path:
    site = SiteBuilder(root)
    site.listing(LISTING, [teaser(nid) for nid in ON_LISTING])
    site.record(101)
    site.record(102, "d10")
    site.record(103)
    # 104 is not recorded: the server answers 404
    site.record(105, status=410)
    site.record(106, status=500)
    site.record(107, delay=3)
    site.add(record_url(108), "<html><body><div id='content'><p>A new theme</p></div></body></html>")
    site.record(109, reset=True)
    site.add(record_url(110), None, redirect="/pfp/ppd/111")
    site.record(111, "d10")
    site.add(record_url(112), None, redirect="https://proboprint.info/pfp/ppd/112")
    site.add(record_url(113), None, redirect="/pfp/ppd/113")  # a loop
    site.add(record_url(114), None, redirect="/contributors/member-states")  # on site, not a record
    site.add(record_url(201), None, status=304, headers={"ETag": '"v2"'})
    site.record(202)
    site.record(301, status=410)
    site.record(302, "d10")
    return site.write()


def fingerprint(nid: int) -> str:
    return teaser_fingerprint(f"Pledge {nid}", f"Summary of {nid}.")


PLAN = CrawlPlan(
    mode="full",
    terms=(TermFetch(SITE + LISTING),),
    known={record_url(101): fingerprint(101), record_url(102): "0" * 32,
           record_url(201): "x", record_url(202): "x", record_url(301): "x", record_url(302): "x"},
    due=(record_url(201), record_url(202)),
    validators={record_url(201): Validators(etag='"v1"')},
)


@pytest.fixture(scope="module")
def lines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = build(tmp_path_factory.mktemp("records-site"))
    return record_lines(crawl_with_plan(root, PLAN, root / "run.jsonl"))


def test_records_are_read_for_new_changed_due_and_missing_only(lines: dict[str, dict[str, Any]]) -> None:
    assert {url: line["why"] for url, line in lines.items()} == {
        **{record_url(n): "new" for n in range(103, 115)},
        record_url(102): "changed",
        record_url(201): "due", record_url(202): "due",
        record_url(301): "missing", record_url(302): "missing",
    }  # 101: known, its teaser unchanged: not read


def test_a_page_read_whole_is_an_ok_line_with_its_fields(lines: dict[str, dict[str, Any]]) -> None:
    line = lines[record_url(102)]  # Drupal 10 markup
    assert (line["status"], line["ok"], line["gone"], line["not_modified"]) == (200, True, False, False)
    assert line["error"] is None
    assert line["title"] == "Pledge 102"
    assert line["body"] == "Summary of 102.\n\nMore of 102."
    assert line["date_shared"] == "Friday, March 17, 2023 - 16:39"
    assert line["terms"] == [[SITE + "/contributors/member-states", "Member States"]]
    assert line["countries"] == [] and line["gfmd_source"] == []
    assert len(line["digest"]) == 64 and line["fetched_at"].endswith("Z")


@pytest.mark.parametrize(
    ("nid", "status", "ok", "gone", "not_modified", "error"),
    [
        (103, 200, True, False, False, None),
        (104, 404, False, True, False, "HTTP 404"),
        (105, 410, False, True, False, "HTTP 410"),
        (106, 500, False, False, False, "HTTP 500 after 1 retries"),
        (107, None, False, False, False, "timeout"),
        (108, 200, False, False, False, "layout changed?"),
        (109, None, False, False, False, "connection"),
        (110, 200, True, False, False, None),
        (112, 302, False, False, False, "offsite redirect to https://proboprint.info/pfp/ppd/112"),
        (113, 302, False, False, False, "too many redirects (last to https://gfmd.org/pfp/ppd/113)"),
        (114, 302, False, False, False, "redirect to https://gfmd.org/contributors/member-states, not a record"),
        (201, 304, True, False, True, None),
        (301, 410, False, True, False, "HTTP 410"),
        (302, 200, True, False, False, None),
    ],
)
def test_each_answer_is_the_right_line(lines: dict[str, dict[str, Any]], nid: int, status: int | None,
                                       ok: bool, gone: bool, not_modified: bool, error: str | None) -> None:
    line = lines[record_url(nid)]
    assert (line["status"], line["ok"], line["gone"], line["not_modified"]) == (status, ok, gone, not_modified)
    if error is None:
        assert line["error"] is None
    else:
        assert error in line["error"]
    if not ok or not_modified:
        assert line["title"] is None and line["body"] is None and line["terms"] is None


def test_an_on_site_redirect_is_followed_and_kept_under_the_asked_url(lines: dict[str, dict[str, Any]]) -> None:
    assert lines[record_url(110)]["title"] == "Pledge 111"


def test_a_not_modified_record_keeps_its_validators(lines: dict[str, dict[str, Any]]) -> None:
    assert lines[record_url(201)]["etag"] == '"v2"'  # the answer's own, over the plan's "v1"


def test_the_changed_layout_error_says_what_is_missing(lines: dict[str, dict[str, Any]]) -> None:
    assert lines[record_url(108)]["error"].startswith("unreadable record page (no title")


def test_lines_carry_public_urls_only(lines: dict[str, dict[str, Any]]) -> None:
    assert "127.0.0.1" not in repr(lines)


def test_without_a_plan_no_record_is_read(tmp_path: Path) -> None:
    root = build(tmp_path / "site")
    found = crawl_with_plan(root, None, tmp_path / "run.jsonl")
    assert [line for line in found if line["type"] == "record"] == []
    assert found[-1]["type"] == "crawl" and found[-1]["reason"] == "finished"
