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

import re
from dataclasses import dataclass
from hashlib import sha256
from typing import Any, NamedTuple

import orjson

from pledgewatch.core import text as nz
from pledgewatch.etl.runfile import MISSING, OPTIONAL, SCHEMAS, digest_of, wrong_type
from pledgewatch.core.errors import InputError

CONTENT_FIELDS = ("url", "title", "author", "submitted", "summary")
PLACE_FIELDS = ("listing_url", "position", "page")
_CONTENT_SET = frozenset(CONTENT_FIELDS)
_TERM_MARK = b',"term":'
_LISTING_MARK = b',"listing_url":'
_VOCABULARY_MARK = b',"vocabulary":'
_PLACE_SET = frozenset(PLACE_FIELDS)
# A place as the crawl writes it: a plain ASCII URL, then integers. Anything else (escapes,
# null, spaces, another order) is parsed as JSON instead.
_PLAIN_PLACE = re.compile(rb'"listing_url":"([\x20\x21\x23-\x5b\x5d-\x7e]*)",'
                          rb'"position":-?(?:0|[1-9][0-9]*)(?:,"page":(?:-?(?:0|[1-9][0-9]*)|null))?')
_DIGEST_CACHE = 8_000
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
    term_key: str | None  # the term's identity: its URL, or its folded name when no URL is known


class TeaserSplit(NamedTuple):
    """A teaser line cut three ways. Its place is checked but not kept: the page list keeps the
    order, and the position is a line's index on its page."""

    content_digest: str
    content_head: bytes  # the content's JSON object less its closing brace: no copy to cut it
    context: TeaserContext
    listing_url: str | None


class TeaserSplitter:
    """Splits teaser lines; remembers contexts, which repeat on every line of a term page."""

    def __init__(self) -> None:
        self._contexts: dict[bytes, TeaserContext] = {}  # by context bytes as written
        # Content bytes → digest: a pledge's text repeats on each of its term pages. Bounded,
        # since the keys are whole texts (about 1 KB): 8,000 cover most repeats at 5,000
        # pledges, and at 50,000 a repeat is too far away for any cache worth its memory.
        self._digests: dict[bytes, str] = {}
        self.new_contexts: list[TeaserContext] = []  # first met in this run, not yet taken

    def fast(self, raw: bytes, line_number: int) -> TeaserSplit | None:
        """The split of a line in the crawl's own field order, or None to take the slow path.

        Three cuts, at the last ``,"term":``, ``,"listing_url":`` and ``,"vocabulary":``
        (such a sequence cannot occur inside a JSON string, where quotes are escaped),
        give the content, the place and the context. Only the short place part is read on every
        line, by a pattern that admits nothing but plain JSON (anything else is parsed and
        checked); content and context bytes repeat and are looked up. A cut inside a nested
        value leaves a part that does not parse, and the line goes the slow way.
        """
        vocabulary = raw.rfind(_VOCABULARY_MARK)  # searched from the end: the tail is short
        listing = raw.rfind(_LISTING_MARK, 0, vocabulary) if vocabulary > 0 else -1
        term = raw.rfind(_TERM_MARK, 0, listing) if listing > 0 else -1
        if term <= 0:
            return None
        place = _PLAIN_PLACE.fullmatch(raw, listing + 1, vocabulary)
        if place is None:
            other_place = _parse_place(raw, listing, vocabulary)
            if other_place is None:
                return None
        context = self._contexts.get(raw[term + 1 : listing] + raw[vocabulary:])
        if context is None:
            context = self._new_context(raw, term, listing, vocabulary, line_number)
            if context is None:
                return None
        # Checked once the line is known to be a teaser of this shape.
        listing_url = place[1].decode("ascii") if place is not None \
            else _place(other_place, line_number)
        content = raw[:term]  # the content object, less its closing brace
        digest = self._digests.get(content)
        if digest is None:
            if len(self._digests) >= _DIGEST_CACHE:
                self._digests.clear()
            hashed = sha256(content)
            hashed.update(b"}")
            digest = self._digests[content] = hashed.hexdigest()[:32]
        return TeaserSplit(digest, content, context, listing_url)

    def _new_context(self, raw: bytes, term: int, listing: int, vocabulary: int,
                     line_number: int) -> TeaserContext | None:
        key = raw[term + 1 : listing] + raw[vocabulary:]
        try:
            rest = orjson.loads(b"{" + key)
        except orjson.JSONDecodeError:
            return None
        if type(rest) is not dict or rest.get("type") != "teaser" \
                or not _CONTENT_SET.isdisjoint(rest) or not _PLACE_SET.isdisjoint(rest):
            return None  # another record type, or fields this split does not expect there
        context = self._context(rest, line_number)
        self._contexts[key] = context
        return context

    def slow(self, record: dict[str, Any], line_number: int) -> tuple[TeaserSplit, TeaserContent]:
        """The split of a teaser record already parsed and checked by :func:`check_record`,
        with its content (parsed already)."""
        content = {name: record[name] for name in CONTENT_FIELDS}
        rest = {k: v for k, v in record.items() if k not in _CONTENT_SET}
        listing_url = _place(rest, line_number)
        content_data = orjson.dumps(content)
        return (TeaserSplit(digest_of(content_data), content_data[:-1],
                            self._context(rest, line_number),
                            listing_url), TeaserContent(**content))

    def take_new_contexts(self) -> list[TeaserContext]:
        taken, self.new_contexts = self.new_contexts, []
        return taken

    def _context(self, rest: dict[str, Any], line_number: int) -> TeaserContext:
        data = orjson.dumps(rest)
        context = self._contexts.get(data)
        if context is None:
            _check_context(rest, line_number)
            term, term_url = rest.get("term"), rest.get("term_url")
            context = TeaserContext(digest_of(data), data, term, term_url, rest.get("vocabulary"),
                                    term_key(term_url, term))
            self._contexts[data] = context
            self.new_contexts.append(context)
        return context


