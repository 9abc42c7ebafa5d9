"""Compare with record pages: the teaser summary and the record body are one text; record
fields are edits, their term lists never. Snapshots built by hand, no database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgewatch.core.values import PledgeView, RecordView
from pledgewatch.etl.compare import Snapshot, diff_runs


def record(body: str = "Cities commit to act.", *, read_run: int | None = 1,
           **fields: object) -> RecordView:
    return RecordView(**{"number": 1, "title": "Pledge", "date_shared": "6 Nov 2023",
                         "body": body, "read_run": read_run, **fields})


def view(summary: str = "Cities commit.", rec: RecordView | None = None,
         title: str = "Pledge") -> PledgeView:
    return PledgeView(key="/pfp/ppd/1", url="https://gfmd.org/pfp/ppd/1", title=title,
                      author=None, submitted=None, summary=summary, record=rec)


def edits(before: PledgeView, after: PledgeView) -> list[tuple[str, str | None, str | None]]:
    changes = diff_runs(Snapshot(1, {1: before}), Snapshot(2, {1: after}))
    return [(c.field, c.old, c.new) for e in changes.edited for c in e.changes]


R1 = record()  # read in run 1
CI, CL, PE = (f"https://gfmd.org/pfp/ppd/{c}" for c in ("cote-divoire", "chile", "peru"))
BODY = "Cities commit to act now."
cases = [
    # no record read in the interval: the summary is all there is, reported as before
    ("no record at all", view(), view("Cities commit!"), [("summary", "Cities commit.", "Cities commit!")]),
    ("record not re-read", view(rec=R1), view("Cities commit!", R1),
     [("summary", "Cities commit.", "Cities commit!")]),
    # the record read again: the edit is reported once, on the body
    ("teaser and body edited, record read", view(rec=R1),
     view("Cities commit!", record(BODY, read_run=2)), [("body", R1.body, BODY)]),
    ("record-only edit", view(rec=R1), view(rec=record(BODY, read_run=2)), [("body", R1.body, BODY)]),
    ("summary trimmed, body unchanged (a confirmed read)", view(rec=R1),
     view("Cities commit to", record(read_run=2)), []),
    ("body whitespace only", view(rec=R1), view(rec=record("Cities  commit\n\nto act.", read_run=2)),
     []),
    # first read of the record: nothing to compare its body with, the summary speaks
    ("record first read", view(), view("Cities commit!", record(BODY, read_run=2)),
     [("summary", "Cities commit.", "Cities commit!")]),
    # record fields by name; lists as one text, item by item
    ("lists", view(rec=R1), view(rec=record(read_run=2, countries=("Chile", "Peru"),
                                            gfmd_source=("GFMD 2023",))),
     [("countries", "", "Chile; Peru"), ("gfmd_source", "", "GFMD 2023")]),
    ("date and themes", view(rec=record(thematic_recollection=("Labour",))),
     view(rec=record(read_run=2, date_shared="7 Nov 2023", thematic_recollection=("Labour", "Health"))),
     [("date_shared", "6 Nov 2023", "7 Nov 2023"), ("thematic_recollection", "Labour", "Labour; Health")]),
    ("record terms never", view(rec=R1),
     view(rec=record(read_run=2, terms=(("https://gfmd.org/x", "X"),))), []),
    # a country is a term: renamed on the site, every record prints its new name, no edit
    ("country renamed", view(rec=record(countries=("Cote d'Ivoire",), terms=((CI, "Cote d'Ivoire"),))),
     view(rec=record(BODY, read_run=2, countries=("Côte d’Ivoire",), terms=((CI, "Côte d’Ivoire"),))),
     [("body", R1.body, BODY)]),
    # ...and one joined or left is a re-classification, told from the listings, not an edit
    ("country replaced", view(rec=record(countries=("Chile",), terms=((CL, "Chile"),))),
     view(rec=record(read_run=2, countries=("Peru",), terms=((PE, "Peru"),))), []),
    ("free-text area replaced", view(rec=record(countries=("Chile", "Andes"), terms=((CL, "Chile"),))),
     view(rec=record(read_run=2, countries=("Chile", "Pacific"), terms=((CL, "Chile"),))),
     [("countries", "Chile; Andes", "Chile; Pacific")]),
    # the title once, whichever side printed the change
    ("title on both", view(rec=R1), view(title="Pledge 2", rec=record(read_run=2, title="Pledge 2")),
     [("title", "Pledge", "Pledge 2")]),
    ("title on the record only", view(rec=R1), view(rec=record(read_run=2, title="Pledge 2")),
     [("title", "Pledge", "Pledge 2")]),
]


@pytest.mark.parametrize("before, after, expected", [c[1:] for c in cases], ids=[c[0] for c in cases])
def test_record_edits_and_the_one_text_of_summary_and_body(before, after, expected):
    assert edits(before, after) == expected


words = st.lists(st.sampled_from(["Cities", "commit", "to", "act", "now."]), min_size=1, max_size=6)


@given(summary=words, body=words, new_summary=words, new_body=words, read=st.booleans())
def test_a_change_of_summary_and_body_is_never_reported_twice(summary, body, new_summary, new_body,
                                                              read):
    new_body = new_body if read else body  # a record not read again is the version it was
    before = view(" ".join(summary), record(" ".join(body)))
    after = view(" ".join(new_summary), record(" ".join(new_body), read_run=2 if read else 1,
                                               number=2 if new_body != body else 1))
    fields = [field for field, _, _ in edits(before, after)]
    assert not {"summary", "body"} <= set(fields)
    if read:
        assert "summary" not in fields
        assert ("body" in fields) == (body != new_body)


def test_an_unchanged_pledge_with_its_record_read_again_is_no_change():
    before = view(rec=R1)
    assert diff_runs(Snapshot(1, {1: before}), Snapshot(2, {1: replace(before, record=record(
        read_run=2))})).is_empty
