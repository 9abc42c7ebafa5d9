"""Compare: the rules of a change report, on snapshots built by hand. No database."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from pledgewatch.core.values import PledgeView, TermRef
from pledgewatch.etl.compare import Snapshot, diff_runs

A = TermRef("https://gfmd.org/contributors/a", "A", "contributors", "https://gfmd.org/contributors/a")
B = TermRef("https://gfmd.org/contributors/b", "B", "contributors", "https://gfmd.org/contributors/b")


def view(nid: int, summary: str = "Cities commit.", terms: tuple[TermRef, ...] = (A,),
         title: str | None = None) -> PledgeView:
    return PledgeView(key=f"/pfp/ppd/{nid}", url=f"https://gfmd.org/pfp/ppd/{nid}",
                      title=title or f"Pledge {nid}", author=None, submitted=None,
                      summary=summary, terms=terms)


def keys(views) -> list[str]:
    return [v.key for v in views]


def test_each_kind_of_change_is_found():
    before = Snapshot(1, {1: view(1), 2: view(2), 3: view(3), 5: view(5)})
    after = Snapshot(2, {1: view(1, "Cities commit to act."), 2: view(2, terms=(A, B)),
                         4: view(4), 5: view(5, "Cities   commit."), 6: view(6)},
                     first_runs={4: 2, 6: 1})
    changes = diff_runs(before, after)
    assert keys(changes.new) == ["/pfp/ppd/4"]
    assert keys(changes.restored) == ["/pfp/ppd/6"]  # known at run 1, listed again
    assert keys(changes.removed) == ["/pfp/ppd/3"]
    assert [(e.after.key, [c.field for c in e.changes]) for e in changes.edited] == \
        [("/pfp/ppd/1", ["summary"])]  # pledge 5 only gained whitespace
    assert [(r.pledge.key, r.terms_added, r.terms_removed) for r in changes.reclassified] == \
        [("/pfp/ppd/2", (B,), ())]


def test_the_first_run_reports_everything_as_new():
    changes = diff_runs(Snapshot(None), Snapshot(1, {1: view(1)}, {1: 1}))
    assert keys(changes.new) == ["/pfp/ppd/1"] and changes.from_run is None


def test_changes_are_listed_by_title_whatever_the_ids():
    after = Snapshot(2, {9: view(9, title="alpha"), 3: view(3, title="Beta")}, {9: 2, 3: 2})
    assert [v.title for v in diff_runs(Snapshot(1), after).new] == ["alpha", "Beta"]


summaries = st.sampled_from(["Cities commit.", "Cities  commit.", "Towns commit.", "Cities act."])
term_sets = st.sampled_from([(A,), (B,), (A, B), ()])
snapshots = st.dictionaries(st.integers(1, 12), st.builds(lambda s, t: (s, t), summaries, term_sets),
                            max_size=8)


def as_snapshot(run_id: int, pledges: dict[int, tuple[str, tuple[TermRef, ...]]]) -> Snapshot:
    # Every pledge first appears at the later of the two runs: an appearance is always "new".
    return Snapshot(run_id, {pid: view(pid, s, t) for pid, (s, t) in pledges.items()},
                    {pid: 99 for pid in pledges})


@given(snapshots)
def test_a_snapshot_compared_with_itself_has_no_changes(pledges):
    snapshot = as_snapshot(1, pledges)
    assert diff_runs(snapshot, replace(snapshot, run_id=2)).is_empty


@given(snapshots, snapshots)
def test_swapping_before_and_after_swaps_new_and_removed(one, two):
    forward = diff_runs(as_snapshot(1, one), as_snapshot(2, two))
    backward = diff_runs(as_snapshot(1, two), as_snapshot(2, one))
    assert keys(forward.new) == keys(backward.removed)
    assert keys(forward.removed) == keys(backward.new)
    assert sorted(keys(e.after for e in forward.edited)) == \
        sorted(keys(e.after for e in backward.edited))
    assert [(r.terms_added, r.terms_removed) for r in forward.reclassified] == \
        [(r.terms_removed, r.terms_added) for r in backward.reclassified]


@given(snapshots, snapshots)
def test_every_pledge_in_either_snapshot_is_accounted_for_once(one, two):
    changes = diff_runs(as_snapshot(1, one), as_snapshot(2, two))
    assert set(keys(changes.new)) == {f"/pfp/ppd/{p}" for p in two.keys() - one.keys()}
    assert set(keys(changes.removed)) == {f"/pfp/ppd/{p}" for p in one.keys() - two.keys()}


def test_what_an_earlier_report_told_is_not_told_again():
    from pledgewatch.etl.compare import untold

    before = Snapshot(1, {1: view(1), 2: view(2), 3: view(3)})
    partial = Snapshot(2, {1: view(1, "Cities commit now."), 2: view(2, terms=(A, B)), 3: view(3),
                           4: view(4)})
    later = Snapshot(3, {1: view(1, "Cities commit now!"), 2: view(2, terms=(B,)), 3: view(3),
                         4: view(4), 5: view(5)})
    told = diff_runs(before, partial)  # 1 edited, 2 joined B, 4 new
    rest = untold(diff_runs(before, later), [told])
    assert [p.key for p in rest.new] == ["/pfp/ppd/5"]  # 4 was told
    assert [(c.field, c.old, c.new) for e in rest.edited for c in e.changes] == [
        ("summary", "Cities commit.", "Cities commit now!")]  # another text than the one told
    assert [([t.key for t in r.terms_added], [t.key for t in r.terms_removed])
            for r in rest.reclassified] == [([], [A.key])]  # B's join was told, A's leave not
    assert untold(told, [told]).is_empty
    # 4 was told new with its first summary; edited and re-classified since, it is told so
    edited_since = Snapshot(3, {**later.pledges, 4: view(4, "Cities commit again.", terms=(B,))})
    rest = untold(diff_runs(before, edited_since), [told])
    assert [(e.after.key, [(c.old, c.new) for c in e.changes]) for e in rest.edited
            if e.after.key == "/pfp/ppd/4"] == [("/pfp/ppd/4", [("Cities commit.", "Cities commit again.")])]
    assert [(r.pledge.key, [t.key for t in r.terms_added]) for r in rest.reclassified
            if r.pledge.key == "/pfp/ppd/4"] == [("/pfp/ppd/4", [B.key])]
    assert "/pfp/ppd/4" not in [p.key for p in rest.new]
