"""The HTML front-end on pages in the inferred Drupal 7 markup (rendered by scraper.render)."""

from __future__ import annotations

import pytest

from pledgewatch.scraper.parsing import NO_TEASERS_ERROR, parse_listing
from pledgewatch.scraper.render import RenderTeaser, render_listing

TERM_URL = "https://gfmd.org/contributors/member-states"
REPLAY = "http://127.0.0.1:8765/contributors/member-states?page=3"


def page(teasers, page=3, last_page=7, **kwargs) -> str:
    return render_listing("Member States", TERM_URL, 42, page, last_page, teasers, **kwargs)


def teaser(nid=13001, title="Title", author="Ms. Anqi ZHANG", summary="Body.", **kwargs):
    return RenderTeaser(nid, title, author, summary, **kwargs)


def test_teaser_link_title_author_date_and_summary() -> None:
    html = page([teaser(summary="One\nline two.\n\nPara two.", submitted="2023-03-17T16:39:00+01:00")])
    [t] = parse_listing(html).teasers
    assert t.url == "https://gfmd.org/pfp/ppd/13001"
    assert (t.title, t.author, t.author_position) == ("Title", "Ms. Anqi ZHANG", "before")
    assert t.submitted == "2023-03-17T16:39:00+01:00"
    assert t.summary == "One\nline two.\n\nPara two."


def test_author_rendered_below_the_body_is_found_and_marked_after() -> None:
    [t] = parse_listing(page([teaser(author_position="after")])).teasers
    assert (t.author, t.author_position) == ("Ms. Anqi ZHANG", "after")


def test_missing_title_keeps_the_record_link() -> None:
    [t] = parse_listing(page([teaser(title=None)])).teasers
    assert t.title is None and t.url == "https://gfmd.org/pfp/ppd/13001"


def test_missing_byline_gives_no_author() -> None:
    [t] = parse_listing(page([teaser(author=None)])).teasers
    assert t.author is None and t.author_position is None


def test_truncated_username_is_flagged() -> None:
    [t] = parse_listing(page([teaser(author="Mr. Ace Paolo \u2026")])).teasers
    assert t.author == "Mr. Ace Paolo \u2026" and t.author_truncated


def test_term_tid_and_pager_come_from_the_markup() -> None:
    listing = parse_listing(page([teaser()]))
    assert listing.term == "Member States"
    assert listing.tid == 42
    assert listing.term_url == TERM_URL
    assert (listing.page, listing.last_page) == (3, 7)
    assert listing.next_url == TERM_URL + "?page=4"
    assert listing.url == TERM_URL + "?page=3"


def test_last_page_has_no_next_url() -> None:
    listing = parse_listing(page([teaser()], page=7))
    assert (listing.page, listing.last_page, listing.next_url) == (7, 7, None)


def test_single_page_term_has_no_pager_and_is_its_own_last_page() -> None:
    listing = parse_listing(page([teaser()], page=0, last_page=0))
    assert (listing.page, listing.last_page, listing.next_url) == (0, 0, None)


def test_links_on_a_page_fetched_from_a_replay_server_map_to_the_site() -> None:
    listing = parse_listing(page([teaser()]), url=REPLAY)
    assert listing.url == TERM_URL + "?page=3"
    assert listing.next_url == TERM_URL + "?page=4"
    assert listing.teasers[0].url == "https://gfmd.org/pfp/ppd/13001"


def test_absolute_www_http_links_are_canonicalized() -> None:
    html = page([teaser()], site="http://www.gfmd.org")
    listing = parse_listing(html)
    assert listing.teasers[0].url == "https://gfmd.org/pfp/ppd/13001"
    assert listing.next_url == TERM_URL + "?page=4"


def test_empty_term_message_is_an_ok_page() -> None:
    listing = parse_listing(page([], page=0, last_page=0))
    assert listing.empty_term and listing.page_item(200).ok


def test_page_without_teaser_markup_is_reported_as_a_layout_change() -> None:
    listing = parse_listing("<html><body><div class='view'><p>Nothing here</p></div></body></html>")
    record = listing.page_item(200)
    assert (record.ok, record.error) == (False, NO_TEASERS_ERROR)


def test_http_error_status_makes_the_page_not_ok() -> None:
    record = parse_listing(page([teaser()])).page_item(503)
    assert (record.ok, record.error) == (False, "HTTP 503")


def test_escaped_markup_in_text_comes_back_as_text() -> None:
    [t] = parse_listing(page([teaser(title="<b>A & B</b>", summary="x < y")])).teasers
    assert (t.title, t.summary) == ("<b>A & B</b>", "x < y")


def test_teaser_roots_without_node_teaser_class_fall_back_to_node_ids() -> None:
    html = (
        "<html><body><div id='node-5' class='node'><h2><a href='/pfp/ppd/5'>T</a></h2>"
        "<span class='username'>X Y</span><div class='field-name-body'><div class='field-item'>"
        "<p>Body</p><ul><li>one</li><li>two</li></ul></div></div></div></body></html>"
    )
    [t] = parse_listing(html).teasers
    assert (t.url, t.title, t.author, t.summary) == (
        "https://gfmd.org/pfp/ppd/5", "T", "X Y", "Body\n\none\ntwo"
    )


def test_nbsp_only_paragraphs_are_dropped_and_nbsp_in_text_kept() -> None:
    [t] = parse_listing(page([teaser(summary="Aims to:\u00a0\n\n\u00a0\n\nMore.")])).teasers
    assert t.summary == "Aims to:\u00a0\n\nMore."


