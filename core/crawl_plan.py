"""The crawl plan: what one run fetches, handed from the store's side to the spider as JSON.

The app computes it from the store (``etl/crawl_plan.py``) and writes it to a file beside the
run file; the spider reads it (``-a plan=FILE``). It is plain data so the crawl's child process
needs no database, and so an operator can read what a run was asked to do. See
docs/crawling.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pledgewatch.core.errors import InputError

Mode = Literal["full", "cover"]
Depth = Literal["all", "first"]
MODES: tuple[Mode, ...] = ("full", "cover")
DEPTHS: tuple[Depth, ...] = ("all", "first")


@dataclass(frozen=True, slots=True)
class TermFetch:
    """A term listing to read: every page (``all``) or page 0 only (``first``)."""

    url: str  # canonical listing URL, page 0
    depth: Depth = "all"


@dataclass(frozen=True, slots=True)
class Validators:
    """What the last response for a URL said of itself, for a conditional request; for a
    listing page also its stored pager fields and teaser count, so a 304 can be followed to
    the next page and counted without a body to parse."""

    etag: str | None = None
    last_modified: str | None = None
    next_url: str | None = None
    last_page: int | None = None
    teasers: int | None = None
    # The record URLs the stored copy lists: a 304 shows them as surely as a 200 would.
    records: tuple[str, ...] = ()

    def headers(self) -> dict[str, str]:
        out = {}
        if self.etag:
            out["If-None-Match"] = self.etag
        if self.last_modified:
            out["If-Modified-Since"] = self.last_modified
        return out


@dataclass(frozen=True, slots=True)
class CrawlPlan:
    mode: Mode
    terms: tuple[TermFetch, ...]
    known: dict[str, str] = field(default_factory=dict)  # record URL -> teaser fingerprint
    due: tuple[str, ...] = ()  # record URLs to re-read this run
    validators: dict[str, Validators] = field(default_factory=dict)  # fetched URL -> validators

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "terms": [{"url": t.url, "depth": t.depth} for t in self.terms],
            "known": dict(self.known),
            "due": list(self.due),
            "validators": {url: _validators_json(v) for url, v in self.validators.items()},
        }

    def write(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_json(), ensure_ascii=False, indent=0) + "\n",
                        encoding="utf-8")


def _validators_json(v: Validators) -> dict[str, Any]:
    out: dict[str, Any] = {"etag": v.etag, "last_modified": v.last_modified}
    out.update({name: value for name, value in (("next_url", v.next_url),
                ("last_page", v.last_page), ("teasers", v.teasers)) if value is not None})
    if v.records:
        out["records"] = list(v.records)
    return out


def _validators_of(v: dict[str, Any]) -> Validators:
    def optional(name: str, kind: type) -> Any:
        value = v.get(name)
        if value is not None and type(value) is not kind:
            raise ValueError(f"{name} must be {kind.__name__} or null, got {value!r}")
        return value

    records = v.get("records") or []
    if type(records) is not list or not all(type(url) is str for url in records):
        raise ValueError(f"records must be a list of URLs, got {records!r}")
    return Validators(optional("etag", str), optional("last_modified", str),
                      optional("next_url", str), optional("last_page", int),
                      optional("teasers", int), tuple(records))


def plan_from_json(data: Any, source: str = "crawl plan") -> CrawlPlan:
    """Check and type a plan read from JSON; a malformed one is an :class:`InputError`."""
    try:
        mode = data["mode"]
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        terms = []
        for item in data["terms"]:
            depth = item.get("depth", "all")
            if depth not in DEPTHS:
                raise ValueError(f"depth must be one of {DEPTHS}, got {depth!r}")
            terms.append(TermFetch(str(item["url"]), depth))
        known = {str(url): str(fp) for url, fp in (data.get("known") or {}).items()}
        due = tuple(str(url) for url in data.get("due") or ())
        validators = {str(url): _validators_of(v)
                      for url, v in (data.get("validators") or {}).items()}
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise InputError(f"{source}: not a crawl plan ({error})") from None
    return CrawlPlan(mode, tuple(terms), known, due, validators)


def read_plan(path: Path) -> CrawlPlan:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise InputError(f"{path}: cannot read the crawl plan ({error})") from None
    return plan_from_json(data, str(path))
