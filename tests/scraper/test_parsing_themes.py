"""Five theme families, one reading: a theme update must not change what a page says.

Each family of ``scraper/themes/`` renders the same three teasers with absolute ``www.``
links, titles broken over lines and every non-ASCII character as an entity, next to a
sidebar of teaser-like record links that belong to no listing. The expected values below
were written from the teasers' text, not from parser output.
"""

from __future__ import annotations

import re

import pytest

from pledgewatch.scraper.parsing import NO_TEASERS_ERROR, parse_listing
from pledgewatch.scraper.parsing.model import EMPTY_TERM_TEXT
from pledgewatch.scraper.render import THEMES, RenderTeaser, render_listing

TERM = "https://gfmd.org/contributors/member-states"
REPLAY = "http://127.0.0.1:8765/contributors/member-states"
TEASERS = [
    RenderTeaser(13001, "Welcoming San José Plan 2.0: Civic, Economic & Social Inclusion",
                 "Ms. Anqi ZHANG", "San José’s plan <b>commits</b> to:\ncivic inclusion;\n"
                 "economic inclusion.\n\nAdopted in 2021.", submitted="2023-03-17T16:39:00+01:00"),
    RenderTeaser(13002, "PA'LANTE: “Socio-economic” Integration in Barranquilla",
                 "Mr. Ace Paolo …", "Families & children – 2022.", author_position="after"),
    RenderTeaser(10929, "Making Migration work for Sustainable Development",
                 "Anonymous (not verified)", "Café, naïve, façade."),
]
SIDEBAR = [RenderTeaser(19116, "A pledge in the sidebar", "Costanza Bindi", "")]
EXPECTED = [  # (url, title, author, summary)
    ("https://gfmd.org/pfp/ppd/13001",
     "Welcoming San José Plan 2.0: Civic, Economic & Social Inclusion", "Ms. Anqi ZHANG",
     "San José’s plan <b>commits</b> to:\ncivic inclusion;\neconomic inclusion.\n\nAdopted in 2021."),
    ("https://gfmd.org/pfp/ppd/13002", "PA'LANTE: “Socio-economic” Integration in Barranquilla",
     "Mr. Ace Paolo …", "Families & children – 2022."),
    ("https://gfmd.org/pfp/ppd/10929", "Making Migration work for Sustainable Development",
     "Anonymous (not verified)", "Café, naïve, façade."),
]
# Where each family prints the byline: Views rows put the author field after the body,
# the Bootstrap header always before it; the others follow the record.
POSITIONS = {
    "bartik": ["before", "after", "before"],
    "html5": ["before", "after", "before"],
    "views_fields": ["after", "after", "after"],
    "bootstrap": ["before", "before", "before"],
    "olivero": ["before", "after", "before"],
}


def page(theme: str, teasers=TEASERS, page: int = 3, last_page: int = 7) -> str:
    return render_listing("Member States", "/contributors/member-states", 42, page, last_page,
                          teasers, site="https://www.gfmd.org", theme=theme,
                          break_titles=True, entities=True, sidebar=SIDEBAR)


def url_of(n: int) -> str:
    return REPLAY + (f"?page={n}" if n else "")


def test_the_five_families_are_rendered() -> None:
    assert set(THEMES) == set(POSITIONS)
    htmls = {theme: page(theme) for theme in THEMES}
    assert len(set(htmls.values())) == 5
    broken_title = re.compile(r"Welcoming San Jos&eacute; Plan[^<>]*\n +[^<>]*Social Inclusion")
    assert all(broken_title.search(html) for html in htmls.values())
    assert all("<a href=\"https://www.gfmd.org/pfp/ppd/13001\"" in html for html in htmls.values())


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_reads_as_the_same_teasers(theme: str) -> None:
    listing = parse_listing(page(theme), url=url_of(3))
    assert [(t.url, t.title, t.author, t.summary) for t in listing.teasers] == EXPECTED
    assert [t.author_position for t in listing.teasers] == POSITIONS[theme]
    assert [t.author_truncated for t in listing.teasers] == [False, True, False]
    assert (listing.term, listing.tid, listing.term_url) == ("Member States", 42, TERM)
    assert (listing.url, listing.page, listing.last_page) == (TERM + "?page=3", 3, 7)
    assert listing.next_url == TERM + "?page=4"
    assert listing.page_item(200).ok


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_saved_without_its_url_still_knows_its_page(theme: str) -> None:
    listing = parse_listing(page(theme))
    assert (listing.url, listing.page, listing.last_page) == (TERM + "?page=3", 3, 7)
    assert listing.next_url == TERM + "?page=4"


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize(("n", "last", "next_url"), [
    (7, 7, None), (0, 7, TERM + "?page=1"), (0, 0, None), (45, 45, None), (20, 45, TERM + "?page=21"),
], ids=["last-page", "first-page", "single-page", "page-45-of-45", "page-20-of-45"])
def test_every_family_pager_gives_last_page_and_next(theme, n, last, next_url) -> None:
    listing = parse_listing(page(theme, page=n, last_page=last), url=url_of(n))
    assert (listing.page, listing.last_page, listing.next_url) == (n, last, next_url)


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_empty_term_on_page_0_is_an_ok_empty_page(theme: str) -> None:
    record = parse_listing(page(theme, [], 0, 0), url=url_of(0)).page_item(200)
    assert (record.ok, record.empty_term, record.teasers, record.error) == (True, True, 0, None)


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_empty_term_message_after_page_0_is_a_failed_page(theme: str) -> None:
    html = page(theme, [], 0, 0)  # the message where page 3 of a full term had its teasers
    record = parse_listing(html, url=url_of(3)).page_item(200)
    assert (record.ok, record.empty_term, record.teasers) == (False, False, 0)
    assert record.error.startswith("empty-term message on ?page=3")


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_sentence_in_a_sidebar_is_no_empty_term(theme: str) -> None:
    """The content region lost its teasers; a sidebar block carries the sentence."""
    html = page(theme, [], 0, 0).replace(EMPTY_TERM_TEXT, "")
    html = html.replace("</body>", f"<aside role='complementary'><p>{EMPTY_TERM_TEXT}</p></aside></body>")
    record = parse_listing(html, url=url_of(0)).page_item(200)
    assert (record.ok, record.empty_term, record.error) == (False, False, NO_TEASERS_ERROR)


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_sentence_in_a_complementary_block_inside_the_content_is_no_empty_term(
    theme: str,
) -> None:
    html = page(theme, [], 0, 0).replace(
        EMPTY_TERM_TEXT, f"<span role='complementary'>{EMPTY_TERM_TEXT}</span>")
    record = parse_listing(html, url=url_of(0)).page_item(200)
    assert (record.ok, record.error) == (False, NO_TEASERS_ERROR)


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_teaser_without_a_record_link_fails_the_page(theme: str) -> None:
    teasers = [*TEASERS, RenderTeaser(None, "A title without a link", "Costanza Bindi", "Text.")]
    record = parse_listing(page(theme, teasers), url=url_of(3)).page_item(200)
    assert (record.ok, record.teasers) == (False, 0)
    assert record.error == "1 teaser block(s) without a record title link: layout changed?"


@pytest.mark.parametrize("theme", THEMES)
def test_every_family_sidebar_record_links_are_not_teasers(theme: str) -> None:
    listing = parse_listing(page(theme, TEASERS[:1], 0, 0), url=url_of(0))
    assert [t.url for t in listing.teasers] == ["https://gfmd.org/pfp/ppd/13001"]
    assert "/pfp/ppd/19116" in page(theme)  # the sidebar was there to be ignored
