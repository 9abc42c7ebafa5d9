"""``pledgewatch crawl``, ``record`` and ``serve-fixtures``: getting listing pages into a run file.

The crawl itself runs in a child process (see :mod:`scraper.crawl`); these commands choose
live or replay, check their input before anything starts, and print a short summary.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from pledgewatch.cli import main
from pledgewatch.config import LOG_LEVELS
from pledgewatch.core.errors import InputError
from pledgewatch.logs import crawl_log_settings

if TYPE_CHECKING:  # Scrapy loads only when a crawl command runs: other commands start fast
    from pledgewatch.scraper.crawl import CrawlSummary

_terms_file = click.option(
    "--terms-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Extra term listing URLs, one per line (# comments) or TOML `terms = [...]`. "
    "Added to the default start list (the known terms, or the fixture site's terms).",
)
_discover = click.option(
    "--discover",
    is_flag=True,
    help="Also read the record pages linked from teasers, report term links not in the start "
    "list as new (term records with new: true) and crawl those terms too.",
)
_term = click.option(
    "--term",
    "terms",
    multiple=True,
    metavar="URL",
    help="Start from this term listing URL instead of the default list (repeatable).",
)


def _echo_summary(summary: CrawlSummary) -> None:
    click.echo(
        f"{summary.out}: {summary.reason}; pages ok {summary.pages_ok}, "
        f"failed {summary.pages_failed}; teasers {summary.teasers}; "
        f"terms found {summary.terms} ({summary.new_terms} new)"
    )


@main.command("crawl")
@click.option(
    "--replay",
    type=click.Path(path_type=Path),
    default=None,
    metavar="DIR",
    help="Replay a fixture site directory (served on 127.0.0.1 for the crawl) instead of "
    "fetching gfmd.org. Politeness delays are off in replay mode.",
)
@click.option(
    "--live",
    is_flag=True,
    help="Crawl https://gfmd.org itself, politely (robots.txt, one request at a time, delay, "
    "AutoThrottle). The default when --replay is not given.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    metavar="RUN.jsonl",
    help="Run file to write: teaser, page and term records as JSON Lines, the crawl record last.",
)
@_terms_file
@_term
@_discover
@click.option("-s", "--set", "scrapy_settings", multiple=True, metavar="NAME=VALUE",
              help="A Scrapy setting for this crawl, as `scrapy crawl -s` takes it (repeatable).")
@click.option("-L", "--loglevel", "scrapy_level", default=None, metavar="LEVEL",
              type=click.Choice(LOG_LEVELS, case_sensitive=False),
              help="Scrapy's log level in the crawl process (default WARNING; DEBUG with -v).")
@click.pass_context
def crawl_command(
    ctx: click.Context, replay: Path | None, live: bool, out: Path, terms_file: Path | None,
    terms: tuple[str, ...], discover: bool, scrapy_settings: tuple[str, ...], scrapy_level: str | None,
) -> None:
    """Crawl every page of the start terms' listings (the 24 known terms) into a run file.

    The start terms are the built-in list of 24 known terms (a fixture site's own terms with
    --replay), --term URLs instead, plus --terms-file; --discover finds more. One page
    record is written per listing page tried, failures included (HTTP errors after
    retries, timeouts, truncated or oversize responses, offsite redirects, pages with no
    teasers), and the crawl goes on. The exit status is 0 when the crawl ran to its end,
    even with failed pages: the summary and the page records say which.
    """
    if replay is not None and live:
        raise InputError("choose one of --replay DIR and --live")
    if replay is not None:
        from pledgewatch.scraper.fixture_site import load_site

        load_site(replay)  # a bad fixture site is bad input: exit 2 before anything starts
    settings = _crawl_settings(ctx, scrapy_settings, scrapy_level)
    from pledgewatch.scraper.crawl import run_crawl

    summary = run_crawl(out, replay=replay, start_urls=list(terms) or None, discover=discover,
                        terms_file=terms_file, settings=settings)
    _echo_summary(summary)


def _crawl_settings(ctx: click.Context, pairs: tuple[str, ...], scrapy_level: str | None) -> dict[str, str]:
    """``-s NAME=VALUE`` pairs over the log settings the global -q/-v/--log-file give."""
    flags = ctx.meta.get("pledgewatch.log_flags", {})
    level = flags.get("log.level") or "INFO"
    settings: dict[str, str] = crawl_log_settings(level, (scrapy_level or "WARNING").upper(),
                                                  flags.get("log.file"))
    if scrapy_level:
        settings["LOG_LEVEL"] = scrapy_level.upper()
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise InputError(f"-s {pair}: expected NAME=VALUE")
        settings[name.strip()] = value
    return settings


@main.command("record")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    metavar="DIR",
    help="Directory to write the fixture site to (site.json, robots.txt, pages/...).",
)
@click.option(
    "--run",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="RUN.jsonl",
    help="Also keep the crawl's run file here (default: DIR/run.jsonl).",
)
@_terms_file
@_term
@_discover
def record_command(
    out: Path, run: Path | None, terms_file: Path | None, terms: tuple[str, ...], discover: bool
) -> None:
    """Crawl gfmd.org politely and save every response as a fixture site in DIR.

    The result replays with `pledgewatch crawl --replay DIR` and `serve-fixtures DIR`; it is
    how real pages replace the inferred markup of the bundled fixtures.
    """
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty; record into a new directory")
    from pledgewatch.scraper.crawl import run_crawl

    summary = run_crawl(
        run or out / "run.jsonl",
        start_urls=list(terms) or None,
        discover=discover,
        terms_file=terms_file,
        record_dir=out,
    )
    _echo_summary(summary)
    click.echo(f"fixture site written to {out}")


@main.command("serve-fixtures")
@click.argument("site_dir", metavar="DIR", type=click.Path(path_type=Path))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8800,
    show_default=True,
    help="Port on 127.0.0.1 (0 picks a free one). The server never listens on other addresses.",
)
def serve_fixtures_command(site_dir: Path, port: int) -> None:
    """Serve the fixture site DIR on http://127.0.0.1:PORT until interrupted (Ctrl-C).

    Answers the recorded responses (with their faults), 404 for anything else. Crawl it with
    Scrapy from the repository root (the run file is written to run.jsonl):

    \b
      scrapy crawl listings -a base_url=http://127.0.0.1:PORT -a site=DIR -O run.jsonl

    (`-a site=DIR` starts from the site's own terms; `pledgewatch crawl --replay DIR` does
    all of this in one command.)
    """
    from pledgewatch.scraper.fixture_site import FixtureServer, load_site

    site = load_site(site_dir)
    with FixtureServer(site, port) as server:
        click.echo(f"serving {site_dir} ({len(site.entries)} responses) on {server.url}")
        click.echo(f"crawl it: scrapy crawl listings -a base_url={server.url} -a site={site_dir} "
                   "-O run.jsonl")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            click.echo("stopped")
