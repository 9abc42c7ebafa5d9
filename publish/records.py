"""Plain values read from storage for the site: what the page builders start from.

Kept apart from the page values so the builders can be tested with hand-made
records, without a database.
"""

from __future__ import annotations

from dataclasses import dataclass

from pledgewatch.core.values import TermRef


@dataclass(frozen=True, slots=True)
class RunInfo:
    """An ingested run as the site names it."""

    id: int
    finished_at: str | None  # ISO 8601
    complete: bool


@dataclass(frozen=True, slots=True)
class VersionRecord:
    number: int
    from_run: int
    to_run: int | None
    title: str
    author: str | None
    submitted: str | None
    summary: str
    first_page_url: str | None  # the listing page this version was first read on


@dataclass(frozen=True, slots=True)
class Interval:
    """A run interval [from_run, to_run); ``term`` is set for a membership, None for a presence."""

    from_run: int
    to_run: int | None
    term: TermRef | None = None


@dataclass(frozen=True, slots=True)
class PledgeHistory:
    """Everything stored about one pledge."""

    key: str
    url: str | None
    versions: tuple[VersionRecord, ...]  # by number
    memberships: tuple[Interval, ...]
    presences: tuple[Interval, ...]


@dataclass(frozen=True, slots=True)
class PledgeSummary:
    """A pledge as lists show it: its latest title and byline, and whether it is still listed."""

    key: str
    title: str
    author: str | None
    listed: bool
    terms: tuple[TermRef, ...] = ()
