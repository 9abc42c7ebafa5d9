"""Re-derive every version from the stored raw input under the current normalization rules.

Raw chunks and page observations are the record of what the site said; pledges,
versions, memberships, presences, absences and term crawls are derived from
them and can be rebuilt at any time. The rebuild runs in one transaction and
reports, pledge by pledge, where the new rules changed the version history.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import orjson
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.core import text as nz
from pledgewatch.etl.ingest import derive_run
from pledgewatch.etl.pages import ListedPage, read_page_list
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.reader import PageChunk, RunMeta, chunk_lines
from pledgewatch.storage import queries, repo
from pledgewatch.storage.models import (
    Absence,
    Membership,
    PageObservation,
    Pledge,
    PledgeVersion,
    Presence,
    Run,
    TermCrawl,
)

DERIVED_TABLES = (Absence, Membership, Presence, PledgeVersion, TermCrawl)


@dataclass(slots=True)
class ReprocessSummary:
    runs: int
    versions_before: int
    versions_after: int
    changed: list[tuple[str, list[str], list[str]]] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"re-derived {self.runs} runs with normalizer version {nz.NORMALIZER_VERSION}: "
                 f"{self.versions_before} versions before, {self.versions_after} after"]
        if not self.changed:
            lines.append("the new rules changed no version history")
        for key, old, new in self.changed[:50]:
            lines.append(f"  {key}: {len(old)} → {len(new)} versions")
        if len(self.changed) > 50:
            lines.append(f"  … and {len(self.changed) - 50} more pledges")
        return "\n".join(lines)


def reprocess_all(factory: sessionmaker[Session], policy: ChangePolicy | None = None) -> ReprocessSummary:
    with factory.begin() as session:
        before = _histories(session)
        _clear_derived(session)
        runs = queries.ingested_runs(session)
        for run in runs:
            meta = RunMeta(**_meta_of(run))
            derive_run(session, run, _stored_chunks(session, run, meta), meta,
                       policy or ChangePolicy())
            run.normalizer_version = nz.NORMALIZER_VERSION
        after = _histories(session)
    changed = [(key, before.get(key, []), after.get(key, []))
               for key in sorted(before.keys() | after.keys()) if before.get(key) != after.get(key)]
    return ReprocessSummary(len(runs), sum(map(len, before.values())),
                            sum(map(len, after.values())), changed)


def _histories(session: Session) -> dict[str, list[str]]:
    histories: dict[str, list[str]] = {}
    rows = session.execute(select(Pledge.key, PledgeVersion.content_hash)
                           .join(PledgeVersion, PledgeVersion.pledge_id == Pledge.id)
                           .order_by(Pledge.key, PledgeVersion.number))
    for key, digest in rows:
        histories.setdefault(key, []).append(digest)
    return histories


def _clear_derived(session: Session) -> None:
    for model in DERIVED_TABLES:
        session.execute(delete(model))
    session.execute(update(Pledge).values(twin_id=None))
    session.execute(delete(Pledge))


def _meta_of(run: Run) -> dict:
    stored = run.crawl_meta or {}
    return {"crawl": stored.get("crawl"), "terms": list(stored.get("terms") or [])}


def _stored_chunks(session: Session, run: Run, meta: RunMeta) -> Iterator[PageChunk]:
    """The run's pages as read back from raw storage, teasers given back their places."""
    pages = read_page_list(session, run.pages_digest) if run.pages_digest \
        else _observed_pages(session, run.id)
    return chunk_lines(enumerate(_stored_lines(session, pages), start=1), meta, {})


def _stored_lines(session: Session, pages: Iterable[ListedPage]) -> Iterator[bytes]:
    """The run's records as crawl-file lines, rebuilt from contents, contexts and pages."""
    pages = iter(pages)
    while batch := list(itertools.islice(pages, 200)):
        raw = repo.load_raw(session, {d for p in batch
                                      for d in [p.page_digest, *p.contents, *p.contexts]})
        for listed in batch:
            page = orjson.loads(raw[listed.page_digest])
            number = page.get("page") if isinstance(page, dict) else None
            place = {"listing_url": listed.url, "page": number}
            for position, digest in enumerate(listed.contents):
                place["position"] = position
                if not listed.contexts:  # a page observed before the split: whole records
                    yield orjson.dumps({**orjson.loads(raw[digest]), **place})
                else:
                    yield raw[digest][:-1] + b"," + raw[listed.contexts[position]][1:-1] \
                        + b"," + orjson.dumps(place)[1:]
            if page is not None:
                yield orjson.dumps({**page, **listed.volatile})


def _observed_pages(session: Session, run_id: int) -> Iterator[ListedPage]:
    """A run ingested before page lists: its pages, one observation row each."""
    p = PageObservation
    rows = session.execute(select(p.url, p.raw_digest, p.body_digest, p.ok, p.status, p.error,
                                  p.teaser_digests)
                           .where(queries.valid_at(p, run_id)).order_by(p.seq, p.id))
    for url, page_digest, body, ok, status, error, teasers in rows:
        yield ListedPage(url, page_digest, {"digest": body}, ok, status, error, teasers, [])
