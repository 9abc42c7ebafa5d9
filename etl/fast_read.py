"""Optional speed path: a run file read as :func:`pledgewatch.etl.ingest.read_file` reads it,
each distinct teaser content checked and normalized once, in two halves that may run in two
processes.

The plain path takes every line through parse, check, :class:`Teaser`, derive and archive.
But a run repeats itself: a pledge's teaser says the same on each of its term pages. So:

* the **parse half** (:func:`parse_lines`) needs nothing but the file. It parses each line
  and checks a teaser line's fields; a teaser line it can vouch for becomes three numbers,
  the indexes of its content (the archive's :data:`CONTENT_FIELDS`), its context
  (:data:`CONTEXT_FIELDS`) and its listing URL, each distinct one's values handed on once,
  at first sight. Run apart in a worker, it knows them by digest and so holds no texts.
* the **take half** (:func:`take_lines`) normalizes each distinct content and context once
  and hands each teaser to the derive stage, the archive and the fetch log through the
  methods the plain path calls (``RunDeriver.add_listed``, ``ArchiveBuilder``'s chunk
  digests, ``FetchLog.listed``). Every other line, and any teaser line the parse half could
  not vouch for (a field the crawl writes missing, or one of another type), reaches it as
  read and goes the plain way, which gives the same values or the same error.

:func:`read_file` runs both halves in turn; :mod:`etl.read_ahead` runs the parse half of
the next file in a second process.

Optional: call ``etl.ingest.read_file`` instead and every result is the same.
``tests/etl/test_fast_read.py`` holds the two equal on generated runs, the fixtures and
malformed lines.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import operator
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pledgewatch.core.errors import InputError
from pledgewatch.etl.archive import CONTENT_FIELDS, CONTEXT_FIELDS, ArchiveBuilder, RunArchive
from pledgewatch.etl.derive import DerivedRun, RunDeriver, TeaserContent, teaser_content
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import StoredPages
from pledgewatch.etl.read import MAX_LINE_BYTES, parse_line, teaser_values_ok, typed_line

# Every field a teaser line of the crawl has, in one lookup (KeyError when one is absent).
_fields_of = operator.itemgetter("type", *CONTENT_FIELDS, *CONTEXT_FIELDS, "listing_url",
                                 "position", "page")
BATCH_LINES = 4096  # lines per batch the parse half hands on

TeaserItem = tuple[int, int, int]  # indexes of a teaser's content, context and listing URL
RawItem = tuple[int, bytes]  # any other line: its number and its bytes


@dataclass(slots=True)
class LineBatch:
    """Consecutive lines of a run file as the parse half hands them on. ``contents``,
    ``contexts`` and ``listings`` hold the values first met in this batch, in the order of
    their indexes."""

    lines: list[TeaserItem | RawItem] = field(default_factory=list)
    contents: list[tuple[Any, ...]] = field(default_factory=list)
    contexts: list[tuple[Any, ...]] = field(default_factory=list)
    listings: list[str | None] = field(default_factory=list)


def read_file(path: Path, stored: StoredPages, fetches: FetchLog,
              store_chunks: Callable[[dict[str, bytes]], None] | None = None
              ) -> tuple[DerivedRun, RunArchive]:
    """What ``etl.ingest.read_file`` returns for the same file, store and fetch log."""
    return take_lines(parse_lines(path), stored, fetches, store_chunks)


# -- the parse half ----------------------------------------------------------------------

@dataclass(slots=True)
class _Distinct:
    """The distinct values of some fields met so far in a file: known by the values themselves,
    or (``by_digest``) by a 128-bit digest of their JSON, which holds no text, for a parse half
    that runs apart from the take half. A tuple as a key takes ``0`` for ``False``, but only
    among values :func:`teaser_values_ok` refuses alike: a teaser's fields are texts or null,
    and its byline flag is checked to be a bool before it gets here."""

    names: tuple[str, ...]
    by_digest: bool
    known: dict[Any, int] = field(default_factory=dict)  # key -> index; -1: not valid
    count: int = 0  # valid ones

    def index(self, values: tuple[Any, ...], new: list[tuple[Any, ...]]) -> int:
        """The index of ``values`` among the valid ones, appended to ``new`` when first met;
        -1 when :func:`teaser_values_ok` refuses them."""
        try:
            key = hashlib.blake2b(orjson.dumps(values), digest_size=16).digest() \
                if self.by_digest else values
            index = self.known.get(key)
        except (orjson.JSONEncodeError, TypeError):  # a lone surrogate, a list: the plain path
            return -1                                 # judges it
        if index is None:
            index = -1
            if teaser_values_ok(self.names, values):
                index, self.count = self.count, self.count + 1
                new.append(values)
            self.known[key] = index
        return index


@dataclass(slots=True)
class _Indexes:
    contents: _Distinct
    contexts: _Distinct
    listings: dict[str | None, int] = field(default_factory=dict)


def parse_lines(path: Path, *, by_digest: bool = False) -> Iterator[LineBatch]:
    """The file's lines in batches, each teaser line the parse half can vouch for as a
    :data:`TeaserItem`, every other line as a :data:`RawItem`. ``by_digest``: hold no text
    (:class:`_Distinct`)."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    indexes = _Indexes(_Distinct(CONTENT_FIELDS, by_digest), _Distinct(CONTEXT_FIELDS, by_digest))
    batch = LineBatch()
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            batch.lines.append(_teaser_item(raw, indexes, batch) or (number, raw))
            if len(batch.lines) >= BATCH_LINES:
                yield batch
                batch = LineBatch()
    if batch.lines:
        yield batch