def test_teaser_records_carry_page_context_and_positions() -> None:
    records = parse_listing(page([teaser(1), teaser(2)])).teaser_items()
    assert [r.position for r in records] == [0, 1]
    assert {(r.term, r.page, r.vocabulary, r.listing_url) for r in records} == {
        ("Member States", 3, "contributors", TERM_URL + "?page=3")
    }


# -- the pager, read by what it links to ---------------------------------------------------

RENAMED_PAGERS = {
    "bootstrap-pagination": lambda html: html.replace('<ul class="pager">', '<ul class="pagination">'),
    "no-classes-at-all": lambda html: html.replace('class="pager', 'class="x').replace("pager-", "p-"),
    "moved-out-of-the-view": lambda html: html.replace('<div class="item-list">', '</div></div><div>'),
}


@pytest.mark.parametrize("rename", RENAMED_PAGERS.values(), ids=RENAMED_PAGERS.keys())
@pytest.mark.parametrize(("n", "last", "next_n"), [(0, 7, 1), (3, 7, 4), (7, 7, None)])
def test_a_renamed_pager_still_gives_last_page_and_next(rename, n, last, next_n) -> None:
    html = rename(page([teaser()], page=n, last_page=last))
    listing = parse_listing(html, url=REPLAY.replace("?page=3", f"?page={n}" if n else ""))
    assert (listing.page, listing.last_page) == (n, last)
    assert listing.next_url == (TERM_URL + f"?page={next_n}" if next_n else None)


def test_page_links_of_another_listing_are_not_the_pager() -> None:
    other = "<a href='/contributors/international-organizations?page=45'>IOs</a>"
    html = page([teaser()], page=0, last_page=0).replace("</body>", other + "</body>")
    listing = parse_listing(html, url=TERM_URL)
    assert (listing.last_page, listing.next_url) == (0, None)


def test_a_mini_pager_gives_the_next_page_as_the_last_known() -> None:
    mini = ("<ul class='pager'><li class='pager-previous'><a href='?page=2'>‹‹</a></li>"
            "<li class='pager-current'>4 of 8</li><li class='pager-next'><a href='?page=4'>››</a></li></ul>")
    html = page([teaser()], page=0, last_page=0).replace("</body>", mini + "</body>")
    listing = parse_listing(html, url=TERM_URL + "?page=3")
    assert (listing.page, listing.last_page, listing.next_url) == (3, 4, TERM_URL + "?page=4")
    assert parse_listing(html).page == 3  # "4 of 8": the label, when the URL is unknown


# -- teasers, found by what they are -------------------------------------------------------

def test_teaser_blocks_of_an_unknown_theme_are_found_by_their_heading_link() -> None:
    html = (
        "<html><body><main><section class='cards'>"
        "<div class='card'><h3 class='x'><a href='https://www.gfmd.org/pfp/ppd/7'>One\n   two</a>"
        "</h3><div class='field--name-body'><p>First &amp; only.</p></div></div>"
        "<div class='card'><h3><a href='/pfp/ppd/8'>Three</a></h3>"
        "<p class='byline'>By Costanza Bindi</p><div class='field--name-body'><p>Second.</p></div>"
        "</div></section></main></body></html>"
    )
    listing = parse_listing(html, url=TERM_URL)
    assert [(t.url, t.title, t.author, t.summary) for t in listing.teasers] == [
        ("https://gfmd.org/pfp/ppd/7", "One two", None, "First & only."),
        ("https://gfmd.org/pfp/ppd/8", "Three", "Costanza Bindi", "Second."),
    ]


def test_a_heading_link_to_the_submission_form_is_not_a_teaser() -> None:
    form = "<h2><a href='/pfp/ppd/contribute'>Share your practice</a></h2>"
    html = page([teaser()]).replace('<div class="view-content">', '<div class="view-content">' + form)
    assert [t.url for t in parse_listing(html).teasers] == ["https://gfmd.org/pfp/ppd/13001"]


def test_teasers_whose_bodies_all_moved_out_of_reach_fail_the_page() -> None:
    html = (
        "<html><body><div id='content'><div class='row'><h2><a href='/pfp/ppd/1'>A</a></h2>"
        "<div class='summary'><p>Text.</p></div></div><div class='row'><h2><a href='/pfp/ppd/2'>B</a>"
        "</h2><div class='summary'><p>Text.</p></div></div></div></body></html>"
    )
    record = parse_listing(html, url=TERM_URL).page_item(200)
    assert (record.ok, record.teasers, record.error) == (False, 0, "no teaser summaries found: layout changed?")


def test_the_empty_term_message_next_to_teasers_is_not_an_empty_term() -> None:
    html = page([teaser()], page=0, last_page=0).replace(
        '<div class="view-content">', "<p>There is currently no content classified with this term.</p>"
        '<div class="view-content">')
    listing = parse_listing(html, url=TERM_URL)
    assert (len(listing.teasers), listing.empty_term, listing.page_item(200).ok) == (1, False, True)


def test_the_empty_term_message_on_a_page_without_a_content_region_does_not_count() -> None:
    html = "<html><body><p>There is currently no content classified with this term.</p></body></html>"
    record = parse_listing(html, url=TERM_URL).page_item(200)
    assert (record.ok, record.empty_term, record.error) == (False, False, NO_TEASERS_ERROR)
