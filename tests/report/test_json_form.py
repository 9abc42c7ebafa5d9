"""The JSON form of a change set: the keys the issue names, text exactly as stored."""

from __future__ import annotations

import io
import json
from dataclasses import replace

from pledgewatch.core.values import ChangeSet, NotSeen
from pledgewatch.report.json_form import changes_to_json, write_changes_json
from tests.support.sample_changes import M4SD, SFAX, SUBNATIONAL, WELCOMING, edited, sample_changes


def test_top_level_keys():
    data = changes_to_json(sample_changes())
    for key in ("from_run", "to_run", "complete", "new", "edited", "removed",
                "reclassified", "restored", "not_seen"):
        assert key in data
    assert (data["from_run"], data["to_run"], data["complete"]) == (11, 12, True)


def test_every_entry_has_key_url_and_title():
    changes = sample_changes(restored=(SFAX,), not_seen=(NotSeen(M4SD, "listing failed"),))
    data = changes_to_json(changes)
    for kind in ("new", "edited", "removed", "reclassified", "restored", "not_seen"):
        assert data[kind], kind
        for entry in data[kind]:
            assert {"key", "url", "title"} <= entry.keys()


def test_edited_entries_carry_old_and_new_per_field():
    changes = ChangeSet(from_run=1, to_run=2, complete=True,
                        edited=(edited(M4SD, title="M4SD", author=None),))
    entry = changes_to_json(changes)["edited"][0]
    assert entry["changes"] == {
        "title": {"old": M4SD.title, "new": "M4SD"},
        "author": {"old": "Ms. Anqi ZHANG", "new": None},
    }


def test_reclassified_entries_carry_terms_added_and_removed():
    entry = changes_to_json(sample_changes())["reclassified"][0]
    assert [t["name"] for t in entry["terms_added"]] == [SUBNATIONAL.name]
    assert [t["vocabulary"] for t in entry["terms_removed"]] == ["Contributors"]
    assert entry["key"] == WELCOMING.key


def test_json_round_trips_hostile_text_unchanged():
    title = '</script><script>alert(1)</script>\u202e'
    changes = ChangeSet(from_run=1, to_run=2, complete=True,
                        new=(WELCOMING.__class__(**{**_fields(WELCOMING), "title": title}),))
    assert json.loads(json.dumps(changes_to_json(changes)))["new"][0]["title"] == title


def _fields(pledge):
    return {name: getattr(pledge, name) for name in pledge.__slots__}


def test_the_streamed_json_is_the_same_data_as_the_json_built_whole() -> None:
    changes = sample_changes()
    out = io.BytesIO()
    write_changes_json(changes, out)
    assert json.loads(out.getvalue()) == json.loads(json.dumps(changes_to_json(changes)))
    empty = replace(changes, new=(), edited=(), removed=(), reclassified=(), restored=(), not_seen=())
    out = io.BytesIO()
    write_changes_json(empty, out)
    assert json.loads(out.getvalue())["new"] == [] and json.loads(out.getvalue())["counts"]


def test_record_fields_and_unlisted_pledges_are_added_keys():
    from pledgewatch.core.values import FieldChange, RecordView

    record = RecordView(2, "Welcoming", "6 Nov 2023", "Body.", countries=("Chile", "Peru"),
                        read_run=12)
    with_record = replace(WELCOMING, record=record)
    edit = replace(edited(WELCOMING), after=with_record,
                   changes=(FieldChange("countries", "Chile", "Chile; Peru"),))
    data = changes_to_json(replace(sample_changes(), edited=(edit,), unlisted=(M4SD,)))
    assert data["counts"]["unlisted"] == 1
    assert [(e["key"], e["reason"], e["record"]) for e in data["unlisted"]] == \
        [(M4SD.key, "left the listings; its record page is still online", None)]
    entry = data["edited"][0]
    assert entry["changes"] == {"countries": {"old": "Chile", "new": "Chile; Peru"}}
    assert entry["record"]["countries"] == ["Chile", "Peru"]
    assert (entry["record"]["version"], entry["record"]["read_run"]) == (2, 12)
