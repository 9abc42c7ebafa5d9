"""The schema: runs and their raw input, pledges with versions and term memberships over time.

Everything that changes over time is an interval of runs: a row is valid from
``from_run`` (inclusive) until ``to_run`` (exclusive; NULL while still valid).
An unchanged run therefore writes nothing but its own ``runs`` row, which is
what keeps repeated crawls of a quiet site from growing the database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pledgewatch.storage.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class Run(Base):
    """One crawl ingested (or one pipeline attempt that failed before ingesting)."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    ingested_at: Mapped[datetime | None]
    source: Mapped[str] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(20))  # ingested | failed | interrupted
    crawl_reason: Mapped[str | None] = mapped_column(String(100))
    complete: Mapped[bool] = mapped_column(default=False)  # every page ok, crawl finished
    suspect: Mapped[bool] = mapped_column(default=False)  # removals held: too many at once
    parser_version: Mapped[str | None] = mapped_column(String(50))
    normalizer_version: Mapped[str | None] = mapped_column(String(50))
    input_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    pages_ok: Mapped[int] = mapped_column(default=0)
    pages_failed: Mapped[int] = mapped_column(default=0)
    teasers: Mapped[int] = mapped_column(default=0)
    pledges_seen: Mapped[int] = mapped_column(default=0)
    crawl_meta: Mapped[dict[str, Any] | None]  # the crawl record, discovered terms, failed pages
    pages_digest: Mapped[str | None] = mapped_column(String(64))  # raw chunk: the run's page list
    counts: Mapped[dict[str, Any] | None]  # changes found: {"new": n, "edited": n, ...}
    email_status: Mapped[str | None] = mapped_column(String(200))
    report_dir: Mapped[str | None] = mapped_column(String(1000))
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"Run(id={self.id}, status={self.status!r}, complete={self.complete})"


class RawChunk(Base):
    """One piece of a run's raw input (``etl.archive``), compressed, stored once under its digest."""

    __tablename__ = "raw_chunks"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)


class Vocabulary(Base):
    __tablename__ = "vocabularies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)


class Term(Base):
    __tablename__ = "terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(2000), unique=True)  # canonical URL or "name:<name>"
    name: Mapped[str | None] = mapped_column(String(1000))
    url: Mapped[str | None] = mapped_column(String(2000))
    vocabulary_id: Mapped[int | None] = mapped_column(ForeignKey("vocabularies.id"))


class TermCrawl(Base):
    """How completely one term was crawled in one run: the completeness guard's evidence."""

    __tablename__ = "term_crawls"
    __table_args__ = (UniqueConstraint("run_id", "term_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"))
    complete: Mapped[bool]
    pages: Mapped[int]
    pages_failed: Mapped[int]
    teasers: Mapped[int]
    reason: Mapped[str | None] = mapped_column(Text)  # why it is incomplete
    held: Mapped[bool] = mapped_column(default=False)  # only a shrink a second run must confirm
    # Page 0 only, as the crawl plan asked: shows new pledges, proves no absence.
    probed: Mapped[bool] = mapped_column(default=False, server_default=false())


