"""``pledgewatch diff``: what changed between two stored runs, as text, HTML or JSON."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from pledgewatch.cli import config_options, load, main


@main.command()
@click.option("--from", "from_run", type=click.IntRange(min=1), default=None, metavar="RUN",
              help="Older run id (default: the previous complete run before --to).")
@click.option("--to", "to_run", type=click.IntRange(min=1), default=None, metavar="RUN",
              help="Newer run id (default: the latest ingested run).")
@click.option("--format", "output_format", type=click.Choice(["text", "html", "json"]),
              default="text", show_default=True, help="What to print on standard output.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Also write run-<to>.html, .txt and .json into DIR.")
@click.option("--vocabulary", "vocabularies", multiple=True, metavar="NAME",
              help="Only pledges with a term in this vocabulary, by name or URL prefix "
                   "(\"Contributors\", \"contributors\"; repeatable), as a recipient filter would.")
@click.option("--term", "terms", multiple=True, metavar="NAME_OR_URL",
              help="Only pledges with this term (repeatable).")
@click.option("--site-name", default=None,
              help="Site name for the subject line; report links must point to this host "
                   "(default: report.site_name, gfmd.org).")
@click.option("--base-url", default=None, metavar="URL",
              help="Link each run and pledge to the history site served there (see `publish`; "
                   "default: publish.base_url).")
@config_options
def diff(from_run: int | None, to_run: int | None, output_format: str, out_dir: Path | None,
         vocabularies: tuple[str, ...], terms: tuple[str, ...], site_name: str | None,
         base_url: str | None, config_path: Path | None, db_url: str | None) -> None:
    """Show what changed between two runs: new, edited, removed, re-classified pledges."""
    from pledgewatch.etl.changes import changes_between
    from pledgewatch.report.filter import ReportFilter
    from pledgewatch.report.filter_names import check_filter, stored_names
    from pledgewatch.report.json_form import changes_json_text, write_changes_json
    from pledgewatch.report.render import render_report, write_report_files
    from pledgewatch.storage.db import open_session

    config = load(config_path, **{"database.url": db_url, "report.site_name": site_name,
                                  "publish.base_url": base_url})
    with open_session(config.database.url, must_exist=True) as session:
        check_filter(vocabularies, terms, stored_names(session),
                     vocabulary_label="--vocabulary", term_label="--term")
        changes = changes_between(session, from_run, to_run)
    chosen = ReportFilter(vocabularies, terms)
    changes = chosen.apply(changes)
    if output_format == "json" and out_dir is None:
        # JSON alone needs no rendering: on a 50,000-pledge baseline that is most of the work.
        sys.stdout.flush()
        write_changes_json(changes, sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    report = render_report(changes, site_name=config.report.site_name, filter=chosen,
                           links=config.publish.links())
    if out_dir is not None:
        for path in write_report_files(report, changes, out_dir):
            click.echo(f"wrote {path}", err=True)
    if output_format == "json":
        click.echo(changes_json_text(changes), nl=False)
    else:
        click.echo(report.html if output_format == "html" else report.text, nl=False)
