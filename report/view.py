"""Turn a ChangeSet into display values: cleaned, bounded, links checked, diffs computed.

Templates only ever see these values, so every rule about what scraped text may
look like in a report lives here and in :mod:`pledgewatch.report.safety`, not in markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from pledgewatch.core.text import has_mojibake
from pledgewatch.core.values import (
    ChangeSet,
    Edited,
    FieldChange,
    NotSeen,
    PledgeView,
    Reclassified,
    TermRef,
)
from pledgewatch.report.labels import VOCABULARY_NAMES, editor_date, vocabulary_label
from pledgewatch.report.safety import clean_block, clean_line, clip, safe_url, strip_controls
from pledgewatch.report.word_diff import EQUAL, DiffOp, word_diff

TITLE_CHARS = 300
SUMMARY_CHARS = 1_200
AUTHOR_CHARS = 120
TERM_CHARS = 120
TERMS_SHOWN = 12
DIFF_CONTEXT_CHARS = 100  # unchanged text kept around each edit
DIFF_CHANGE_CHARS = 1_500  # longest insertion or deletion shown
DIFF_OPS_SHOWN = 80
FIELD_LABELS = {"title": "Title", "summary": "Summary", "author": "Author", "submitted": "Submitted",
                "body": "Body", "date_shared": "Date shared", "countries": "Countries and areas",
                "gfmd_source": "GFMD source", "thematic_recollection": "Thematic recollection"}
UNLISTED_REASON = ("Left the listings: no listing of this run shows it, and its record page is "
                   "still online.")


@dataclass(frozen=True, slots=True)
class TermLine:
    name: str
    vocabulary: str
    url: str | None


@dataclass(frozen=True, slots=True)
class PledgeLine:
    key: str
    title: str
    url: str | None
    author: str
    submitted: str  # "6 Nov 2023"
    summary: str
    terms: tuple[TermLine, ...]
    more_terms: int  # terms not shown, to keep long lists bounded
    mojibake: bool = False  # garbled characters in the title or summary, as the site shows them
    last_seen: str = ""  # removed and restored pledges: the day it was last listed
    gone_since: str = ""  # restored pledges: the day it was first found missing


@dataclass(frozen=True, slots=True)
class FieldDiff:
    field: str
    label: str
    ops: tuple[DiffOp, ...]  # op is DELETE/EQUAL/INSERT; text cleaned and bounded


@dataclass(frozen=True, slots=True)
class Entry:
    """One item of a report section; only the attributes of its kind are filled."""

    kind: str
    pledge: PledgeLine
    fields: tuple[FieldDiff, ...] = ()
    terms_added: tuple[TermLine, ...] = ()
    terms_removed: tuple[TermLine, ...] = ()
    reason: str = ""


class ReportViewBuilder:
    """Builds entries for one site: links are allowed only to that site's hosts."""

    def __init__(self, hosts: frozenset[str],
                 vocabulary_names: Mapping[str, str] = VOCABULARY_NAMES) -> None:
        self.hosts = hosts
        self.vocabulary_names = vocabulary_names

    def entries(self, changes: ChangeSet) -> dict[str, list[Entry]]:
        """Entries per change kind, in the order reports show them."""
        return {
            "new": [self.plain("new", p) for p in changes.new],
            "edited": [self.edited(e) for e in changes.edited],
            "reclassified": [self.reclassified(r) for r in changes.reclassified],
            "removed": [self.plain("removed", p) for p in changes.removed],
            "unlisted": [Entry("unlisted", self.pledge(p), reason=UNLISTED_REASON)
                         for p in changes.unlisted],
            "restored": [self.plain("restored", p) for p in changes.restored],
            "not_seen": [self.not_seen(n) for n in changes.not_seen],
        }

    def plain(self, kind: str, pledge: PledgeView) -> Entry:
        line = self.pledge(pledge)
        if kind != "restored":  # "gone since" only reads right of a pledge that is back
            line = replace(line, gone_since="")
        return Entry(kind, line)

    def edited(self, edit: Edited) -> Entry:
        fields = tuple(field_diff(change) for change in edit.changes)
        return Entry("edited", self.pledge(edit.after), fields=fields)

    def reclassified(self, change: Reclassified) -> Entry:
        return Entry(
            "reclassified",
            self.pledge(change.pledge),
            terms_added=self.terms(change.terms_added),
            terms_removed=self.terms(change.terms_removed),
        )

    def not_seen(self, absent: NotSeen) -> Entry:
        return Entry("not_seen", self.pledge(absent.pledge), reason=clean_line(absent.reason, 300))

    def pledge(self, pledge: PledgeView) -> PledgeLine:
        shown = pledge.terms[:TERMS_SHOWN]
        return PledgeLine(
            key=clean_line(pledge.key, TITLE_CHARS),
            title=clean_line(pledge.title, TITLE_CHARS) or "(untitled)",
            url=safe_url(pledge.url, self.hosts),
            author=clean_line(pledge.author, AUTHOR_CHARS),
            submitted=clean_line(editor_date(pledge.submitted), AUTHOR_CHARS),
            summary=clean_block(pledge.summary, SUMMARY_CHARS),
            terms=self.terms(shown),
            more_terms=len(pledge.terms) - len(shown),
            mojibake=has_mojibake(pledge.title) or has_mojibake(pledge.summary),
            last_seen=editor_date(pledge.last_seen_at),
            gone_since=editor_date(pledge.gone_since),
        )

    def terms(self, terms: tuple[TermRef, ...]) -> tuple[TermLine, ...]:
        return tuple(self.term(t) for t in terms)

    def term(self, term: TermRef) -> TermLine:
        name = term.name or term.key.removeprefix("name:")
        return TermLine(
            name=clean_line(name, TERM_CHARS),
            vocabulary=clean_line(vocabulary_label(term.vocabulary, self.vocabulary_names), TERM_CHARS),
            url=safe_url(term.url, self.hosts),
        )


def field_diff(change: FieldChange) -> FieldDiff:
    """A word-level diff of one field, with long unchanged stretches elided."""
    ops = word_diff(change.old or "", change.new or "")
    label = FIELD_LABELS.get(change.field, change.field.capitalize())
    return FieldDiff(change.field, label, compact_ops(ops))


def compact_ops(ops: list[DiffOp]) -> tuple[DiffOp, ...]:
    """Bound a diff for display: keep edits, shorten unchanged text to context around them."""
    shown: list[DiffOp] = []
    for index, (op, text) in enumerate(ops[:DIFF_OPS_SHOWN]):
        text = strip_controls(text)
        if op == EQUAL:
            text = _context(text, first=index == 0, last=index == len(ops) - 1)
        else:
            text = clip(text, DIFF_CHANGE_CHARS)
        shown.append((op, text))
    if len(ops) > DIFF_OPS_SHOWN:
        shown.append((EQUAL, " … (more changes not shown)"))
    return tuple(shown)


def _context(text: str, *, first: bool, last: bool) -> str:
    """Unchanged text: its end before the first edit, its start after the last, both between."""
    limit = DIFF_CONTEXT_CHARS
    if len(text) <= 2 * limit + 5:
        return text
    if first and last:
        return clip(text, 2 * limit)
    if first:
        return "…" + text[-limit:]
    if last:
        return text[:limit] + "…"
    return text[:limit] + " … " + text[-limit:]