def _teaser_item(raw: bytes, indexes: _Indexes, batch: LineBatch) -> TeaserItem | None:
    if len(raw) > MAX_LINE_BYTES:
        return None
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    if type(record) is not dict:
        return None
    try:
        (kind, url, title, author, submitted, summary, term, term_url, vocabulary, author_position,
         truncated, listing_url, position, page) = _fields_of(record)
    except KeyError:  # an optional field absent: the plain path gives its default
        return None
    # The types etl.read.SCHEMAS gives the fields that are not part of a content or context.
    if not (kind == "teaser" and type(truncated) is bool and type(position) is int
            and (page is None or type(page) is int)
            and (listing_url is None or type(listing_url) is str)):
        return None
    content = indexes.contents.index((url, title, author, submitted, summary), batch.contents)
    context = indexes.contexts.index((term, term_url, vocabulary, author_position, truncated),
                                     batch.contexts)
    if content < 0 or context < 0:
        return None
    listing = indexes.listings.get(listing_url)
    if listing is None:
        listing = indexes.listings[listing_url] = len(indexes.listings)
        batch.listings.append(listing_url)
    return content, context, listing


# -- the take half -----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Content:
    """A distinct teaser content of the run, normalized, with what each of its lines hands on."""

    pledge: TeaserContent  # as the derive stage normalizes it
    digest: str  # its chunk in the archive
    record_url: str | None  # interned: one string for every teaser of the record


@dataclass(frozen=True, slots=True)
class _Context:
    term: str | None  # the derive stage's key of the term
    digest: str  # its chunk in the archive


class _Taker:
    """The take half over one run: distinct values made into :class:`_Content` and
    :class:`_Context` when their first teaser comes, as the plain path meets them."""

    def __init__(self, stored: StoredPages, fetches: FetchLog,
                 store_chunks: Callable[[dict[str, bytes]], None] | None) -> None:
        self.stored, self.fetches = stored, fetches
        self.deriver, self.archive = RunDeriver(), ArchiveBuilder(store_chunks)
        self._contents: list[_Content] = []
        self._contexts: list[_Context] = []
        self._listings: list[str | None] = []
        self._new_contents: deque[tuple[Any, ...]] = deque()
        self._new_contexts: deque[tuple[Any, ...]] = deque()
        self._summaries: dict[str, str] = {}

    def take(self, batch: LineBatch) -> None:
        self._new_contents.extend(batch.contents)
        self._new_contexts.extend(batch.contexts)
        self._listings.extend(batch.listings)
        contents, contexts, listings = self._contents, self._contexts, self._listings
        deriver, archive, fetches = self.deriver, self.archive, self.fetches
        for item in batch.lines:
            if len(item) == 3:
                content_index, context_index, listing_index = item
                content = contents[content_index] if content_index < len(contents) \
                    else self._next_content()
                context = contexts[context_index] if context_index < len(contexts) \
                    else self._next_context()
                listing = listings[listing_index]
                deriver.add_listed(listing, context.term, content.pledge)
                archive.add_teaser_parts(listing, content.digest, context.digest)
                fetches.listed(listing, content.record_url)
            else:
                number, raw = item
                for line in self.stored.expand(typed_line(parse_line(raw, number))):
                    fetches.see(line)
                    deriver.add(line)
                    archive.add(line)

    def _next_content(self) -> _Content:
        url, title, author, submitted, summary = self._new_contents.popleft()
        # A pledge's contents differ in a byline or a title more often than in its summary:
        # one string for each summary, and for each record URL.
        url = sys.intern(url) if url else url
        values = (url, title, author, submitted, self._summaries.setdefault(summary, summary))
        content = _Content(teaser_content(*values), self.archive.content_digest(values), url)
        self._contents.append(content)
        return content

    def _next_context(self) -> _Context:
        values = self._new_contexts.popleft()
        term, term_url, vocabulary = values[:3]
        context = _Context(self.deriver.term_of(term, term_url, vocabulary),
                           self.archive.context_digest(values))
        self._contexts.append(context)
        return context


def take_lines(batches: Iterable[LineBatch], stored: StoredPages, fetches: FetchLog,
               store_chunks: Callable[[dict[str, bytes]], None] | None = None
               ) -> tuple[DerivedRun, RunArchive]:
    """A run's derived values and archive from the parse half's batches, each fetch noted in
    ``fetches``: what :func:`read_file` returns."""
    taker = _Taker(stored, fetches, store_chunks)
    with collector_paused():
        for batch in batches:
            taker.take(batch)
        archived = taker.archive.result()
        return taker.deriver.result(), archived


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Reading a run makes a run's worth of objects and keeps most of them, and they hold no
    cycles: the cyclic collector, left on, would walk them again and again for nothing.
    Paused here only, in the optional paths: the plain path leaves it alone."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
