"""Commands over stored records: ingest, history, show, terms, reprocess, db upgrade."""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pledgewatch.cli import config_options, database_url, main
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
@config_options
def ingest(run_files: tuple[Path, ...], changes_dir: Path | None, config_path: Path | None,
           db_url: str | None) -> None:
    """Store crawls' JSON Lines as runs of versioned records.

    Each file is one run, ingested in the order given and all or nothing: a bad
    file stops the command with exit code 2, and the runs before it stay stored.
    With several files, a second process reads them ahead of the one being stored.
    """
    from pledgewatch.etl.ingest import check_crawl_order, ingest_run_files
    from pledgewatch.storage.db import database

    for run_file in run_files:
        if not run_file.is_file():
            raise InputError(f"{run_file}: no such file")
    check_crawl_order(list(run_files))
    if changes_dir is not None:
        changes_dir.mkdir(parents=True, exist_ok=True)
    with database(database_url(config_path, db_url)) as factory, \
            contextlib.closing(ingest_run_files(factory, run_files)) as results:
        for run_file in run_files:
            try:
                result = next(results)
            except InputError as error:
                if len(run_files) == 1:
                    raise
                raise InputError(f"{run_file}: {error}") from None
            _say_ingested(result)
            if changes_dir is not None and not result.duplicate:
                _write_changes(factory, result.run_id, changes_dir)


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
    from pledgewatch.report.json_form import write_changes_json

    with factory() as session:
        changes = changes_between(session, None, run_id)
    path = folder / f"run-{run_id}.json"
    try:
        with path.open("wb") as out:
            write_changes_json(changes, out)
    except OSError as error:  # the run is committed: say so, not "nothing was written"
        raise PledgewatchError(f"run {run_id} was stored, but its changes JSON was not written: "
                               f"{WriteFault.from_os_error(error, path)}") from error


format_option = click.option(
    "--format", "output_format", type=click.Choice(["text", "json"]), default="text",
    show_default=True, help="Text for reading, JSON for scripts.")
PLEDGE_HELP = "KEY_OR_URL is a key (/pfp/ppd/13001), URL, node number or a fragment of the title."


@main.command(epilog=PLEDGE_HELP)
@click.argument("key_or_url")
@format_option
@config_options
def history(key_or_url: str, output_format: str, config_path: Path | None,
            db_url: str | None) -> None:
    """Every version of a pledge and every term it joined or left, in run order."""
    from pledgewatch.report.history import history_text
    from pledgewatch.report.records_json import history_json
    from pledgewatch.storage import history as h
    from pledgewatch.storage.db import open_session

    with open_session(database_url(config_path, db_url), must_exist=True) as session:
        pledge = h.get_pledge(session, key_or_url)
        parts = (pledge.key, pledge.url, h.listed_intervals(session, pledge),
                 h.versions_of(session, pledge), h.memberships_of(session, pledge))
        if output_format == "json":
            _echo_json(history_json(*parts, h.run_times(session)))
            return
        text = history_text(*parts)
    click.echo(text, nl=False)


@main.command(epilog=PLEDGE_HELP)
@click.argument("key_or_url")
@click.option("--at", "at", metavar="DATE|RUN", help="A run id or ISO date (default: latest run).")
@format_option
@config_options
def show(key_or_url: str, at: str | None, output_format: str, config_path: Path | None,
         db_url: str | None) -> None:
    """A pledge as it was at a run or date, with its terms."""
    from pledgewatch.report.history import pledge_text
    from pledgewatch.report.records_json import show_json
    from pledgewatch.storage import history as h
    from pledgewatch.storage import queries
    from pledgewatch.storage.db import open_session

    with open_session(database_url(config_path, db_url), must_exist=True) as session:
        pledge = h.get_pledge(session, key_or_url)
        run = h.resolve_run(session, at)
        views = queries.pledge_views(session, run.id, [pledge.id], listed_only=False)
        if pledge.id not in views:
            raise InputError(f"{pledge.key} was not known yet at run {run.id}")
        parts = (views[pledge.id], run.id, run.finished_at, h.is_listed(session, pledge, run.id))
    if output_format == "json":
        _echo_json(show_json(*parts))
    else:
        click.echo(pledge_text(parts[0], parts[1], parts[2], listed=parts[3]), nl=False)


@main.command()
@click.option("--at", "at", metavar="DATE|RUN", help="A run id or ISO date (default: latest run).")
@format_option
@config_options
def terms(at: str | None, output_format: str, config_path: Path | None, db_url: str | None) -> None:
    """Term listings as they were at a run or date; terms the run found empty show (0)."""
    from pledgewatch.report.history import term_listings_text
    from pledgewatch.report.records_json import terms_json
    from pledgewatch.storage import history as h
    from pledgewatch.storage.db import open_session

    with open_session(database_url(config_path, db_url), must_exist=True) as session:
        run = h.resolve_run(session, at)
        listings = h.term_listings(session, run.id)
    if output_format == "json":
        _echo_json(terms_json(run.id, listings))
    else:
        click.echo(term_listings_text(run.id, listings), nl=False)


def _echo_json(data: object) -> None:
    import json

    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@main.command()
@config_options
def reprocess(config_path: Path | None, db_url: str | None) -> None:
    """Re-derive all versions from the stored raw input with the current normalization rules."""
    from pledgewatch.etl.reprocess import reprocess_all
    from pledgewatch.storage.db import database

    with database(database_url(config_path, db_url)) as factory:
        summary = reprocess_all(factory)
    click.echo(summary.describe())


@main.group()
def db() -> None:
    """Database maintenance."""


@db.command("upgrade")
@config_options
def db_upgrade(config_path: Path | None, db_url: str | None) -> None:
    """Create or upgrade the schema to the latest migration."""
    from pledgewatch.storage.db import database
    from pledgewatch.storage.urls import shown_url

    url = database_url(config_path, db_url)
    with database(url):
        pass
    click.echo(f"database at {shown_url(url)} is up to date")
