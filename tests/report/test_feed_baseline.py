"""The feed: no entries for the baseline, a rel=self link when its address is known."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pledgewatch.core.values import ChangeSet
from pledgewatch.report.feed import ATOM, feed_self_url, update_feed
from tests.support.sample_changes import M4SD, WELCOMING


def entries(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall(f"{{{ATOM}}}entry")


def test_the_baseline_run_adds_no_entries(tmp_path):
    feed = tmp_path / "feed.atom"
    update_feed(feed, ChangeSet(from_run=None, to_run=1, complete=True, new=(WELCOMING, M4SD)))
    assert feed.exists() and entries(feed) == []
    update_feed(feed, ChangeSet(from_run=1, to_run=2, complete=True, new=(WELCOMING,)))
    assert len(entries(feed)) == 1


def test_the_feed_links_to_itself(tmp_path):
    feed = tmp_path / "feed.atom"
    update_feed(feed, ChangeSet(from_run=1, to_run=2, complete=True, new=(WELCOMING,)),
                self_url="https://example.org/pledges/feed.atom")
    links = ET.parse(feed).getroot().findall(f"{{{ATOM}}}link")
    assert [(link.get("rel"), link.get("href")) for link in links] == [
        ("self", "https://example.org/pledges/feed.atom")]


def test_the_self_address_comes_from_feed_url_else_the_publish_base_url():
    path = Path("var/reports/changes.atom")
    assert feed_self_url("https://a.example/f.xml", "https://b.example/", path) == "https://a.example/f.xml"
    assert feed_self_url("", "https://b.example/site/", path) == "https://b.example/site/changes.atom"
    assert feed_self_url("", "", path) is None
