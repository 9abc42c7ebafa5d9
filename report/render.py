"""Render a ChangeSet as a digest: subject, plain text and HTML (Jinja2 templates).

The HTML is written for mail clients: inline styles, tables for layout, no
scripts, no remote images. Autoescaping is on for every template except the
plain-text one (``*.txt.j2``), where escaping would show ``&lt;`` to readers.
Scraped text reaches templates only through :mod:`pledgewatch.report.view`, which
cleans, bounds and link-checks it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from pledgewatch.core.values import ChangeSet, CrawlHealth
from pledgewatch.report.filter import ReportFilter
from pledgewatch.report.json_form import changes_json_text
from pledgewatch.report.labels import editor_time
from pledgewatch.report.safety import clean_line, site_hosts
from pledgewatch.report.view import ReportViewBuilder
from pledgewatch.report.word_diff import DELETE, INSERT, diff_as_text

SECTION_HEADINGS = {
    "new": "New pledges",
    "edited": "Edited pledges",
    "reclassified": "Re-classified pledges",
    "removed": "Removed pledges",
    "unlisted": "Left the listings (record page still online)",
    "restored": "Restored pledges",
    "not_seen": "Not seen in this run (not reported as removed yet)",
}
MOJIBAKE_NOTE = ("Garbled characters: the site shows some of this text in the wrong encoding "
                 "(e.g. \u00ecquoted\u00ee for \u201cquoted\u201d). Quoted here as published.")
BASELINE_HEADING = "Pledges recorded at the baseline"
FAILED_PAGES_SHOWN = 10


@dataclass(frozen=True, slots=True)
class Report:
    subject: str
    text: str
    html: str


@cache
def environment() -> Environment:
    """The template environment; autoescape is on unless a template is plain text."""
    env = Environment(
        loader=PackageLoader("pledgewatch.report", "templates"),
        autoescape=select_autoescape(disabled_extensions=("txt.j2",), default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(DELETE=DELETE, INSERT=INSERT, MOJIBAKE_NOTE=MOJIBAKE_NOTE)
    env.filters["diff_text"] = diff_as_text
    return env


def render_report(
    changes: ChangeSet, *, site_name: str = "gfmd.org", filter: ReportFilter | None = None,
    links: object | None = None,
) -> Report:
    """The digest of one run for one reader (``filter`` limits it to what they follow).

    ``links``, when given, has ``run(run_id)`` and ``pledge(key)`` returning absolute URLs of
    the published history site, and the report links each run and pledge to its page.
    """
    if filter is not None:
        changes = filter.apply(changes)
    context = report_context(changes, site_name, links, filter)
    env = environment()
    return Report(
        subject=str(context["subject"]),
        text=env.get_template("report.txt.j2").render(context),
        html=env.get_template("report.html.j2").render(context),
    )


def write_report_files(report: Report, changes: ChangeSet, directory: Path) -> list[Path]:
    """Write ``run-<to_run>.{html,txt,json}`` into ``directory``; returns the paths written.

    Each file is written to a temporary name first, so a reader never sees half a report.
    """
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"run-{changes.to_run}"
    contents = {
        f"{stem}.html": report.html,
        f"{stem}.txt": report.text,
        f"{stem}.json": changes_json_text(changes),
    }
    paths = []
    for name, text in contents.items():
        temporary = directory / f".{name}.tmp"
        temporary.write_text(text, encoding="utf-8")
        paths.append(temporary.replace(directory / name))
    return paths


def report_context(changes: ChangeSet, site_name: str, links: object | None = None,
                   filter: ReportFilter | None = None) -> dict[str, object]:
    """Everything the templates use; shared with the Atom feed."""
    entries = ReportViewBuilder(site_hosts(site_name)).entries(changes)
    headings = {**SECTION_HEADINGS, "new": BASELINE_HEADING} if changes.from_run is None \
        else SECTION_HEADINGS
    sections = [(kind, headings[kind], items) for kind, items in entries.items() if items]
    return {
        "site_name": site_name,
        "subject": report_subject(changes, site_name),
        "changes": changes,
        "sections": sections,
        "health": health_lines(changes.health),
        "summary_line": counts_line(changes),
        "run_line": run_line(changes),
        "filter_line": filter.describe() if filter is not None else "",
        "links": links,
    }


def run_line(changes: ChangeSet) -> str:
    """Which runs a report compares, in words: a baseline says so instead of "run (first)"."""
    finished = f" ({editor_time(changes.to_finished_at)})" if changes.to_finished_at else ""
    if changes.from_run is None:
        return (f"First run: the baseline{finished}. Every pledge listed now is recorded; "
                "from the next run on, reports show only what changed.")
    since = f" ({editor_time(changes.from_finished_at)})" if changes.from_finished_at else ""
    return f"Run {changes.to_run}{finished} compared with run {changes.from_run}{since}."


def report_subject(changes: ChangeSet, site_name: str = "gfmd.org") -> str:
    """E.g. "gfmd.org: 3 new, 2 edited, 1 removed pledges"; no scraped text goes in a header."""
    if changes.is_empty:
        subject = f"{site_name}: no changes to pledges"
    else:
        counts = changes.counts()
        noun = "pledge" if sum(counts[k] for k in _REPORTED) == 1 else "pledges"
        subject = f"{site_name}: {counts_line(changes)} {noun}"
    if not changes.complete:
        subject += " (partial crawl)"
    return subject


_REPORTED = ("new", "edited", "removed", "reclassified", "restored", "unlisted")


def counts_line(changes: ChangeSet) -> str:
    """"3 new, 2 edited, 1 removed", plus re-classified, restored and left the listings when
    there are any."""
    counts = changes.counts()
    parts = [f"{counts['new']} new", f"{counts['edited']} edited", f"{counts['removed']} removed"]
    if counts["reclassified"]:
        parts.append(f"{counts['reclassified']} re-classified")
    if counts["restored"]:
        parts.append(f"{counts['restored']} restored")
    if counts["unlisted"]:
        parts.append(f"{counts['unlisted']} left the listings")
    return ", ".join(parts)


def health_lines(health: CrawlHealth) -> list[str]:
    """The crawl-health footer as plain sentences (escaped by the templates)."""
    lines = [
        f"Pages fetched: {health.pages_fetched}; failed: {health.pages_failed}; "
        f"removals held back: {health.held_removals}."
    ]
    if not health.crawl_finished:
        lines.append("The crawl stopped before its end.")
    if health.suspect:
        reason = clean_line(health.suspect_reason, 300) or "too many pledges missing at once"
        lines.append(f"Removals held as suspect: {reason}.")
    for page in health.failed_pages[:FAILED_PAGES_SHOWN]:
        status = page.status if page.status is not None else "no response"
        lines.append(f"Failed: {clean_line(page.url, 200)} ({status}; {clean_line(page.error, 200)})")
    if len(health.failed_pages) > FAILED_PAGES_SHOWN:
        lines.append(f"… and {len(health.failed_pages) - FAILED_PAGES_SHOWN} more failed pages.")
    for record in health.failed_records[:FAILED_PAGES_SHOWN]:
        status = record.status if record.status is not None else "no response"
        lines.append(f"Record page not read: {clean_line(record.url, 200)} ({status}; "
                     f"{clean_line(record.error, 200)})")
    if len(health.failed_records) > FAILED_PAGES_SHOWN:
        lines.append(f"… and {len(health.failed_records) - FAILED_PAGES_SHOWN} more record pages "
                     "not read.")
    if health.incomplete_terms:
        names = ", ".join(clean_line(t.name or t.key, 120) for t in health.incomplete_terms[:20])
        lines.append(f"Terms not fully crawled: {names}.")
    return lines



def readable_time(iso: str) -> str:
    """"2025-11-20 06:03 UTC" from an ISO 8601 time, for the history site's tables (a sortable
    form); reports use :func:`report.labels.editor_time`. Anything unparseable is shown as given."""
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