class Pledge(Base):
    """A record's identity; its content lives in versions."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(2000), unique=True)
    url: Mapped[str | None] = mapped_column(String(2000))
    title_key: Mapped[str] = mapped_column(String(2000), index=True)
    twin_id: Mapped[int | None] = mapped_column(ForeignKey("pledges.id"))  # title-keyed → URL twin
    first_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    present: Mapped[bool] = mapped_column(default=True)  # False once removal is confirmed
    absent_runs: Mapped[int] = mapped_column(default=0)  # complete runs in a row without it


class PledgeVersion(Base):
    __tablename__ = "pledge_versions"
    __table_args__ = (
        UniqueConstraint("pledge_id", "number"),
        Index("ix_pledge_versions_open", "pledge_id", "to_run"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    number: Mapped[int]
    content_hash: Mapped[str] = mapped_column(String(64))  # of the normalized content
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(1000))
    submitted: Mapped[str | None] = mapped_column(String(40))
    summary: Mapped[str] = mapped_column(Text)
    mojibake: Mapped[bool] = mapped_column(default=False)
    from_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    to_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    first_page_url: Mapped[str | None] = mapped_column(String(2000))  # provenance


class RecordVersion(Base):
    """What a pledge's record page said, over the runs it said it (``valid_to_run`` NULL while
    open). A new version only when the comparison forms change (``core.text.record_hash``)."""

    __tablename__ = "record_versions"
    __table_args__ = (
        UniqueConstraint("pledge_id", "number"),
        Index("ix_record_versions_open", "pledge_id", "valid_to_run"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    number: Mapped[int]
    valid_from_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    valid_to_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(Text)
    date_shared: Mapped[str | None] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    countries: Mapped[list[str]] = mapped_column(JSON)
    terms: Mapped[list[list[str]]] = mapped_column(JSON)  # [[term URL, name], ...]
    gfmd_source: Mapped[list[str]] = mapped_column(JSON)
    thematic_recollection: Mapped[list[str]] = mapped_column(JSON)


class RecordFetch(Base):
    """One run's attempt to read a pledge's record page, and what it came to
    (``core.pledges.RecordOutcome``): when a record was last read, and whether a run read it."""

    __tablename__ = "record_fetches"
    __table_args__ = (
        UniqueConstraint("run_id", "pledge_id"),
        Index("ix_record_fetches_pledge", "pledge_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    outcome: Mapped[str] = mapped_column(String(20))  # read | unchanged | gone | failed
    why: Mapped[str | None] = mapped_column(String(20))  # new | changed | missing | due | discover
    status: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)


class Membership(Base):
    """A pledge listed under a term, over the runs that listed it."""

    __tablename__ = "memberships"
    __table_args__ = (Index("ix_memberships_open", "pledge_id", "to_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    term_id: Mapped[int] = mapped_column(ForeignKey("terms.id"), index=True)
    from_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    to_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class Presence(Base):
    """The runs over which a pledge was listed at all; a closed interval is a removal."""

    __tablename__ = "presences"
    __table_args__ = (Index("ix_presences_open", "pledge_id", "to_run"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    from_run: Mapped[int] = mapped_column(ForeignKey("runs.id"))
    to_run: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))


class Absence(Base):
    """A listed pledge a run did not see, and what was made of it (``core.pledges.AbsenceKind``)."""

    __tablename__ = "absences"
    __table_args__ = (UniqueConstraint("run_id", "pledge_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    pledge_id: Mapped[int] = mapped_column(ForeignKey("pledges.id"))
    kind: Mapped[str] = mapped_column(String(20))  # not_seen | pending | held | removed
    reason: Mapped[str] = mapped_column(Text)


class FetchState(Base):
    """What the site last said of each fetched URL (listing or record page): the validators
    the next request sends (``If-None-Match`` / ``If-Modified-Since``), and when it was last
    read. ``last_ok_at`` is the crawl time of the last 200 or 304, and ``run_id`` the run
    that read it then, whose raw input holds the page (docs/crawling.md). The pager fields
    are the last page read's own, so a 304 can be followed without the body."""

    __tablename__ = "fetch_state"

    url: Mapped[str] = mapped_column(String(2000), primary_key=True)
    etag: Mapped[str | None] = mapped_column(String(1000))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[int | None]
    last_ok_at: Mapped[datetime | None]
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    next_url: Mapped[str | None] = mapped_column(String(2000))
    last_page: Mapped[int | None]
    teasers: Mapped[int | None]
    records: Mapped[list[str] | None] = mapped_column(JSON)  # record URLs the page listed


class RunLock(Base):
    """At most one pipeline run at a time, across processes and hosts."""

    __tablename__ = "run_locks"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    owner: Mapped[str] = mapped_column(String(200))
    host: Mapped[str] = mapped_column(String(200))
    pid: Mapped[int] = mapped_column(BigInteger)
    acquired_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]


class State(Base):
    """Small named values the application keeps between runs (e.g. source health)."""

    __tablename__ = "state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
