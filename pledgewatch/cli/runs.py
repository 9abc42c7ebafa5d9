"""``run``, ``schedule``, ``status`` and ``demo``: the commands that make pledgewatch run by itself."""

from __future__ import annotations

import contextlib
import json
import logging
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import click

from pledgewatch.cli import config_options, load, main
from pledgewatch.config import Config

log = logging.getLogger(__name__)
SIGNALS = (signal.SIGTERM, signal.SIGINT)

replay_option = click.option(
    "--replay",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Crawl this fixture site, served on 127.0.0.1, instead of gfmd.org.",
)


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT unwind the run like an error, so it is recorded as interrupted."""
    from pledgewatch.aborts import RunInterrupted

    def handler(signum: int, _frame: FrameType | None) -> None:
        for sig in SIGNALS:
            signal.signal(sig, signal.SIG_IGN)  # let the cleanup finish
        raise RunInterrupted(f"stopped by {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, handler) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


@main.command()
@config_options
@replay_option
@click.option("--no-mail", is_flag=True,
              help="A dry run for trying a config: crawl, store and write the report, but queue and "
                   "send no e-mail; the next run still reports these changes.")
@click.option("--full", is_flag=True,
              help="Read every page of every term and every record page this run "
                   "(crawl.plan = \"full\"), whatever crawl.plan says.")
@click.pass_context
def run(ctx: click.Context, config_path: Path | None, replay: Path | None, db_url: str | None,
        no_mail: bool, full: bool) -> None:
    """Crawl, ingest, diff, write the report and e-mail it: the command for a crontab line.

    \b
    Exit codes:
      0  success
      1  failure (message on stderr), or the report's e-mail could not be sent
      2  invalid config, option or --replay folder; nothing written
      3  success, but the crawl was partial (some pages failed; removals held)
      4  another run holds the run lock; this one did not start
    """
    from pledgewatch.pipeline import run_once
    from pledgewatch.progress import progress_for

    config = load(config_path, **{"database.url": db_url, "crawl.replay": replay,
                                  "crawl.plan": "full" if full else None})
    progress = progress_for(sys.stderr) if _is_loud(config) else None
    with _stop_on_signals():
        outcome = run_once(config, progress=progress, mail=not no_mail)
    if outcome.exit_code != 0 or _is_loud(config):
        click.echo(outcome.summary())
    ctx.exit(outcome.exit_code)


def _is_loud(config: Config) -> bool:
    """Below WARNING (no -q): a successful run says what it did; with -q only trouble speaks."""
    return logging.getLevelName(config.log.level) < logging.WARNING


@main.command()
@config_options
@replay_option
@click.option("--cron", default=None, metavar="EXPR",
              help='Crontab expression overriding schedule.cron, e.g. "0 6 * * *".')
def schedule(config_path: Path | None, replay: Path | None, db_url: str | None, cron: str | None) -> None:
    """Stay running and run the pipeline on the configured cron schedule.

    The schedule is kept in the database, so a run missed while this process
    was down still happens once at start (within schedule.misfire_grace_seconds).
    SIGTERM or Ctrl-C stops cleanly: a run in progress finishes or is recorded
    as interrupted. Exit code 0 after a clean stop, 2 for an invalid config.
    """
    from pledgewatch.schedule import Scheduler

    config = load(config_path, **{"database.url": db_url, "crawl.replay": replay,
                                   "schedule.cron": cron})
    Scheduler(config, replay=config.crawl.replay).serve()


@main.command()
@config_options
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many recent runs to list.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text",
              show_default=True, help="json: the same facts for a monitor.")
@click.pass_context
def status(ctx: click.Context, config_path: Path | None, db_url: str | None, limit: int,
           output_format: str) -> None:
    """Show the verdict, recent runs, the source's health, the run lock and the next scheduled run.

    \b
    Exit codes (for a monitor):
      0  healthy
      1  the last run failed (or was interrupted), or the source is broken
      2  invalid config or option, or no database there
      3  no complete run within health.stale_after_hours (default 48): cron stopped?
    """
    from pledgewatch.status import as_json, gather, render

    config = load(config_path, **{"database.url": db_url})
    found = gather(config, limit=limit)
    click.echo(json.dumps(as_json(found), indent=2) if output_format == "json" else render(found))
    ctx.exit(found.exit_code)


@main.command()
@click.option("--out", type=click.Path(path_type=Path, file_okay=False), default=Path("pledgewatch-demo"),
              show_default=True, metavar="DIR",
              help="Folder for the demo's database, crawl files, report and history site.")
def demo(out: Path) -> None:
    """Run the whole pipeline offline on the bundled fixture sites and write a change report.

    Uses a fresh SQLite database in DIR, replays fixtures/sites/small/before and
    then .../after on 127.0.0.1, publishes the history site of both runs, and
    prints where the report (HTML and text) and the site's index page are.
    Needs no network and no config; ignores PLEDGEWATCH_* settings.
    """
    from pledgewatch.demo import run_demo
    from pledgewatch.progress import progress_for

    with _stop_on_signals():
        result = run_demo(out, progress=progress_for(sys.stderr))
    click.echo(f"baseline (fixtures/sites/small/before):\n{_indent(result.before.summary())}")
    click.echo(f"changes (fixtures/sites/small/after):\n{_indent(result.after.summary())}")
    click.echo("report files:")
    for path in result.report_files:
        click.echo(f"  {path}")
    click.echo(f"history site (open in a browser):\n  {result.site_index}")


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.splitlines())
