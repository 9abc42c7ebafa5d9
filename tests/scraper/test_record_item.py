"""The ``record`` run-file line: written by the pipeline exactly as ``to_json_line`` defines it."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.scraper.items import RecordItem, to_json_line
from pledgewatch.scraper.pipelines import FLUSH_TYPES, ITEM_TYPES, json_line

TEXT = st.text() | st.sampled_from(["", "\u00a0", "\n\n", '"\\', "\x00\x1f\x7f", "\u2028\u2029", "é…"])
MAYBE_TEXT = st.none() | TEXT
MAYBE_LIST = st.none() | st.lists(TEXT, max_size=3)
INT = st.integers(-(2**63), 2**64 - 1)
RECORDS = st.builds(
    RecordItem, TEXT, st.sampled_from(["new", "changed", "missing", "due", "discover"]),
    st.none() | INT, st.booleans(), st.booleans(), st.booleans(), MAYBE_TEXT, MAYBE_TEXT,
    MAYBE_TEXT, MAYBE_TEXT, MAYBE_LIST, st.none() | st.lists(st.lists(TEXT, min_size=2, max_size=2)),
    MAYBE_LIST, MAYBE_LIST, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT,
)
FIELDS = ["url", "why", "status", "ok", "gone", "not_modified", "error", "title", "date_shared",
          "body", "countries", "terms", "gfmd_source", "thematic_recollection", "etag",
          "last_modified", "digest", "fetched_at", "type"]


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_record_lines_are_the_json_dumps_lines(record: RecordItem) -> None:
    assert json_line(record) == to_json_line(record).encode("utf-8")


def test_a_record_line_has_the_fields_of_the_contract() -> None:
    line = json.loads(to_json_line(RecordItem("https://gfmd.org/pfp/ppd/1", "due", 304, True, not_modified=True)))
    assert list(line) == FIELDS
    assert line["type"] == "record" and line["title"] is None and line["gone"] is False


def test_the_pipeline_writes_and_flushes_record_lines() -> None:
    assert RecordItem in ITEM_TYPES and RecordItem in FLUSH_TYPES
