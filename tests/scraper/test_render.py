"""The Drupal 7 listing markup used for seed reconstructions, fixture sites and benchmarks."""

from __future__ import annotations

import pytest
from parsel import Selector

from pledgewatch.scraper.render import EMPTY_TERM_TEXT, THEMES, RenderTeaser, render_listing

PATH = "/geographical-relevance/subnational"


def rendered(page: int = 4, last_page: int = 9, teasers=None) -> Selector:
    teasers = [RenderTeaser(1, "T", "A", "S")] if teasers is None else teasers
    return Selector(text=render_listing("Subnational", "https://gfmd.org" + PATH, 7, page,
                                        last_page, teasers))


def test_pager_has_first_previous_items_current_next_and_last() -> None:
    pager = rendered().css("ul.pager li")
    classes = [li.attrib["class"] for li in pager]
    assert classes[:2] == ["pager-first first", "pager-previous"]
    assert classes[-2:] == ["pager-next", "pager-last last"]
    assert pager.css(".pager-current::text").get() == "5"  # labels are 1-based
    assert pager.css(".pager-next a::attr(href)").get() == PATH + "?page=5"
    assert pager.css(".pager-last a::attr(href)").get() == PATH + "?page=9"
    assert pager.css(".pager-first a::attr(href)").get() == PATH


def test_pager_on_the_first_page_links_to_the_page_without_a_parameter() -> None:
    page = rendered(page=1)
    assert page.css(".pager-previous a::attr(href)").get() == PATH


def test_long_pager_shows_nine_numbers_and_ellipses() -> None:
    page = rendered(page=20, last_page=45)
    assert len(page.css("li.pager-item, li.pager-current")) == 9
    assert len(page.css("li.pager-ellipsis")) == 2


def test_single_page_has_no_pager() -> None:
    assert not rendered(page=0, last_page=0).css("ul.pager")


def test_head_has_canonical_and_shortlink_and_body_has_the_feed_icon() -> None:
    page = rendered()
    assert page.css("link[rel=canonical]::attr(href)").get() == PATH
    assert page.css("link[rel=shortlink]::attr(href)").get() == "/taxonomy/term/7"
    icon = page.css("a.feed-icon")
    assert icon.attrib["href"] == "/taxonomy/term/7/feed"
    assert icon.attrib["title"] == "Subscribe to Subnational"
    assert icon.css("img::attr(alt)").get() == "Subscribe to Subnational"


def test_teaser_has_drupal_node_markup() -> None:
    node = rendered().css("div.node-teaser")[0]
    assert node.attrib["id"] == "node-1" and node.attrib["about"] == "/pfp/ppd/1"
    assert node.css("h2 a::attr(href)").get() == "/pfp/ppd/1"
    assert node.css(".submitted .username::text").get() == "A"
    assert node.css(".field-name-body .field-item p::text").get() == "S"


def test_byline_after_the_body_is_rendered_below_it() -> None:
    node = rendered(teasers=[RenderTeaser(1, "T", "A", "S", author_position="after")])
    assert not node.css(".submitted")
    assert node.css(".content .field-name-field-author .username::text").get() == "A"


def test_no_teasers_renders_the_empty_term_message() -> None:
    assert EMPTY_TERM_TEXT in rendered(page=0, last_page=0, teasers=[]).get()


def test_text_is_escaped() -> None:
    html = render_listing("<script>x</script>", "/t/x", 1, 0, 0,
                          [RenderTeaser(1, "<img src=x>", "<b>", "a & <i>b</i>")])
    assert "<script>x" not in html and "<img src=x>" not in html and "<i>b" not in html
    assert "&lt;img src=x&gt;" in html


def test_absolute_links_with_a_site_prefix() -> None:
    html = render_listing("T", "/t/x", 1, 0, 1, [RenderTeaser(5, "T", "A", "S")],
                          site="https://gfmd.org")
    assert 'href="https://gfmd.org/pfp/ppd/5"' in html
    assert 'href="https://gfmd.org/t/x?page=1"' in html


def test_page_outside_the_pager_is_refused() -> None:
    with pytest.raises(ValueError):
        render_listing("T", "/t/x", 1, 5, 4, [])


@pytest.mark.parametrize("theme", THEMES)
def test_every_theme_escapes_text(theme: str) -> None:
    html = render_listing("<script>x</script>", "/t/x", 1, 0, 1,
                          [RenderTeaser(1, "<img src=x>", "<b>", "a & <i>b</i>")],
                          theme=theme, sidebar=[RenderTeaser(2, "<svg onload=x>", "<u>", "")])
    assert "<script>x" not in html and "<img src=x>" not in html and "<i>b" not in html
    assert "<svg" not in html and "&lt;img src=x&gt;" in html


def test_entities_replace_every_non_ascii_character() -> None:
    html = render_listing("Café", "/t/x", 1, 0, 0, [RenderTeaser(1, "“Zürich” – 2022", "A", "S\u00a0")],
                          entities=True)
    assert html.isascii()
    assert "&ldquo;Z&uuml;rich&rdquo; &ndash; 2022" in html and "S&nbsp;" in html


def test_an_unknown_theme_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown theme"):
        render_listing("T", "/t/x", 1, 0, 0, [], theme="garland")  # type: ignore[arg-type]
