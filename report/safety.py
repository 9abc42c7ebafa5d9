"""Make scraped text and URLs safe to show to editors.

Scraped text is untrusted. Templates escape markup (Jinja2 autoescape); this
module handles what escaping does not: bidirectional-override characters that
can make a title read backwards in a mail client, control characters, links to
other sites or to ``javascript:``, and sizes that would swamp a digest.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Bidi embeddings, overrides and isolates; the marks LRM/RLM/ALM are harmless and kept.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# C0 and C1 controls except tab and newline, plus DEL.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f" + _BIDI_CONTROLS + "]")
_ANY_SPACE = re.compile(r"\s+")
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
ELLIPSIS = "…"


def clean_line(text: str | None, limit: int) -> str:
    """One line of display text: controls removed, whitespace collapsed, at most ``limit`` chars."""
    if not text:
        return ""
    return clip(_ANY_SPACE.sub(" ", _CONTROLS.sub("", text[: limit * 4])).strip(), limit)


def clean_block(text: str | None, limit: int) -> str:
    """Multi-paragraph display text: paragraphs kept, blank-line runs collapsed, bounded."""
    if not text:
        return ""
    text = _CONTROLS.sub("", text[: limit * 4].replace("\r\n", "\n").replace("\t", " "))
    return clip(_BLANK_LINES.sub("\n\n", text).strip(), limit)


def strip_controls(text: str) -> str:
    """Remove control and bidi-override characters, keeping everything else verbatim."""
    return _CONTROLS.sub("", text)


def clip(text: str, limit: int) -> str:
    """Cut ``text`` to ``limit`` characters, marking the cut with an ellipsis.

    >>> clip("Global Compact for Migration", 15)
    'Global Compact…'
    """
    if len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS


def site_hosts(site_name: str) -> frozenset[str]:
    """The hosts a report may link to: the site and its ``www.`` twin."""
    bare = site_name.lower().removeprefix("www.")
    return frozenset({bare, f"www.{bare}"})


def safe_url(url: str | None, hosts: frozenset[str]) -> str | None:
    """``url`` if it is an http(s) URL on one of ``hosts``, else None (shown unlinked).

    >>> hosts = site_hosts("gfmd.org")
    >>> safe_url("https://gfmd.org/pfp/ppd/13001", hosts)
    'https://gfmd.org/pfp/ppd/13001'
    >>> safe_url("javascript:alert(1)//gfmd.org", hosts) is None
    True
    """
    if not url or len(url) > 2048 or _CONTROLS.search(url) or _ANY_SPACE.search(url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return None
    return url if host in hosts else None
