"""Derive: record lines to one cleaned read per pledge; probed terms; records kept in raw storage."""

from __future__ import annotations

import json

import pytest

from pledgewatch.core.pledges import RecordContent, RecordOutcome
from pledgewatch.etl.archive import archive_run, replay_archive
from pledgewatch.etl.derive import derive_run
from pledgewatch.etl.read import read_lines
from pledgewatch.etl.term_crawl import judge_terms
from tests.support.runs import P, listing

URL = "https://gfmd.org/pfp/ppd/13001"


def record(**fields: object) -> dict:
    line = {"type": "record", "url": URL, "why": "due", "status": 200, "ok": True, "gone": False,
            "not_modified": False, "error": None, "title": "Cities", "date_shared": "6 Nov 2023",
            "body": "One.", "countries": [], "terms": [], "gfmd_source": [],
            "thematic_recollection": []}
    return {**line, **fields}


def derive(*records: dict):
    return derive_run(read_lines([json.dumps(r).encode() for r in records]))


@pytest.mark.parametrize("fields, outcome", [
    ({}, RecordOutcome.READ),
    ({"status": 304, "not_modified": True, "body": None, "title": None}, RecordOutcome.UNCHANGED),
    ({"status": 404, "ok": False, "gone": True, "body": None}, RecordOutcome.GONE),
    ({"status": 410, "ok": False, "gone": True, "body": None}, RecordOutcome.GONE),
    ({"status": 500, "ok": False, "body": None, "error": "HTTP 500"}, RecordOutcome.FAILED),
    ({"status": 200, "ok": False, "body": None, "error": "no body: layout changed?"},
     RecordOutcome.FAILED),
    ({"status": None, "ok": False, "body": None, "error": "timeout"}, RecordOutcome.FAILED),
])
def test_a_record_line_comes_to_one_outcome(fields, outcome):
    read = derive(record(**fields)).records["/pfp/ppd/13001"]
    assert read.outcome is outcome
    assert (read.content is not None) == (outcome is RecordOutcome.READ)


def test_record_text_is_cleaned_like_teaser_text_and_lists_item_by_item():
    read = derive(record(title="  Cities\u00a0 commit ", body="One  line\r\n\r\n\r\nTwo (external link)",
                         countries=[" Chile ", "", "Peru\n"], gfmd_source=["GFMD  2023"],
                         terms=[["https://gfmd.org/contributors/a", " Member  States "]])
                  ).records["/pfp/ppd/13001"]
    assert read.content == RecordContent(
        title="Cities commit", date_shared="6 Nov 2023", body="One line\n\nTwo",
        countries=("Chile", "Peru"), terms=(("https://gfmd.org/contributors/a", "Member States"),),
        gfmd_source=("GFMD 2023",), thematic_recollection=())


def test_a_record_read_twice_counts_by_its_read_not_its_failure():
    failed = record(status=500, ok=False, body=None, error="HTTP 500")
    assert derive(failed, record()).records["/pfp/ppd/13001"].outcome is RecordOutcome.READ
    assert derive(record(), failed).records["/pfp/ppd/13001"].outcome is RecordOutcome.READ


def test_a_record_line_of_a_url_that_is_no_record_is_left_out():
    assert derive(record(url="https://gfmd.org/contributors/a")).records == {}


def test_whitespace_noise_in_a_record_hashes_alike_and_a_word_does_not():
    one = RecordContent("T", "1 Jan 2020", "A b.\n\nC.", ("Chile",))
    assert one.content_hash() == RecordContent("T", "1 Jan 2020", "A b.\nC.", ("Chile",)).content_hash()
    assert one.content_hash() != RecordContent("T", "1 Jan 2020", "A b. C!", ("Chile",)).content_hash()
    assert one.content_hash() != RecordContent("T", "1 Jan 2020", "A b.\n\nC.", ("Chile", "Peru")
                                               ).content_hash()
    # an item boundary is content: two items are not one item with a space
    assert RecordContent("T", None, "x", ("A", "B")).content_hash() != \
        RecordContent("T", None, "x", ("A B",)).content_hash()


def probed(records: list[dict]) -> list[dict]:
    return [{**r, "depth": "first"} if r["type"] == "page" else r for r in records]


@pytest.mark.parametrize("lines, complete, read", [
    (listing("a", [P(1, "One", "x")]), True, True),  # read whole
    (probed(listing("a", [P(i, f"T{i}", "x") for i in range(1, 16)])[:11]), False, True),
    (probed(listing("a", [P(1, "One", "x")], failed_pages=[0])), False, False),
])
def test_a_probed_term_is_neither_complete_nor_failed_unless_its_page_0_failed(lines, complete, read):
    run = derive(*lines)
    (verdict,) = judge_terms(run.terms.values(), {})
    assert (verdict.is_complete, verdict.is_read) == (complete, read)


def test_record_lines_survive_raw_storage_wherever_the_crawl_wrote_them():
    lines = listing("a", [P(1, "One", "x"), P(2, "Two", "y")])
    lines.insert(1, {**record(), "fetched_at": "2026-03-01T06:00:00+00:00"})  # between teasers
    lines.append(record(url="https://gfmd.org/pfp/ppd/2", status=404, ok=False, gone=True, body=None))
    typed = list(read_lines([json.dumps(r).encode() for r in lines]))
    archive = archive_run(typed)
    replayed = list(replay_archive(archive.page_list_text(), archive.chunks))
    original, again = derive_run(typed), derive_run(replayed)
    assert again.records == original.records and len(again.records) == 2
    assert again.pledges == original.pledges
