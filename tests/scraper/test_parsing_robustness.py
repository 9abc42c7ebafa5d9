"""No input crashes or hangs the parsers; unreadable input is refused with a clear message."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledgewatch.core.errors import UnreadableInput
from pledgewatch.scraper.parsing import Listing, parse_listing, parse_record_page
from pledgewatch.scraper.parsing.limits import MAX_BODY_BYTES

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PIECES = st.sampled_from([
    "Submitted by ", " on", "Ms. Anqi ZHANG", "\n", "\n\n", " ", "\u00a0", "Title", "Body.",
    "Subscribe to ", "<div class='node-teaser'>", "</div>", "<h2><a href='/pfp/ppd/1'>",
    "</a></h2>", "<span class='username'>", "</span>", "<p>", "<br>", "\u2026", "&amp;",
    "<li class='pager-last'><a href='?page=x'>", "<ul class='pager'>", "<!--", "]]>",
])


def parse_or_refuse(body, **kwargs) -> None:
    try:
        result = parse_listing(body, **kwargs)
    except UnreadableInput as error:
        assert str(error)
        return
    assert isinstance(result, Listing)
    result.teaser_items()
    result.page_item(200)


@FAST
@given(st.binary(max_size=2000), st.sampled_from(["auto", "html", "text"]))
def test_arbitrary_bytes_never_crash_the_parser(body: bytes, fmt: str) -> None:
    parse_or_refuse(body, format=fmt)


@FAST
@given(st.text(max_size=2000), st.sampled_from(["auto", "html", "text"]))
def test_arbitrary_text_never_crashes_the_parser(body: str, fmt: str) -> None:
    parse_or_refuse(body, format=fmt)


@FAST
@given(st.lists(PIECES, max_size=80).map("".join), st.sampled_from(["html", "text"]))
def test_page_like_fragments_never_crash_the_parser(body: str, fmt: str) -> None:
    parse_or_refuse(body, format=fmt, url="http://127.0.0.1:1/contributors/x?page=2")


@FAST
@given(st.lists(PIECES, max_size=60).map("".join))
def test_record_page_parser_never_crashes(body: str) -> None:
    with contextlib.suppress(UnreadableInput):
        parse_record_page(body, "https://gfmd.org/pfp/ppd/1")


@pytest.mark.timeout(30)
def test_a_huge_page_of_bylines_parses_in_bounded_time() -> None:
    body = "Title\n\nSubmitted by A B on\n\nBody.\n\n" * 20000
    listing = parse_listing(body, format="text")
    assert len(listing.teasers) == 500


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "empty"),
        (b"  \n\t\n", "empty"),
        (b"\x00\x01\x02PNG\x00", "NUL"),
        (bytes(range(1, 32)) * 20, "control characters"),
        (b"caf\x81\x8d\x8f\x90\x9d" * 10, "not text"),
        ("lone \ud800 surrogate", "invalid characters"),
        (b"x" * (MAX_BODY_BYTES + 1), "larger than"),
    ],
    ids=["empty", "whitespace", "nul-bytes", "control-chars", "undecodable", "surrogate", "too-big"],
)
def test_unreadable_input_is_refused_with_a_clear_message(body, message: str) -> None:
    with pytest.raises(UnreadableInput, match=message):
        parse_listing(body)


def test_cp1252_text_without_a_declared_charset_is_still_read() -> None:
    body = "Caf\u00e9 title\n\nSubmitted by Mr. Camille Saad\u00e9 on\n\nBody.\n".encode("cp1252")
    assert parse_listing(body).teasers[0].author == "Mr. Camille Saad\u00e9"


def test_utf8_bom_is_not_part_of_the_first_title() -> None:
    body = "\ufeffTitle\n\nSubmitted by A B on\n\nBody.\n".encode()
    assert parse_listing(body).teasers[0].title == "Title"


def test_long_fields_are_capped() -> None:
    body = "T" * 250 + "\n\nSubmitted by A B on\n\n" + "word " * 10000
    [t] = parse_listing(body, format="text").teasers
    assert len(t.summary) <= 20000
