"""``run``, ``schedule``, ``status`` and ``demo``: the commands that make pledgewatch run by itself."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import click

from pledgewatch.cli import db_option as _db_option
from pledgewatch.cli import main
from pledgewatch.config import Config, load_config

log = logging.getLogger(__name__)
SIGNALS = (signal.SIGTERM, signal.SIGINT)

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="PLEDGEWATCH_CONFIG",
    default=None,
    metavar="FILE",
    help="TOML config file (see pledgewatch.example.toml; env PLEDGEWATCH_CONFIG). "
    "Without one, defaults and PLEDGEWATCH_* variables apply.",
)
replay_option = click.option(
    "--replay",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Crawl this fixture site, served on 127.0.0.1, instead of gfmd.org.",
)


def _load(config_path: Path | None, **flags: Any) -> Config:
    """The one place the environment is read; flags win over it."""
    return load_config(config_path, os.environ, flags)


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
@config_option
@replay_option
@_db_option
@click.pass_context
def run(ctx: click.Context, config_path: Path | None, replay: Path | None, db_url: str | None) -> None:
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

    config = _load(config_path, **{"database.url": db_url, "crawl.replay": replay})
    with _stop_on_signals():
        outcome = run_once(config, progress=progress_for(sys.stderr))
    click.echo(outcome.summary())
    ctx.exit(outcome.exit_code)


@main.command()
@config_option
@replay_option
@_db_option
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

    config = _load(config_path, **{"database.url": db_url, "crawl.replay": replay,
                                   "schedule.cron": cron})
    Scheduler(config, replay=config.crawl.replay).serve()


@main.command()
@config_option
@_db_option
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000),
              help="How many recent runs to list.")
def status(config_path: Path | None, db_url: str | None, limit: int) -> None:
    """Show recent runs, the source's health, the run lock and the next scheduled run."""
    from pledgewatch.status import gather, render

    config = _load(config_path, **{"database.url": db_url})
    click.echo(render(gather(config, limit=limit)))


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
