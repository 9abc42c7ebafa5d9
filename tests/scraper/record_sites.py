"""Helpers for spider tests with record pages: a fixture site with records, and a replayed
crawl given a crawl plan (``-a plan=FILE``)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pledgewatch.core.crawl_plan import CrawlPlan
from pledgewatch.scraper.crawl import REPLAY_SETTINGS, _run, _Spec
from pledgewatch.scraper.fixture_site import Entry, FixtureServer, body_path, load_site, write_manifest
from pledgewatch.scraper.parsing import RecordPage
from pledgewatch.scraper.render import RenderTeaser, render_listing, render_record_page

SITE = "https://gfmd.org"
FAST = {"RETRY_TIMES": 1, "RETRY_BACKOFF_BASE": 0.05, "DOWNLOAD_TIMEOUT": 1, "LOG_LEVEL": "WARNING"}


def record_url(nid: int) -> str:
    return f"{SITE}/pfp/ppd/{nid}"


def teaser(nid: int) -> RenderTeaser:
    return RenderTeaser(nid, f"Pledge {nid}", "Ms. Anqi ZHANG", f"Summary of {nid}.")


def record(nid: int) -> RecordPage:
    return RecordPage(url=record_url(nid), title=f"Pledge {nid}", date_shared="Friday, March 17, 2023 - 16:39",
                      body=f"Summary of {nid}.\n\nMore of {nid}.",
                      terms=((SITE + "/contributors/member-states", "Member States"),))


class SiteBuilder:
    """A fixture site written entry by entry."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.entries: list[Entry] = []
        self.terms: list[str] = []
        (root / "robots.txt").write_text("User-agent: *\nDisallow: /admin/\n", encoding="utf-8")
        self.entries.append(Entry(url=SITE + "/robots.txt", body="robots.txt"))

    def add(self, url: str, html: str | None, **fault: Any) -> None:
        relative = None
        if html is not None:
            relative = body_path(url)
            (self.root / relative).parent.mkdir(parents=True, exist_ok=True)
            (self.root / relative).write_text(html, encoding="utf-8")
        self.entries.append(Entry(url=url, body=relative, **fault))

    def listing(self, path: str, teasers: list[RenderTeaser], **fault: Any) -> None:
        self.add(SITE + path, render_listing(path.rsplit("/", 1)[1], path, 7, 0, 0, teasers), **fault)
        self.terms.append(SITE + path)

    def record(self, nid: int, markup: str = "d7", **fault: Any) -> None:
        self.add(record_url(nid), render_record_page(record(nid), markup=markup, likes=nid % 90), **fault)

    def write(self) -> Path:
        write_manifest(self.root, self.entries, "records test site", SITE, self.terms)
        return self.root


def crawl_with_plan(root: Path, plan: CrawlPlan | None, out: Path,
                    settings: Mapping[str, Any] = FAST) -> list[dict[str, Any]]:
    """Replay the site with the plan; the run file's lines."""
    site = load_site(root)
    args: dict[str, Any] = {"discover": "0", "terms": list(site.terms)}
    if plan is not None:
        plan.write(out.with_suffix(".plan.json"))
        args["plan"] = str(out.with_suffix(".plan.json"))
    with FixtureServer(site) as server:
        args["base_url"] = server.url
        child = {"PLEDGEWATCH_SOURCE": f"replay:{root}", **REPLAY_SETTINGS, **settings}
        _run(_Spec(str(out), args, child), timeout=120)
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def record_lines(lines: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The record lines by URL (the crawl writes at most one per URL)."""
    found = [line for line in lines if line["type"] == "record"]
    by_url = {line["url"]: line for line in found}
    assert len(by_url) == len(found), "a record was read twice"
    return by_url