def term_key(term_url: str | None, term: str | None) -> str | None:
    if term_url:
        return term_url
    if term:
        return "name:" + nz.comparison_form(term)
    return None


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


def _parse_place(raw: bytes, listing: int, vocabulary: int) -> dict[str, Any] | None:
    """A place the plain pattern did not take (escapes, null, another order...), parsed;
    None when the part is not a place at all."""
    try:
        place = orjson.loads(b"{" + raw[listing + 1 : vocabulary] + b"}")
    except orjson.JSONDecodeError:
        return None
    return place if type(place) is dict and place.keys() <= _PLACE_SET else None


def _place(rest: dict[str, Any], line_number: int) -> str | None:
    """Pops the positional fields, checking them (they are never part of what is stored);
    gives back the listing URL."""
    where = f"line {line_number}"
    listing_url = rest.pop("listing_url", MISSING)
    position = rest.pop("position", MISSING)
    page = rest.pop("page", None)
    if listing_url is MISSING:
        raise InputError(f"{where}: teaser record is missing the field 'listing_url'")
    if position is MISSING:
        raise InputError(f"{where}: teaser record is missing the field 'position'")
    if type(listing_url) not in SCHEMAS["teaser"]["listing_url"]:
        wrong_type(where, "listing_url", SCHEMAS["teaser"]["listing_url"], listing_url)
    if type(position) is not int:
        wrong_type(where, "position", (int,), position)
    if page is not None and type(page) is not int:
        wrong_type(where, "page", OPTIONAL["teaser"]["page"], page)
    return listing_url


def _check_context(rest: dict[str, Any], line_number: int) -> None:
    where = f"line {line_number}"
    for name, types in _CONTEXT_REQUIRED.items():
        value = rest.get(name, MISSING)
        if value is MISSING:
            raise InputError(f"{where}: teaser record is missing the field {name!r}")
        if type(value) not in types:
            wrong_type(where, name, types, value)
    for name, types in OPTIONAL["teaser"].items():
        if name in PLACE_FIELDS:
            continue
        value = rest.get(name, None if type(None) in types else types[0]())
        if type(value) not in types:
            wrong_type(where, name, types, value)

