"""``pledgewatch parse``: one saved listing page to JSON Lines, for checking selectors by hand."""

from __future__ import annotations

import hashlib
from pathlib import Path

import click

from pledgewatch.cli import main
from pledgewatch.core.errors import InputError, UnreadableInput

# The parser (lxml and the scraper package) is imported when this command runs, not by every
# command's start: it was a sixth of `pledgewatch`'s start-up.


@main.command("parse")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--url",
    metavar="URL",
    default=None,
    help="URL the page was fetched from. Gives text snapshots their term URL and page number "
    "and resolves relative links in HTML (e.g. https://gfmd.org/contributors/member-states?page=7).",
)
@click.option(
    "--format",
    "format_",
    type=click.Choice(["auto", "html", "text"]),
    default="auto",
    show_default=True,
    help="Input format: an HTML page, a visible-text snapshot, or auto-detect.",
)
def parse_command(file: Path, url: str | None, format_: str) -> None:
    """Parse one saved listing page FILE and print its records as JSON Lines.

    Prints one teaser record per teaser, then one page record saying whether the page parsed
    (a page with no teasers and no "no content" message is reported as not ok). Unreadable
    input (empty, binary, wrong encoding) exits with status 2.
    """
    from pledgewatch.scraper.items import to_json_line
    from pledgewatch.scraper.parsing import parse_listing

    body = _read(file)
    try:
        listing = parse_listing(body, url=url, format=format_)  # type: ignore[arg-type]
    except UnreadableInput as error:
        raise UnreadableInput(f"{file}: {error}") from error
    for record in listing.teaser_items():
        click.echo(to_json_line(record), nl=False)
    digest = hashlib.sha256(body).hexdigest()
    click.echo(to_json_line(listing.page_item(200, digest=digest)), nl=False)


def _read(file: Path) -> bytes:
    from pledgewatch.scraper.parsing.limits import MAX_BODY_BYTES

    try:
        if file.stat().st_size > MAX_BODY_BYTES:
            raise InputError(f"{file}: larger than {MAX_BODY_BYTES // 2**20} MB, not a listing page")
        return file.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {file}: {error.strerror or error}") from error
