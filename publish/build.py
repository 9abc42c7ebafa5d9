"""Publish the site: after a run, only the pages of what changed plus the index; or all of it.

What changed since the last publish is read from storage's intervals
(:func:`pledgewatch.storage.queries.touched_between`): a quiet run touches no
pledge, so publishing it writes its own run page, the previous run's page (its
"next" link) and the index, whatever the size of the database.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledgewatch.core.errors import InputError
from pledgewatch.etl.changes import changes_between
from pledgewatch.publish import load
from pledgewatch.publish.links import pledge_path
from pledgewatch.publish.pages import write_lists, write_run_pages, write_term_pages
from pledgewatch.publish.pledge_page import pledge_page
from pledgewatch.publish.records import RunInfo
from pledgewatch.publish.render import SiteWriter
from pledgewatch.publish.reporting import site_hosts
from pledgewatch.publish.run_page import RunRow, run_row
from pledgewatch.publish.state import SiteState, read_state, write_state
from pledgewatch.storage.models import Run

log = logging.getLogger(__name__)
COUNT_COLUMNS = (("new", "New"), ("edited", "Edited"), ("removed", "Removed"),
                 ("reclassified", "Re-classified"), ("restored", "Restored"), ("not_seen", "Not seen"))


@dataclass(frozen=True, slots=True)
class PublishResult:
    out: Path
    full: bool
    runs_published: tuple[int, ...]  # run pages written for new runs
    pledges: int  # pledge pages written
    terms: int  # term pages written
    files: int  # every file written, the index included

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def publish_site(session: Session, out: Path, *, site_name: str = "gfmd.org",
                 full: bool = False, base_url: str = "") -> PublishResult:
    """Bring the site in ``out`` up to the latest ingested run.

    ``base_url``, where the site is served, only names each page's canonical address:
    pages link to each other relatively, so the folder works wherever it is put.
    """
    runs = load.ingested_runs(session)
    if not runs:
        raise InputError("no run has been ingested yet: nothing to publish")
    identity = database_identity(session)
    state = None if full else read_state(out, identity)
    latest = max(runs)
    if state is not None and state.published_run not in runs:
        state = None  # runs were re-numbered or removed: start again
    writer, hosts = SiteWriter(out, site_name, base_url), site_hosts(site_name)
    if state is None:
        log.info("publishing the whole site into %s", out)
        new_runs = sorted(runs)
        pledge_ids: set[int] | None = None
        rows: dict[int, RunRow] = {}
    else:
        new_runs = [r for r in sorted(runs) if r > state.published_run]
        pledge_ids = load.touched_pledges(session, state.published_run, latest) if new_runs else set()
        rows = {row.run.id: row for row in state.rows if row.run.id in runs}
    writer.static()
    for run_id in new_runs:
        rows[run_id] = run_row(changes_between(session, None, run_id))
    write_run_pages(session, writer, hosts, sorted(runs), new_runs)
    terms = load.term_refs(session)
    pledges = write_pledge_pages(session, writer, hosts, runs, terms, pledge_ids)
    term_count = 0
    if pledge_ids is None or pledge_ids:  # the search index, A-Z and term pages show them
        term_ids = set(terms) if state is None else (
            load.terms_changed(session, state.published_run, latest) | load.terms_of(session, pledge_ids or ()))
        summaries = load.summaries(session, None, terms)
        term_count = write_term_pages(session, writer, hosts, runs, terms, term_ids, summaries)
        write_lists(writer, summaries)
    write_index(writer, [rows[r] for r in sorted(rows)])
    write_state(out, SiteState(identity, latest, tuple(rows[r] for r in sorted(rows))))
    return PublishResult(out, state is None, tuple(new_runs), pledges, term_count, writer.written + 1)


def write_pledge_pages(session: Session, writer: SiteWriter, hosts: frozenset[str],
                       runs: dict[int, RunInfo], terms: dict, pledge_ids: set[int] | None) -> int:
    ids = load.all_pledge_ids(session) if pledge_ids is None else sorted(pledge_ids)
    count = 0
    for _, history in load.histories(session, ids, terms):
        writer.page(pledge_path(history.key), "pledge.html.j2", page=pledge_page(history, runs, hosts))
        count += 1
    return count


def write_index(writer: SiteWriter, rows: list[RunRow]) -> None:
    writer.page("index.html", "index.html.j2", latest=rows[-1] if rows else None,
                rows=list(reversed(rows)), count_columns=COUNT_COLUMNS)


def database_identity(session: Session) -> str:
    """The first run's id and start: a state written for another database does not match."""
    first = session.execute(select(Run.id, Run.started_at).order_by(Run.id).limit(1)).first()
    return f"{first[0]}@{first[1].isoformat()}" if first else "empty"
