"""Read: record lines and the plan fields of page and crawl lines, by the run-file contract."""

from __future__ import annotations

import json

import pytest

from pledgewatch.core.errors import InputError
from pledgewatch.etl.read import CrawlLine, PageLine, RecordLine, read_lines

URL = "https://gfmd.org/pfp/ppd/13001"
RECORD = {"type": "record", "url": URL, "why": "changed", "status": 200, "ok": True,
          "gone": False, "not_modified": False, "error": None, "title": "Cities",
          "date_shared": "6 Nov 2023", "body": "One.\n\nTwo.", "countries": ["Chile", "Peru"],
          "terms": [["https://gfmd.org/contributors/member-states", "Member States"]],
          "gfmd_source": ["GFMD 2023"], "thematic_recollection": [], "etag": '"x"',
          "last_modified": None, "digest": "ab", "fetched_at": "2026-03-01T06:00:00+00:00"}
PAGE = {"type": "page", "url": "https://gfmd.org/contributors/a", "status": 200, "term": "A",
        "teasers": 0, "ok": True, "error": None}
CRAWL = {"type": "crawl", "started": "2026-03-01T06:00:00Z", "finished": "2026-03-01T06:00:00Z",
         "reason": "finished"}


def read_one(record: dict) -> object:
    return next(read_lines([json.dumps(record).encode()]))


def test_a_record_line_reads_as_a_typed_record():
    line = read_one(RECORD)
    assert isinstance(line, RecordLine)
    assert (line.url, line.why, line.status, line.ok, line.gone) == (URL, "changed", 200, True, False)
    assert line.countries == ("Chile", "Peru")
    assert line.terms == (("https://gfmd.org/contributors/member-states", "Member States"),)
    assert line.thematic_recollection == ()


def test_a_304_record_with_only_its_status_fields_reads():
    line = read_one({"type": "record", "url": URL, "why": "due", "status": 304, "ok": True,
                     "gone": False, "not_modified": True, "error": None})
    assert isinstance(line, RecordLine)
    assert (line.not_modified, line.body, line.countries) == (True, None, ())


@pytest.mark.parametrize("field, value", [
    ("countries", "Chile"),  # a string, not a list
    ("countries", [1]),
    ("terms", [["only-a-url"]]),
    ("terms", [[1, "x"]]),
    ("gone", "yes"),
    ("status", "200"),
    ("body", ["One."]),
])
def test_a_record_line_with_a_wrongly_typed_field_is_refused(field, value):
    with pytest.raises(InputError, match="line 1"):
        read_one({**RECORD, field: value})


def test_a_record_line_without_url_or_ok_is_refused():
    with pytest.raises(InputError, match="missing the field 'ok'"):
        read_one({"type": "record", "url": URL})


@pytest.mark.parametrize("fields, depth", [({}, "all"), ({"depth": "first"}, "first"),
                                           ({"depth": "all"}, "all"), ({"depth": None}, "all")])
def test_a_page_line_reads_its_depth_and_old_lines_mean_every_page(fields, depth):
    line = read_one({**PAGE, **fields})
    assert isinstance(line, PageLine) and line.depth == depth


@pytest.mark.parametrize("record", [{**PAGE, "depth": "some"}, {**PAGE, "not_modified": 1},
                                    {**PAGE, "etag": 5}, {**CRAWL, "plan": "partial"}])
def test_plan_fields_outside_the_contract_are_refused(record):
    with pytest.raises(InputError, match="line 1"):
        read_one(record)


@pytest.mark.parametrize("fields, plan", [({}, None), ({"plan": None}, None),
                                          ({"plan": "cover"}, "cover"), ({"plan": "full"}, "full")])
def test_a_crawl_line_says_its_plan(fields, plan):
    line = read_one({**CRAWL, **fields})
    assert isinstance(line, CrawlLine) and line.plan == plan
