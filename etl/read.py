"""Read stage: the run file's contract (the fields the ETL reads, their types) and a plain reader.

A run file is JSON Lines, one record a line (``docs/architecture.md``, "Crawl
output"). :func:`read_run` parses each line whole, checks it against the
contract, and yields typed records. Every problem names the line it is on.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import MISSING as MISSING_DEFAULT
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from pledgewatch.core.errors import InputError
from pledgewatch.core.pledges import Teaser

MAX_LINE_BYTES = 4 * 1024 * 1024

_OPTIONAL_STR = (str, type(None))
_OPTIONAL_INT = (int, type(None))
_OPTIONAL_LIST = (list, type(None))  # a record read whole has its lists; a failed one, null
# Required fields and the types they may have; other fields are allowed and ignored.
SCHEMAS: dict[str, dict[str, tuple[type, ...]]] = {
    "teaser": {
        "url": _OPTIONAL_STR,
        "title": _OPTIONAL_STR,
        "author": _OPTIONAL_STR,
        "submitted": _OPTIONAL_STR,
        "summary": (str,),
        "term": _OPTIONAL_STR,
        "term_url": _OPTIONAL_STR,
        "listing_url": _OPTIONAL_STR,
        "position": (int,),
    },
    "page": {
        "url": (str,),
        "status": _OPTIONAL_INT,
        "term": _OPTIONAL_STR,
        "teasers": (int,),
        "ok": (bool,),
        "error": _OPTIONAL_STR,
    },
    "crawl": {"started": (str,), "finished": (str,), "reason": (str,)},
    "term": {"url": (str,)},
    "record": {"url": (str,), "ok": (bool,)},
}
# Fields that may be absent, but when present must have these types: the ETL reads them too.
OPTIONAL: dict[str, dict[str, tuple[type, ...]]] = {
    "teaser": {"page": _OPTIONAL_INT, "vocabulary": _OPTIONAL_STR,
               "author_position": _OPTIONAL_STR, "author_truncated": (bool,)},
    "page": {"term_url": _OPTIONAL_STR, "vocabulary": _OPTIONAL_STR, "page": _OPTIONAL_INT,
             "last_page": _OPTIONAL_INT, "next_url": _OPTIONAL_STR, "empty_term": (bool,),
             "digest": _OPTIONAL_STR, "fetched_at": _OPTIONAL_STR,
             "etag": _OPTIONAL_STR, "last_modified": _OPTIONAL_STR, "not_modified": (bool,),
             "depth": _OPTIONAL_STR},
    "crawl": {"source": _OPTIONAL_STR, "parser_version": _OPTIONAL_STR, "plan": _OPTIONAL_STR},
    "term": {"name": _OPTIONAL_STR, "vocabulary": _OPTIONAL_STR},
    "record": {"why": _OPTIONAL_STR, "status": _OPTIONAL_INT, "gone": (bool,),
               "not_modified": (bool,), "error": _OPTIONAL_STR, "title": _OPTIONAL_STR,
               "date_shared": _OPTIONAL_STR, "body": _OPTIONAL_STR, "countries": _OPTIONAL_LIST,
               "terms": _OPTIONAL_LIST, "gfmd_source": _OPTIONAL_LIST,
               "thematic_recollection": _OPTIONAL_LIST,
               "etag": _OPTIONAL_STR, "last_modified": _OPTIONAL_STR, "digest": _OPTIONAL_STR,
               "fetched_at": _OPTIONAL_STR},
}
# Closed sets of words some optional fields are drawn from (None: the field may be null).
CHOICES: dict[str, dict[str, tuple[str | None, ...]]] = {
    "page": {"depth": ("all", "first", None)},
    "crawl": {"plan": ("full", "cover", None)},
}
RECORD_LISTS = ("countries", "gfmd_source", "thematic_recollection")
MISSING = object()
def check_record(record: Any, line_number: int) -> dict[str, Any]:
    where = f"line {line_number}"
    if not isinstance(record, dict):
        raise InputError(f"{where}: expected a JSON object, got {type(record).__name__}")
    kind = record.get("type")
    schema = SCHEMAS.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise InputError(f"{where}: unknown record type {kind!r} (expected one of {sorted(SCHEMAS)})")
    for name, types in schema.items():
        value = record.get(name, MISSING)
        if type(value) in types:  # exact types: JSON has no subclasses, and True is not an int
            continue
        if value is MISSING:
            raise InputError(f"{where}: {kind} record is missing the field {name!r}")
        wrong_type(where, name, types, value)
    for name, types in OPTIONAL[str(kind)].items():
        value = record.get(name, MISSING)
        if value is not MISSING and type(value) not in types:  # absent is fine
            wrong_type(where, name, types, value)
    for name, allowed in CHOICES.get(str(kind), {}).items():
        if record.get(name) not in allowed:
            raise InputError(f"{where}: field {name!r} must be one of "
                             f"{[a for a in allowed if a]} or null, got {json.dumps(record[name])[:60]}")
    if kind == "record":
        check_record_lists(record, where)
    return record


def teaser_values_ok(names: tuple[str, ...], values: tuple[Any, ...]) -> bool:
    """Whether a teaser line's values of these fields pass :func:`check_record` (``MISSING``:
    the field is absent): for a reader that checks a line's fields apart."""
    required, optional = SCHEMAS["teaser"], OPTIONAL["teaser"]
    for name, value in zip(names, values, strict=True):
        if name in required:
            if type(value) not in required[name]:
                return False
        elif value is not MISSING and type(value) not in optional[name]:
            return False
    return True


