"""A teaser line split fast (by its bytes) must mean exactly what it means parsed whole."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.etl.lines import TeaserSplitter, content_of
from pledgewatch.etl.reader import RunMeta, chunk_lines
from pledgewatch.etl.runfile import check_record
from pledgewatch.core.errors import InputError
from tests.support.runs import json_line

TEASER = {"url": "https://gfmd.org/pfp/ppd/13001", "title": "Automatic Electoral Registry",
          "author": "Ms. Anqi ZHANG", "submitted": None, "summary": "In 2022, the Directorate…",
          "term": "Member States", "term_url": "https://gfmd.org/contributors/member-states",
          "listing_url": "https://gfmd.org/contributors/member-states?page=1", "position": 3,
          "page": 1, "vocabulary": "contributors", "author_position": "before",
          "author_truncated": False, "type": "teaser"}


def split_both(record: dict[str, Any]) -> tuple[Any, Any]:
    line = json_line(record, "crawl-order").encode() + b"\n"
    fast = TeaserSplitter().fast(line, 1)
    slow = TeaserSplitter().slow(check_record(orjson.loads(line), 1), 1)
    return fast, slow


def same_meaning(fast: Any, slow: tuple[Any, Any]) -> None:
    split, content = slow
    assert fast.content_digest == split.content_digest
    assert content_of(fast.content_head + b"}") == content
    assert fast.context.digest == split.context.digest
    assert fast.listing_url == split.listing_url


def test_a_line_as_the_crawl_writes_it_is_split_without_parsing_it_whole() -> None:
    fast, slow = split_both(TEASER)
    assert fast is not None, "the crawl's own lines take the fast path"
    same_meaning(fast, slow)
    assert (fast.context.term, fast.context.vocabulary) == ("Member States", "contributors")


def test_the_same_teaser_on_another_page_and_position_has_the_same_digests() -> None:
    moved = {**TEASER, "listing_url": "https://gfmd.org/contributors/member-states", "position": 0,
             "page": 0}
    first, _ = split_both(TEASER)
    second, _ = split_both(moved)
    assert (first.content_digest, first.context.digest) == (second.content_digest, second.context.digest)
    assert second.listing_url == "https://gfmd.org/contributors/member-states"


def test_another_term_is_another_context_with_the_same_content() -> None:
    other, _ = split_both({**TEASER, "term": "Subnational", "term_url": "https://gfmd.org/x/sub"})
    mine, _ = split_both(TEASER)
    assert other.content_digest == mine.content_digest
    assert other.context.digest != mine.context.digest


@pytest.mark.parametrize("line", [
    # another field order: "type" first
    b'{"type":"teaser","url":null,"title":"A","author":null,"submitted":null,"summary":"s",'
    b'"term":"T","term_url":null,"listing_url":null,"position":0,"page":0,"vocabulary":null}',
    # a nested value holding the marks the split cuts at
    b'{"url":null,"title":"A","author":null,"submitted":null,"summary":"s","x":{"a":1,"term":2},'
    b'"term":"T","term_url":null,"y":{"b":1,"listing_url":2,"vocabulary":3},"listing_url":null,'
    b'"position":0,"page":0,"vocabulary":null,"type":"teaser"}',
    # a content field written again after the term (the last value counts, as in JSON parsers)
    b'{"url":null,"title":"A","author":null,"submitted":null,"summary":"s","term":"T",'
    b'"term_url":null,"title":"B","listing_url":null,"position":0,"page":0,"vocabulary":null,'
    b'"type":"teaser"}',
    # a page record
    b'{"url":"u","status":200,"term":"T","teasers":0,"ok":true,"error":null,"term_url":null,'
    b'"listing_url":"u","vocabulary":null,"type":"page"}',
])
def test_lines_of_another_shape_are_read_as_if_parsed_whole(line: bytes) -> None:
    chunks = list(chunk_lines([(1, line)], RunMeta(), {}))
    record = check_record(orjson.loads(line), 1)
    if record["type"] == "page":
        assert chunks[0].page == record and chunks[0].contents == []
        return
    [chunk] = chunks
    split, content = TeaserSplitter().slow(record, 1)
    assert chunk.contents == [split.content_digest]
    assert chunk.contexts == [split.context.digest]
    assert chunk.parsed == [(split.content_digest, split.content_head + b"}")]
    assert content_of(chunk.parsed[0][1]) == content
    assert chunk.listing_url == "(unknown listing)"


@pytest.mark.parametrize(("field", "value", "message"), [
    ("position", "3", "field 'position' must be int"),
    ("page", 1.5, "field 'page' must be int or null"),
    ("listing_url", 4, "field 'listing_url' must be str or null"),
])
def test_a_wrong_place_is_named_on_the_fast_path_too(field: str, value: Any, message: str) -> None:
    line = json_line({**TEASER, field: value}, "crawl-order").encode()
    with pytest.raises(InputError, match=f"line 7: {message}"):
        TeaserSplitter().fast(line, 7)


def test_a_wrong_context_type_is_named_on_the_fast_path_too() -> None:
    line = json_line({**TEASER, "author_truncated": "no"}, "crawl-order").encode()
    with pytest.raises(InputError, match="line 2: field 'author_truncated' must be bool"):
        TeaserSplitter().fast(line, 2)


_PIECES = [*'ab ,:"\\{}\n\u00e9…', ',"term":', ',"vocabulary":', ',"listing_url":']
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(title=st.none() | _TEXT, summary=_TEXT, term=st.none() | _TEXT, vocabulary=st.none() | _TEXT,
       listing=st.none() | _TEXT, position=st.integers(0, 50), page=st.none() | st.integers(0, 9))
def test_any_text_means_the_same_on_both_paths(title, summary, term, vocabulary, listing, position,
                                               page) -> None:
    record = {**TEASER, "title": title, "summary": summary, "term": term, "vocabulary": vocabulary,
              "listing_url": listing, "position": position, "page": page}
    fast, slow = split_both(record)
    assert fast is not None
    same_meaning(fast, slow)
