"""Identity rules: which record a teaser is, and which term a listing belongs to.

A pledge is its record path (``/pfp/ppd/13001``) whenever the teaser links to it,
never its title: near-identical titles name different records. Only teasers
without a link (text snapshots) are keyed by their folded title.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

from pledgewatch.core.text import clean_title, comparison_form

RECORD_PREFIX = "/pfp/ppd/"
_CANONICAL_RECORD = "https://gfmd.org" + RECORD_PREFIX


def record_key(url: str | None) -> str | None:
    """The identity of a record whose URL is known: its node path.

    >>> record_key("https://gfmd.org/pfp/ppd/13001"), record_key("https://gfmd.org/contributors")
    ('/pfp/ppd/13001', None)
    """
    if not url:
        return None
    if url.startswith(_CANONICAL_RECORD) and url[len(_CANONICAL_RECORD):].isdigit():
        return url[len(_CANONICAL_RECORD) - len(RECORD_PREFIX):]
    path = urlsplit(url).path.rstrip("/")
    return path if path.startswith(RECORD_PREFIX) else None


def title_key(title: str | None) -> str:
    """The key of a pledge known only by its title (text snapshots): case and spacing folded.

    >>> title_key("  Migrant  WORKERS ") == title_key("migrant workers")
    True
    """
    return "title:" + comparison_form(unicodedata.normalize("NFKC", title or "")).casefold()


def pledge_key(url: str | None, title: str | None) -> str | None:
    """The record path when the teaser links to a record; its title key only without a link;
    None when it has neither."""
    key = record_key(url)
    if key is None:
        title = clean_title(title)
        key = title_key(title) if title else None
    return key


def is_title_key(key: str) -> bool:
    return key.startswith("title:")


def term_key(term_url: str | None, term: str | None) -> str | None:
    """A term's identity: its canonical listing URL, or its folded name when no URL is known."""
    if term_url:
        return term_url
    if term:
        return "name:" + comparison_form(term)
    return None


def first_page_url(url: str) -> str:
    """A listing URL without its ``page`` parameter: the term a page of unknown term is on.

    >>> first_page_url("https://gfmd.org/contributors/x?page=2")
    'https://gfmd.org/contributors/x'
    """
    base, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("page=")]
    return base + ("?" + "&".join(kept) if kept else "")
