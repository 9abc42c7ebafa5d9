"""Commands over stored records: ingest, history, show, terms, reprocess, db upgrade."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from pledgewatch.cli import db_option, main
from pledgewatch.core.errors import InputError, PledgewatchError, WriteFault

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

    from pledgewatch.etl.ingest import IngestResult


@main.command()
@click.argument("run_files", nargs=-1, required=True,
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--changes-json", "changes_dir", metavar="DIR",
              type=click.Path(path_type=Path, file_okay=False),
              help="After each run, write what it changed to DIR/run-ID.json "
                   "(the same JSON as `diff --format json`).")
@click.option("--read-ahead/--no-read-ahead", default=None,
              help="Given several files, read the next in a second process while this one "
                   "stores the current: faster on two cores, at the cost of a second process's "
                   "memory. Default: on (it needs a system that can fork).")
@db_option
def ingest(run_files: tuple[Path, ...], changes_dir: Path | None, read_ahead: bool | None,
           db_url: str | None) -> None:
    """Store crawls' JSON Lines as runs of versioned records.

    Each file is one run, ingested in the order given and all or nothing: a bad
    file stops the command with exit code 2, and the runs before it stay stored.
    Given several files, a second process reads the next file while this one
    stores the current (see --read-ahead).
    """
    from contextlib import nullcontext

    from pledgewatch.etl import readahead
    from pledgewatch.etl.heap import give_back_freed_memory
    from pledgewatch.etl.ingest import ingest_run_file, reading_ahead
    from pledgewatch.etl.pages import StoredRecords
    from pledgewatch.storage.db import database

    for run_file in run_files:
        if not run_file.is_file():
            raise InputError(f"{run_file}: no such file")
    if changes_dir is not None:
        changes_dir.mkdir(parents=True, exist_ok=True)
    with database(db_url) as factory:
        files = list(run_files)
        ahead = readahead.worthwhile(files) if read_ahead is None \
            else read_ahead and len(files) > 1 and readahead.available()
        stored = StoredRecords()
        with reading_ahead(factory, files) if ahead else nullcontext() as reader:
            for run_file in run_files:
                try:
                    result = ingest_run_file(factory, run_file, readahead=reader, stored=stored)
                except InputError as error:
                    if len(run_files) == 1:
                        raise
                    raise InputError(f"{run_file}: {error}") from None
                _say_ingested(result)
                if changes_dir is not None and not result.duplicate:
                    _write_changes(factory, result.run_id, changes_dir)
                give_back_freed_memory()  # the run and its change JSON are done with


def _say_ingested(result: IngestResult) -> None:
    if result.duplicate:
        click.echo(f"run {result.run_id}: this file was already ingested; nothing added")
        return
    state = "complete" if result.complete else "partial"
    click.echo(f"run {result.run_id} ({state}{', suspect: removals held' if result.suspect else ''}): "
               f"{result.pages_ok} pages ok, {result.pages_failed} failed, {result.teasers} teasers, "
               f"{result.pledges} pledges; {result.new_pledges} new pledges, "
               f"{result.new_versions} new versions, {result.removed} removed, "
               f"{result.restored} restored")


def _write_changes(factory: sessionmaker[Session], run_id: int, folder: Path) -> None:
    from pledgewatch.etl.changes import changes_between
    from pledgewatch.etl.gcpause import cyclic_gc_paused
    from pledgewatch.etl.report_json import write_changes_json

    with cyclic_gc_paused():
        with factory() as session:
            changes = changes_between(session, None, run_id)
        path = folder / f"run-{run_id}.json"
        try:
            with path.open("wb") as out:
                write_changes_json(changes, out)
        except OSError as error:  # the run is committed: say so, not "nothing was written"
            raise PledgewatchError(f"run {run_id} was stored, but its changes JSON was not written: "
                                   f"{WriteFault.from_os_error(error, path)}") from error


@main.command()
@click.argument("key_or_url")
@db_option
def history(key_or_url: str, db_url: str | None) -> None:
    """Every version of a pledge, with what changed between them."""
    from pledgewatch.etl.textdiff import word_diff
    from pledgewatch.storage import history as h
    from pledgewatch.storage.db import open_session

    with open_session(db_url, must_exist=True) as session:
        pledge = h.get_pledge(session, key_or_url)
        click.echo(f"{pledge.key}  {pledge.url or '(no URL known)'}")
        for start, end in h.listed_intervals(session, pledge):
            click.echo(f"  listed from run {start}" + (f" until run {end}" if end else " (still listed)"))
        previous = None
        for version in h.versions_of(session, pledge):
            until = f"until run {version.to_run}" if version.to_run else "current"
            seen = version.seen_at.isoformat(timespec="seconds") if version.seen_at else "?"
            click.echo(f"\nversion {version.number}: run {version.from_run} ({seen}), {until}; "
                       f"first seen on {version.first_page_url or '?'}")
            if previous is None:
                click.echo(f"  title: {version.title}\n  author: {version.author or '-'}\n"
                           f"  summary: {version.summary}")
            for name in ("title", "author", "submitted", "summary"):
                old, new = (getattr(previous, name) or "", getattr(version, name) or "") \
                    if previous else ("", "")
                if previous is not None and old != new:
                    marked = "".join(t if op == 0 else (f"[-{t}-]" if op < 0 else f"{{+{t}+}}")
                                     for op, t in word_diff(old, new))
                    click.echo(f"  {name}: {marked}")
            previous = version


@main.command()
@click.argument("key_or_url")
@click.option("--at", "at", metavar="DATE|RUN", help="A run id or ISO date (default: latest run).")
@db_option
def show(key_or_url: str, at: str | None, db_url: str | None) -> None:
    """A pledge as it was at a run or date, with its terms."""
    from pledgewatch.storage import history as h
    from pledgewatch.storage import queries
    from pledgewatch.storage.db import open_session

    with open_session(db_url, must_exist=True) as session:
        pledge = h.get_pledge(session, key_or_url)
        run = h.resolve_run(session, at)
        views = queries.pledge_views(session, run.id, [pledge.id], listed_only=False)
        if pledge.id not in views:
            raise InputError(f"{pledge.key} was not known yet at run {run.id}")
        view = views[pledge.id]
        listed = h.is_listed(session, pledge, run.id)
        click.echo(f"{view.title}\n{view.url or view.key}\n"
                   f"as of run {run.id} ({run.finished_at:%Y-%m-%d %H:%M} UTC): version {view.version}"
                   f"{'' if listed else ', NOT LISTED at that run'}")
        click.echo(f"author: {view.author or '-'}\nsubmitted: {view.submitted or '-'}\n")
        click.echo(view.summary)
        click.echo("\nterms:")
        for term in view.terms:
            click.echo(f"  {term.vocabulary or '?'}: {term.name or term.key}")


@main.command()
@click.option("--at", "at", metavar="DATE|RUN", help="A run id or ISO date (default: latest run).")
@db_option
def terms(at: str | None, db_url: str | None) -> None:
    """Term listings as they were at a run or date."""
    from pledgewatch.storage import history as h
    from pledgewatch.storage.db import open_session

    with open_session(db_url, must_exist=True) as session:
        run = h.resolve_run(session, at)
        click.echo(f"term listings as of run {run.id}")
        for (vocabulary, term), pledges in h.term_listings(session, run.id).items():
            click.echo(f"\n{vocabulary} / {term} ({len(pledges)})")
            for title, key in pledges:
                click.echo(f"  {title}  [{key}]")


@main.command()
@db_option
def reprocess(db_url: str | None) -> None:
    """Re-derive all versions from the stored raw input with the current normalization rules."""
    from pledgewatch.etl.reprocess import reprocess_all
    from pledgewatch.storage.db import database

    with database(db_url) as factory:
        summary = reprocess_all(factory)
    click.echo(summary.describe())


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@db_option
def db_upgrade(db_url: str | None) -> None:
    """Create or upgrade the schema to the latest migration."""
    from pledgewatch.storage.db import database, resolve_db_url
    from pledgewatch.storage.urls import shown_url

    with database(db_url):
        pass
    click.echo(f"database at {shown_url(resolve_db_url(db_url))} is up to date")
