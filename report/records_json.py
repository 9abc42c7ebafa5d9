"""Stored records as JSON-ready data, for ``history``, ``show`` and ``terms --format json``.

Data, not display: text exactly as stored, nothing truncated, times in ISO 8601. The
``mojibake`` flag is computed with the same rule ingest stores on each version.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from pledgewatch.core.text import has_mojibake
from pledgewatch.core.values import PledgeView
from pledgewatch.report.json_form import pledge_json
from pledgewatch.report.labels import vocabulary_label
from pledgewatch.storage.history import MembershipRow, VersionRow


def history_json(key: str, url: str | None, listed: Iterable[tuple[int, int | None]],
                 versions: Sequence[VersionRow], memberships: Sequence[MembershipRow],
                 run_times: Mapping[int, datetime | None]) -> dict[str, Any]:
    """Listing intervals, every version in full, and the terms joined and left at each run."""
    first_run = versions[0].from_run if versions else None
    return {
        "key": key,
        "url": url,
        "listed": [{"from_run": start, "to_run": end} for start, end in listed],
        "versions": [version_json(v, run_times) for v in versions],
        "memberships": [membership_json(m) for m in memberships],
        "term_changes": term_changes_json(memberships, first_run, run_times),
    }


def version_json(version: VersionRow, run_times: Mapping[int, datetime | None]) -> dict[str, Any]:
    return {
        "version": version.number,
        "from_run": version.from_run,
        "to_run": version.to_run,
        "seen_at": _iso(run_times.get(version.from_run) or version.seen_at),
        "title": version.title,
        "author": version.author,
        "submitted": version.submitted,
        "summary": version.summary,
        "first_page_url": version.first_page_url,
        "mojibake": has_mojibake(version.title) or has_mojibake(version.summary),
    }


def membership_json(row: MembershipRow) -> dict[str, Any]:
    return {
        "term": {"key": row.term_key, "name": row.term_name, "vocabulary": row.vocabulary,
                 "vocabulary_name": vocabulary_label(row.vocabulary), "url": row.term_url},
        "from_run": row.from_run,
        "to_run": row.to_run,
    }


def term_changes_json(memberships: Sequence[MembershipRow], first_run: int | None,
                      run_times: Mapping[int, datetime | None]) -> list[dict[str, Any]]:
    """Each later run at which the pledge joined or left a term, oldest first."""
    by_run: dict[int, dict[str, list[dict[str, Any]]]] = {}
    for row in memberships:
        term = membership_json(row)["term"]
        if first_run is None or row.from_run > first_run:
            by_run.setdefault(row.from_run, {"joined": [], "left": []})["joined"].append(term)
        if row.to_run is not None:
            by_run.setdefault(row.to_run, {"joined": [], "left": []})["left"].append(term)
    return [{"run": run, "at": _iso(run_times.get(run)), **change}
            for run, change in sorted(by_run.items())]


def show_json(view: PledgeView, run_id: int, finished_at: datetime | None, listed: bool) -> dict[str, Any]:
    """The pledge as ``diff --format json`` shows one, plus the run it is seen as of."""
    return {**pledge_json(view), "run": run_id, "finished_at": _iso(finished_at), "listed": listed}


def terms_json(run_id: int, listings: Mapping[tuple[str, str], list[tuple[str, str]]]) -> dict[str, Any]:
    """Every term the run knew, empty ones included, with the pledges listed under it."""
    return {
        "run": run_id,
        "terms": [
            {"vocabulary": vocabulary, "vocabulary_name": vocabulary_label(vocabulary),
             "term": term, "count": len(pledges),
             "pledges": [{"key": key, "title": title} for title, key in pledges]}
            for (vocabulary, term), pledges in listings.items()
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
