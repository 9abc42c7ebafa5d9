"""One teaser line → its content, its context and its place on the page.

A run repeats itself: each pledge is listed on about eight term pages, and a
quiet day reprints yesterday's teasers word for word, only at other positions.
So a teaser is split three ways:

* **content**: ``url``, ``title``, ``author``, ``submitted``, ``summary``, what
  the pledge says. Stored once per distinct text, usually once per pledge.
* **context**: the term it was listed under and how the byline was printed
  (everything else but the position). A few hundred distinct values per run.
* **place**: ``listing_url``, ``position``, ``page``; never stored with the
  teaser, the page observation keeps the order.

The crawl writes the content fields first, so the bytes before ``,"term":`` are
the content as published. The fast path digests those bytes and parses only the
short rest of the line; content is parsed only when its digest is new. A line
that does not have that shape (another writer, extra fields in the content part)
takes the slow path: parsed whole, checked, and split the same way. Both paths
check every field the ETL reads and name the line when one is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import orjson

from etl.runfile import _MISSING, OPTIONAL, SCHEMAS, digest_of, wrong_type
from pledgewatch.errors import InputError

CONTENT_FIELDS = ("url", "title", "author", "submitted", "summary")
PLACE_FIELDS = ("listing_url", "position", "page")
_CONTENT_SET = frozenset(CONTENT_FIELDS)
_TERM_MARK = b',"term":'
_CONTENT_TYPES = {name: SCHEMAS["teaser"][name] for name in CONTENT_FIELDS}
_CONTEXT_REQUIRED = {name: SCHEMAS["teaser"][name] for name in ("term", "term_url")}


@dataclass(frozen=True, slots=True)
class TeaserContent:
    """What a teaser says, as published; parsed once per distinct content digest."""

    url: str | None
    title: str | None
    author: str | None
    submitted: str | None
    summary: str


@dataclass(frozen=True, slots=True)
class TeaserContext:
    """Where a teaser was listed, without its position: shared by many lines."""

    digest: str
    data: bytes
    term: str | None
    term_url: str | None
    vocabulary: str | None


@dataclass(slots=True)
class TeaserLine:
    content_digest: str
    content_data: bytes
    context: TeaserContext
    listing_url: str | None
    position: int
    page: int | None
    content: TeaserContent | None = None  # set when the slow path already parsed it


class TeaserSplitter:
    """Splits teaser lines; remembers contexts, which repeat on every line of a term page."""

    def __init__(self) -> None:
        self._contexts: dict[bytes, TeaserContext] = {}

    def fast(self, raw: bytes, line_number: int) -> TeaserLine | None:
        """The split of a line in the crawl's own field order, or None to take the slow path."""
        cut = raw.find(_TERM_MARK)
        if cut <= 0:
            return None
        try:
            rest = orjson.loads(b"{" + raw[cut + 1 :])
        except orjson.JSONDecodeError:
            return None
        if type(rest) is not dict or rest.get("type") != "teaser" or not _CONTENT_SET.isdisjoint(rest):
            return None  # another record type, or a content field repeated after the term
        listing_url, position, page = _place(rest, line_number)
        content_data = raw[:cut] + b"}"
        return TeaserLine(digest_of(content_data), content_data, self._context(rest, line_number),
                          listing_url, position, page)

    def slow(self, record: dict[str, Any], line_number: int) -> TeaserLine:
        """The split of a teaser record already parsed and checked by :func:`check_record`."""
        content = {name: record[name] for name in CONTENT_FIELDS}
        rest = {k: v for k, v in record.items() if k not in _CONTENT_SET}
        listing_url, position, page = _place(rest, line_number)
        content_data = orjson.dumps(content)
        return TeaserLine(digest_of(content_data), content_data, self._context(rest, line_number),
                          listing_url, position, page, TeaserContent(**content))

    def _context(self, rest: dict[str, Any], line_number: int) -> TeaserContext:
        data = orjson.dumps(rest)
        context = self._contexts.get(data)
        if context is None:
            _check_context(rest, line_number)
            context = TeaserContext(digest_of(data), data, rest.get("term"), rest.get("term_url"),
                                    rest.get("vocabulary"))
            self._contexts[data] = context
        return context


def parse_content(data: bytes, line_number: int) -> TeaserContent | None:
    """The content part of a fast-path line, checked; None when it is not exactly the content
    fields (then the whole line is read the slow way, which names what is wrong)."""
    try:
        content = orjson.loads(data)
    except orjson.JSONDecodeError:
        return None
    if type(content) is not dict or content.keys() != _CONTENT_SET:
        return None
    for name, types in _CONTENT_TYPES.items():
        if type(content[name]) not in types:
            wrong_type(f"line {line_number}", name, types, content[name])
    return TeaserContent(**content)


def content_of(data: bytes) -> TeaserContent:
    """Stored content read back (re-processing, or a known digest needed again)."""
    return TeaserContent(**orjson.loads(data))


def _place(rest: dict[str, Any], line_number: int) -> tuple[str | None, int, int | None]:
    """Pops the positional fields (checking them): they are never part of what is stored."""
    where = f"line {line_number}"
    listing_url = rest.pop("listing_url", _MISSING)
    position = rest.pop("position", _MISSING)
    page = rest.pop("page", None)
    if listing_url is _MISSING:
        raise InputError(f"{where}: teaser record is missing the field 'listing_url'")
    if position is _MISSING:
        raise InputError(f"{where}: teaser record is missing the field 'position'")
    if type(listing_url) not in SCHEMAS["teaser"]["listing_url"]:
        wrong_type(where, "listing_url", SCHEMAS["teaser"]["listing_url"], listing_url)
    if type(position) is not int:
        wrong_type(where, "position", (int,), position)
    if page is not None and type(page) is not int:
        wrong_type(where, "page", OPTIONAL["teaser"]["page"], page)
    return listing_url, position, page


def _check_context(rest: dict[str, Any], line_number: int) -> None:
    where = f"line {line_number}"
    for name, types in _CONTEXT_REQUIRED.items():
        value = rest.get(name, _MISSING)
        if value is _MISSING:
            raise InputError(f"{where}: teaser record is missing the field {name!r}")
        if type(value) not in types:
            wrong_type(where, name, types, value)
    for name, types in OPTIONAL["teaser"].items():
        if name in PLACE_FIELDS:
            continue
        value = rest.get(name, None if type(None) in types else types[0]())
        if type(value) not in types:
            wrong_type(where, name, types, value)

