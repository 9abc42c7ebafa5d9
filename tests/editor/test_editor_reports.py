"""The demo's real report, read as an editor reads it: names, dates, a baseline that says
so, garbled text flagged, removed pledges dated. Expected values come from fixtures/README.md
and the fixture pages (13185 was submitted 2023-11-06T10:15:00+01:00)."""

from __future__ import annotations

import json
from datetime import datetime

from pledgewatch.demo import DemoResult
from pledgewatch.report.labels import editor_date


def files(demo: DemoResult, run: int) -> tuple[str, str, dict]:
    outcome = demo.before if run == 1 else demo.after
    stem = outcome.report_dir / f"run-{run}"
    return (stem.with_suffix(".txt").read_text(), stem.with_suffix(".html").read_text(),
            json.loads(stem.with_suffix(".json").read_text()))


def test_vocabularies_are_named_not_shown_as_url_prefixes(demo):
    text, html, _ = files(demo, 2)
    assert "- 2030 Agenda (SDGs): Goal 11: Sustainable cities and communities" in text
    assert "+ GCM thematic cluster areas: Objective 16: Empower migrants" in text
    for report in (text, html):
        assert "2030-agenda-migration-relevant-and-related-targets:" not in report
        assert "gcm-thematic-clusters:" not in report and "pfp/ppd:" not in report


def test_dates_read_as_editors_write_them(demo):
    text, html, _ = files(demo, 2)
    assert "Submitted by Ms. Anqi ZHANG on 6 Nov 2023" in text
    assert 'on <span style="white-space:nowrap;">6 Nov 2023</span>' in html
    assert "T10:15:00" not in text and "T10:15:00" not in html


def test_the_byline_shows_no_bare_key(demo):
    _, html, _ = files(demo, 2)
    assert "· /pfp/ppd/" not in html and ">/pfp/ppd/13185<" not in html


def test_the_baseline_report_says_it_is_the_baseline(demo):
    text, html, _ = files(demo, 1)
    assert text.splitlines()[1].startswith("First run: the baseline")
    assert "First run: the baseline" in html and "Run (first)" not in html + text
    assert "PLEDGES RECORDED AT THE BASELINE (26)" in text


def test_a_later_report_names_both_runs(demo):
    text, _, _ = files(demo, 2)
    assert text.splitlines()[1].startswith("Run 2 (") and "compared with run 1 (" in text


def test_the_garbled_quotes_of_13301_are_flagged_everywhere_it_shows(demo):
    text, html, data = files(demo, 2)
    entry = text.split("* Framework for Diaspora's Engagement")[1].split("\n* ")[0]
    assert "! Garbled characters" in entry
    assert html.count("Garbled characters") == 1
    assert [e["mojibake"] for e in data["new"]] == [True]
    assert not any(e["mojibake"] for kind in ("edited", "removed", "reclassified") for e in data[kind])


def test_a_removed_pledge_says_when_it_was_last_seen(demo):
    text, _html, data = files(demo, 2)
    (removed,) = data["removed"]
    assert removed["key"] == "/pfp/ppd/13122"
    assert removed["last_seen_at"] == data["from_finished_at"]  # listed by run 1, gone at run 2
    day = editor_date(removed["last_seen_at"])
    assert datetime.fromisoformat(removed["last_seen_at"]).strftime("%Y") in day
    assert f"Last seen on {day}." in text and "Gone since" not in text


def test_term_chips_link_to_the_term_listing(demo):
    _, html, _ = files(demo, 2)
    assert '<a href="https://gfmd.org/geographical-relevance/subnational" title="All pledges' in html


def test_the_json_contract_only_gains_keys(demo):
    _, _, data = files(demo, 2)
    keys = {"key", "url", "title", "author", "submitted", "summary", "terms", "version"}
    assert keys <= set(data["new"][0]) and data["new"][0]["submitted"] == "2024-06-01T10:15:00+01:00"
    assert {"format", "from_run", "to_run", "counts", "health"} <= set(data)


def test_the_feed_has_the_six_changes_and_nothing_from_the_baseline(demo):
    feed = (demo.after.report_dir.parent / "feed.atom").read_text()
    titles = [line.strip() for line in feed.splitlines() if line.strip().startswith("<title>")]
    assert len(titles) == 1 + 6  # the feed's own title, then 1 new, 3 edited, 1 re-classified, 1 removed
    assert sum(t.startswith("<title>New:") for t in titles) == 1
