"""The run file's lines are byte for byte what ``scraper.items.to_json_line`` defines.

The pipeline encodes records with orjson for speed; the ETL reads the lines by field
position, so key order, separators and escaping must stay exactly those of ``json.dumps``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.scraper.items import (
    CrawlItem,
    PageItem,
    TeaserItem,
    TermItem,
    to_json_line,
)
from pledgewatch.scraper.pipelines import json_line

TEXT = st.text() | st.sampled_from(
    ["", "\u00a0", "\n\n", '"\\', "\x00\x1f\x7f", "\u2028\u2029", "é…"]
)
MAYBE_TEXT = st.none() | TEXT
INT = st.integers(-(2**63), 2**64 - 1)
RECORDS = st.one_of(
    st.builds(TeaserItem, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, TEXT, MAYBE_TEXT,
              MAYBE_TEXT, MAYBE_TEXT, INT, st.none() | INT, MAYBE_TEXT,
              st.sampled_from([None, "before", "after"]), st.booleans()),
    st.builds(PageItem, TEXT, st.none() | INT, MAYBE_TEXT, INT, st.booleans(), MAYBE_TEXT,
              MAYBE_TEXT, MAYBE_TEXT, st.none() | INT, st.none() | INT, MAYBE_TEXT, st.booleans(),
              MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, st.booleans(),
              st.sampled_from(["all", "first"])),
    st.builds(CrawlItem, TEXT, TEXT, TEXT, TEXT, TEXT, st.lists(TEXT), INT, INT,
              st.sampled_from([None, "full", "cover"])),
    st.builds(TermItem, TEXT, MAYBE_TEXT, MAYBE_TEXT, st.booleans(), MAYBE_TEXT),
)


@settings(max_examples=500, deadline=None)
@given(RECORDS)
def test_lines_are_the_json_dumps_lines(record) -> None:
    assert json_line(record) == to_json_line(record).encode("utf-8")


def test_integers_beyond_64_bits_still_encode() -> None:
    record = TermItem("https://gfmd.org/x", None, None, False)
    record.new = 2**70  # type: ignore[assignment]
    assert json_line(record) == to_json_line(record).encode("utf-8")