def check_record_lists(record: dict[str, Any], where: str) -> None:
    """A record line's lists hold strings, and its terms ``[url, name]`` pairs of strings."""
    for name in RECORD_LISTS:
        if not all(type(item) is str for item in record.get(name) or ()):
            raise InputError(f"{where}: field {name!r} must be a list of strings")
    for pair in record.get("terms") or ():
        if type(pair) is not list or len(pair) != 2 or not all(type(x) is str for x in pair):
            raise InputError(f"{where}: field 'terms' must be a list of [url, name] pairs, "
                             f"got {json.dumps(pair)[:60]}")


def wrong_type(where: str, name: str, types: tuple[type, ...], value: Any) -> None:
    expected = " or ".join("null" if t is type(None) else t.__name__ for t in types)
    raise InputError(f"{where}: field {name!r} must be {expected}, got {json.dumps(value)[:60]}")


def parse_line(raw: bytes, line_number: int) -> dict[str, Any]:
    if len(raw) > MAX_LINE_BYTES:
        raise InputError(f"line {line_number}: longer than {MAX_LINE_BYTES} bytes")
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        reason = "not UTF-8 text" if "utf-8" in str(error).lower() else f"not valid JSON ({error})"
        raise InputError(f"line {line_number}: {reason}") from None
    return check_record(record, line_number)


@dataclass(frozen=True, slots=True)
class PageLine:
    """A listing page as fetched and parsed; ``fields`` keeps the whole line for the archive."""

    url: str
    ok: bool
    status: int | None
    error: str | None
    teasers: int
    term: str | None
    term_url: str | None
    vocabulary: str | None
    page: int | None
    last_page: int | None
    next_url: str | None
    empty_term: bool
    fields: dict[str, Any]

    @property
    def depth(self) -> str:
        """``first`` for a term the plan read page 0 of only (probed), else ``all``."""
        return "first" if self.fields.get("depth") == "first" else "all"


@dataclass(frozen=True, slots=True)
class CrawlLine:
    """The run file's last line: how the crawl ended. A file without it was cut short."""

    started: str
    finished: str
    reason: str
    fields: dict[str, Any]

    @property
    def plan(self) -> str | None:
        """``full`` or ``cover`` as the crawl plan asked; None: no plan, every term read whole."""
        plan = self.fields.get("plan")
        return plan if isinstance(plan, str) else None


@dataclass(frozen=True, slots=True)
class TermLine:
    """A term found by discovery mode."""

    url: str
    fields: dict[str, Any]


@dataclass(frozen=True, slots=True)
class RecordLine:
    """A record page (``/pfp/ppd/<nid>``) the crawl tried to read (docs/crawling.md).

    ``ok``: 200 and every field read, or a 304 (``not_modified``, fields null); ``gone``: 404
    or 410. Text is as published; the derive stage cleans it."""

    url: str
    why: str | None
    status: int | None
    ok: bool
    gone: bool
    not_modified: bool
    error: str | None
    title: str | None
    date_shared: str | None
    body: str | None
    countries: tuple[str, ...]
    terms: tuple[tuple[str, str], ...]
    gfmd_source: tuple[str, ...]
    thematic_recollection: tuple[str, ...]
    fields: dict[str, Any]


RunLine = Teaser | PageLine | CrawlLine | TermLine | RecordLine


def read_run(path: Path) -> Iterator[RunLine]:
    """Every line of a run file as a typed value, in file order; blank lines are skipped."""
    if path.stat().st_size == 0:
        raise InputError(f"{path}: the file is empty")
    with path.open("rb") as handle:
        yield from read_lines(handle)


def read_lines(lines: Iterable[bytes]) -> Iterator[RunLine]:
    for line_number, raw in enumerate(lines, start=1):
        if raw.strip():
            yield typed_line(parse_line(raw, line_number))


def typed_line(record: dict[str, Any]) -> RunLine:
    """A checked record as its typed value."""
    kind = record["type"]
    if kind == "teaser":
        teaser: dict[str, Any] = {name: record.get(name, default) for name, default in _TEASER_FIELDS}
        return Teaser(**teaser)
    if kind == "page":
        page: dict[str, Any] = {name: record.get(name, default) for name, default in _PAGE_FIELDS}
        return PageLine(**page, fields=record)
    if kind == "crawl":
        return CrawlLine(record["started"], record["finished"], record["reason"], record)
    if kind == "record":
        return record_line(record)
    return TermLine(record["url"], record)


def record_line(record: dict[str, Any]) -> RecordLine:
    return RecordLine(
        url=record["url"], why=record.get("why"), status=record.get("status"), ok=record["ok"],
        gone=bool(record.get("gone")), not_modified=bool(record.get("not_modified")),
        error=record.get("error"), title=record.get("title"),
        date_shared=record.get("date_shared"), body=record.get("body"),
        countries=tuple(record.get("countries") or ()),
        terms=tuple((url, name) for url, name in record.get("terms") or ()),
        gfmd_source=tuple(record.get("gfmd_source") or ()),
        thematic_recollection=tuple(record.get("thematic_recollection") or ()), fields=record)


_TEASER_FIELDS = [(f.name, None if f.default is MISSING_DEFAULT else f.default)
                  for f in dataclass_fields(Teaser)]
_PAGE_FIELDS = [(f.name, False if f.name == "empty_term" else None)
                for f in dataclass_fields(PageLine) if f.name != "fields"]


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 time from a run file, as UTC-aware; None when absent or unreadable."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def crawl_finished(path: Path) -> datetime | None:
    """When the crawl in a run file finished, from its last line alone (a cheap look before a
    batch is ingested); None when the file has no readable crawl line."""
    with path.open("rb") as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - 65536))
        tail = handle.read().rstrip().rsplit(b"\n", 1)[-1]
    try:
        record = orjson.loads(tail)
    except orjson.JSONDecodeError:
        return None
    if isinstance(record, dict) and record.get("type") == "crawl":
        return parse_timestamp(record.get("finished"))
    return None
