"""Optional speed path: a run file read as :func:`pledgewatch.etl.ingest.read_file` reads it,
each distinct teaser content checked and normalized once, in parts that may run in two
processes.

The plain path takes every line through parse, check, :class:`Teaser`, derive and archive.
But a run repeats itself: a pledge's teaser says the same on each of its term pages. So:

* the **parse half** (:func:`parse_lines`) needs nothing but the file. It parses each line
  and checks a teaser line's fields; a teaser line it can vouch for becomes three numbers,
  the indexes of its content (the archive's :data:`CONTENT_FIELDS`), its context
  (:data:`CONTEXT_FIELDS`) and its listing URL, each distinct one's values handed on once,
  at first sight; consecutive teasers of one listing page go as one :data:`TeaserGroup`.
  Run apart in a worker, it knows contents by digest and so holds none of their texts.
* the **take half** (:func:`take_lines`) hands each teaser to the archive, the fetch log
  and the derive stage through the methods the plain path calls, a listing page's
  consecutive teasers at a time. It has two parts:

  - the **file part** (:class:`FileTaker`) normalizes each distinct content once and feeds
    the archive and the fetch log (``ArchiveBuilder.add_page_parts``,
    ``FetchLog.listed_page``). Every other line, and any teaser line the parse half could
    not vouch for (a field the crawl writes missing, or one of another type), it reads as
    the plain path does, which gives the same values or the same error. It hands on a
    :class:`DeriveBatch`;
  - the **derive part** (:class:`DeriveTaker`) feeds the derive stage
    (``RunDeriver.add_listed_page``, ``RunDeriver.add``).

:func:`read_file` runs them all in turn; :mod:`etl.read_ahead` runs the parse half and the
file part in a second process.

Optional: call ``etl.ingest.read_file`` instead and every result is the same.
``tests/etl/test_fast_read.py`` holds the two equal on generated runs, the fixtures and
malformed lines, with the parts in one process and apart.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import operator
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import orjson

from pledgewatch.core.errors import InputError
from pledgewatch.etl.archive import (
    CONTENT_FIELDS,
    CONTEXT_FIELDS,
    ArchiveBuilder,
    FileDigest,
    RunArchive,
)
from pledgewatch.etl.derive import DerivedRun, RunDeriver, TeaserContent, teaser_content
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import StoredPages
from pledgewatch.etl.read import (
    MAX_LINE_BYTES,
    RunLine,
    parse_line,
    teaser_values_ok,
    typed_line,
)

# Every field a teaser line of the crawl has, in one lookup (KeyError when one is absent).
_fields_of = operator.itemgetter("type", *CONTENT_FIELDS, *CONTEXT_FIELDS, "listing_url",
                                 "position", "page")
BATCH_LINES = 4096  # lines per batch the parse half hands on

_TeaserIndexes = tuple[int, int, int]  # indexes of a teaser's content, context and listing URL
# Consecutive teasers of one listing page: its listing URL's index, and each teaser's content
# and context indexes, in order.
TeaserGroup = tuple[int, list[int], list[int]]
RawItem = tuple[int, bytes]  # any other line: its number and its bytes


@dataclass(slots=True)
class LineBatch:
    """Consecutive lines of a run file as the parse half hands them on. ``contents``,
    ``contexts`` and ``listings`` hold the values first met in this batch, in the order of
    their indexes."""

    lines: list[TeaserGroup | RawItem] = field(default_factory=list)
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


def parse_lines(path: Path, *, by_digest: bool = False,
                digest: FileDigest | None = None) -> Iterator[LineBatch]:
    """The file's lines in batches of about :data:`BATCH_LINES`: the teaser lines the parse
    half can vouch for in :data:`TeaserGroup` items, every other line as a :data:`RawItem`.
    ``by_digest``: hold no text of a content (:class:`_Distinct`); ``digest``: takes the
    file's bytes as they are read."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    # Contexts, a few hundred in a run and short, are known by their values either way.
    indexes = _Indexes(_Distinct(CONTENT_FIELDS, by_digest), _Distinct(CONTEXT_FIELDS, False))
    batch, count = LineBatch(), 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if digest is not None:
                digest.update(raw)
            if not raw.strip():
                continue
            item = _teaser_item(raw, indexes, batch)
            if item is None:
                batch.lines.append((number, raw))
            else:
                _group(batch.lines, *item)
            count += 1
            if count >= BATCH_LINES:
                yield batch
                batch, count = LineBatch(), 0
    if batch.lines:
        yield batch


def _group(lines: list[TeaserGroup | RawItem], content: int, context: int, listing: int) -> None:
    """A teaser joins the group before it when that one is of the same listing page."""
    last = lines[-1] if lines else None
    if last is not None and len(last) == 3 and last[0] == listing:
        last[1].append(content)
        last[2].append(context)
    else:
        lines.append((listing, [content], [context]))


def _teaser_item(raw: bytes, indexes: _Indexes, batch: LineBatch) -> _TeaserIndexes | None:
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


# -- the take half: its file part and its derive part -------------------------------------

@dataclass(slots=True)
class DeriveBatch:
    """A batch as the file part hands it to the derive part: each content first met in it
    normalized (:func:`teaser_content`), each context first met in it as its term's name, URL
    and vocabulary, and every line not in a :data:`TeaserGroup` typed (a page answered 304
    already replaced by its stored copy)."""

    lines: list[TeaserGroup | RunLine]
    contents: list[TeaserContent]
    terms: list[tuple[Any, Any, Any]]
    listings: list[str | None]


