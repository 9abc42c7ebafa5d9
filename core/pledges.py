"""The write side's plain values: a teaser as crawled, a pledge as derived, a pledge as stored.

The ladder a teaser climbs: :class:`Teaser` (one line of a run file) ->
:class:`Pledge` (one per record, all of a run's teasers of it merged and
normalized) -> a stored version (``storage.models.PledgeVersion``) ->
``ChangeSet`` (:mod:`pledgewatch.core.values`) -> a report.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Teaser:
    """What one teaser on one listing page said, as published (the run file's ``teaser``)."""

    url: str | None
    title: str | None
    author: str | None
    submitted: str | None
    summary: str
    term: str | None
    term_url: str | None
    listing_url: str | None
    position: int
    page: int | None = None
    vocabulary: str | None = None
    author_position: str | None = None
    author_truncated: bool = False


@dataclass(frozen=True, slots=True)
class Pledge:
    """One record as one run saw it: every teaser of it merged, text in its stored form."""

    key: str  # "/pfp/ppd/13001", or "title:<folded title>" for a teaser without a link
    url: str | None
    title_key: str
    title: str
    author: str | None
    author_truncated: bool
    submitted: str | None
    # Each distinct summary (stored form) with how many teasers printed it, first seen first:
    # term pages may trim the same text at different lengths.
    summaries: tuple[tuple[str, int], ...]
    term_keys: frozenset[str]
    first_listing_url: str | None


@dataclass(frozen=True, slots=True)
class StoredVersion:
    """A pledge's open (current) version, as the store holds it."""

    number: int
    content_hash: str
    title: str
    author: str | None
    submitted: str | None
    summary: str


@dataclass(frozen=True, slots=True)
class StoredPledge:
    """What the store believes of a pledge before a run: the decide stage's other input."""

    id: int
    key: str
    title_key: str
    present: bool
    absent_runs: int  # complete runs in a row that did not list it
    is_linked: bool  # a title-keyed pledge handed over to its URL-keyed twin
    version: StoredVersion | None
    term_keys: frozenset[str]  # its open memberships


@dataclass(frozen=True, slots=True)
class TermHistory:
    """What the store knows of a term before this run: the shrink guard's other side."""

    pages: int = 0  # pages at its last complete crawl (0: never complete)
    teasers: int = 0  # teasers at its last complete crawl
    members: int = 0  # pledges the store believes it lists (open memberships)
    # The run before this one held the term for a shrink to exactly this many teasers and
    # pages: seen twice in a row, the shrink is real.
    held: tuple[int, int] | None = None


class AbsenceKind(enum.StrEnum):
    """Why a pledge that a run did not list is (or is not yet) reported removed."""

    NOT_SEEN = "not_seen"  # a term that listed it was not crawled completely: proves nothing
    PENDING = "pending"  # provably absent, waiting for the runs the policy asks for
    HELD = "held"  # this run would remove too much at once: held as suspect
    REMOVED = "removed"
