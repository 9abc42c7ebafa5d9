"""Optional speed path: a run file read as :func:`pledgewatch.etl.ingest.read_file` reads it,
each distinct teaser content checked and normalized once.

The plain path takes every line through parse, check, :class:`Teaser`, derive and archive.
But a run repeats itself: a pledge's teaser says the same on each of its term pages. Here a
teaser line is still parsed whole, but its content (the archive's :data:`CONTENT_FIELDS`)
and its context (:data:`CONTEXT_FIELDS`) are looked up in the run's memos, which hold them
already checked and normalized; only its place (listing URL, position, page) is checked line
by line. The derive stage, the archive and the fetch log receive the
same values through the same methods the plain path calls (``RunDeriver.add_listed``,
``ArchiveBuilder.add_teaser``, ``FetchLog.listed``).

Every other line, and any teaser line the memos cannot vouch for (a field the crawl writes
missing, or one of another type), goes the plain way, which gives the same values or the
same error.

Optional: call ``etl.ingest.read_file`` instead and every result is the same.
``tests/etl/test_fast_read.py`` holds the two equal on generated runs, the fixtures and
malformed lines.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import orjson

from pledgewatch.core.errors import InputError
from pledgewatch.etl.archive import CONTENT_FIELDS, CONTEXT_FIELDS, ArchiveBuilder, RunArchive
from pledgewatch.etl.derive import DerivedRun, RunDeriver, TeaserContent, teaser_content
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import StoredPages
from pledgewatch.etl.read import (
    MAX_LINE_BYTES,
    check_record,
    parse_line,
    teaser_values_ok,
    typed_line,
)

# Every field a teaser line of the crawl has, in one lookup (KeyError when one is absent).
_fields_of = operator.itemgetter("type", *CONTENT_FIELDS, *CONTEXT_FIELDS, "listing_url",
                                 "position", "page")


@dataclass(frozen=True, slots=True)
class _Content:
    """A distinct teaser content of the run, checked, with what each of its lines hands on."""

    values: tuple[Any, ...]  # the line's values of CONTENT_FIELDS
    pledge: TeaserContent  # as the derive stage normalizes them
    digest: str  # its chunk in the archive
    record_url: str | None  # interned: one string for every teaser of the record


@dataclass(frozen=True, slots=True)
class _Context:
    """A distinct teaser context of the run, checked."""

    values: tuple[Any, ...]  # the line's values of CONTEXT_FIELDS
    term: str | None  # the derive stage's key of the term
    digest: str  # its chunk in the archive


@dataclass(slots=True)
class _Memos:
    """One run's distinct contents and contexts, checked: a pledge's teasers repeat its content
    on each of its term pages. (Texts met in earlier runs are remembered by ``core.text``.)"""

    contents: dict[tuple[Any, ...], _Content | bool] = field(default_factory=dict)  # False: not valid
    contexts: dict[tuple[Any, ...], _Context | bool] = field(default_factory=dict)


def read_file(path: Path, stored: StoredPages, fetches: FetchLog,
              store_chunks: Callable[[dict[str, bytes]], None] | None = None
              ) -> tuple[DerivedRun, RunArchive]:
    """What ``etl.ingest.read_file`` returns for the same file, store and fetch log."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    deriver, archive = RunDeriver(), ArchiveBuilder(store_chunks)
    memos = _Memos()
    with path.open("rb") as handle, collector_paused():
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            record = _parsed(raw, number)
            if not _add_teaser(record, memos, deriver, archive, fetches):
                for line in stored.expand(typed_line(check_record(record, number))):
                    fetches.see(line)
                    deriver.add(line)
                    archive.add(line)
    archived = archive.result()
    return deriver.result(), archived


def _parsed(raw: bytes, number: int) -> Any:
    if len(raw) <= MAX_LINE_BYTES:
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
    return parse_line(raw, number)  # raises the plain reader's error


def _add_teaser(record: Any, memos: _Memos, deriver: RunDeriver, archive: ArchiveBuilder,
                fetches: FetchLog) -> bool:
    """Take a teaser line the memos vouch for; False (nothing taken) for any other line."""
    if type(record) is not dict:
        return False
    try:
        (kind, url, title, author, submitted, summary, term, term_url, vocabulary, author_position,
         truncated, listing_url, position, page) = _fields_of(record)
    except KeyError:  # an optional field absent: the plain path gives its default
        return False
    if kind != "teaser":
        return False
    try:
        key = (url, title, author, submitted, summary)
        content = memos.contents.get(key)
        if content is None:
            content = memos.contents[key] = _checked_content(key, archive)
        key = (term, term_url, vocabulary, author_position, truncated)
        context = memos.contexts.get(key)
        if context is None:
            context = memos.contexts[key] = _checked_context(key, deriver, archive)
    except TypeError:  # a list where a text belongs
        return False
    # The types etl.read.SCHEMAS gives these fields. A memo could not tell them, as its keys
    # compare equal across types (0 == False == 0.0).
    if not (content and context and type(truncated) is bool and type(position) is int
            and (page is None or type(page) is int)
            and (listing_url is None or type(listing_url) is str)):
        return False
    content, context = cast(_Content, content), cast(_Context, context)
    deriver.add_listed(listing_url, context.term, content.pledge)
    archive.add_teaser_parts(listing_url, content.digest, context.digest)
    fetches.listed(listing_url, content.record_url)
    return True


def _checked_content(values: tuple[Any, ...], archive: ArchiveBuilder) -> _Content | bool:
    if not teaser_values_ok(CONTENT_FIELDS, values):
        return False
    url = values[0]
    return _Content(values, teaser_content(*values), archive.content_digest(values),
                    sys.intern(url) if url else url)


def _checked_context(values: tuple[Any, ...], deriver: RunDeriver,
                     archive: ArchiveBuilder) -> _Context | bool:
    if not teaser_values_ok(CONTEXT_FIELDS, values):
        return False
    term, term_url, vocabulary = values[:3]
    return _Context(values, deriver.term_of(term, term_url, vocabulary),
                    archive.context_digest(values))


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
