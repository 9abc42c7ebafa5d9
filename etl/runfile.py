"""The crawl file's record format: the fields the ETL reads, their types, and digests.

Every problem names the line it is on. :mod:`etl.reader` streams a file through
these checks.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import orjson

from pledgewatch.core.errors import InputError

MAX_LINE_BYTES = 4 * 1024 * 1024

_OPTIONAL_STR = (str, type(None))
_OPTIONAL_INT = (int, type(None))
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
}
# Fields that may be absent, but when present must have these types: the ETL reads them too.
OPTIONAL: dict[str, dict[str, tuple[type, ...]]] = {
    "teaser": {"page": _OPTIONAL_INT, "vocabulary": _OPTIONAL_STR,
               "author_position": _OPTIONAL_STR, "author_truncated": (bool,)},
    "page": {"term_url": _OPTIONAL_STR, "vocabulary": _OPTIONAL_STR, "page": _OPTIONAL_INT,
             "last_page": _OPTIONAL_INT, "next_url": _OPTIONAL_STR, "empty_term": (bool,),
             "digest": _OPTIONAL_STR, "fetched_at": _OPTIONAL_STR},
    "crawl": {"source": _OPTIONAL_STR, "parser_version": _OPTIONAL_STR},
    "term": {"name": _OPTIONAL_STR, "vocabulary": _OPTIONAL_STR},
}
MISSING = object()
# Page fields kept out of the de-duplicated page records: the fetch time differs on every
# fetch; the body digest changes whenever teasers shift between pages, and the last page
# number on every page of a term whenever the term's count crosses a multiple of ten. The
# run's page list keeps the digest and the last page instead (etl/pages.py).
VOLATILE_PAGE_FIELDS = frozenset({"fetched_at", "digest", "last_page"})


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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
    for name, types in OPTIONAL[kind].items():
        value = record.get(name, None if type(None) in types else types[0]())
        if type(value) not in types:
            wrong_type(where, name, types, value)
    return record


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


def stored_page_form(record: dict[str, Any]) -> bytes:
    """A page record as kept in raw storage: canonical JSON without its volatile fields."""
    kept = {k: v for k, v in record.items() if k not in VOLATILE_PAGE_FIELDS}
    return orjson.dumps(kept, option=orjson.OPT_SORT_KEYS)


def digest_of(data: bytes) -> str:
    """128 bits of SHA-256: ample against collisions at millions of records, half the storage."""
    return hashlib.sha256(data).hexdigest()[:32]
