"""A run's changes as a short plain-text note, for chat and webhook channels.

Slack, Teams or Matrix messages are read at a glance, and the services cut long
ones, so the note holds the subject, the counts and the changed pledges' titles
with their links, at most ``max_items`` of them and ``max_chars`` in all. The
full report stays in e-mail and on disk. Titles and links pass through the same
cleaning as the e-mail report (:mod:`pledgewatch.report.view`): no control
characters, and links only to the watched site.
"""

from __future__ import annotations

from dataclasses import dataclass

from pledgewatch.core.values import ChangeSet
from pledgewatch.report.filter import ReportFilter
from pledgewatch.report.render import counts_line, report_subject
from pledgewatch.report.safety import clip, site_hosts
from pledgewatch.report.view import Entry, ReportViewBuilder

ITEMS_SHOWN = 15
MAX_CHARS = 3000
CLOSING_ROOM = 250  # for "… and N more", the partial-crawl line and the report link
KIND_LABELS = {"new": "new", "edited": "edited", "reclassified": "re-classified",
               "removed": "removed", "restored": "restored", "unlisted": "left the listings"}


@dataclass(frozen=True, slots=True)
class Summary:
    title: str
    body: str


def render_summary(
    changes: ChangeSet, *, site_name: str = "gfmd.org", filter: ReportFilter | None = None,
    links: object | None = None, max_items: int = ITEMS_SHOWN, max_chars: int = MAX_CHARS,
) -> Summary:
    """The note for one reader: ``filter`` limits it as it limits their e-mail report."""
    if filter is not None:
        changes = filter.apply(changes)
    entries = _changed_entries(changes, site_name)
    lines = [_counts(changes)]
    shown = _fitting(lines[0], [_entry_line(e, links) for e in entries[:max_items]], max_chars)
    lines += shown
    if len(entries) > len(shown):
        lines.append(f"… and {len(entries) - len(shown)} more in the full report")
    if not changes.complete:
        lines.append("Partial crawl: some listing pages failed, so removals are held.")
    if links is not None:
        lines.append(f"Full report: {links.run(changes.to_run)}")  # type: ignore[attr-defined]
    return Summary(report_subject(changes, site_name), clip("\n".join(lines), max_chars))


def _fitting(head: str, lines: list[str], max_chars: int) -> list[str]:
    """As many whole lines as fit, leaving room for the closing lines."""
    used, fitting = len(head), []
    for line in lines:
        used += len(line) + 1
        if used > max_chars - CLOSING_ROOM:
            break
        fitting.append(line)
    return fitting


def _changed_entries(changes: ChangeSet, site_name: str) -> list[Entry]:
    """Reported changes in report order; pledges merely not seen are not changes."""
    entries = ReportViewBuilder(site_hosts(site_name)).entries(changes)
    return [entry for kind in KIND_LABELS for entry in entries[kind]]


def _counts(changes: ChangeSet) -> str:
    if changes.is_empty:
        return f"No changes to pledges between run {changes.from_run} and run {changes.to_run}."
    return f"{counts_line(changes)} (run {changes.from_run} to run {changes.to_run})"


def _entry_line(entry: Entry, links: object | None) -> str:
    url = entry.pledge.url
    if url is None and links is not None:
        url = links.pledge(entry.pledge.key)  # type: ignore[attr-defined]
    where = f" {url}" if url else ""
    return f"- {KIND_LABELS[entry.kind]}: {entry.pledge.title}{where}"
