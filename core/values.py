"""Typed values passed between the ETL stages: pledge states and change sets.

Storage converts rows to these (``storage.queries``), the diff produces a
:class:`ChangeSet`, and reports render one. No ORM object crosses this line.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TEXT_FIELDS = ("title", "summary", "author", "submitted")
# A record page's fields reported as edits, in report order; its term lists are kept but never
# reported (re-classification comes from the listings), and its title is the teaser's "title".
RECORD_FIELDS = ("body", "date_shared", "countries", "gfmd_source", "thematic_recollection")
LIST_SEPARATOR = "; "  # a list field's items as one text, for FieldChange and word diffs


@dataclass(frozen=True, slots=True, order=True)
class TermRef:
    """A taxonomy term; ``key`` is its canonical listing URL, or ``name:<name>`` when unknown."""

    key: str
    name: str | None
    vocabulary: str | None
    url: str | None


@dataclass(frozen=True, slots=True)
class RecordView:
    """A pledge's record page as it stood at one run, and the latest run up to then that read
    it (a new version, or a read that found it unchanged)."""

    number: int
    title: str | None
    date_shared: str | None
    body: str
    countries: tuple[str, ...] = ()
    gfmd_source: tuple[str, ...] = ()
    thematic_recollection: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()  # (term URL, name); kept, never reported
    read_run: int | None = None

    def text_of(self, name: str) -> str | None:
        """A field as one text: lists joined by :data:`LIST_SEPARATOR`."""
        value = getattr(self, name)
        return LIST_SEPARATOR.join(value) if isinstance(value, tuple) else value


@dataclass(frozen=True, slots=True)
class PledgeView:
    """A pledge as it stood at one run: its current version and term memberships."""

    key: str  # canonical record URL path ("/pfp/ppd/13001"), or "title:<normalized title>"
    url: str | None  # absolute canonical record URL
    title: str
    author: str | None
    submitted: str | None
    summary: str
    terms: tuple[TermRef, ...] = ()  # sorted by key
    version: int = 1  # version number of this content
    first_seen_run: int | None = None
    # Filled for removed and restored pledges only: when it was last listed (ISO 8601), and
    # for a restored one, when it went missing. Editors ask "how long was it gone?".
    last_seen_at: str | None = None
    gone_since: str | None = None
    record: RecordView | None = None  # its record page, once read


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a pledge that changed; text diffs are computed by the report layer."""

    field: str  # one of TEXT_FIELDS or RECORD_FIELDS
    old: str | None
    new: str | None


@dataclass(frozen=True, slots=True)
class Edited:
    before: PledgeView
    after: PledgeView
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class Reclassified:
    pledge: PledgeView
    terms_added: tuple[TermRef, ...]
    terms_removed: tuple[TermRef, ...]


@dataclass(frozen=True, slots=True)
class NotSeen:
    """A pledge absent from a run that could not prove its removal."""

    pledge: PledgeView
    reason: str


@dataclass(frozen=True, slots=True)
class FailedPage:
    url: str
    status: int | None
    error: str


@dataclass(frozen=True, slots=True)
class CrawlHealth:
    pages_fetched: int = 0
    pages_failed: int = 0
    failed_pages: tuple[FailedPage, ...] = ()
    incomplete_terms: tuple[TermRef, ...] = ()
    held_removals: int = 0  # absences not (yet) reported as removals
    suspect: bool = False  # the run would have removed too much; removals held
    suspect_reason: str | None = None
    crawl_finished: bool = True  # the crawl reached its end (close reason "finished")
    # Record pages the run tried and could not read (neither 200, 304 nor 404/410): they prove
    # nothing, and an editor should know their pledges were judged by the listings alone.
    failed_records: tuple[FailedPage, ...] = ()


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """What changed between two runs, ready for reporting."""

    from_run: int | None
    to_run: int
    complete: bool  # every listing page of the run was fetched and parsed fine
    new: tuple[PledgeView, ...] = ()
    edited: tuple[Edited, ...] = ()
    removed: tuple[PledgeView, ...] = ()
    reclassified: tuple[Reclassified, ...] = ()
    restored: tuple[PledgeView, ...] = ()
    not_seen: tuple[NotSeen, ...] = ()
    # Left the listings of a run that read the whole site, its record page still online.
    unlisted: tuple[PledgeView, ...] = ()
    health: CrawlHealth = field(default_factory=CrawlHealth)
    from_finished_at: str | None = None  # ISO 8601
    to_finished_at: str | None = None

    @property
    def is_empty(self) -> bool:
        """True when there is nothing an editor needs to read (health notes aside)."""
        return not (self.new or self.edited or self.removed or self.reclassified or self.restored
                    or self.unlisted)

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "edited": len(self.edited),
            "removed": len(self.removed),
            "reclassified": len(self.reclassified),
            "restored": len(self.restored),
            "not_seen": len(self.not_seen),
            "unlisted": len(self.unlisted),
        }
