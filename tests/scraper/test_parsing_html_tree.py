"""The HTML front-end parses a page into the same tree parsel would build for it.

``scraper.parsing.html._tree`` skips parsel's per-page re-encoding when the page's UTF-8
bytes are at hand; whitespace and NUL characters at either end are where the two could
differ.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree
from parsel.selector import create_root_node

from pledgewatch.scraper.parsing.html import _tree
from pledgewatch.scraper.render import RenderTeaser, render_listing

FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PAGES = [
    render_listing("Member States", "/contributors/member-states", 42, 3, 7, [
        RenderTeaser(13001, "Title", "Ms. Anqi ZHANG", "Body.\n\nMore", submitted="2024-03-20"),
    ]),
    render_listing("Empty", "/taxonomy/term/5", 5, 0, 0, []),
    "<div class='node-teaser'>", "</body></html><html><body><p>Second tree</p>", "",
]
EDGES = st.sampled_from(["", " ", "\n", "\t", "\r\n", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0",
                         "\u2028", "\u3000", "\x00", "\x00 ", " \x00", "é", "x"])


@FAST
@given(EDGES, st.sampled_from([*PAGES, "\x00"]), EDGES)
def test_the_tree_is_the_one_parsel_builds(head: str, middle: str, tail: str) -> None:
    text = head + middle + tail
    if not text:
        return  # to_text refuses empty pages before the parser sees them
    expected = etree.tostring(create_root_node(text, etree.HTMLParser, base_url=None, huge_tree=True))
    assert etree.tostring(_tree(text, text.encode("utf-8"))) == expected
    assert etree.tostring(_tree(text, None)) == expected
