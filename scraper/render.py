"""Render a taxonomy listing page in the markup the site is expected to serve, or another
theme's; and a record page (:func:`render_record_page`) in Drupal 7 or Drupal 10 markup.

No raw gfmd.org HTML was ever available, so the default (``theme="bartik"``) is the markup
inferred from Drupal 7 defaults (core ``node.tpl.php`` with RDF, ``theme_pager``,
``theme_feed_icon``, the Views ``taxonomy_term`` page). It exists so that the seed
reconstructions, the fixture sites and the benchmarks all speak the *same* guess, and the
HTML parser is tested against it. The other families in ``scraper/themes/`` are what a theme
update could turn the pages into (see :data:`THEMES`); the parser must read them all alike.

Links are site-relative by default, as Drupal 7's ``url()`` renders them; that way a page
served from a loopback replay server links back to the same server. Every text value is
escaped (Jinja2 autoescape), so scraped text can never inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from html.entities import codepoint2name
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pledgewatch.scraper.parsing.model import EMPTY_TERM_TEXT
from pledgewatch.scraper.parsing.record_model import RecordPage
from pledgewatch.scraper.render_record import MARKUPS, nid_of, record_fields

if TYPE_CHECKING:
    from jinja2 import Template

__all__ = [
    "EMPTY_TERM_TEXT",
    "MARKUPS",
    "THEMES",
    "RenderTeaser",
    "pager_items",
    "render_listing",
    "render_record_page",
]

PAGER_QUANTITY = 9  # Drupal 7 theme_pager default: nine page links around the current one

# Theme families, one template each in scraper/themes/:
THEMES = {
    "bartik": "Drupal 7 core node teasers (Bartik), the inferred markup of the site",
    "html5": "HTML5 <article> teasers with h1 titles and a BEM pager (AdaptiveTheme, Zen)",
    "views_fields": "Drupal 7 Views field rows, the author after the body, no node markup",
    "bootstrap": "Bootstrap 3 for Drupal 7: ul.pagination, a plain-text byline",
    "olivero": "Drupal 10/11 Olivero: node--view-mode-teaser, nav.pager with ?page= links",
}
Theme = Literal["bartik", "html5", "views_fields", "bootstrap", "olivero"]


@dataclass(frozen=True, slots=True)
class RenderTeaser:
    """One teaser to render.

    ``summary`` holds paragraphs separated by a blank line; a single newline inside a
    paragraph becomes ``<br />`` (Drupal's line-break filter). ``title=None`` renders the
    "missing title" variant (an empty title link), ``author=None`` the "missing byline"
    variant, and ``author_position="after"`` the byline as a field below the body.
    ``nid=None`` renders a teaser without any record link.
    """

    nid: int | None
    title: str | None
    author: str | None
    summary: str
    author_position: Literal["before", "after"] = "before"
    submitted: str | None = None  # ISO 8601 for the RDF ``content`` attribute


@cache
def _template(theme: str) -> Template:
    """A theme's compiled template, on first use: jinja2 with the compile is ~0.08 s of
    every crawl's start, and crawls never render."""
    from jinja2 import Environment, PackageLoader

    environment = Environment(loader=PackageLoader("pledgewatch.scraper", "themes"),
                              autoescape=True, keep_trailing_newline=True)
    return environment.get_template(f"{theme}.j2")


@dataclass(frozen=True, slots=True)
class _PagerItem:
    cls: str  # Drupal 7's class; other themes use ``kind``
    label: str
    href: str | None = None
    title: str | None = None
    kind: str = "item"  # first, previous, ellipsis, item, current, next, last
    number: int | None = None  # 0-based page the item links to


def render_listing(
    term: str,
    term_url: str,
    tid: int,
    page: int,
    last_page: int,
    teasers: Sequence[RenderTeaser],
    site: str = "",
    *,
    theme: Theme = "bartik",
    break_titles: bool = False,
    entities: bool = False,
    sidebar: Sequence[RenderTeaser] = (),
) -> str:
    """Return the HTML of page ``page`` (0-based) of a term listing.

    ``term_url`` is the term's alias, as a URL or a path (``/contributors/member-states``).
    ``site`` prefixes every link; leave it empty for site-relative links as Drupal renders
    them, or pass ``https://gfmd.org`` for absolute ones. No teasers renders Drupal's
    empty-term message. ``break_titles`` breaks each title over two source lines, as
    templates that indent their output do; ``entities`` writes every non-ASCII character as
    an HTML entity (named where HTML has a name); ``sidebar`` fills a "Latest pledges"
    block with teaser-like record links (not in the ``bartik`` family).
    """
    if not 0 <= page <= max(last_page, 0):
        raise ValueError(f"page {page} is outside 0..{last_page}")
    if theme not in THEMES:
        raise ValueError(f"unknown theme {theme!r}: one of {', '.join(THEMES)}")
    path = urlsplit(term_url).path or "/"
    html = _template(theme).render(
        term=term,
        tid=tid,
        path=path,
        site=site.rstrip("/"),
        teasers=[_view(t, break_titles) for t in teasers],
        sidebar=[_view(t, False) for t in sidebar],
        pager=pager_items(path, page, last_page),
        empty_text=EMPTY_TERM_TEXT,
    )
    return _as_entities(html) if entities else html


def render_record_page(
    page: RecordPage, *, markup: str = "d7", likes: int | None = None, site: str = ""
) -> str:
    """Return the HTML of a record page (``/pfp/ppd/<nid>``) in one of :data:`MARKUPS`.

    ``d7`` is the inferred Drupal 7 node full view the site is expected to serve, ``d10`` a
    Drupal 10 Olivero-like one a site upgrade could bring: the parser must read both alike.
    Fields come in the site's order (:mod:`scraper.render_record`); empty ones are left
    out. ``likes`` adds the like-counter widget ("76 liked this page."), which is not part
    of the record. Links are site-relative unless ``site`` is given.
    """
    if markup not in MARKUPS:
        raise ValueError(f"unknown record markup {markup!r}: one of {', '.join(MARKUPS)}")
    before, after = record_fields(page)
    body = {"paragraphs": [p.split("\n") for p in page.body.split("\n\n")] if page.body else []}
    return _template(f"record_{markup}").render(
        nid=nid_of(page), title=page.title, likes=likes, site=site.rstrip("/"),
        before=before, after=after, t=body,
    )


def _view(teaser: RenderTeaser, break_titles: bool) -> dict[str, object]:
    paragraphs = [p.split("\n") for p in teaser.summary.split("\n\n")] if teaser.summary else []
    return {
        "nid": teaser.nid,
        "title": teaser.title,
        "shown_title": _broken(teaser.title) if break_titles else teaser.title or "",
        "author": teaser.author,
        "author_position": teaser.author_position,
        "submitted": teaser.submitted,
        "paragraphs": paragraphs,
    }


def _broken(title: str | None) -> str:
    """The title with its middle space made a line break and indentation."""
    if not title or " " not in title:
        return title or ""
    middle = title.rfind(" ", 0, len(title) // 2 + 1)
    at = middle if middle > 0 else title.find(" ")
    return title[:at] + "\n        " + title[at + 1:]


def _as_entities(html: str) -> str:
    """Every non-ASCII character as an entity: ``&eacute;``, ``&rsquo;``, else ``&#NNNN;``."""
    return "".join(
        char if ord(char) < 128 else
        f"&{codepoint2name[ord(char)]};" if ord(char) in codepoint2name else f"&#{ord(char)};"
        for char in html
    )


def _page_href(path: str, n: int) -> str:
    return path if n == 0 else f"{path}?page={n}"


def pager_items(path: str, page: int, last_page: int) -> list[_PagerItem]:
    """Drupal 7 ``theme_pager``: first/previous, a window of 9 numbers, next/last."""
    if last_page <= 0:
        return []
    first = max(0, min(page - PAGER_QUANTITY // 2, last_page - PAGER_QUANTITY + 1))
    last = min(last_page, first + PAGER_QUANTITY - 1)
    items: list[_PagerItem] = []

    def link(cls: str, label: str, n: int, title: str, kind: str) -> _PagerItem:
        return _PagerItem(cls, label, _page_href(path, n), title, kind, n)

    if page > 0:
        items.append(link("pager-first first", "« first", 0, "Go to first page", "first"))
        items.append(
            link("pager-previous", "‹ previous", page - 1, "Go to previous page", "previous")
        )
    if first > 0:
        items.append(_PagerItem("pager-ellipsis", "…", kind="ellipsis"))
    for n in range(first, last + 1):
        if n == page:
            items.append(_PagerItem("pager-current", str(n + 1), kind="current", number=n))
        else:
            items.append(link("pager-item", str(n + 1), n, f"Go to page {n + 1}", "item"))
    if last < last_page:
        items.append(_PagerItem("pager-ellipsis", "…", kind="ellipsis"))
    if page < last_page:
        items.append(link("pager-next", "next ›", page + 1, "Go to next page", "next"))
        items.append(link("pager-last last", "last »", last_page, "Go to last page", "last"))
    return items
