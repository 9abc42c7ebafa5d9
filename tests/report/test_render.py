"""The digest: subject with counts, one section per change kind, field diffs, terms, health."""

from __future__ import annotations

import json
from dataclasses import replace

from pledgewatch.core.values import ChangeSet, CrawlHealth
from pledgewatch.report.filter import ReportFilter
from pledgewatch.report.render import render_report, report_subject, write_report_files
from tests.support.sample_changes import (
    GOAL_11,
    M4SD,
    MAYORS,
    OBJECTIVE_16,
    SFAX,
    WELCOMING,
    edited,
    sample_changes,
)


def test_subject_counts_changes_by_kind():
    changes = sample_changes(reclassified=(), new=(WELCOMING, M4SD, SFAX))
    assert report_subject(changes) == "gfmd.org: 3 new, 1 edited, 1 removed pledges"


def test_subject_names_reclassified_and_restored_only_when_there_are_some():
    changes = sample_changes(restored=(SFAX,))
    assert report_subject(changes) == (
        "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified, 1 restored pledges"
    )


def test_subject_of_a_single_change_is_singular():
    changes = ChangeSet(from_run=1, to_run=2, complete=True, new=(WELCOMING,))
    assert report_subject(changes) == "gfmd.org: 1 new, 0 edited, 0 removed pledge"


def test_subject_flags_a_partial_crawl():
    assert report_subject(sample_changes(complete=False)).endswith("pledges (partial crawl)")


def test_subject_of_an_empty_change_set_says_so():
    assert report_subject(ChangeSet(from_run=1, to_run=2, complete=True)) == (
        "gfmd.org: no changes to pledges"
    )


def test_subject_uses_the_site_name():
    assert render_report(sample_changes(), site_name="example.org").subject.startswith("example.org:")


def test_html_has_a_section_per_change_kind_in_order():
    html = render_report(sample_changes()).html
    headings = ["New pledges", "Edited pledges", "Re-classified pledges", "Removed pledges"]
    positions = [html.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Restored pledges" not in html


def test_titles_link_to_the_pledge():
    html = render_report(sample_changes()).html
    assert '<a href="https://gfmd.org/pfp/ppd/13001"' in html


def test_edited_field_shows_insertions_and_deletions_word_by_word():
    changes = sample_changes(edited=(edited(M4SD, title="Making Migration work for Development"),))
    report = render_report(changes)
    assert ">Work</del>" in report.html and ">work</ins>" in report.html
    assert "<del" in report.html and "Sustainable" in report.html
    assert "[-Work-]{+work+}" in report.text


def test_each_changed_field_is_listed_with_its_label():
    changes = sample_changes(edited=(edited(M4SD, author="Mr. Camille Saadé", submitted="2024-05-02"),))
    text = render_report(changes).text
    assert "  Author:\n" in text and "  Submitted:\n" in text
    assert "{+2024-05-02+}" in text


def test_terms_of_each_pledge_are_shown_with_their_vocabulary():
    report = render_report(sample_changes())
    assert "Goal 11: Sustainable cities and communities" in report.text
    assert "2030 Agenda:</span> Goal 11" in report.html


def test_reclassified_pledge_lists_terms_added_and_removed():
    text = render_report(sample_changes()).text
    assert "  + Geographical relevance: Subnational" in text
    assert "  - Contributors: Mayors, Local and Regional Governments" in text


def test_health_footer_counts_pages_and_held_removals():
    report = render_report(sample_changes())
    for body in (report.text, report.html):
        assert "Pages fetched: 40; failed: 1; removals held back: 2." in body
        assert "503; Service Unavailable" in body


def test_partial_crawl_is_announced_at_the_top():
    report = render_report(sample_changes(complete=False))
    assert report.text.index("PARTIAL CRAWL") < report.text.index("NEW PLEDGES")
    assert "Partial crawl." in report.html


def test_suspect_run_says_why_removals_were_held():
    health = CrawlHealth(held_removals=30, suspect=True, suspect_reason="30 of 120 pledges missing")
    text = render_report(sample_changes(health=health)).text
    assert "Removals held as suspect: 30 of 120 pledges missing." in text


def test_html_has_no_scripts_no_remote_images_and_no_style_sheet():
    html = render_report(sample_changes()).html.lower()
    assert "<script" not in html and "<img" not in html and "<style" not in html
    assert "<link" not in html


def test_plain_text_reads_on_its_own():
    text = render_report(sample_changes()).text
    assert "<" not in text.replace("<-", "")
    assert "https://gfmd.org/pfp/ppd/13003" in text
    assert max(len(line) for line in text.splitlines()) <= 80


def test_filter_by_vocabulary_keeps_only_followed_pledges():
    followed = ReportFilter(vocabularies=("GCM",))
    report = render_report(sample_changes(), filter=followed)
    assert report.subject == "gfmd.org: 0 new, 1 edited, 0 removed pledge"
    assert "Welcoming San José" not in report.text


def test_filter_by_term_matches_name_key_or_url_without_case():
    for name in (MAYORS.name.upper(), MAYORS.key, MAYORS.url):
        kept = ReportFilter(terms=(name,)).apply(sample_changes())
        assert kept.new == (WELCOMING,) and kept.removed == (SFAX,) and kept.edited == ()


def test_filter_keeps_a_pledge_reclassified_out_of_a_followed_term():
    kept = ReportFilter(terms=(MAYORS.name,)).apply(sample_changes(new=(), removed=()))
    assert [r.pledge for r in kept.reclassified] == [WELCOMING]


def test_empty_filter_keeps_everything():
    changes = sample_changes()
    assert ReportFilter().apply(changes) is changes


def test_long_lists_of_terms_are_cut_with_a_count():
    many = tuple(replace(GOAL_11, key=f"{GOAL_11.key}-{i}", name=f"Term {i:02}") for i in range(20))
    changes = ChangeSet(from_run=1, to_run=2, complete=True, new=(replace(WELCOMING, terms=many),))
    report = render_report(changes)
    assert "Term 11" in report.text and "Term 12" not in report.text
    assert "and 8 more" in report.html


def test_report_files_are_written_as_html_text_and_json(tmp_path):
    changes = sample_changes()
    report = render_report(changes)
    paths = write_report_files(report, changes, tmp_path / "reports")
    assert [p.name for p in paths] == ["run-12.html", "run-12.txt", "run-12.json"]
    assert paths[0].read_text(encoding="utf-8") == report.html
    assert json.loads(paths[2].read_text(encoding="utf-8"))["to_run"] == 12
    assert not list((tmp_path / "reports").glob(".*.tmp"))


def test_objective_16_term_name_is_not_truncated_in_text():
    assert OBJECTIVE_16.name.split()[-1] in render_report(sample_changes()).text
