"""Links and text of HTML elements, the way every part of the HTML front-end reads them."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from pledgewatch.scraper.parsing.selectors import TEXT_NODES_XP
from pledgewatch.scraper.parsing.text_utils import collapse
from pledgewatch.scraper.terms import SITE, canonical_url, is_record_url, page_number, with_page

# A canonical record URL: canonical_url returns it unchanged and is_record_url is True for it.
_CANONICAL_RECORD = re.compile(re.escape(SITE) + r"/pfp/ppd/[0-9]+")
# A site-absolute record path: canonical_url makes it SITE + path whenever the base is on site.
_RECORD_PATH = re.compile(r"/pfp/ppd/[0-9]+")
# An absolute record link on either host and scheme: canonical_url makes it SITE + path.
_ABSOLUTE_RECORD = re.compile(r"https?://(?:www\.)?gfmd\.org(/pfp/ppd/[0-9]+)/?")


def text_of(element: etree._Element | None) -> str | None:
    """The element's text as a browser shows it on one line: whitespace runs are one space,
    so a title broken over lines in the markup reads as it does on screen."""
    if element is None:
        return None
    value = collapse("".join(TEXT_NODES_XP(element)))
    return value or None


def resolve(href: str | None, base: str) -> str | None:
    """``canonical_url(href, base=base)`` for a non-blank href.

    Shortcuts with the same result keep the answers of :func:`canonical_url` (which keeps
    recent answers by its arguments) reusable from page to page: an absolute link does not
    depend on the base, a site-absolute path only on the base being the site, and a
    query-only link (``?page=3``, Drupal 8+ pagers) is the base's own path at that page.
    """
    if not href:
        return None
    stripped = href.strip()
    if not stripped:
        return None
    if _CANONICAL_RECORD.fullmatch(stripped):
        return stripped
    record = _ABSOLUTE_RECORD.fullmatch(stripped)
    if record:
        return SITE + record.group(1)
    if stripped.startswith(("http://", "https://")):
        return canonical_url(stripped)
    if _base_is_site(base):
        if _RECORD_PATH.fullmatch(stripped):
            return SITE + stripped
        if stripped.startswith("/") and not stripped.startswith("//"):
            return canonical_url(SITE + stripped)
        if stripped.startswith("?") and stripped[1:2] not in ("", "#"):  # "?" keeps the base's
            return with_page(base, page_number(stripped))
    return canonical_url(href, base=base)


def record_url(href: str | None, base: str) -> str | None:
    """The canonical record URL an href leads to, or None when it leads elsewhere (another
    site, the submission form, a term listing)."""
    url = resolve(href, base)
    if url and (_CANONICAL_RECORD.fullmatch(url) or is_record_url(url)):
        return url
    return None


@lru_cache(maxsize=256)
def _base_is_site(base: str) -> bool:
    """Whether a site-absolute path resolved against ``base`` lands on the site itself."""
    probe = "/pfp/ppd/0"
    return canonical_url(probe, base=base) == SITE + probe
