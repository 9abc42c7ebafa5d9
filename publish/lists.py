"""Term pages, the A-Z lists and the search index, as plain values built by pure functions."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pledgewatch.core.values import TermRef
from pledgewatch.publish.links import pledge_path
from pledgewatch.publish.pledge_page import AUTHOR_CHARS, TITLE_CHARS, TermLink, term_link
from pledgewatch.publish.records import Interval, PledgeSummary, RunInfo
from pledgewatch.publish.reporting import clean_line

LETTERS = (*tuple("abcdefghijklmnopqrstuvwxyz"), "other")
STEP_PLEDGES_SHOWN = 200  # per run and direction on a term page


@dataclass(frozen=True, slots=True)
class PledgeLink:
    key: str
    title: str
    author: str
    listed: bool


@dataclass(frozen=True, slots=True)
class TermStep:
    run: RunInfo
    added: tuple[PledgeLink, ...]
    removed: tuple[PledgeLink, ...]
    more: int = 0  # pledges not shown, to keep a step bounded


@dataclass(frozen=True, slots=True)
class TermPage:
    term: TermLink
    first_run: RunInfo | None
    first_count: int  # pledges it listed when first crawled
    listed: tuple[PledgeLink, ...]
    steps: tuple[TermStep, ...]  # after the first crawl, newest first


def pledge_link(summary: PledgeSummary) -> PledgeLink:
    return PledgeLink(summary.key, clean_line(summary.title, TITLE_CHARS) or "(untitled)",
                      clean_line(summary.author, AUTHOR_CHARS), summary.listed)


def term_page(term: TermRef, memberships: Iterable[tuple[int, Interval]],
              pledges: Mapping[int, PledgeSummary], runs: Mapping[int, RunInfo],
              hosts: frozenset[str]) -> TermPage:
    """What ``term`` lists now, and who joined or left it run by run.

    The first crawl of a term lists everything at once; that step is a count,
    since those pledges are either listed now or appear as removed later.
    """
    rows = [(pid, m) for pid, m in memberships if pid in pledges]
    listed = sorted((pledge_link(pledges[pid]) for pid, m in rows if m.to_run is None), key=_by_title)
    first = min((m.from_run for _, m in rows), default=None)
    changes: dict[int, tuple[list[PledgeLink], list[PledgeLink]]] = {}
    for pid, m in rows:
        link = pledge_link(pledges[pid])
        if m.from_run != first:
            changes.setdefault(m.from_run, ([], []))[0].append(link)
        if m.to_run is not None:
            changes.setdefault(m.to_run, ([], []))[1].append(link)
    steps = tuple(_step(runs, run_id, *changes[run_id]) for run_id in sorted(changes, reverse=True))
    return TermPage(term_link(term, hosts), runs.get(first) if first else None,
                    sum(1 for _, m in rows if m.from_run == first), tuple(listed), steps)


def _step(runs: Mapping[int, RunInfo], run_id: int, added: list[PledgeLink],
          removed: list[PledgeLink]) -> TermStep:
    added.sort(key=_by_title)
    removed.sort(key=_by_title)
    shown_added = added[:STEP_PLEDGES_SHOWN]
    shown_removed = removed[: max(STEP_PLEDGES_SHOWN - len(shown_added), 0)]
    more = len(added) + len(removed) - len(shown_added) - len(shown_removed)
    return TermStep(runs.get(run_id) or RunInfo(run_id, None, False), tuple(shown_added),
                    tuple(shown_removed), more)


def _by_title(link: PledgeLink) -> tuple[str, str]:
    return (link.title.casefold(), link.key)


def letter_of(title: str) -> str:
    """The A-Z section of a title: its first letter without accents, or "other"."""
    for char in unicodedata.normalize("NFKD", title.strip()).casefold():
        if unicodedata.combining(char):
            continue
        return char if char in LETTERS[:-1] else "other"
    return "other"


def by_letter(summaries: Iterable[PledgeSummary]) -> dict[str, tuple[PledgeLink, ...]]:
    """Every letter of :data:`LETTERS`, each with its pledges sorted by title (maybe none)."""
    groups: dict[str, list[PledgeLink]] = {letter: [] for letter in LETTERS}
    for summary in summaries:
        link = pledge_link(summary)
        groups[letter_of(link.title)].append(link)
    return {letter: tuple(sorted(links, key=_by_title)) for letter, links in groups.items()}


def search_entries(summaries: Iterable[PledgeSummary]) -> list[dict[str, object]]:
    """The client-side search index: title, author, term names and page of every pledge.

    Short keys, because the index is shipped whole to every browser that searches.
    """
    entries = []
    for summary in summaries:
        link = pledge_link(summary)
        terms = " · ".join(clean_line(t.name or t.key.removeprefix("name:"), 120) for t in summary.terms)
        entry: dict[str, object] = {"t": link.title, "a": link.author, "k": terms,
                                    "p": pledge_path(summary.key)}
        if not summary.listed:
            entry["x"] = 1  # no longer listed
        entries.append(entry)
    entries.sort(key=lambda e: (str(e["t"]).casefold(), str(e["p"])))
    return entries
