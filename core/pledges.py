"""The write side's plain values: a teaser as crawled, a pledge as derived, a pledge as stored.

The ladder a teaser climbs: :class:`Teaser` (one line of a run file) ->
:class:`Pledge` (one per record, all of a run's teasers of it merged and
normalized) -> a stored version (``storage.models.PledgeVersion``) ->
``ChangeSet`` (:mod:`pledgewatch.core.values`) -> a report.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

from pledgewatch.core.text import record_hash


def term_keys_of(keys: Iterable[str]) -> tuple[str, ...]:
    """A pledge's term keys as its values hold them: each once, sorted. A tuple, not a
    frozenset: a pledge is listed under about eight terms, and a frozenset of eight costs six
    times the memory of the tuple, for every pledge of a run and of the store's belief.

    >>> term_keys_of(["goal-8", "goal-1", "goal-8"])
    ('goal-1', 'goal-8')
    """
    return tuple(sorted(set(keys)))


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
    term_keys: tuple[str, ...]  # the keys of the terms listing it (:func:`term_keys_of`)
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
class RecordContent:
    """What a pledge's record page (``/pfp/ppd/<nid>``) says, text in its stored form."""

    title: str | None
    date_shared: str | None
    body: str
    countries: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()  # (term URL, name) as the record links them
    gfmd_source: tuple[str, ...] = ()
    thematic_recollection: tuple[str, ...] = ()

    def content_hash(self) -> str:
        """Decides whether a record changed: equal for whitespace and line-break variants."""
        return record_hash(self.title, self.date_shared, self.body,
                           (self.countries, self.gfmd_source, self.thematic_recollection),
                           self.terms)


class RecordOutcome(enum.StrEnum):
    """What one attempt to read a record page came to."""

    READ = "read"  # 200 and every field read
    UNCHANGED = "unchanged"  # 304 Not Modified: a read that found the stored record
    GONE = "gone"  # 404 or 410: the record is off the site
    FAILED = "failed"  # anything else: proves nothing

    @property
    def online(self) -> bool:
        """The record page answered: the pledge is still on the site."""
        return self in (RecordOutcome.READ, RecordOutcome.UNCHANGED)


@dataclass(frozen=True, slots=True)
class RecordRead:
    """One record page as a run read it (the run file's ``record`` line, cleaned)."""

    key: str  # the pledge key of its URL
    url: str
    why: str | None
    status: int | None
    outcome: RecordOutcome
    error: str | None = None
    content: RecordContent | None = None  # only when READ


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A pledge's open record version, as the store holds it."""

    number: int
    content_hash: str
    content: RecordContent
    valid_from_run: int = 0


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
    term_keys: tuple[str, ...]  # its open memberships (:func:`term_keys_of`)
    record: StoredRecord | None = None  # its open record version, once its record was read


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
    # Left the listings of a run that read the whole site while its record page still answers:
    # reported as such, never as removed.
    UNLISTED = "unlisted"
