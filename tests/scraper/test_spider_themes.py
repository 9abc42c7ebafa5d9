"""The real spider over loopback on sites in every theme family: each multi-page term is
crawled to its last page, and a later page that shows Drupal's empty-term message where its
teasers were is a failed page, not the end of the term."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import Entry, write_manifest
from pledgewatch.scraper.render import THEMES, RenderTeaser, render_listing

SITE = "https://gfmd.org"
FAST = {"RETRY_TIMES": 1, "DOWNLOAD_TIMEOUT": 2, "LOG_LEVEL": "WARNING"}
LOST_TEASERS = "/contributors/lost-teasers"  # page 2 of 3 shows the empty-term message


def teasers(first_nid: int, count: int) -> list[RenderTeaser]:
    return [RenderTeaser(first_nid - i, f"Pledge {first_nid - i}", "Ms. Anqi ZHANG", "Text.")
            for i in range(count)]


def write(root: Path, path: str, n: int, html: str) -> Entry:
    relative = f"pages{path}/page-{n}.html"
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_text(html, encoding="utf-8")
    return Entry(url=SITE + path + (f"?page={n}" if n else ""), body=relative)


def build_site(root: Path) -> list[str]:
    entries, terms = [], []
    for t, theme in enumerate(THEMES):
        path = f"/contributors/{theme.replace('_', '-')}"
        for n in range(3):
            html = render_listing(theme, path, 100 + t, n, 2, teasers(1000 * (t + 1) - 10 * n, 10 if n < 2 else 3),
                                  site="https://www.gfmd.org", theme=theme)
            entries.append(write(root, path, n, html))
        terms.append(SITE + path)
    for n in range(3):
        shown = teasers(9000 - 10 * n, 10) if n < 2 else []
        html = render_listing("Lost", LOST_TEASERS, 99, n, 2 if n < 2 else n, shown, theme="bootstrap")
        entries.append(write(root, LOST_TEASERS, n, html))
    terms.append(SITE + LOST_TEASERS)
    (root / "robots.txt").write_text("User-agent: *\n")
    entries.append(Entry(url=SITE + "/robots.txt", body="robots.txt"))
    write_manifest(root, entries, "theme families", SITE, terms)
    return terms


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    root = tmp_path_factory.mktemp("themes-site")
    build_site(root)
    out = root / "run.jsonl"
    run_crawl(out, replay=root, settings=FAST)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert records[-1]["type"] == "crawl" and records[-1]["reason"] == "finished"
    return {r["url"]: r for r in records if r["type"] == "page"}


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_is_crawled_to_its_last_page(pages, theme: str) -> None:
    url = f"{SITE}/contributors/{theme.replace('_', '-')}"
    found = [pages[url + q] for q in ("", "?page=1", "?page=2")]
    assert [(p["page"], p["last_page"], p["teasers"], p["ok"]) for p in found] == [
        (0, 2, 10, True), (1, 2, 10, True), (2, 2, 3, True)]
    assert [p["next_url"] for p in found] == [url + "?page=1", url + "?page=2", None]


def test_the_empty_term_message_on_a_later_page_is_a_failed_page(pages) -> None:
    record = pages[SITE + LOST_TEASERS + "?page=2"]
    assert (record["ok"], record["empty_term"], record["teasers"], record["status"]) == (False, False, 0, 200)
    assert record["error"].startswith("empty-term message on ?page=2")
