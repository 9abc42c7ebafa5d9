"""A database written before teasers were split into content and context still re-processes.

Before migration 0002 a page observation listed, per teaser, the digest of the whole teaser
record (without its position). The upgrade leaves those rows as they are; re-processing reads
them the old way and derives the same pledge.
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime

import orjson
from alembic import command
from sqlalchemy import insert, select

from pledgewatch.etl.reprocess import reprocess_all
from pledgewatch.etl.runfile import digest_of
from pledgewatch.storage.db import make_engine, open_database
from pledgewatch.storage.migrate import alembic_config
from pledgewatch.storage.models import Membership, PageObservation, Pledge, PledgeVersion, RawChunk, Run, Term

TERM = "https://gfmd.org/contributors/member-states"
TEASER = {"author": "Ms. Anqi ZHANG", "submitted": None, "summary": "Legazpi City commits.",
          "term": "Member States", "term_url": TERM, "title": "Legazpi City: Help Desk",
          "type": "teaser", "url": "https://gfmd.org/pfp/ppd/13002", "vocabulary": "contributors"}
PAGE = {"error": None, "last_page": 0, "next_url": None, "ok": True, "page": 0, "status": 200,
        "teasers": 1, "term": "Member States", "term_url": TERM, "type": "page", "url": TERM,
        "vocabulary": "contributors"}
CRAWL = {"type": "crawl", "started": "2026-03-01T06:00:00+00:00",
         "finished": "2026-03-01T06:10:00+00:00", "reason": "finished"}


def chunk(record: dict) -> dict:
    data = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    return {"digest": digest_of(data), "size": len(data), "data": zlib.compress(data)}


def test_a_run_stored_before_the_split_is_upgraded_and_re_derived(db_url: str) -> None:
    engine = make_engine(db_url)
    command.upgrade(alembic_config(engine), "0001")
    teaser, page = chunk(TEASER), chunk(PAGE)
    when = datetime(2026, 3, 1, 6, 10, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(insert(Run), [{
            "id": 1, "source": "file:old.jsonl", "status": "ingested", "complete": True,
            "started_at": when, "finished_at": when, "ingested_at": when,
            "crawl_reason": "finished", "normalizer_version": "1",
            "crawl_meta": {"crawl": CRAWL, "terms": []}}])
        connection.execute(insert(RawChunk), [teaser, page])
        connection.execute(insert(PageObservation.__table__).values(
            url=TERM, page=0, status=200, ok=True, error=None, teasers=1, body_digest=None,
            raw_digest=page["digest"], teaser_digests=[teaser["digest"]], seq=1,
            from_run=1))
    engine.dispose()

    factory = open_database(db_url)  # upgrades to head
    summary = reprocess_all(factory)

    assert summary.runs == 1 and summary.versions_after == 1
    with factory.begin() as session:
        pledge = session.scalar(select(Pledge).where(Pledge.key == "/pfp/ppd/13002"))
        version = session.scalar(select(PledgeVersion).where(PledgeVersion.pledge_id == pledge.id))
        assert (version.title, version.summary) == ("Legazpi City: Help Desk", "Legazpi City commits.")
        terms = session.scalars(select(Term.key).join(Membership, Membership.term_id == Term.id)
                                .where(Membership.pledge_id == pledge.id))
        assert list(terms) == [TERM]
    factory.kw["bind"].dispose()