class FileTaker:
    """The file part of the take half over one run: the archive and the fetch log, each
    distinct content normalized once. It holds a digest and a record URL per distinct content,
    no text, so a worker can run it ahead of the derive part (:mod:`etl.read_ahead`)."""

    def __init__(self, stored: StoredPages, fetches: FetchLog,
                 store_chunks: Callable[[dict[str, bytes]], None] | None = None) -> None:
        self.stored, self.fetches = stored, fetches
        self.archive = ArchiveBuilder(store_chunks)
        # By content index: its chunk's digest, its record URL. Two lists: a tuple for each
        # of a run's distinct contents would cost as much as the digests.
        self._digests: list[str] = []
        self._record_urls: list[str | None] = []
        self._contexts: list[str] = []  # by index: chunk digest
        self._listings: list[str | None] = []
        self._new_contents: deque[tuple[Any, ...]] = deque()
        self._new_contexts: deque[tuple[Any, ...]] = deque()

    def take(self, batch: LineBatch) -> DeriveBatch:
        self._new_contents.extend(batch.contents)
        self._new_contexts.extend(batch.contexts)
        self._listings.extend(batch.listings)
        out = DeriveBatch([], [], [values[:3] for values in batch.contexts], batch.listings)
        for item in batch.lines:
            if len(item) == 3:
                self._take_group(*item, out.contents)
                out.lines.append(item)
            else:
                number, raw = item
                for line in self.stored.expand(typed_line(parse_line(raw, number))):
                    self.fetches.see(line)
                    self.archive.add(line)
                    out.lines.append(line)
        return out

    def result(self) -> RunArchive:
        return self.archive.result()

    def _take_group(self, listing_index: int, content_indexes: list[int],
                    context_indexes: list[int], new: list[TeaserContent]) -> None:
        known, known_contexts = self._digests, self._contexts
        for content, context in zip(content_indexes, context_indexes, strict=True):
            # A new one is the next one: indexes are given in the order first met, and met
            # here in the same order, a content before its context as the plain path does.
            if content >= len(known):
                self._add_content(new)
            if context >= len(known_contexts):
                self._add_context()
        listing = self._listings[listing_index]
        self.archive.add_page_parts(listing, [known[content] for content in content_indexes],
                                    [known_contexts[context] for context in context_indexes])
        self.fetches.listed_page(listing, [self._record_urls[content]
                                           for content in content_indexes])

    def _add_content(self, new: list[TeaserContent]) -> None:
        values = self._new_contents.popleft()
        new.append(teaser_content(*values))
        self._digests.append(self.archive.content_digest(values, remember=False))
        self._record_urls.append(sys.intern(values[0]) if values[0] else values[0])

    def _add_context(self) -> None:
        self._contexts.append(self.archive.context_digest(self._new_contexts.popleft()))


class DeriveTaker:
    """The derive part of the take half over one run: the batches :class:`FileTaker` hands
    on, to the derive stage through the methods the plain path calls."""

    def __init__(self) -> None:
        self.deriver = RunDeriver()
        self._contents: list[TeaserContent] = []
        self._terms: list[str | None] = []
        self._listings: list[str | None] = []
        self._new_terms: deque[tuple[Any, Any, Any]] = deque()
        self._summaries: dict[str, str] = {}

    def take(self, batch: DeriveBatch) -> None:
        # A pledge's contents differ in a byline or a title more often than in its summary:
        # one string for each summary, however the batches came.
        for content in batch.contents:
            summary = self._summaries.setdefault(content.summary, content.summary)
            self._contents.append(content if summary is content.summary
                                  else _with_summary(content, summary))
        self._new_terms.extend(batch.terms)
        self._listings.extend(batch.listings)
        for item in batch.lines:
            if isinstance(item, tuple):
                self._take_group(*item)
            else:
                self.deriver.add(item)

    def result(self) -> DerivedRun:
        return self.deriver.result()

    def _take_group(self, listing_index: int, content_indexes: list[int],
                    context_indexes: list[int]) -> None:
        contents, known_terms, terms = self._contents, self._terms, []
        for context in context_indexes:  # a new term is opened when met, as the plain path does
            terms.append(known_terms[context] if context < len(known_terms)
                         else self._next_term())
        self.deriver.add_listed_page(self._listings[listing_index], terms,
                                     [contents[content] for content in content_indexes])

    def _next_term(self) -> str | None:
        term = self.deriver.term_of(*self._new_terms.popleft())
        self._terms.append(term)
        return term


_ALL_BUT_SUMMARY = operator.attrgetter(*(field.name for field in fields(TeaserContent)
                                         if field.name != "summary"))
assert fields(TeaserContent)[-1].name == "summary", "_with_summary gives the summary last"


def _with_summary(content: TeaserContent, summary: str) -> TeaserContent:
    """``dataclasses.replace(content, summary=summary)``, without its look at the fields."""
    return TeaserContent(*_ALL_BUT_SUMMARY(content), summary)  # type: ignore[call-arg]


def take_lines(batches: Iterable[LineBatch], stored: StoredPages, fetches: FetchLog,
               store_chunks: Callable[[dict[str, bytes]], None] | None = None
               ) -> tuple[DerivedRun, RunArchive]:
    """A run's derived values and archive from the parse half's batches, each fetch noted in
    ``fetches``: what :func:`read_file` returns."""
    files, deriving = FileTaker(stored, fetches, store_chunks), DeriveTaker()
    with collector_paused():
        for batch in batches:
            deriving.take(files.take(batch))
        archived = files.result()
        return deriving.result(), archived


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
