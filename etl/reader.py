"""Streaming a crawl file: one chunk per listing page, teasers split by :mod:`etl.lines`.

The reader holds one page's lines at a time, so memory does not grow with the
size of the run. It parses a teaser's content only the first time its digest
turns up; ``known`` holds the content digests earlier runs already checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pledgewatch.core import text as nz
from pledgewatch.etl.lines import TeaserContent, TeaserContext, TeaserSplitter, parse_content
from pledgewatch.etl.merge import record_key
from pledgewatch.etl.runfile import MAX_LINE_BYTES, parse_line
from pledgewatch.core.errors import InputError


@dataclass(slots=True)
class PageChunk:
    """One listing page's records: its teasers, column by column, and (normally) its page record.

    Columns rather than an object per teaser: a run has tens of thousands of lines, and the
    stages after the reader only join or zip them.
    """

    listing_url: str
    keys: list[str | None] = field(default_factory=list)  # each teaser's pledge key, in order
    contents: list[str] = field(default_factory=list)  # each teaser's content digest
    contexts: list[str] = field(default_factory=list)  # each teaser's context digest
    # Contents parsed (checked and keyed) on this page: those no earlier run read and this run
    # had not met yet, as (digest, JSON). The text is read again where a merge needs it: a
    # first run holds every one until the end, and bytes weigh less than parsed fields.
    parsed: list[tuple[str, bytes]] = field(default_factory=list)
    new_contexts: list[TeaserContext] = field(default_factory=list)  # first met on this page
    page: dict[str, Any] | None = None
    # The page's line in the run's page list, and its page record as stored (etl/pages.py).
    page_digest: str = ""
    page_data: bytes = b""
    entry: bytes = b""
    compressed: list[bytes] = field(default_factory=list)  # each parsed content, as stored

    @property
    def teasers(self) -> int:
        return len(self.contents)

    def __reduce__(self) -> tuple[type[PageChunk], tuple[Any, ...]]:
        """Pickled as its fields in order: the reading child sends chunks by the ten thousand
        (etl/readahead.py), and a constructor call loads faster than the slots dataclass's own
        state, which is set attribute by attribute."""
        return PageChunk, tuple([getattr(self, name) for name in _CHUNK_FIELDS])


_CHUNK_FIELDS = tuple(f.name for f in fields(PageChunk))


@dataclass(slots=True)
class RunMeta:
    """Run-level records: the closing crawl record and discovered terms."""

    crawl: dict[str, Any] | None = None
    terms: list[dict[str, Any]] = field(default_factory=list)


def read_chunks(path: Path, meta: RunMeta, keys: dict[str, str | None]) -> Iterator[PageChunk]:
    """Yield one chunk per listing page, in file order; fill ``meta`` as run records pass by."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    with path.open("rb") as handle:
        yield from chunk_lines(enumerate(handle, start=1), meta, keys)


def chunk_lines(lines: Iterable[tuple[int, bytes]], meta: RunMeta,
                keys: dict[str, str | None]) -> Iterator[PageChunk]:
    """Group numbered raw lines into page chunks; shared by ingest and re-processing.

    ``keys`` maps each content digest already checked (by an earlier run, or earlier
    in this one) to its pledge key. A digest not in it is parsed, checked, keyed and
    added, and its content handed on in the chunk's ``parsed``.

    This loop runs once per line of every run: keep it flat.
    """
    splitter = TeaserSplitter()
    fast = splitter.fast
    current = PageChunk("")
    current.page = {}  # a closed placeholder: the first line starts a chunk
    started = False
    for line_number, raw in lines:
        if len(raw) > MAX_LINE_BYTES:
            raise InputError(f"line {line_number}: longer than {MAX_LINE_BYTES} bytes")
        split = fast(raw, line_number)
        content = None
        key = keys.get(split[0], _UNKNOWN) if split is not None else _UNKNOWN
        if key is _UNKNOWN and split is not None:
            content = parse_content(split[1] + b"}", line_number)
            if content is None:
                split = None  # not the plain content fields: read the whole line instead
        if split is None:
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
            if kind != "teaser":  # a page record closes its page's chunk
                listing = record["url"] or "(unknown listing)"
                if current.listing_url != listing or current.page is not None:
                    if started:
                        yield current
                    current, started = PageChunk(listing), True
                current.page = record
                continue
            split, content = splitter.slow(record, line_number)
            key = keys.get(split[0], _UNKNOWN)
        listing = split[3] or "(unknown listing)"
        if current.listing_url != listing or current.page is not None:
            if started:
                yield current
            current, started = PageChunk(listing), True
        digest = split[0]
        if key is _UNKNOWN:
            key = keys[digest] = pledge_key(content)
            current.parsed.append((digest, split[1] + b"}"))
        current.keys.append(key)
        current.contents.append(digest)
        current.contexts.append(split[2].digest)
        if splitter.new_contexts:
            current.new_contexts.extend(splitter.take_new_contexts())
    if started:
        yield current


_UNKNOWN = object()  # a content digest not in the keys (a key may be None)


def pledge_key(content: TeaserContent) -> str | None:
    """The canonical record URL's key; a title key only when the teaser has no URL (text
    snapshots); None when it has neither."""
    key = record_key(content.url)
    if key is None:
        title = nz.clean_title(content.title)
        key = nz.title_key(title) if title else None
    return key
