"""The short note chat and webhook channels get: counts, titles and links, bounded."""

from __future__ import annotations

from dataclasses import replace

from pledgewatch.core.values import ChangeSet
from pledgewatch.publish.links import SiteLinks
from pledgewatch.report.filter import ReportFilter
from pledgewatch.report.summary import render_summary
from tests.support.sample_changes import WELCOMING, pledge, sample_changes


def test_the_note_has_the_subject_counts_and_each_changed_pledge_with_its_link():
    summary = render_summary(sample_changes())
    assert summary.title == "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified pledges"
    lines = summary.body.splitlines()
    assert lines[0] == "1 new, 1 edited, 1 removed, 1 re-classified (run 11 to run 12)"
    assert lines[1] == "- new: Welcoming San José https://gfmd.org/pfp/ppd/13001"
    assert [line.split(":")[0] for line in lines[1:]] == \
        ["- new", "- edited", "- re-classified", "- removed"]


def test_a_long_run_is_cut_to_a_few_items_and_a_bounded_length():
    few = tuple(pledge(20000 + n, f"Pledge number {n}") for n in range(40))
    summary = render_summary(ChangeSet(from_run=1, to_run=2, complete=True, new=few), max_items=5)
    assert summary.body.count("\n- new: ") == 5 and "… and 35 more in the full report" in summary.body
    many = tuple(pledge(20000 + n, f"Pledge number {n} " + "x" * 300) for n in range(40))
    cut = render_summary(ChangeSet(from_run=1, to_run=2, complete=True, new=many), max_items=40,
                         max_chars=1200).body
    assert len(cut) <= 1200 and cut.endswith("more in the full report")
    assert cut.count("\n- new: ") == 40 - int(cut.rsplit("and ", 1)[1].split()[0])


def test_a_filter_limits_the_note_as_it_limits_the_report():
    summary = render_summary(sample_changes(), filter=ReportFilter(vocabularies=("GCM",)))
    assert summary.title == "gfmd.org: 0 new, 1 edited, 0 removed pledge"
    assert "Welcoming San José" not in summary.body


def test_links_lead_only_to_the_site_and_control_characters_are_dropped():
    hostile = replace(WELCOMING, title="Evil\x1b[31m title\u202e", url="https://evil.example/x")
    body = render_summary(ChangeSet(from_run=1, to_run=2, complete=True, new=(hostile,))).body
    assert "- new: Evil[31m title" in body and "evil.example" not in body and "\x1b" not in body


def test_the_history_site_is_linked_when_its_address_is_known_and_a_partial_crawl_is_said():
    summary = render_summary(sample_changes(complete=False),
                             links=SiteLinks("https://example.org/pledges/"))
    assert "Partial crawl: some listing pages failed, so removals are held." in summary.body
    assert summary.body.splitlines()[-1].startswith("Full report: https://example.org/pledges/")
