"""Streaming a crawl file: one chunk per listing page, teasers split by :mod:`etl.lines`.

The reader holds one page's lines at a time, so memory does not grow with the
size of the run. It parses a teaser's content only the first time its digest
turns up; ``known`` holds the content digests earlier runs already checked.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.lines import TeaserLine, TeaserSplitter, parse_content
from etl.runfile import MAX_LINE_BYTES, parse_line
from pledgewatch.errors import InputError


@dataclass(slots=True)
class PageChunk:
    """One listing page's records: its teasers and (normally) its page record."""

    listing_url: str
    teasers: list[TeaserLine] = field(default_factory=list)
    page: dict[str, Any] | None = None


@dataclass(slots=True)
class RunMeta:
    """Run-level records: the closing crawl record and discovered terms."""

    crawl: dict[str, Any] | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)


def read_chunks(path: Path, meta: RunMeta, known: Container[str] = frozenset()) -> Iterator[PageChunk]:
    """Yield one chunk per listing page, in file order; fill ``meta`` as run records pass by."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    with path.open("rb") as handle:
        yield from chunk_lines(enumerate(handle, start=1), meta, known)


def chunk_lines(lines: Iterable[tuple[int, bytes]], meta: RunMeta,
                known: Container[str] = frozenset()) -> Iterator[PageChunk]:
    """Group numbered raw lines into page chunks; shared by ingest and re-processing."""
    splitter = TeaserSplitter()
    checked: set[str] = set()  # content digests parsed and checked in this run
    current: PageChunk | None = None
    for line_number, raw in lines:
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(f"line {line_number}: longer than {MAX_LINE_BYTES} bytes")
        teaser = splitter.fast(raw, line_number)
        if teaser is not None and teaser.content_digest not in known \
                and teaser.content_digest not in checked:
            teaser.content = parse_content(teaser.content_data, line_number)
            if teaser.content is None:
                teaser = None  # not the plain content fields: read the whole line instead
        if teaser is None:
            if not raw.strip():
                continue
            record = parse_line(raw, line_number)
            kind = record["type"]
            if kind == "crawl":
                meta.crawl = record
                continue
            if kind == "term":
                meta.terms.append(record)
                continue
            if kind == "teaser":
                teaser = splitter.slow(record, line_number)
        if teaser is not None and teaser.content is not None:
            checked.add(teaser.content_digest)
        listing = (teaser.listing_url if teaser is not None else record["url"]) or "(unknown listing)"
        if current is None or current.listing_url != listing or current.page is not None:
            if current is not None:
                yield current
            current = PageChunk(listing)
        if teaser is not None:
            current.teasers.append(teaser)
        else:
            current.page = record
    if current is not None:
        yield current
