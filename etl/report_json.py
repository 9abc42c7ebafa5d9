"""A ChangeSet as JSON-ready data, for ``pledgewatch diff --format json`` and report files.

Unlike the text and HTML digests this is data, not display: text is exactly as
stored (the JSON encoder escapes it) and nothing is truncated.
"""

from __future__ import annotations

from typing import Any

from etl.records import ChangeSet, CrawlHealth, Edited, NotSeen, PledgeView, Reclassified, TermRef

JSON_FORMAT_VERSION = 1


def changes_to_json(changes: ChangeSet) -> dict[str, Any]:
    """Every change kind as a list of entries; each entry has at least key, url and title."""
    return {
        "format": JSON_FORMAT_VERSION,
        "from_run": changes.from_run,
        "to_run": changes.to_run,
        "from_finished_at": changes.from_finished_at,
        "to_finished_at": changes.to_finished_at,
        "complete": changes.complete,
        "counts": changes.counts(),
        "new": [pledge_json(p) for p in changes.new],
        "edited": [edited_json(e) for e in changes.edited],
        "removed": [pledge_json(p) for p in changes.removed],
        "reclassified": [reclassified_json(r) for r in changes.reclassified],
        "restored": [pledge_json(p) for p in changes.restored],
        "not_seen": [not_seen_json(n) for n in changes.not_seen],
        "health": health_json(changes.health),
    }


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
    }


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
    }
