"""The site the demo publishes: what its pages say, and that an update rewrites only what changed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pledgewatch.config import Config, CrawlConfig, DatabaseConfig, MailConfig, ReportConfig
from pledgewatch.demo import SITES, DemoResult
from pledgewatch.pipeline import run_once
from pledgewatch.publish.build import publish_site
from pledgewatch.storage.db import open_session


def text_of(path: Path) -> str:
    """The page's text without tags, whitespace folded: what a reader sees."""
    html = path.read_text(encoding="utf-8")
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_demo_prints_an_index_that_lists_both_runs(demo: DemoResult, demo_site: Path):
    assert demo.site_index == demo_site / "index.html"
    index = demo_site.joinpath("index.html").read_text()
    assert 'href="runs/run-1.html"' in index and 'href="runs/run-2.html"' in index
    assert "1 new, 3 edited, 1 removed, 1 re-classified since run 1" in text_of(demo_site / "index.html")


def test_a_run_page_shows_the_six_changes_of_the_demo_with_links_to_pledges_and_terms(demo_site: Path):
    page = demo_site.joinpath("runs/run-2.html").read_text()
    for nid in (13301, 13234, 13171, 13185, 13122, 13150):  # fixtures/README.md: new, 3 edited, removed, moved
        assert f'href="../pledges/{nid}.html"' in page
    assert len(re.findall(r'<article class="entry', page)) == 6
    assert 'rel="prev" href="run-1.html"' in page and 'rel="next"' not in page
    assert 'rel="next" href="run-2.html"' in demo_site.joinpath("runs/run-1.html").read_text()
    assert "Removed from: " in text_of(demo_site / "runs/run-2.html")
    assert re.search(r'href="\.\./terms/2030-agenda[^"]*goal-11[^"]*\.html"', page)


def test_the_edited_summary_is_shown_as_inserted_words_on_the_pledge_page(demo_site: Path):
    page = demo_site.joinpath("pledges/13171.html").read_text()
    assert re.search(r"<ins><span class=\"visually-hidden\">\[inserted: </span>[^<]*and its new digital "
                     r"service portal", page)
    assert "Versions (2)" in page


def test_the_reclassified_pledge_shows_the_term_it_left(demo_site: Path):
    text = text_of(demo_site / "pledges/13150.html")
    assert "No longer under sdg" not in text  # vocabularies are shown as the site names them
    assert re.search(r"No longer under [\w-]+: Goal 11: Sustainable cities and communities", text)
    assert re.search(r"Listed under [\w-]+: Objective 16", text)


def test_the_removed_pledge_is_marked_no_longer_listed_and_searchable(demo_site: Path):
    assert "No longer listed" in text_of(demo_site / "pledges/13122.html")
    data = demo_site.joinpath("search-index.js").read_text()
    index = json.loads(data.removeprefix("window.PLEDGEWATCH_SEARCH = ").rstrip().removesuffix(";"))
    entry = next(e for e in index["pledges"] if e["p"] == "pledges/13122.html")
    assert entry["x"] == 1 and entry["t"].startswith("Welcoming San José Plan 2.0")
    assert len(index["pledges"]) == 27  # 26 before, one new, the removed one kept


def test_a_term_page_shows_who_joined_and_who_left(demo_site: Path):
    (goal_11,) = demo_site.glob("terms/*goal-11*.html")
    text = text_of(goal_11)
    assert "Listed now (6)" in text  # fixtures/README.md: 7 before, 6 after
    assert re.search(r"Removed: Carmen de La Legua", text) and re.search(r"Removed: Welcoming San José", text)


def test_the_a_to_z_pages_list_every_pledge_once(demo_site: Path):
    pages = list(demo_site.glob("az/*.html"))
    assert len(pages) == 27
    links = [link for page in pages for link in re.findall(r'href="\.\./(pledges/[^"]+)"', page.read_text())]
    assert len(links) == len(set(links)) == 27


def test_an_update_after_a_run_rewrites_only_the_changed_pledges(tmp_path: Path):
    config = Config(database=DatabaseConfig(url=f"sqlite:///{tmp_path / 'db.sqlite'}"),
                    crawl=CrawlConfig(runs_dir=tmp_path / "runs", plan="full"),
                    report=ReportConfig(dir=tmp_path / "reports"), mail=MailConfig(outbox_dir=tmp_path / "o"))
    site, full = tmp_path / "site", tmp_path / "full"
    run_once(config, replay=SITES / "before")
    with open_session(config.database.url) as session:
        first = publish_site(session, site)
    run_once(config, replay=SITES / "after")
    with open_session(config.database.url) as session:
        update = publish_site(session, site)
        again = publish_site(session, site)
        publish_site(session, full, full=True)
    assert first.full and first.pledges == 26 and first.runs_published == (1,)
    assert not update.full and update.runs_published == (2,)
    assert update.pledges == 6  # new, three edited, removed, re-classified; not the whitespace-only ones
    assert (again.pledges, again.terms, again.runs_published) == (0, 0, ())
    assert _files(site) == _files(full)  # an updated site is the site a full rebuild writes


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != "site-state.json"}
