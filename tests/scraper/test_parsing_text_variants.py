"""The teaser variants of site.md §3, each in a visible-text snapshot."""

from __future__ import annotations

from pledgewatch.scraper.parsing import NO_TEASERS_ERROR, parse_listing

FOOTER = "Subscribe to Migration and Family"
URL = "http://www.gfmd.org/pfp/ppd/migration-and-family?page=2"


def teasers(text: str):
    return parse_listing(text, format="text").teasers


def fields(text: str) -> list[tuple]:
    return [(t.title, t.author, t.author_position, t.summary) for t in teasers(text)]


def test_canonical_teaser_has_title_byline_before_and_summary() -> None:
    text = f"Title A\n\nSubmitted by Ms. Anqi ZHANG on\n\nBody A.\n\n{FOOTER}"
    assert fields(text) == [("Title A", "Ms. Anqi ZHANG", "before", "Body A.")]


def test_byline_after_the_body_belongs_to_the_teaser_above() -> None:
    text = (
        "Title A\n\nBody A.\n\nMs. Anqi ZHANG\n\n"
        "Title B\n\nSubmitted by Costanza Bindi on\n\nBody B.\n\n" + FOOTER
    )
    assert fields(text) == [
        ("Title A", "Ms. Anqi ZHANG", "after", "Body A."),
        ("Title B", "Costanza Bindi", "before", "Body B."),
    ]


def test_byline_after_the_body_without_a_blank_line_before_the_next_title() -> None:
    text = "Title A\n\nBody A.\n\nMr. Camille Saadé\nTitle B\n\nBody B.\n\nMs. Anqi ZHANG\n" + FOOTER
    assert fields(text) == [
        ("Title A", "Mr. Camille Saadé", "after", "Body A."),
        ("Title B", "Ms. Anqi ZHANG", "after", "Body B."),
    ]


def test_after_byline_teaser_following_a_before_byline_teaser_gets_its_own_title() -> None:
    text = (
        "Title A\n\nSubmitted by Mr. Camille Saadé on\n\nBody A.\n\nConcretely, it aims to:\n\n"
        "Simulation Exercise\n\nGovernment officials took part.\n\nMs. Anqi ZHANG\n\n" + FOOTER
    )
    assert fields(text) == [
        ("Title A", "Mr. Camille Saadé", "before", "Body A.\n\nConcretely, it aims to:"),
        ("Simulation Exercise", "Ms. Anqi ZHANG", "after", "Government officials took part."),
    ]


def test_byline_position_is_the_only_difference_between_the_two_renderings() -> None:
    before = teasers("SFAX\n\nSubmitted by Ms. Anqi ZHANG on\n\nIn Sfax.\n")[0]
    after = teasers("SFAX\n\nIn Sfax.\n\nMs. Anqi ZHANG\n")[0]
    assert (before.title, before.author, before.summary) == (after.title, after.author, after.summary)
    assert (before.author_position, after.author_position) == ("before", "after")


def test_missing_byline_at_the_end_of_a_cut_off_page() -> None:
    text = "Title A\n\nSubmitted by Ms. Anqi ZHANG on\n\nBody A.\n\nTitle B\n\nBody B is cut"
    assert fields(text) == [
        ("Title A", "Ms. Anqi ZHANG", "before", "Body A."),
        ("Title B", None, None, "Body B is cut"),
    ]


def test_missing_title_when_the_page_starts_with_submitted_by() -> None:
    text = "Submitted by Costanza Bindi on\n\nDIASDEV body.\n\nTitle B\n\nSubmitted by X Y on\n\nB."
    assert fields(text) == [
        (None, "Costanza Bindi", "before", "DIASDEV body."),
        ("Title B", "X Y", "before", "B."),
    ]


def test_missing_title_in_the_middle_of_a_page_keeps_the_body_above_with_its_teaser() -> None:
    text = (
        "Title A\n\nSubmitted by Ms. Anqi ZHANG on\n\nBody A, first part.\n\n"
        "Body A ends here with a full sentence that is long enough not to be a title.\n\n"
        "Submitted by Costanza Bindi on\n\nDIASDEV body.\n\n" + FOOTER
    )
    result = fields(text)
    assert [r[0] for r in result] == ["Title A", None]
    assert result[1][1:] == ("Costanza Bindi", "before", "DIASDEV body.")


