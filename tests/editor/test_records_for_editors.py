"""history, show, terms and export over the demo's two real runs (fixtures/README.md)."""

from __future__ import annotations

import csv
import io
import json

GOAL_11 = "https://gfmd.org/2030-agenda-migration-relevant-and-related-targets/goal-11-sustainable-cities-and-communities"
OBJECTIVE_16 = ("https://gfmd.org/gcm-thematic-clusters/"
                "objective-16-empower-migrants-and-societies-realize-full-inclusion-and-social")


def test_history_shows_the_reclassification_of_13150(cli):
    code, out, _ = cli("history", "13150")
    assert code == 0
    changed = out.split("run 2: terms changed\n", 1)[1]
    assert changed.startswith("  + gcm-thematic-clusters: Objective 16: Empower migrants")
    assert "  - 2030-agenda-migration-relevant-and-related-targets: Goal 11: Sustainable" in changed
    assert out.index("version 1: run 1") < out.index("run 2: terms changed")


def test_history_as_json_lists_the_terms_joined_and_left(cli):
    code, out, _ = cli("history", "13150", "--format", "json")
    data = json.loads(out)
    assert code == 0 and [v["version"] for v in data["versions"]] == [1]
    (change,) = data["term_changes"]
    assert change["run"] == 2
    assert [t["key"] for t in change["joined"]] == [OBJECTIVE_16]
    assert [t["key"] for t in change["left"]] == [GOAL_11]


def test_a_title_fragment_finds_the_one_pledge(cli):
    code, out, _ = cli("history", "carmen de la legua")
    assert code == 0 and out.startswith("/pfp/ppd/13150  ")


def test_an_ambiguous_title_fragment_lists_the_candidates(cli):
    code, out, err = cli("show", "City of")
    assert code == 2 and out == "" and len(err.splitlines()) == 1
    assert "/pfp/ppd/13171 'Pledge of the City of Zürich" in err  # Zürich
    assert "/pfp/ppd/13164 'The City of Dallas" in err


def test_show_flags_garbled_text_in_text_and_json(cli):
    code, out, _ = cli("show", "13301")
    assert code == 0 and "! garbled characters" in out
    data = json.loads(cli("show", "13301", "--format", "json")[1])
    assert (data["key"], data["mojibake"], data["run"], data["listed"]) == ("/pfp/ppd/13301", True, 2, True)
    assert json.loads(cli("show", "13185", "--format", "json")[1])["mojibake"] is False


def test_terms_lists_the_empty_egypt_term(cli):
    code, out, _ = cli("terms")
    assert code == 0 and "pfp/ppd / Egypt (0)\n" in out
    data = json.loads(cli("terms", "--format", "json")[1])
    egypt = [t for t in data["terms"] if t["term"] == "Egypt"]
    assert egypt == [{"vocabulary": "pfp/ppd", "vocabulary_name": "Themes and countries",
                      "term": "Egypt", "count": 0, "pledges": []}]


def test_export_writes_one_row_per_pledge_with_its_terms(cli):
    code, out, _ = cli("export")
    rows = {row["key"]: row for row in csv.DictReader(io.StringIO(out))}
    assert code == 0 and len(rows) == 26  # 26 distinct pledges after
    assert "/pfp/ppd/13122" not in rows and rows["/pfp/ppd/13301"]["mojibake"] == "yes"
    assert rows["/pfp/ppd/13150"]["terms"].count("GCM thematic cluster areas: Objective 16") == 1
    assert "Goal 11" not in rows["/pfp/ppd/13150"]["terms"]


def test_export_as_of_the_baseline_to_a_file(cli, tmp_path):
    out_file = tmp_path / "pledges.json"
    code, _, err = cli("export", "--format", "json", "--at", "1", "--out", str(out_file))
    data = json.loads(out_file.read_text())
    assert code == 0 and "wrote 26 pledges as of run 1" in err
    keys = {p["key"] for p in data["pledges"]}
    assert data["run"] == 1 and len(keys) == 26 and "/pfp/ppd/13122" in keys and "/pfp/ppd/13301" not in keys


def test_export_refuses_a_bad_run_and_writes_nothing(cli, tmp_path):
    out_file = tmp_path / "pledges.csv"
    code, _, err = cli("export", "--at", "99", "--out", str(out_file))
    assert code == 2 and err.startswith("error: --at 99") and not out_file.exists()
