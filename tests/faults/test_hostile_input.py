"""Hostile and malformed pages, crawled by the real spider and carried through ingest, the
change report and the Atom feed: stored safely, rendered escaped, bounded, never a crash."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.report.feed import update_feed
from pledgewatch.report.render import render_report
from pledgewatch.scraper.render import RenderTeaser, render_listing
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import PledgeVersion
from tests.faults.sites import HEALTH, SITE, crawl, faulty_site, page_record
from tests.support.runs import restamped

pytestmark = pytest.mark.timeout(180)

EGYPT = f"{SITE}/pfp/ppd/egypt"
SCRIPT = "<script>alert('pwned')</script>"
IMG = '<img src=x onerror="alert(1)">'
RLO = "\u202e"
CONTROLS = "\x07\x1b[31m\x00\x08"
UNSAFE = {"\x00", "\x07", "\x08", "\x1b", RLO}
HUGE_TITLE = "Pledge " + "A" * 1_000_000
ZURICH = "Zürich: access to municipal services for all"

HOSTILE = [
    RenderTeaser(19001, f"Markup {SCRIPT} in a title", "Ms. <b>Bold</b>",
                 f"A summary with {IMG} and <a href='javascript:alert(1)'>a link</a>."),
    RenderTeaser(19002, f"Reversed {RLO}gnp.exe title", "Mr. X", f"Right-to-left {RLO}override."),
    RenderTeaser(19003, f"Bell{CONTROLS} title", "Ms. Y", f"Escape{CONTROLS}codes in text."),
    RenderTeaser(19004, HUGE_TITLE, "Ms. Z", "A title of one megabyte."),
]


def _hostile_page() -> bytes:
    html = render_listing("Egypt", "/pfp/ppd/egypt", 640, 0, 0, HOSTILE)
    return html.encode("utf-8").replace(b"Right-to-left", b"Right\xff\xfe-to-left")  # invalid UTF-8


def _cp1252_page() -> bytes:
    teaser = RenderTeaser(19005, ZURICH, "Stadt Zürich", "Café, naïve, façade – “quoted”.")
    html = render_listing("Migration and Health", "/pfp/ppd/migration-and-health", 187, 0, 0, [teaser])
    return html.replace('charset=utf-8', 'charset=windows-1252').encode("cp1252")


@pytest.fixture(scope="module")
def hostile_crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("hostile")
    site = faulty_site(folder / "site", {HEALTH: {"headers": {
        "Content-Type": "text/html; charset=windows-1252"}}},
        bodies={EGYPT: _hostile_page(), HEALTH: _cp1252_page()})
    # In the order they are ingested: runs are stored in the order they were crawled.
    crawl(faulty_site(folder / "before", {}), folder / "before.jsonl")
    crawl(site, folder / "hostile.jsonl")
    return {"before": folder / "before.jsonl", "hostile": folder / "hostile.jsonl"}


@pytest.mark.scenario("hostile page: the crawl completes and each hostile teaser is read, bounded")
def test_hostile_pages_are_crawled_and_bounded(hostile_crawls: dict[str, Path]) -> None:
    path = hostile_crawls["hostile"]
    page, latin = page_record(path, EGYPT), page_record(path, HEALTH)
    assert (page["ok"], page["teasers"], latin["ok"], latin["teasers"]) == (True, 4, True, 1)
    assert max(len(line) for line in path.read_bytes().splitlines()) < 64 * 1024


@pytest.fixture
def hostile_changes(hostile_crawls: dict[str, Path], db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    factory = open_database(db_url)
    try:
        ingest_run_file(factory, restamped(hostile_crawls["before"], 1, tmp_path))
        run = ingest_run_file(factory, restamped(hostile_crawls["hostile"], 2, tmp_path))
        with factory() as session:
            changes = changes_between(session, None, run.run_id)
            longest = session.scalar(select(func.max(func.length(PledgeVersion.title))))
        yield changes, longest
    finally:
        factory.dispose()


@pytest.mark.scenario("hostile text: stored on both backends, titles bounded, reported as new")
def test_hostile_text_is_stored_and_bounded(hostile_changes) -> None:  # type: ignore[no-untyped-def]
    changes, longest = hostile_changes
    titles = {p.key: p.title for p in changes.new}
    assert sorted(titles) == [f"/pfp/ppd/{n}" for n in (19001, 19002, 19003, 19004, 19005)]
    assert longest <= 1000
    assert titles["/pfp/ppd/19005"] == ZURICH  # the declared windows-1252 page decoded right
    assert "\x00" not in "".join(titles.values())


@pytest.mark.scenario("hostile text: the HTML report escapes markup; text report has no controls or overrides")
def test_hostile_text_is_rendered_escaped(hostile_changes) -> None:  # type: ignore[no-untyped-def]
    changes, _ = hostile_changes
    report = render_report(changes)
    assert "<script" not in report.html and "<img" not in report.html
    assert "&lt;script&gt;" in report.html
    assert "href=\"javascript:" not in report.html and "href='javascript:" not in report.html
    for text in (report.text, report.html, report.subject):
        assert not set(text) & UNSAFE, repr(set(text) & UNSAFE)
    assert len(report.html) + len(report.text) < 200_000


@pytest.mark.scenario("hostile text: the Atom feed stays well-formed XML")
def test_hostile_text_keeps_the_feed_well_formed(hostile_changes, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    changes, _ = hostile_changes
    feed = tmp_path / "feed.xml"
    update_feed(feed, changes, site_name="gfmd.org")
    root = ET.parse(feed).getroot()
    assert len(root.findall("{http://www.w3.org/2005/Atom}entry")) >= 5
    assert "<script>" not in feed.read_text(encoding="utf-8")
