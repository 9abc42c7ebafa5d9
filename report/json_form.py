"""A ChangeSet as JSON-ready data, for ``pledgewatch diff --format json`` and report files.

Unlike the text and HTML digests this is data, not display: text is exactly as
stored (the JSON encoder escapes it) and nothing is truncated. Keys are only ever added:
``mojibake`` (garbled text in the title or summary), ``last_seen_at`` and ``gone_since``
(removed and restored pledges; ISO 8601, else null) came after format 1 was first published,
and so did ``record`` on every entry (the pledge's record page as last read, else null), the
record fields among an edit's ``changes`` (``body``, ``date_shared``, ``countries``,
``gfmd_source``, ``thematic_recollection``; lists as one text joined by "; ") and the
``unlisted`` kind (pledges that left the listings while their record page is online).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, BinaryIO

import orjson

from pledgewatch.core.text import has_mojibake
from pledgewatch.core.values import (
    ChangeSet,
    CrawlHealth,
    Edited,
    NotSeen,
    PledgeView,
    Reclassified,
    RecordView,
    TermRef,
)

JSON_FORMAT_VERSION = 1


def changes_to_json(changes: ChangeSet) -> dict[str, Any]:
    """Every change kind as a list of entries; each entry has at least key, url and title."""
    return {**_head(changes), **{kind: list(entries) for kind, entries in _entries(changes)},
            "health": health_json(changes.health)}


def changes_json_text(changes: ChangeSet) -> str:
    """:func:`changes_to_json` as indented text, non-ASCII kept, ending in a newline."""
    return json.dumps(changes_to_json(changes), ensure_ascii=False, indent=2) + "\n"


def write_changes_json(changes: ChangeSet, out: BinaryIO) -> None:
    """:func:`changes_to_json`, written entry by entry: a first run's report lists every
    pledge, and built whole it would hold each of them several times over."""
    head = orjson.dumps(_head(changes), option=orjson.OPT_INDENT_2)
    out.write(head[: head.rindex(b"}")].rstrip())  # the object left open
    for kind, entries in _entries(changes):
        out.write(b',\n  "' + kind.encode() + b'": [')
        separator = b"\n    "
        for entry in entries:
            out.write(separator + orjson.dumps(entry))
            separator = b",\n    "
        out.write(b"]" if separator == b"\n    " else b"\n  ]")
    out.write(b',\n  "health": ' + orjson.dumps(health_json(changes.health)) + b"\n}\n")


def _head(changes: ChangeSet) -> dict[str, Any]:
    return {
        "format": JSON_FORMAT_VERSION,
        "from_run": changes.from_run,
        "to_run": changes.to_run,
        "from_finished_at": changes.from_finished_at,
        "to_finished_at": changes.to_finished_at,
        "complete": changes.complete,
        "counts": changes.counts(),
    }


def _entries(changes: ChangeSet) -> Iterator[tuple[str, Iterator[dict[str, Any]]]]:
    """Each change kind and its entries, made one at a time."""
    yield "new", map(pledge_json, changes.new)
    yield "edited", map(edited_json, changes.edited)
    yield "removed", map(pledge_json, changes.removed)
    yield "reclassified", map(reclassified_json, changes.reclassified)
    yield "restored", map(pledge_json, changes.restored)
    yield "not_seen", map(not_seen_json, changes.not_seen)
    yield "unlisted", map(unlisted_json, changes.unlisted)


def pledge_json(pledge: PledgeView) -> dict[str, Any]:
    return {
        "key": pledge.key,
        "url": pledge.url,
        "title": pledge.title,
        "author": pledge.author,
        "submitted": pledge.submitted,
        "summary": pledge.summary,
        "terms": [term_json(t) for t in pledge.terms],
        "version": pledge.version,
        "mojibake": has_mojibake(pledge.title) or has_mojibake(pledge.summary),
        "last_seen_at": pledge.last_seen_at,
        "gone_since": pledge.gone_since,
        "record": record_json(pledge.record) if pledge.record else None,
    }


def record_json(record: RecordView) -> dict[str, Any]:
    return {"title": record.title, "date_shared": record.date_shared, "body": record.body,
            "countries": list(record.countries), "gfmd_source": list(record.gfmd_source),
            "thematic_recollection": list(record.thematic_recollection),
            "terms": [{"url": url, "name": name} for url, name in record.terms],
            "version": record.number, "read_run": record.read_run}


UNLISTED_REASON = "left the listings; its record page is still online"


def unlisted_json(pledge: PledgeView) -> dict[str, Any]:
    return pledge_json(pledge) | {"reason": UNLISTED_REASON}


def term_json(term: TermRef) -> dict[str, Any]:
    return {"key": term.key, "name": term.name, "vocabulary": term.vocabulary, "url": term.url}


def edited_json(edit: Edited) -> dict[str, Any]:
    entry = pledge_json(edit.after)
    entry["previous_version"] = edit.before.version
    entry["changes"] = {c.field: {"old": c.old, "new": c.new} for c in edit.changes}
    return entry


def reclassified_json(change: Reclassified) -> dict[str, Any]:
    entry = pledge_json(change.pledge)
    entry["terms_added"] = [term_json(t) for t in change.terms_added]
    entry["terms_removed"] = [term_json(t) for t in change.terms_removed]
    return entry


def not_seen_json(absent: NotSeen) -> dict[str, Any]:
    return pledge_json(absent.pledge) | {"reason": absent.reason}


def health_json(health: CrawlHealth) -> dict[str, Any]:
    return {
        "pages_fetched": health.pages_fetched,
        "pages_failed": health.pages_failed,
        "failed_pages": [
            {"url": p.url, "status": p.status, "error": p.error} for p in health.failed_pages
        ],
        "incomplete_terms": [term_json(t) for t in health.incomplete_terms],
        "held_removals": health.held_removals,
        "suspect": health.suspect,
        "suspect_reason": health.suspect_reason,
        "crawl_finished": health.crawl_finished,
        "failed_records": [
            {"url": p.url, "status": p.status, "error": p.error} for p in health.failed_records
        ],
    }