def test_truncated_usernames_are_kept_and_flagged() -> None:
    text = (
        "Title A\n\nSubmitted by Mr. Ace Paolo \u2026 on\n\nBody.\n\n"
        "Title B\n\nSubmitted by Ms. Charlotte \u2026 on\n\nBody.\n"
    )
    result = teasers(text)
    assert [t.author for t in result] == ["Mr. Ace Paolo \u2026", "Ms. Charlotte \u2026"]
    assert all(t.author_truncated for t in result)
    assert all(len(t.author) == 15 for t in result)


def test_anonymous_author_is_a_normal_byline() -> None:
    result = teasers("Title\n\nSubmitted by Anonymous (not verified) on\n\nBody.\n")
    assert result[0].author == "Anonymous (not verified)"
    assert result[0].author_truncated is False


def test_short_format_has_title_and_body_in_one_block() -> None:
    text = "C40 Cities and the Mayors Migration Council: Fostering Recognition\nBuilding on it."
    assert fields(text) == [
        ("C40 Cities and the Mayors Migration Council: Fostering Recognition", None, None,
         "Building on it."),
    ]


def test_whitespace_noise_does_not_change_the_teasers() -> None:
    clean = "Title A\n\nSubmitted by Ms. Anqi ZHANG on\n\nPara one.\n\nPara two.\n\n" + FOOTER
    noisy = (
        "Title A  \r\n\r\nSubmitted by Ms. Anqi ZHANG on \n\n\n Para one.   \n\n \n\n"
        "\u00a0\n\nPara two.\t\n\n\n" + FOOTER + "\n\n"
    )
    assert fields(noisy) == fields(clean)


def test_nbsp_inside_the_text_is_kept_as_published() -> None:
    result = teasers("Title\n\nSubmitted by A B on\n\nConcretely, the RNCA aims to:\u00a0\n\nMore.\n")
    assert result[0].summary == "Concretely, the RNCA aims to:\u00a0\n\nMore."


def test_lines_inside_a_paragraph_are_kept() -> None:
    result = teasers("Title\n\nSubmitted by A B on\n\nLine one.\nLine two.\n\nNext paragraph.\n")
    assert result[0].summary == "Line one.\nLine two.\n\nNext paragraph."


def test_term_comes_from_the_subscribe_footer() -> None:
    listing = parse_listing(f"Title\n\nSubmitted by A B on\n\nBody.\n\n{FOOTER}", format="text")
    assert listing.term == "Migration and Family"
    assert listing.url is None and listing.term_url is None


def test_text_has_no_links_unless_the_page_url_is_given() -> None:
    listing = parse_listing(f"Title\n\nSubmitted by A B on\n\nBody.\n\n{FOOTER}", url=URL)
    assert listing.url == "https://gfmd.org/pfp/ppd/migration-and-family?page=2"
    assert listing.term_url == "https://gfmd.org/pfp/ppd/migration-and-family"
    assert listing.page == 2
    record = listing.teaser_items()[0]
    assert record.url is None
    assert record.listing_url == listing.url
    assert record.vocabulary == "pfp/ppd"


def test_drupal_empty_term_message_is_an_ok_page_without_teasers() -> None:
    text = "There is currently no content classified with this term.\n\n" + FOOTER
    listing = parse_listing(text, url=URL.replace("?page=2", ""))
    assert listing.empty_term and listing.teasers == []
    record = listing.page_item(200)
    assert record.ok and record.error is None and record.teasers == 0


def test_drupal_empty_term_message_after_page_0_is_a_failed_page() -> None:
    text = "There is currently no content classified with this term.\n\n" + FOOTER
    record = parse_listing(text, url=URL).page_item(200)
    assert (record.ok, record.empty_term, record.teasers) == (False, False, 0)
    assert record.error is not None and record.error.startswith("empty-term message on ?page=2")


def test_page_without_teasers_or_empty_message_is_a_failed_page() -> None:
    listing = parse_listing("Access denied: you are not authorized to access this page.", url=URL)
    record = listing.page_item(200)
    assert not record.ok
    assert record.error == NO_TEASERS_ERROR


def test_pager_text_before_the_footer_is_not_part_of_the_last_summary() -> None:
    text = "Title\n\nSubmitted by A B on\n\nBody.\n\n« first ‹ previous … 3 4 5\n\n" + FOOTER
    assert teasers(text)[0].summary == "Body."
