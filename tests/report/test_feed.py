"""The Atom feed: valid, escaped, one entry per change, stable ids, bounded length."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime

from pledgewatch.core.values import ChangeSet
from pledgewatch.report.feed import ATOM, update_feed
from tests.support.sample_changes import M4SD, SFAX, WELCOMING, sample_changes

NS = {"a": ATOM}
NOW = datetime(2025, 11, 20, 6, 0, tzinfo=UTC)


def entries(path):
    return ET.parse(path).getroot().findall("a:entry", NS)


def ids(path):
    return [e.findtext("a:id", namespaces=NS) for e in entries(path)]


def test_a_new_feed_has_one_entry_per_changed_pledge(tmp_path):
    feed = update_feed(tmp_path / "feed.xml", sample_changes(), now=NOW)
    titles = [e.findtext("a:title", namespaces=NS) for e in entries(feed)]
    assert titles == [
        "New: Welcoming San José",
        "Edited: " + M4SD.title,
        "Re-classified: Welcoming San José",
        "Removed: SFAX: a city for all",
    ]


def test_entries_link_to_the_pledge_and_carry_the_change_as_html(tmp_path):
    feed = update_feed(tmp_path / "feed.xml", sample_changes(), now=NOW)
    edited = entries(feed)[1]
    assert edited.find("a:link", NS).get("href") == M4SD.url
    content = edited.find("a:content", NS)
    assert content.get("type") == "html" and "<ins" in content.text


def test_writing_the_same_run_twice_does_not_duplicate_entries(tmp_path):
    path = tmp_path / "feed.xml"
    update_feed(path, sample_changes(), now=NOW)
    first = ids(path)
    update_feed(path, sample_changes(), now=NOW)
    assert ids(path) == first and len(set(first)) == 4


def test_a_later_run_is_added_on_top_and_earlier_entries_keep_their_ids(tmp_path):
    path = tmp_path / "feed.xml"
    update_feed(path, sample_changes(), now=NOW)
    earlier = ids(path)
    later = ChangeSet(from_run=12, to_run=13, complete=True, restored=(SFAX,))
    update_feed(path, later, now=NOW)
    assert ids(path)[1:] == earlier
    assert entries(path)[0].findtext("a:title", namespaces=NS) == "Restored: SFAX: a city for all"


def test_the_feed_keeps_a_bounded_number_of_entries(tmp_path):
    path = tmp_path / "feed.xml"
    for run in range(2, 12):
        update_feed(path, ChangeSet(from_run=run - 1, to_run=run, complete=True, new=(WELCOMING,)),
                    max_entries=5, now=NOW)
    assert len(entries(path)) == 5


def test_markup_in_titles_is_escaped_and_unsafe_links_dropped(tmp_path):
    hostile = replace(WELCOMING, title="<script>alert(1)</script>", url="javascript:alert(1)")
    path = update_feed(tmp_path / "feed.xml",
                       ChangeSet(from_run=1, to_run=2, complete=True, new=(hostile,)), now=NOW)
    raw = path.read_text(encoding="utf-8")
    assert "<script>" not in raw and "javascript:" not in raw
    entry = entries(path)[0]
    assert entry.findtext("a:title", namespaces=NS) == "New: <script>alert(1)</script>"
    assert entry.find("a:link", NS) is None
    assert "&lt;script&gt;" in entry.findtext("a:content", namespaces=NS)


def test_entries_are_dated_by_the_run_and_the_feed_has_required_elements(tmp_path):
    path = update_feed(tmp_path / "feed.xml", sample_changes(), now=NOW)
    root = ET.parse(path).getroot()
    for required in ("a:id", "a:title", "a:updated", "a:author/a:name"):
        assert root.find(required, NS) is not None, required
    assert entries(path)[0].findtext("a:updated", namespaces=NS) == "2025-11-20T06:04:00+00:00"


def test_an_empty_change_set_leaves_an_existing_feed_alone(tmp_path):
    path = update_feed(tmp_path / "feed.xml", sample_changes(), now=NOW)
    before = path.read_bytes()
    update_feed(path, ChangeSet(from_run=12, to_run=13, complete=True), now=NOW)
    assert path.read_bytes() == before


def test_an_unreadable_feed_is_set_aside_not_lost(tmp_path):
    path = tmp_path / "feed.xml"
    path.write_text("<feed><entry>", encoding="utf-8")
    update_feed(path, sample_changes(), now=NOW)
    assert (tmp_path / "feed.xml.unreadable").read_text(encoding="utf-8") == "<feed><entry>"
    assert len(entries(path)) == 4
