"""``pledgewatch diff`` over two ingested runs: text, HTML, JSON, files, filters, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from tests.support.runs import P, listing, write_run

ALPHA = P(13001, "Welcoming San José", "The City of San José commits to welcoming newcomers.")
BETA = P(13002, "Legazpi City: Expanded Help Desk", "Legazpi City commits to provide services.")
GAMMA = P(13003, '<script>alert("x")</script> Straseni', "The Municipality of Straseni commits.")
BETA_EDITED = P(13002, "Legazpi City: Expanded Help Desk", "Legazpi City commits to provide free services.")


@pytest.fixture
def two_runs(db_url: str, tmp_path: Path) -> str:
    first = write_run(tmp_path / "run1.jsonl", listing("member-states", [ALPHA, BETA]),
                      stamp="2026-03-01T06:00:00+00:00")
    second = write_run(tmp_path / "run2.jsonl", listing("member-states", [BETA_EDITED, GAMMA]),
                       listing("subnational", [GAMMA], vocabulary="geographical-relevance"),
                       stamp="2026-03-02T06:00:00+00:00")
    factory = open_database(db_url)
    try:
        for path in (first, second):
            ingest_run_file(factory, path)
    finally:
        factory.dispose()
    return db_url


def diff(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["diff", *args])
    return result.exit_code, result.output


def test_text_report_of_the_latest_run(two_runs):
    code, output = diff("--db", two_runs)
    assert code == 0
    assert output.startswith("gfmd.org: 1 new, 1 edited, 1 removed pledges\n")
    assert "{+free +}" in output and "Welcoming San José" in output


def test_json_has_the_issue_keys_and_edited_fields(two_runs):
    code, output = diff("--db", two_runs, "--format", "json")
    data = json.loads(output)
    assert code == 0 and (data["from_run"], data["to_run"], data["complete"]) == (1, 2, True)
    assert [e["key"] for e in data["new"]] == ["/pfp/ppd/13003"]
    assert data["edited"][0]["changes"]["summary"]["new"] == BETA_EDITED.summary
    assert data["removed"][0]["title"] == ALPHA.title


def test_html_escapes_scraped_markup(two_runs):
    code, output = diff("--db", two_runs, "--format", "html", "--from", "1", "--to", "2")
    assert code == 0 and "<script>" not in output and "&lt;script&gt;" in output


def test_out_writes_the_three_report_files(two_runs, tmp_path):
    code, _ = diff("--db", two_runs, "--out", str(tmp_path / "reports"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
        "run-2.html", "run-2.json", "run-2.txt"]


def test_vocabulary_filter_limits_the_report(two_runs):
    code, output = diff("--db", two_runs, "--vocabulary", "geographical-relevance")
    assert code == 0 and output.startswith("gfmd.org: 1 new, 0 edited, 0 removed pledge\n")


def test_an_unknown_run_is_bad_input(two_runs):
    code, output = diff("--db", two_runs, "--to", "99")
    assert code == 2 and "--to 99" in output


def test_an_unknown_format_is_refused(two_runs):
    code, output = diff("--db", two_runs, "--format", "pdf")
    assert code == 2 and "pdf" in output


def test_json_with_out_prints_what_it_writes_to_the_json_file(two_runs, tmp_path):
    result = CliRunner().invoke(main, ["diff", "--db", two_runs, "--format", "json",
                                       "--out", str(tmp_path / "reports")])
    assert result.exit_code == 0
    written = (tmp_path / "reports" / "run-2.json").read_text(encoding="utf-8")
    assert result.stdout == written and written.endswith("}\n")
    assert "San José" in written  # non-ASCII kept, not \u-escaped
    assert [e["key"] for e in json.loads(result.stdout)["new"]] == ["/pfp/ppd/13003"]
