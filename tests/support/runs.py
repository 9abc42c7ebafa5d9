"""Builders for hand-written crawl files: the JSON Lines a crawl of a few terms would produce."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from pledgewatch.scraper.items import TeaserItem

SITE = "https://gfmd.org"


@dataclass(frozen=True)
class P:
    """A pledge as a listing shows it."""

    nid: int | None
    title: str | None
    summary: str
    author: str | None = "Ms. Anqi ZHANG"

    @property
    def url(self) -> str | None:
        return f"{SITE}/pfp/ppd/{self.nid}" if self.nid else None


def term_url(slug: str, vocabulary: str = "contributors") -> str:
    return f"{SITE}/{vocabulary}/{slug}"


def listing(slug: str, pledges: Sequence[P], *, vocabulary: str = "contributors",
            failed_pages: Iterable[int] = (), per_page: int = 10, status: int = 500,
            name: str | None = None) -> list[dict[str, Any]]:
    """Every page of one term: teasers, then the page record, ten to a page."""
    base, name = term_url(slug, vocabulary), name or slug.replace("-", " ").title()
    pages = [pledges[i : i + per_page] for i in range(0, len(pledges), per_page)] or [[]]
    last, failed, records = len(pages) - 1, set(failed_pages), []
    for number, chunk in enumerate(pages):
        url = base if number == 0 else f"{base}?page={number}"
        next_url = f"{base}?page={number + 1}" if number < last else None
        if number in failed:
            records.append({"type": "page", "url": url, "status": status, "term": None,
                            "term_url": base, "teasers": 0, "ok": False, "error": f"HTTP {status}",
                            "page": number, "last_page": None, "next_url": None,
                            "vocabulary": vocabulary})
            continue
        for position, pledge in enumerate(chunk):
            records.append({"type": "teaser", "url": pledge.url, "title": pledge.title,
                            "author": pledge.author, "submitted": None, "summary": pledge.summary,
                            "term": name, "term_url": base, "listing_url": url,
                            "position": position, "page": number, "vocabulary": vocabulary})
        records.append({"type": "page", "url": url, "status": 200, "term": name, "term_url": base,
                        "teasers": len(chunk), "ok": True, "error": None, "page": number,
                        "last_page": last, "next_url": next_url, "vocabulary": vocabulary,
                        "empty_term": not chunk})
    return records


def crawl_end(reason: str = "finished", stamp: str = "2026-03-01T06:00:00+00:00") -> dict[str, Any]:
    return {"type": "crawl", "started": stamp, "finished": stamp, "reason": reason,
            "source": "test", "parser_version": "test"}


# How lines are written: "any-order" puts "type" first with spaced separators, which the
# ingest must read the general way; "crawl-order" writes like the crawl (compact, fields in
# the item's order). The ingest must read both alike, on its plain and its fast path.
LINE_STYLES = ("any-order", "crawl-order")
_TEASER_ORDER = [f.name for f in fields(TeaserItem)]


def json_line(record: dict[str, Any], style: str = "any-order") -> str:
    if style == "any-order":
        return json.dumps(record, ensure_ascii=False)
    if record.get("type") == "teaser":
        ordered = {name: record[name] for name in _TEASER_ORDER if name in record}
        record = {**ordered, **{k: v for k, v in record.items() if k not in ordered}}
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_run(path: Path, *listings: list[dict[str, Any]], reason: str = "finished",
              stamp: str = "2026-03-01T06:00:00+00:00", style: str = "any-order") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for records in listings:
            for record in records:
                handle.write(json_line(record, style) + "\n")
        handle.write(json_line(crawl_end(reason, stamp), style) + "\n")
    return path


def restamped(path: Path, day: int, folder: Path) -> Path:
    """A copy of a run file as if crawled on day ``day`` of March 2026 (crawl and fetch times).

    Runs are stored in the order they were crawled; a test that crawls its sites in another
    order than its story (a shared healthy crawl, then a faulty one) gives them the story's.
    """
    stamp = f"2026-03-{day:02d}T06:00:00+00:00"
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"day-{day:02d}-{path.name}"
    with path.open(encoding="utf-8") as source, copy.open("w", encoding="utf-8") as out:
        for line in source:
            record = json.loads(line) if line.strip() else None
            if isinstance(record, dict):
                for name in ("started", "finished", "fetched_at"):
                    if record.get(name):
                        record[name] = stamp
                line = json.dumps(record, ensure_ascii=False) + ("\n" if line.endswith("\n") else "")
            out.write(line)
    return copy


def record_line(pledge: P, body: str | None = None, *, status: int = 200, why: str = "due",
           **fields: Any) -> dict[str, Any]:
    """A ``record`` line for a pledge's record page as the crawl writes it: 200 read whole
    (``body`` defaults to the pledge's summary), 304, 404/410 gone, or another status failed."""
    ok, gone = status in (200, 304), status in (404, 410)
    line = {"type": "record", "url": pledge.url, "why": why, "status": status, "ok": ok,
            "gone": gone, "not_modified": status == 304, "error": None if ok or gone else
            f"HTTP {status}", "title": pledge.title if status == 200 else None,
            "date_shared": "6 Nov 2023" if status == 200 else None,
            "body": (body or pledge.summary) if status == 200 else None, "countries": ["Chile"] if status == 200
            else [], "terms": [], "gfmd_source": [], "thematic_recollection": [],
            "etag": None, "last_modified": None, "digest": None,
            "fetched_at": "2026-03-01T06:00:00+00:00"}
    return {**line, **fields}
