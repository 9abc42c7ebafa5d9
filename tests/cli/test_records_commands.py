"""ingest, history, show, terms and reprocess, through the command line as a user runs them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main
from tests.support.runs import P, listing, write_run

ZURICH = P(13171, "Pledge of the City of Zürich", "The City of Zürich commits to improve access.")
ZURICH_EDITED = P(13171, "Pledge of the City of Zürich",
                  "The City of Zürich commits to improve access for all.")
DALLAS = P(13172, "The City of Dallas Community Ambassador Program", "Dallas commits.")


@pytest.fixture
def runs(tmp_path: Path) -> tuple[Path, Path]:
    first = write_run(tmp_path / "first.jsonl", listing("member-states", [ZURICH, DALLAS]),
                      stamp="2026-03-01T06:00:00+00:00")
    second = write_run(tmp_path / "second.jsonl", listing("member-states", [ZURICH_EDITED]),
                       listing("subnational", [ZURICH_EDITED], vocabulary="geographical-relevance"),
                       stamp="2026-03-08T06:00:00+00:00")
    return first, second


def invoke(*args: str, db: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, [*args, "--db", db])
    return result.exit_code, result.output


def test_ingest_prints_the_run_and_its_counts(runs, db_url):
    code, out = invoke("ingest", str(runs[0]), db=db_url)
    assert code == 0
    assert out.startswith("run 1 (complete): 1 pages ok, 0 failed, 2 teasers, 2 pledges")


def test_time_travel_answers_what_a_pledge_said_then_and_where_it_was_listed(runs, db_url):
    invoke("ingest", str(runs[0]), db=db_url)
    invoke("ingest", str(runs[1]), db=db_url)
    code, then = invoke("show", "13171", "--at", "2026-03-05", db=db_url)
    assert code == 0
    assert "improve access.\n" in then and "version 1" in then
    assert "Subnational" not in then and "contributors: Member States" in then
    _, now = invoke("show", "https://gfmd.org/pfp/ppd/13171", "--at", "2", db=db_url)
    assert "improve access for all." in now and "geographical-relevance: Subnational" in now
    _, dallas = invoke("show", "/pfp/ppd/13172", db=db_url)
    assert "NOT LISTED" in dallas


def test_history_lists_every_version_with_a_word_diff(runs, db_url):
    invoke("ingest", str(runs[0]), db=db_url)
    invoke("ingest", str(runs[1]), db=db_url)
    code, out = invoke("history", "13171", db=db_url)
    assert code == 0
    assert "version 1: run 1" in out and "version 2: run 2" in out
    assert "{+for all+}" in out.replace(" for all", "for all") or "{+ for all+}" in out


def test_terms_at_a_date_lists_each_term_with_its_pledges(runs, db_url):
    invoke("ingest", str(runs[0]), db=db_url)
    invoke("ingest", str(runs[1]), db=db_url)
    _, before = invoke("terms", "--at", "2026-03-01", db=db_url)
    assert "contributors / Member States (2)" in before and "Subnational" not in before
    _, after = invoke("terms", "--at", "2026-03-08", db=db_url)
    assert "contributors / Member States (1)" in after
    assert "geographical-relevance / Subnational (1)" in after


def test_a_malformed_line_is_named_exits_2_and_writes_nothing(runs, db_url, tmp_path):
    invoke("ingest", str(runs[0]), db=db_url)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(runs[1].read_text().replace('"position": 0', '"position": "first"', 1))
    code, out = invoke("ingest", str(bad), db=db_url)
    assert code == 2
    assert "line 1: field 'position' must be int" in out
    _, listings = invoke("terms", db=db_url)
    assert "term listings as of run 1" in listings


@pytest.mark.parametrize("content", [b"", b"\x00\xff\xfe garbage", b"not json\n"],
                         ids=["empty", "binary", "not-json"])
def test_unreadable_run_files_exit_2(content, db_url, tmp_path):
    path = tmp_path / "run.jsonl"
    path.write_bytes(content)
    code, out = invoke("ingest", str(path), db=db_url)
    assert code == 2 and out.startswith("error: ")


def test_reprocessing_with_unchanged_rules_invents_no_change(runs, db_url):
    invoke("ingest", str(runs[0]), db=db_url)
    invoke("ingest", str(runs[1]), db=db_url)
    code, out = invoke("reprocess", db=db_url)
    assert code == 0
    assert "3 versions before, 3 after" in out and "changed no version history" in out
    _, history = invoke("history", "13171", db=db_url)
    assert "version 2: run 2" in history


def test_reprocessing_under_a_new_rule_reports_what_it_changed(runs, db_url, monkeypatch, request):
    invoke("ingest", str(runs[0]), db=db_url)
    invoke("ingest", str(runs[1]), db=db_url)
    import pledgewatch.core.text

    # Texts and hashes are kept for the life of a process, made under the rule of the day:
    # the tests after this one must not meet those made under the looser rule.
    request.addfinalizer(pledgewatch.core.text.forget_cached_forms)
    original = pledgewatch.core.text.comparison_form
    # A looser rule: ignore the words "for all" when comparing.
    monkeypatch.setattr(pledgewatch.core.text, "comparison_form",
                        lambda text: original(text).replace(" for all.", "."))
    code, out = invoke("reprocess", db=db_url)
    assert code == 0
    assert "3 versions before, 2 after" in out and "/pfp/ppd/13171: 2 → 1 versions" in out


def test_an_unknown_pledge_is_a_clear_error(runs, db_url):
    invoke("ingest", str(runs[0]), db=db_url)
    code, out = invoke("history", "/pfp/ppd/1", db=db_url)
    assert code == 2 and "no pledge with key or URL '/pfp/ppd/1'" in out


def test_ingest_takes_several_runs_in_order_and_writes_what_each_changed(runs, db_url, tmp_path):
    changes = tmp_path / "changes"
    code, out = invoke("ingest", str(runs[0]), str(runs[1]), "--changes-json", str(changes),
                       db=db_url)
    assert code == 0
    assert out.splitlines()[0].startswith("run 1 (complete)")
    assert out.splitlines()[1].startswith("run 2 (complete)")
    first = json.loads((changes / "run-1.json").read_text(encoding="utf-8"))
    second = json.loads((changes / "run-2.json").read_text(encoding="utf-8"))
    assert {e["key"] for e in first["new"]} == {"/pfp/ppd/13171", "/pfp/ppd/13172"}
    assert [e["key"] for e in second["edited"]] == ["/pfp/ppd/13171"]
    assert [e["key"] for e in second["removed"]] == ["/pfp/ppd/13172"] and second["from_run"] == 1
    _, diff = invoke("diff", "--format", "json", db=db_url)
    assert json.loads(diff) == second


def test_a_bad_file_among_several_stops_there_and_keeps_the_runs_before_it(runs, db_url, tmp_path):
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"type": "teaser", "url": 5}\n', encoding="utf-8")
    code, out = invoke("ingest", str(runs[0]), str(broken), str(runs[1]), db=db_url)
    assert code == 2
    assert f"{broken}: line 1:" in out
    _, history = invoke("history", "13171", db=db_url)
    assert "version 1" in history and "version 2" not in history
