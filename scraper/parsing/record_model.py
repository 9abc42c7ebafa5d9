"""What one record page (``/pfp/ppd/<nid>``) says, before it becomes a run-file line.

A record page holds the whole pledge (full body, countries, sources) where a listing only
shows a trimmed teaser. The value is read whole or not at all: a page that cannot be read
raises :class:`RecordUnreadable`, which the crawl reports as a failed record fetch, never as
an edit of the pledge.
"""

from __future__ import annotations

from dataclasses import dataclass

from pledgewatch.core.errors import UnreadableInput


class RecordUnreadable(UnreadableInput):
    """A record page that cannot be read whole; the message says what is missing."""


@dataclass(frozen=True, slots=True)
class RecordPage:
    """One record page as published (text kept as the site shows it).

    ``terms`` holds every term the record links to, in page order, as (canonical listing
    URL, name): the labelled term fields (2030 Agenda, GCM, geographical relevance), the
    unlabelled ones (contributors, chairmanship, themes) and the countries' links. Names
    come from link text, so a theme name with commas stays one name. Fields the page leaves
    out are ``None`` or empty.
    """

    url: str  # canonical record URL
    title: str
    date_shared: str | None  # as published: "Monday, December 23, 2013 - 15:15"
    body: str  # paragraphs separated by a blank line
    countries: tuple[str, ...] = ()
    terms: tuple[tuple[str, str], ...] = ()
    gfmd_source: tuple[str, ...] = ()
    thematic_recollection: tuple[str, ...] = ()
