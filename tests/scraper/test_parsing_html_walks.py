"""The HTML front-end's one-pass walks find exactly what the selectors they stand for find.

``scraper.parsing.html`` reads a page in two kinds of pass (``_PageParts`` over the page,
``_TeaserParts`` over each teaser) instead of running every selector of
``scraper.parsing.selectors`` as its own XPath query; the selectors stay the specification.
Pages here are rendered listings with markup fragments spliced in at random places, so
nested, repeated, missing and oddly spaced hooks all occur.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from parsel.selector import create_root_node

from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.html import _PageParts, _TeaserParts, _tree
from pledgewatch.scraper.render import RenderTeaser, render_listing

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

BASES = [
    render_listing("Member States", "/contributors/member-states", 42, 3, 7, [
        RenderTeaser(13001, "Title", "Ms. Anqi ZHANG", "Body.\n\nMore", submitted="2024-03-20"),
        RenderTeaser(13002, None, "Mr. Ace Paolo \u2026", "One", author_position="after"),
        RenderTeaser(None, "No link", None, "Two\nlines"),
    ]),
    render_listing("Egypt", "https://gfmd.org/pfp/ppd/egypt", 7, 0, 0, [
        RenderTeaser(5, "T", "A B", "x", author_position="after"),
    ], site="http://127.0.0.1:8765"),
    render_listing("Empty", "/taxonomy/term/5", 5, 0, 0, []),
]
FRAGMENTS = [
    "<div class='node-teaser'>", "<div class=' node-teaser\tx'>", "<div id='node-9'>", "</div>",
    "<h2>", "</h2>", "<h2><a href='/node/4'>N</a></h2>", "<a href='/pfp/ppd/77'>x</a>",
    "<span about='/pfp/ppd/55'>", "<span class='username'>U</span>",
    "<span class='x\nusername'>V</span>", "<span class='username\u00a0x'>W</span>",
    "<div class='field-name-body'>", "<div class='field-item'>", "<div class='field-items'>",
    "<span property='dc:date  x' content='2020'>", "<span property='content:encoded'>",
    "<div class='content'>", "<!-- c -->", "<p>", "</p>",
    ("<ul class='pager'><li class='pager-current'>2</li><li class='pager-next'><a href='?page=2'>"
     "n</a></li><li class='pager-last'><a href='?page=9'>l</a></li></ul>"),
    "<li class='pager-next'><a>no href</a><a href='?page=5'>n</a></li>", "</ul>", "</li>",
    "<link rel='canonical' href='/contributors/other'>", "<link rel='canonical'>",
    "<link rel='shortlink' href='/taxonomy/term/8'>", "<link rel='alternate' type='rss' title='R'>",
    "<link rel='alternate' title='no type'>", "<a class='feed-icon' title='Subscribe to Q'>",
    "<h1 class='title'>H</h1>", "<h1 id='page-title'>I</h1>", "<h1 class='page-title x'>J</h1>",
    "</body></html><html><body><div class='node-teaser'><h2>Second tree</h2></div>",
    "<DIV CLASS='node-teaser'>", "<A CLASS='feed-icon' HREF='/taxonomy/term/3/feed'>",
]


@st.composite
def pages(draw: st.DrawFn) -> etree._Element:
    text = draw(st.sampled_from(BASES))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(FRAGMENTS)) + text[at:]
    return create_root_node(text, etree.HTMLParser, base_url=None, huge_tree=True)


def first(query: etree.XPath, node: etree._Element) -> object | None:
    found = query(node)
    return found[0] if found else None


@FAST
@given(pages())
def test_the_page_pass_matches_the_page_selectors(page: etree._Element) -> None:
    parts = _PageParts(page)
    assert parts.roots == css.TEASER_ROOTS_XP(page)
    assert parts.feed_icons == css.FEED_ICON_XP(page)
    assert parts.feed_links == css.FEED_LINK_ALTERNATE_XP(page)
    assert parts.canonical == first(css.CANONICAL_XP, page)
    assert parts.shortlinks == css.SHORTLINK_XP(page)
    assert parts.page_title is first(css.PAGE_TITLE_XP, page)
    for full, below in [
        (css.PAGER_CURRENT_XP, css.PAGER_CURRENT_IN_PAGER_XP),
        (css.PAGER_NEXT_XP, css.PAGER_NEXT_IN_PAGER_XP),
        (css.PAGER_LAST_XP, css.PAGER_LAST_IN_PAGER_XP),
    ]:
        assert parts.pager_first(full, below) == first(full, page)


@FAST
@given(pages())
def test_the_teaser_walk_matches_the_teaser_selectors(page: etree._Element) -> None:
    for root in _PageParts(page).teaser_roots():
        parts = _TeaserParts(root)
        assert parts.title_links == css.TITLE_LINK_XP(root)
        assert parts.heading is first(css.TITLE_HEADING_XP, root)
        assert parts.record_hrefs == css.RECORD_LINKS_XP(root)
        assert parts.about == first(css.ABOUT_XP, root)
        assert parts.author is first(css.AUTHOR_XP, root)
        assert parts.submitted == first(css.SUBMITTED_DATE_XP, root)
        assert parts.body_items == css.BODY_ITEMS_XP(root)
        assert parts.body_fallback == css.BODY_FALLBACK_XP(root)[:1]
        body = parts.body_items or parts.body_fallback
        if parts.author is not None and body:
            order = [e for e in root.iter() if e is parts.author or e is body[0]]
            expected = "after" if order[0] is body[0] else "before"
            assert parts.author_position(body[:1]) == expected


EDGES = st.sampled_from(["", " ", "\n", "\t", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0",
                         "\u2028", "\u3000", "\x00", "\x00 ", " \x00", "é", "x"])


@FAST
@given(EDGES, st.sampled_from(BASES + FRAGMENTS + ["", "\x00"]), EDGES)
def test_the_tree_is_the_one_parsel_builds(head: str, middle: str, tail: str) -> None:
    text = head + middle + tail
    if not text:
        return  # to_text refuses empty pages before the parser sees them
    expected = etree.tostring(create_root_node(text, etree.HTMLParser, base_url=None, huge_tree=True))
    assert etree.tostring(_tree(text, text.encode("utf-8"))) == expected
    assert etree.tostring(_tree(text, None)) == expected
