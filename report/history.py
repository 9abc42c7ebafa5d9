"""Stored records as terminal text: a pledge's versions with word diffs, a pledge as of a run,
the term listings as of a run.

The commands that show these only print what is rendered here. Scraped text is
shown verbatim except for control and bidi-override characters, which are removed
so a hostile title cannot move the cursor, recolour or reverse a terminal line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from pledgewatch.core.values import PledgeView
from pledgewatch.report.safety import strip_controls
from pledgewatch.report.word_diff import diff_as_text, word_diff
from pledgewatch.storage.history import VersionRow

DIFFED_FIELDS = ("title", "author", "submitted", "summary")


def history_text(key: str, url: str | None, listed: Iterable[tuple[int, int | None]],
                 versions: Sequence[VersionRow]) -> str:
    """Where a pledge was listed, then each version: the first in full, later ones as diffs."""
    lines = [f"{key}  {url or '(no URL known)'}"]
    lines += [f"  listed from run {start}" + (f" until run {end}" if end else " (still listed)")
              for start, end in listed]
    previous = None
    for version in versions:
        lines += ["", version_heading(version)]
        lines += first_version_lines(version) if previous is None \
            else changed_field_lines(previous, version)
        previous = version
    return _terminal_safe(lines)


def version_heading(version: VersionRow) -> str:
    until = f"until run {version.to_run}" if version.to_run else "current"
    seen = version.seen_at.isoformat(timespec="seconds") if version.seen_at else "?"
    return (f"version {version.number}: run {version.from_run} ({seen}), {until}; "
            f"first seen on {version.first_page_url or '?'}")


def first_version_lines(version: VersionRow) -> list[str]:
    return [f"  title: {version.title}", f"  author: {version.author or '-'}",
            f"  summary: {version.summary}"]


def changed_field_lines(before: VersionRow, after: VersionRow) -> list[str]:
    """One line per changed field, in wdiff notation (``[-old-]{+new+}``)."""
    lines = []
    for name in DIFFED_FIELDS:
        old, new = getattr(before, name) or "", getattr(after, name) or ""
        if old != new:
            lines.append(f"  {name}: {diff_as_text(word_diff(old, new))}")
    return lines


def pledge_text(view: PledgeView, run_id: int, finished_at: datetime, listed: bool) -> str:
    """A pledge as it stood at a run: title, link, fields, summary and terms."""
    lines = [
        view.title,
        view.url or view.key,
        f"as of run {run_id} ({finished_at:%Y-%m-%d %H:%M} UTC): version {view.version}"
        f"{'' if listed else ', NOT LISTED at that run'}",
        f"author: {view.author or '-'}",
        f"submitted: {view.submitted or '-'}",
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
