"""``pledgewatch export``: the current (or as-of) records, one row per pledge, as CSV or JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from pledgewatch.cli import config_options, database_url, main


@main.command()
@click.option("--format", "output_format", type=click.Choice(["csv", "json"]), default="csv",
              show_default=True, help="CSV for spreadsheets, JSON for scripts.")
@click.option("--at", "at", metavar="RUN|DATE", help="A run id or ISO date (default: latest run).")
@click.option("--out", "out_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Write to FILE (replaced whole) instead of standard output.")
@config_options
def export(output_format: str, at: str | None, out_file: Path | None, config_path: Path | None,
           db_url: str | None) -> None:
    """Every pledge listed at a run, with its terms: one row per pledge."""
    from pledgewatch.report.export import write_csv, write_json
    from pledgewatch.storage import history as h
    from pledgewatch.storage import queries
    from pledgewatch.storage.db import open_session

    with open_session(database_url(config_path, db_url), must_exist=True) as session:
        run = h.resolve_run(session, at)
        views = sorted(queries.pledge_views(session, run.id).values(), key=lambda v: v.key)

    def write(out: TextIO) -> int:
        if output_format == "csv":
            return write_csv(views, out)
        return write_json(views, run.id, run.finished_at, out)

    if out_file is None:
        write(sys.stdout)
        return
    temporary = out_file.with_name(f".{out_file.name}.tmp")  # a reader never sees half a file
    with temporary.open("w", encoding="utf-8", newline="") as out:
        count = write(out)
    temporary.replace(out_file)
    click.echo(f"wrote {count} pledges as of run {run.id} to {out_file}", err=True)
