"""A page cut short (a 200 whose document stops part way) fails whole, in every theme family:
read as far as the cut, its last teasers would look gone from the term."""

from __future__ import annotations

import pytest

from pledgewatch.scraper.parsing import parse_listing
from pledgewatch.scraper.parsing.html import CUT_SHORT_ERROR
from pledgewatch.scraper.render import THEMES, RenderTeaser, render_listing

URL = "https://gfmd.org/contributors/member-states"
TEASERS = [RenderTeaser(13000 + i, f"Pledge {i}", "City of Lyon", f"Summary {i}.") for i in range(10)]


def page(theme: str) -> str:
    return render_listing("Member States", "/contributors/member-states", 12, 0, 1, TEASERS,
                          theme=theme)  # type: ignore[arg-type]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("kept", [0.3, 0.6, 0.9])
def test_a_document_cut_short_fails_whole(theme: str, kept: float) -> None:
    html = page(theme)
    listing = parse_listing(html[:int(len(html) * kept)], url=URL)
    record = listing.page_item(200)
    assert (record.ok, record.error, listing.teaser_items()) == (False, CUT_SHORT_ERROR, [])


@pytest.mark.parametrize("theme", THEMES)
def test_the_whole_document_reads_all_its_teasers(theme: str) -> None:
    listing = parse_listing(page(theme), url=URL)
    assert listing.page_item(200).ok and len(listing.teasers) == 10


@pytest.mark.parametrize("cut", ["</body>", "</html>"])
def test_a_document_cut_after_its_body_closed_lost_nothing(cut: str) -> None:
    html = page("bartik")
    listing = parse_listing(html[:html.index(cut) + len(cut)], url=URL)
    assert listing.page_item(200).ok and len(listing.teasers) == 10


def test_a_fragment_without_an_html_element_is_not_judged() -> None:
    html = page("bartik")
    fragment = html[html.index('<div class="view-content">'):html.index("</body>")]
    assert len(parse_listing(fragment, url=URL).teasers) == 10
