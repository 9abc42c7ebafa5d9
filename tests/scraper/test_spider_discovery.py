"""Discovery mode: term links on record pages reveal terms the start list did not know."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import Entry, write_manifest
from pledgewatch.scraper.render import RenderTeaser, render_listing

SITE = "https://gfmd.org"
MEMBER_STATES = "/contributors/member-states"
FRANCE = "/chairmanship/france-2022-2023"
HEALTH = "/pfp/ppd/migration-and-health"  # linked, but the site has no such page: a 404


def record_page(nid: int, links: dict[str, str]) -> str:
    anchors = "".join(
        f'<div class="field-item"><a href="{href}" typeof="skos:Concept">{name}</a></div>'
        for href, name in links.items()
    )
    return f'<html><body><h1>Pledge {nid}</h1><div class="field">{anchors}</div></body></html>'


def build_site(root: Path) -> Path:
    files = {
        "pages/contributors/member-states/page-0.html": render_listing(
            "Member States", MEMBER_STATES, 7, 0, 0,
            [RenderTeaser(802, "Pledge 802", "Costanza Bindi", "B."),
             RenderTeaser(801, "Pledge 801", "Costanza Bindi", "A.")]),
        "pages/chairmanship/france-2022-2023/page-0.html": render_listing(
            "France 2022-2023", FRANCE, 9, 0, 0, [RenderTeaser(801, "Pledge 801", "Costanza Bindi", "A.")]),
        "pages/pfp/ppd/801.html": record_page(801, {MEMBER_STATES: "Member States", FRANCE: "France 2022-2023"}),
        "pages/pfp/ppd/802.html": record_page(802, {FRANCE: "France 2022-2023", HEALTH: "Migration and Health"}),
        "robots.txt": "User-agent: *\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    entries = [
        Entry(SITE + MEMBER_STATES, body="pages/contributors/member-states/page-0.html"),
        Entry(SITE + FRANCE, body="pages/chairmanship/france-2022-2023/page-0.html"),
        Entry(SITE + "/pfp/ppd/801", body="pages/pfp/ppd/801.html"),
        Entry(SITE + "/pfp/ppd/802", body="pages/pfp/ppd/802.html"),
        Entry(SITE + "/robots.txt", body="robots.txt"),
    ]
    write_manifest(root, entries, "discovery site", SITE, [SITE + MEMBER_STATES])
    return root


def crawl(root: Path, discover: bool) -> list[dict[str, Any]]:
    out = root / "run.jsonl"
    run_crawl(out, replay=root, discover=discover, settings={"LOG_LEVEL": "WARNING"})
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_without_discovery_only_the_start_terms_are_crawled(tmp_path: Path) -> None:
    records = crawl(build_site(tmp_path), discover=False)
    assert [r["url"] for r in records if r["type"] == "page"] == [SITE + MEMBER_STATES]
    assert not [r for r in records if r["type"] == "term"]


def test_discovery_reports_each_term_once_and_crawls_the_new_ones(tmp_path: Path) -> None:
    records = crawl(build_site(tmp_path), discover=True)
    terms = {r["url"]: r for r in records if r["type"] == "term"}
    assert {url: t["new"] for url, t in terms.items()} == {
        SITE + MEMBER_STATES: False,
        SITE + FRANCE: True,
        SITE + HEALTH: True,
    }
    assert terms[SITE + FRANCE]["name"] == "France 2022-2023"
    assert terms[SITE + FRANCE]["vocabulary"] == "chairmanship"
    assert terms[SITE + FRANCE]["found_on"] in {SITE + "/pfp/ppd/801", SITE + "/pfp/ppd/802"}
    pages = {r["url"]: r for r in records if r["type"] == "page"}
    assert set(pages) == {SITE + MEMBER_STATES, SITE + FRANCE, SITE + HEALTH}
    assert pages[SITE + FRANCE]["ok"] and not pages[SITE + HEALTH]["ok"]
    assert records[-1]["type"] == "crawl"
    assert records[-1]["start_urls"] == [SITE + MEMBER_STATES]  # discovered terms are not start URLs
