"""Render a taxonomy listing page in the Drupal 7 markup the site is expected to serve.

No raw gfmd.org HTML was ever available, so this is the markup inferred from Drupal 7 defaults
(core ``node.tpl.php`` with RDF, ``theme_pager``, ``theme_feed_icon``, the Views
``taxonomy_term`` page). It exists so that the seed reconstructions, the fixture sites and the
benchmarks all speak the *same* guess, and the HTML parser is tested against it.

Links are site-relative by default, as Drupal 7's ``url()`` renders them; that way a page
served from a loopback replay server links back to the same server. Every text value is
escaped (Jinja2 autoescape), so scraped text can never inject markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from pledgewatch.scraper.parsing.model import EMPTY_TERM_TEXT

if TYPE_CHECKING:
    from jinja2 import Template

PAGER_QUANTITY = 9  # Drupal 7 theme_pager default: nine page links around the current one


@dataclass(frozen=True, slots=True)
class RenderTeaser:
    """One teaser to render.

    ``summary`` holds paragraphs separated by a blank line; a single newline inside a
    paragraph becomes ``<br />`` (Drupal's line-break filter). ``title=None`` renders the
    "missing title" variant (an empty title link), ``author=None`` the "missing byline"
    variant, and ``author_position="after"`` the byline as a field below the body.
    """

    nid: int | None
    title: str | None
    author: str | None
    summary: str
    author_position: Literal["before", "after"] = "before"
    submitted: str | None = None  # ISO 8601 for the RDF ``content`` attribute


_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en" dir="ltr" prefix="content: http://purl.org/rss/1.0/modules/content/ dc: http://purl.org/dc/terms/ foaf: http://xmlns.com/foaf/0.1/ sioc: http://rdfs.org/sioc/ns# xsd: http://www.w3.org/2001/XMLSchema#">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />
<link rel="canonical" href="{{ site }}{{ path }}" />
<link rel="shortlink" href="{{ site }}/taxonomy/term/{{ tid }}" />
<link rel="alternate" type="application/rss+xml" title="{{ term }}" href="{{ site }}/taxonomy/term/{{ tid }}/feed" />
<title>{{ term }} | GFMD</title>
</head>
<body class="html not-front not-logged-in one-sidebar page-taxonomy page-taxonomy-term page-taxonomy-term- page-taxonomy-term-{{ tid }}">
<div id="page"><div id="main"><div id="content" class="column" role="main">
<h1 class="title" id="page-title">{{ term }}</h1>
<div class="region region-content"><div id="block-system-main" class="block block-system">
<div class="content"><div class="view view-taxonomy-term view-id-taxonomy_term view-display-id-page">
{%- if teasers %}
<div class="view-content">
{%- for t in teasers %}
<div class="views-row views-row-{{ loop.index }}{{ ' views-row-first' if loop.first }}{{ ' views-row-last' if loop.last }}">
<div{% if t.nid is not none %} id="node-{{ t.nid }}"{% endif %} class="node node-ppd node-promoted node-teaser clearfix"{% if t.nid is not none %} about="/pfp/ppd/{{ t.nid }}"{% endif %} typeof="sioc:Item foaf:Document">
{%- if t.nid is not none %}
  <h2><a href="{{ site }}/pfp/ppd/{{ t.nid }}">{{ t.title or '' }}</a></h2>
{%- elif t.title %}
  <h2>{{ t.title }}</h2>
{%- endif %}
{%- if t.title %}
  <span property="dc:title" content="{{ t.title }}" class="rdf-meta element-hidden"></span>
{%- endif %}
{%- if t.author and t.author_position == 'before' %}
  <div class="meta submitted">
    <span property="dc:date dc:created"{% if t.submitted %} content="{{ t.submitted }}"{% endif %} datatype="xsd:dateTime" rel="sioc:has_creator">Submitted by <span class="username" xml:lang="" typeof="sioc:UserAccount" property="foaf:name" datatype="">{{ t.author }}</span> on </span>
  </div>
{%- elif t.submitted %}
  <span property="dc:date dc:created" content="{{ t.submitted }}" datatype="xsd:dateTime" class="rdf-meta element-hidden"></span>
{%- endif %}
  <div class="content clearfix">
    <div class="field field-name-body field-type-text-with-summary field-label-hidden"><div class="field-items"><div class="field-item even" property="content:encoded">
{%- for para in t.paragraphs %}<p>{% for line in para %}{{ line }}{% if not loop.last %}<br />
{% endif %}{% endfor %}</p>
{% endfor -%}
    </div></div></div>
{%- if t.author and t.author_position == 'after' %}
    <div class="field field-name-field-author field-type-entityreference field-label-hidden"><div class="field-items"><div class="field-item even"><span class="username" xml:lang="" typeof="sioc:UserAccount" property="foaf:name" datatype="">{{ t.author }}</span></div></div></div>
{%- endif %}
  </div>
{%- if t.nid is not none %}
  <ul class="links inline"><li class="node-readmore first last"><a href="{{ site }}/pfp/ppd/{{ t.nid }}" rel="tag" title="{{ t.title or '' }}">Read more<span class="element-invisible"> about {{ t.title or '' }}</span></a></li></ul>
{%- endif %}
</div>
</div>
{%- endfor %}
</div>
{%- else %}
<p>{{ empty_text }}</p>
{%- endif %}
{%- if pager %}
<h2 class="element-invisible">Pages</h2><div class="item-list"><ul class="pager">
{%- for item in pager %}
{%- if item.href %}<li class="{{ item.cls }}"><a title="{{ item.title }}" href="{{ site }}{{ item.href }}">{{ item.label }}</a></li>
{%- else %}<li class="{{ item.cls }}">{{ item.label }}</li>{% endif %}
{%- endfor %}
</ul></div>
{%- endif %}
<div class="feed-icon"><a href="{{ site }}/taxonomy/term/{{ tid }}/feed" class="feed-icon" title="Subscribe to {{ term }}"><img typeof="foaf:Image" src="{{ site }}/misc/feed.png" width="16" height="16" alt="Subscribe to {{ term }}" /></a></div>
</div></div></div></div>
</div></div></div>
</body>
</html>
"""



@cache
def _page() -> Template:
    """The compiled template, on first use: the parser imports this module for
    EMPTY_TERM_TEXT alone, and jinja2 with the compile is ~0.08 s of every crawl's start."""
    from jinja2 import Environment

    return Environment(autoescape=True, keep_trailing_newline=True).from_string(_TEMPLATE)


@dataclass(frozen=True, slots=True)
class _PagerItem:
    cls: str
    label: str
    href: str | None = None
    title: str | None = None


def render_listing(
    term: str,
    term_url: str,
    tid: int,
    page: int,
    last_page: int,
    teasers: Sequence[RenderTeaser],
    site: str = "",
) -> str:
    """Return the HTML of page ``page`` (0-based) of a term listing.

    ``term_url`` is the term's alias, as a URL or a path (``/contributors/member-states``).
    ``site`` prefixes every link; leave it empty for site-relative links as Drupal renders
    them, or pass ``https://gfmd.org`` for absolute ones. No teasers renders Drupal's
    empty-term message.
    """
    if not 0 <= page <= max(last_page, 0):
        raise ValueError(f"page {page} is outside 0..{last_page}")
    path = urlsplit(term_url).path or "/"
    return _page().render(
        term=term,
        tid=tid,
        path=path,
        site=site.rstrip("/"),
        teasers=[_view(t) for t in teasers],
        pager=pager_items(path, page, last_page),
        empty_text=EMPTY_TERM_TEXT,
    )


def _view(teaser: RenderTeaser) -> dict[str, object]:
    paragraphs = [p.split("\n") for p in teaser.summary.split("\n\n")] if teaser.summary else []
    return {
        "nid": teaser.nid,
        "title": teaser.title,
        "author": teaser.author,
        "author_position": teaser.author_position,
        "submitted": teaser.submitted,
        "paragraphs": paragraphs,
    }


def _page_href(path: str, n: int) -> str:
    return path if n == 0 else f"{path}?page={n}"


def pager_items(path: str, page: int, last_page: int) -> list[_PagerItem]:
    """Drupal 7 ``theme_pager``: first/previous, a window of 9 numbers, next/last."""
    if last_page <= 0:
        return []
    first = max(0, min(page - PAGER_QUANTITY // 2, last_page - PAGER_QUANTITY + 1))
    last = min(last_page, first + PAGER_QUANTITY - 1)
    items: list[_PagerItem] = []
    if page > 0:
        items.append(_PagerItem("pager-first first", "« first", path, "Go to first page"))
        items.append(
            _PagerItem("pager-previous", "‹ previous", _page_href(path, page - 1), "Go to previous page")
        )
    if first > 0:
        items.append(_PagerItem("pager-ellipsis", "…"))
    for n in range(first, last + 1):
        if n == page:
            items.append(_PagerItem("pager-current", str(n + 1)))
        else:
            items.append(_PagerItem("pager-item", str(n + 1), _page_href(path, n), f"Go to page {n + 1}"))
    if last < last_page:
        items.append(_PagerItem("pager-ellipsis", "…"))
    if page < last_page:
        items.append(_PagerItem("pager-next", "next ›", _page_href(path, page + 1), "Go to next page"))
        items.append(
            _PagerItem("pager-last last", "last »", _page_href(path, last_page), "Go to last page")
        )
    return items
