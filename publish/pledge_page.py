"""A pledge's page as plain values: current state, timeline, versions and comparisons.

Built by pure functions from :class:`~pledgewatch.publish.records.PledgeHistory`
so every rule (what a step of the timeline says, which pairs of versions can be
compared) is tested without a database or a browser.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import combinations

from pledgewatch.core.values import TermRef
from pledgewatch.publish.records import Interval, PledgeHistory, RunInfo, VersionRecord
from pledgewatch.publish.reporting import (
    DiffOp,
    clean_block,
    clean_line,
    safe_url,
    strip_controls,
    word_diff,
)

TITLE_CHARS = 300
AUTHOR_CHARS = 120
SUMMARY_CHARS = 6_000
TERM_CHARS = 120
MAX_COMPARED_VERSIONS = 12  # beyond this, only neighbours and the latest are compared
FIELDS = (("title", "Title"), ("author", "Author"), ("submitted", "Submitted"), ("summary", "Summary"))
FIRST_SEEN, LISTED_AGAIN, NO_LONGER_LISTED = "first seen", "listed again", "no longer listed"


@dataclass(frozen=True, slots=True)
class TermLink:
    key: str
    name: str
    vocabulary: str
    url: str | None  # on the watched site, or None


@dataclass(frozen=True, slots=True)
class FieldDiff:
    label: str
    ops: tuple[DiffOp, ...]


@dataclass(frozen=True, slots=True)
class Comparison:
    older: int
    newer: int
    fields: tuple[FieldDiff, ...]  # only the fields that differ

    @property
    def anchor(self) -> str:
        return f"compare-{self.older}-{self.newer}"


@dataclass(frozen=True, slots=True)
class VersionView:
    number: int
    run: RunInfo
    title: str
    author: str
    submitted: str
    summary: str
    source_url: str | None  # the listing page it was first read on
    changes: Comparison | None  # against the version before


@dataclass(frozen=True, slots=True)
class TimelineStep:
    """What happened to the pledge in one run."""

    run: RunInfo
    listing: str | None = None  # FIRST_SEEN, LISTED_AGAIN or NO_LONGER_LISTED
    version: int | None = None  # a new version was read
    terms_added: tuple[TermLink, ...] = ()
    terms_removed: tuple[TermLink, ...] = ()


@dataclass(frozen=True, slots=True)
class PledgePage:
    key: str
    title: str
    author: str
    submitted: str
    summary: str
    record_url: str | None
    terms: tuple[TermLink, ...]
    listed: bool
    first_seen: RunInfo
    last_seen: RunInfo | None  # None while still listed: the page need not change every run
    versions: tuple[VersionView, ...]
    timeline: tuple[TimelineStep, ...]
    comparisons: tuple[Comparison, ...] = field(default=())


def pledge_page(history: PledgeHistory, runs: Mapping[int, RunInfo], hosts: frozenset[str]) -> PledgePage:
    """The page of one pledge; ``runs`` holds every ingested run, ``hosts`` the linkable ones."""
    versions = versions_view(history.versions, runs, hosts)
    latest = versions[-1]
    open_terms = sorted((m.term for m in history.memberships if m.to_run is None and m.term),
                        key=lambda t: t.key)
    listed = any(p.to_run is None for p in history.presences)
    return PledgePage(
        key=clean_line(history.key, TITLE_CHARS), title=latest.title, author=latest.author,
        submitted=latest.submitted, summary=latest.summary,
        record_url=safe_url(history.url, hosts), terms=tuple(term_link(t, hosts) for t in open_terms),
        listed=listed, first_seen=_run(runs, first_run(history)),
        last_seen=None if listed else _run(runs, last_seen_run(history.presences, runs)),
        versions=versions, timeline=timeline(history, runs, hosts),
        comparisons=comparisons(history.versions))


def versions_view(versions: tuple[VersionRecord, ...], runs: Mapping[int, RunInfo],
                  hosts: frozenset[str]) -> tuple[VersionView, ...]:
    views, previous = [], None
    for version in versions:
        views.append(VersionView(
            number=version.number, run=_run(runs, version.from_run),
            title=clean_line(version.title, TITLE_CHARS) or "(untitled)",
            author=clean_line(version.author, AUTHOR_CHARS),
            submitted=clean_line(version.submitted, AUTHOR_CHARS),
            summary=clean_block(version.summary, SUMMARY_CHARS),
            source_url=safe_url(version.first_page_url, hosts),
            changes=compare(previous, version) if previous else None))
        previous = version
    return tuple(views)


def compare(older: VersionRecord, newer: VersionRecord) -> Comparison:
    """Word-level differences of each field that differs between two versions."""
    fields = []
    for name, label in FIELDS:
        before, after = _display(name, getattr(older, name)), _display(name, getattr(newer, name))
        if before != after:
            ops = tuple((op, strip_controls(text)) for op, text in word_diff(before, after))
            fields.append(FieldDiff(label, ops))
    return Comparison(older.number, newer.number, tuple(fields))


def comparisons(versions: tuple[VersionRecord, ...]) -> tuple[Comparison, ...]:
    """Every pair of versions, or for long histories the pairs with a neighbour or the latest."""
    if len(versions) <= MAX_COMPARED_VERSIONS:
        pairs = list(combinations(versions, 2))
    else:
        pairs = [(a, b) for a, b in combinations(versions, 2)
                 if b.number == a.number + 1 or b is versions[-1]]
    return tuple(compare(a, b) for a, b in pairs)


def timeline(history: PledgeHistory, runs: Mapping[int, RunInfo],
             hosts: frozenset[str]) -> tuple[TimelineStep, ...]:
    """One step per run in which something happened, oldest first.

    Terms a pledge leaves in the run it stops being listed are part of that removal,
    not separate changes, so the step only says it is no longer listed.
    """
    listing: dict[int, str] = {}
    first = first_run(history)
    for presence in history.presences:
        listing[presence.from_run] = FIRST_SEEN if presence.from_run == first else LISTED_AGAIN
        if presence.to_run is not None:
            listing[presence.to_run] = NO_LONGER_LISTED
    new_versions = {v.from_run: v.number for v in history.versions}
    added: dict[int, list[TermRef]] = {}
    removed: dict[int, list[TermRef]] = {}
    for m in history.memberships:
        if m.term is None:
            continue
        added.setdefault(m.from_run, []).append(m.term)
        if m.to_run is not None and listing.get(m.to_run) != NO_LONGER_LISTED:
            removed.setdefault(m.to_run, []).append(m.term)
    steps = []
    for run_id in sorted(set(listing) | set(new_versions) | set(added) | set(removed)):
        steps.append(TimelineStep(
            run=_run(runs, run_id), listing=listing.get(run_id), version=new_versions.get(run_id),
            terms_added=_links(added.get(run_id, ()), hosts),
            terms_removed=_links(removed.get(run_id, ()), hosts)))
    return tuple(steps)


def first_run(history: PledgeHistory) -> int:
    starts = [p.from_run for p in history.presences] or [v.from_run for v in history.versions]
    return min(starts)


def last_seen_run(presences: tuple[Interval, ...], runs: Mapping[int, RunInfo]) -> int:
    """The latest run for a listed pledge; else the last run before it stopped being listed."""
    if not presences or any(p.to_run is None for p in presences):
        return max(runs)
    end = max(p.to_run for p in presences if p.to_run is not None)
    return max((r for r in runs if r < end), default=end)


def term_link(term: TermRef, hosts: frozenset[str]) -> TermLink:
    name = term.name or term.key.removeprefix("name:")
    return TermLink(term.key, clean_line(name, TERM_CHARS) or "(unnamed term)",
                    clean_line(term.vocabulary, TERM_CHARS), safe_url(term.url, hosts))


def _links(terms: list[TermRef] | tuple[()], hosts: frozenset[str]) -> tuple[TermLink, ...]:
    return tuple(term_link(t, hosts) for t in sorted(terms, key=lambda t: t.key))


def _display(name: str, value: str | None) -> str:
    if name == "summary":
        return clean_block(value, SUMMARY_CHARS)
    return clean_line(value, TITLE_CHARS)


def _run(runs: Mapping[int, RunInfo], run_id: int) -> RunInfo:
    """Runs a row points to are ingested; an unknown id is still shown, without a date."""
    return runs.get(run_id) or RunInfo(run_id, None, False)
