"""The one parsing entry point for listing pages, whatever their format."""

from __future__ import annotations

from typing import Literal

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.parsing.decode import detect_format, to_text_and_utf8
from pledgewatch.scraper.parsing.html import parse_html
from pledgewatch.scraper.parsing.model import Listing
from pledgewatch.scraper.parsing.text import parse_text

Format = Literal["auto", "html", "text"]


def parse_listing(body: bytes | str, url: str | None = None, format: Format = "auto") -> Listing:
    """Parse one listing page, HTML or a visible-text snapshot.

    ``url`` is where the page was fetched (or would have been); it gives text snapshots their
    term URL and page number, and resolves relative links in HTML. Raises
    :class:`~pledgewatch.core.errors.UnreadableInput` for empty, binary or undecodable input.
    """
    if format not in ("auto", "html", "text"):
        raise InputError(f"unknown format {format!r}: use auto, html or text")
    text, utf8 = to_text_and_utf8(body)
    chosen = detect_format(text) if format == "auto" else format
    return parse_html(text, url, utf8) if chosen == "html" else parse_text(text, url)
