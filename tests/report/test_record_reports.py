"""Record pages in reports: record field edits by name with a word diff, and the pledges that
left the listings, in text, HTML, JSON and Atom; scraped text escaped as everywhere."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from pledgewatch.core.values import ChangeSet, Edited, FieldChange
from pledgewatch.report.feed import ATOM, update_feed
from pledgewatch.report.json_form import changes_to_json
from pledgewatch.report.render import render_report
from pledgewatch.report.summary import render_summary
from tests.support.sample_changes import M4SD, SFAX, WELCOMING

NS = {"a": ATOM}
BODY_BEFORE = "The City of San José commits to welcoming newcomers."
BODY_AFTER = "The City of San José commits to welcoming all newcomers."
EDIT = Edited(WELCOMING, WELCOMING, (
    FieldChange("body", BODY_BEFORE, BODY_AFTER),
    FieldChange("date_shared", "6 Nov 2023", "7 Nov 2023"),
    FieldChange("countries", "Chile", "Chile; Peru"),
    FieldChange("gfmd_source", "", "GFMD 2023"),
    FieldChange("thematic_recollection", "Labour", ""),
))
CHANGES = ChangeSet(from_run=1, to_run=2, complete=True, edited=(EDIT,), unlisted=(SFAX,))
LABELS = ["Body", "Date shared", "Countries and areas", "GFMD source", "Thematic recollection"]


def test_the_text_report_names_each_record_field_and_diffs_it_word_by_word():
    text = render_report(CHANGES).text
    for label in LABELS:
        assert f"  {label}:\n" in text
    assert "commits to welcoming {+all +}newcomers." in text
    assert "[-6-]{+7+} Nov 2023" in text


def test_the_html_report_names_each_record_field_and_marks_the_inserted_word():
    html = render_report(CHANGES).html
    for label in LABELS:
        assert f">{label}</div>" in html
    assert "welcoming <ins" in html and ">all </ins>newcomers." in html


def test_pledges_that_left_the_listings_have_their_own_section_never_removed():
    report = render_report(CHANGES)
    assert "LEFT THE LISTINGS (RECORD PAGE STILL ONLINE) (1)" in report.text
    assert "REMOVED" not in report.text
    assert "Left the listings (record page still online)" in report.html
    assert "1 edited, 0 removed, 1 left the listings" in report.subject


def test_the_json_report_carries_record_field_changes_and_unlisted_pledges():
    data = changes_to_json(CHANGES)
    assert data["edited"][0]["changes"]["body"] == {"old": BODY_BEFORE, "new": BODY_AFTER}
    assert [e["key"] for e in data["unlisted"]] == [SFAX.key]
    assert data["removed"] == []


def test_the_feed_has_an_entry_for_a_pledge_that_left_the_listings(tmp_path):
    feed = update_feed(tmp_path / "feed.xml", CHANGES, now=datetime(2026, 3, 2, tzinfo=UTC))
    titles = [e.findtext("a:title", namespaces=NS)
              for e in ET.parse(feed).getroot().findall("a:entry", NS)]
    assert titles == ["Edited: Welcoming San José", "Left the listings: SFAX: a city for all"]
    content = ET.parse(feed).getroot().find("a:entry", NS).find("a:content", NS).text
    assert "Countries and areas" in content and "<ins" in content


def test_markup_in_a_record_field_is_escaped_in_html_and_kept_as_text_in_plain_text():
    hostile = '<img src=x onerror=alert(1)> and <script>alert("x")</script>'
    changes = ChangeSet(from_run=1, to_run=2, complete=True, edited=(Edited(M4SD, M4SD, (
        FieldChange("body", "A plan.", "A plan. " + hostile),
        FieldChange("countries", "Chile", "Chile; " + hostile))),))
    report = render_report(changes)
    assert "<img" not in report.html and "<script" not in report.html
    assert "&lt;img src=x onerror=alert(1)&gt;" in report.html
    assert "<img src=x onerror=alert(1)>" in report.text


def test_the_chat_summary_counts_a_pledge_that_left_the_listings():
    summary = render_summary(CHANGES)
    assert "- left the listings: SFAX: a city for all" in summary.body


def test_a_record_page_not_read_is_named_in_crawl_health():
    from dataclasses import replace

    from pledgewatch.core.values import CrawlHealth, FailedPage

    health = CrawlHealth(failed_records=(FailedPage(M4SD.url, 500, "HTTP 500"),))
    report = render_report(replace(CHANGES, health=health))
    assert f"Record page not read: {M4SD.url} (500; HTTP 500)" in report.text
    assert changes_to_json(replace(CHANGES, health=health))["health"]["failed_records"] == \
        [{"url": M4SD.url, "status": 500, "error": "HTTP 500"}]
