"""``pledgewatch publish``: the browsable history site, brought up to the latest run."""

from __future__ import annotations

from pathlib import Path

import click

from pledgewatch.cli import config_options, load, main


@main.command()
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
              metavar="DIR", help="The site's folder (default: publish.out, var/site).")
@click.option("--base-url", default=None, metavar="URL",
              help="Where the site is served, e.g. https://example.org/pledges/ (default: publish.base_url).")
@click.option("--full", is_flag=True, help="Rewrite every page, not only those of what changed.")
@config_options
def publish(out_dir: Path | None, base_url: str | None, full: bool, config_path: Path | None,
            db_url: str | None) -> None:
    """Write the history site: runs, pledges, terms and search, as plain static files.

    After the first publish into DIR, only the pages of what changed since the
    last publish are rewritten, plus the index. `run` does this after every run
    when [publish] enabled = true.
    """
    from pledgewatch.publish.build import publish_site
    from pledgewatch.storage.db import open_session

    config = load(config_path, **{"database.url": db_url, "publish.out": out_dir,
                                  "publish.base_url": base_url})
    with open_session(config.database.url) as session:
        result = publish_site(session, config.publish.out, site_name=config.report.site_name,
                              full=full, base_url=config.publish.base_url)
    kind = "full rebuild" if result.full else "update"
    click.echo(f"{kind}: {len(result.runs_published)} run pages, {result.pledges} pledge pages, "
               f"{result.terms} term pages; {result.files} files written")
    click.echo(f"index: {result.index}")
    if config.publish.base_url:
        click.echo(f"served at: {config.publish.base_url.rstrip('/')}/index.html")
