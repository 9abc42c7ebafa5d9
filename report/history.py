"""Stored records as terminal text: a pledge's versions with word diffs, a pledge as of a run,
the term listings as of a run.

The commands that show these only print what is rendered here. Scraped text is
shown verbatim except for control and bidi-override characters, which are removed
so a hostile title cannot move the cursor, recolour or reverse a terminal line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from pledgewatch.core.text import has_mojibake
from pledgewatch.core.values import PledgeView
from pledgewatch.report.safety import strip_controls
from pledgewatch.report.word_diff import diff_as_text, word_diff
from pledgewatch.storage.history import MembershipRow, VersionRow

DIFFED_FIELDS = ("title", "author", "submitted", "summary")
MOJIBAKE_LINE = "  ! garbled characters (wrong encoding on the site), kept as published"


def history_text(key: str, url: str | None, listed: Iterable[tuple[int, int | None]],
                 versions: Sequence[VersionRow], memberships: Sequence[MembershipRow] = ()) -> str:
    """Where a pledge was listed, then each version and each term change in run order:
    the first version in full with its terms, later versions as diffs, then the terms the
    pledge joined or left at each later run (a re-classification is history too)."""
    lines = [f"{key}  {url or '(no URL known)'}"]
    lines += [f"  listed from run {start}" + (f" until run {end}" if end else " (still listed)")
              for start, end in listed]
    first_run = versions[0].from_run if versions else None
    changes = term_changes(memberships, first_run)
    previous = None
    for run in sorted({v.from_run for v in versions} | set(changes)):
        for version in (v for v in versions if v.from_run == run):
            lines += ["", version_heading(version)]
            lines += first_version_lines(version, memberships) if previous is None \
                else changed_field_lines(previous, version)
            previous = version
        if run in changes:
            lines += ["", f"run {run}: terms changed", *changes[run]]
    return _terminal_safe(lines)


def term_changes(memberships: Sequence[MembershipRow], first_run: int | None) -> dict[int, list[str]]:
    """Run → "+ joined" / "- left" lines, for every membership change after the first run."""
    changes: dict[int, list[str]] = {}
    for row in memberships:
        if first_run is None or row.from_run > first_run:
            changes.setdefault(row.from_run, []).append(f"  + {term_label(row)}")
    for row in memberships:
        if row.to_run is not None:
            changes.setdefault(row.to_run, []).append(f"  - {term_label(row)}")
    return changes


def term_label(row: MembershipRow) -> str:
    return f"{row.vocabulary or '?'}: {row.term_name or row.term_key}"


def version_heading(version: VersionRow) -> str:
    until = f"until run {version.to_run}" if version.to_run else "current"
    seen = version.seen_at.isoformat(timespec="seconds") if version.seen_at else "?"
    return (f"version {version.number}: run {version.from_run} ({seen}), {until}; "
            f"first seen on {version.first_page_url or '?'}")


def first_version_lines(version: VersionRow, memberships: Sequence[MembershipRow] = ()) -> list[str]:
    lines = [f"  title: {version.title}", f"  author: {version.author or '-'}",
             f"  summary: {version.summary}"]
    first_terms = [term_label(m) for m in memberships if m.from_run <= version.from_run]
    if first_terms:
        lines.append("  terms: " + "; ".join(first_terms))
    return lines + _mojibake_lines(version.title, version.summary)


def _mojibake_lines(title: str, summary: str) -> list[str]:
    return [MOJIBAKE_LINE] if has_mojibake(title) or has_mojibake(summary) else []


def changed_field_lines(before: VersionRow, after: VersionRow) -> list[str]:
    """One line per changed field, in wdiff notation (``[-old-]{+new+}``)."""
    lines = []
    for name in DIFFED_FIELDS:
        old, new = getattr(before, name) or "", getattr(after, name) or ""
        if old != new:
            lines.append(f"  {name}: {diff_as_text(word_diff(old, new))}")
    return lines + _mojibake_lines(after.title, after.summary)


def pledge_text(view: PledgeView, run_id: int, finished_at: datetime | None, listed: bool) -> str:
    """A pledge as it stood at a run: title, link, fields, summary and terms."""
    lines = [
        view.title,
        view.url or view.key,
        f"as of run {run_id} ({finished_at:%Y-%m-%d %H:%M} UTC): version {view.version}"
        f"{'' if listed else ', NOT LISTED at that run'}",
        f"author: {view.author or '-'}",
        f"submitted: {view.submitted or '-'}",
        *([MOJIBAKE_LINE.strip()] if has_mojibake(view.title) or has_mojibake(view.summary) else []),
        "",
        view.summary,
        "",
        "terms:",
    ]
    lines += [f"  {term.vocabulary or '?'}: {term.name or term.key}" for term in view.terms]
    return _terminal_safe(lines)


def term_listings_text(run_id: int, listings: Mapping[tuple[str, str], list[tuple[str, str]]]) -> str:
    """Each term (by vocabulary) with the titles and keys of the pledges listed under it."""
    lines = [f"term listings as of run {run_id}"]
    for (vocabulary, term), pledges in listings.items():
        lines += ["", f"{vocabulary} / {term} ({len(pledges)})"]
        lines += [f"  {title}  [{key}]" for title, key in pledges]
    return _terminal_safe(lines)


def _terminal_safe(lines: list[str]) -> str:
    return strip_controls("\n".join(lines) + "\n")
