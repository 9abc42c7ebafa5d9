"""Decide: the rules that turn a run into writes, as tables of inputs. No database."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pledgewatch.core import text
from pledgewatch.core.pledges import (
    AbsenceKind,
    Pledge,
    RecordContent,
    RecordOutcome,
    RecordRead,
    StoredPledge,
    StoredRecord,
    StoredVersion,
    term_keys_of,
)
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.decide import decide

A, B, C = "https://gfmd.org/contributors/a", "https://gfmd.org/contributors/b", "https://gfmd.org/x/c"


def pledge(nid: int = 1, *, summary: str = "Cities commit.", terms: set[str] | frozenset[str] = (A,),
           title: str = "Cities", author: str | None = "Ms. Anqi ZHANG", key: str | None = None,
           truncated: bool = False) -> Pledge:
    key = key or f"/pfp/ppd/{nid}"
    return Pledge(key=key, url=None if key.startswith("title:") else f"https://gfmd.org{key}",
                  title_key="title:" + title.casefold(), title=title, author=author,
                  author_truncated=truncated, submitted=None, summaries=((summary, 1),),
                  term_keys=term_keys_of(terms), first_listing_url=A)


def stored(p: Pledge, *, present: bool = True, absent_runs: int = 0, terms: set[str] | None = None,
           author: str | None = None, pid: int | None = None) -> StoredPledge:
    summary = p.summaries[0][0]
    author = author if author is not None else p.author
    version = StoredVersion(1, text.content_hash(p.title, author, None, summary), p.title, author,
                            None, summary)
    return StoredPledge(id=pid or abs(hash(p.key)) % 10_000, key=p.key, title_key=p.title_key,
                        present=present, absent_runs=absent_runs, is_linked=False,
                        version=version, term_keys=term_keys_of(p.term_keys if terms is None else terms))


def plan_for(before: list[StoredPledge], now: list[Pledge], *, complete: set[str] | None = None,
             run_complete: bool = True, policy: ChangePolicy | None = None):
    if complete is None:
        complete = {A, B, C}
    return decide({s.key: s for s in before}, {p.key: p for p in now},
                  complete_terms=frozenset(complete), run_complete=run_complete,
                  policy=policy or ChangePolicy())


@pytest.mark.parametrize("summary_now, new_version", [
    ("Cities commit.", False),
    ("Cities   commit.", False),
    ("Cities\n\ncommit.", False),
    ("Cities commit to act.", True),
    ("cities commit.", True),  # case is content
])
def test_a_version_only_when_the_content_really_changed(summary_now, new_version):
    plan = plan_for([stored(pledge())], [pledge(summary=summary_now)])
    assert [(v.key, v.number) for v in plan.versions] == ([("/pfp/ppd/1", 2)] if new_version else [])


def test_a_new_pledge_gets_version_one_and_its_terms():
    plan = plan_for([], [pledge(terms={A, B})])
    assert [p.key for p in plan.new_pledges] == ["/pfp/ppd/1"]
    assert [(v.number, v.content.summary) for v in plan.versions] == [(1, "Cities commit.")]
    assert plan.joined == [("/pfp/ppd/1", A), ("/pfp/ppd/1", B)]


@pytest.mark.parametrize("stored_author, seen_author, expected", [
    ("Mr. Ace Paolo Dela Cruz", "Mr. Ace Paolo …", "nothing"),  # the same name cut short
    ("Mr. Ace Paolo Dela Cruz", None, "nothing"),  # no byline this time: carried over
    ("Mr. Ace Paolo …", "Mr. Ace Paolo Dela Cruz", "completed"),  # now known in full
    ("Ms. Anqi ZHANG", "Mr. Ace Paolo Dela Cruz", "new version"),  # another author
])
def test_the_truncated_byline_rule(stored_author, seen_author, expected):
    before = stored(pledge(author=stored_author))
    plan = plan_for([before], [pledge(author=seen_author)])
    outcome = "new version" if plan.versions else "completed" if plan.authors_completed \
        else "nothing"
    assert outcome == expected


@pytest.mark.parametrize("complete, left", [({A, B}, [("/pfp/ppd/1", B)]), ({A}, [])])
def test_a_pledge_leaves_a_term_only_when_that_term_was_crawled_completely(complete, left):
    plan = plan_for([stored(pledge(terms={A, B}))], [pledge(terms={A})], complete=complete)
    assert plan.left == left


@pytest.mark.parametrize("terms, complete, run_complete, kind", [
    ({A}, {A}, True, AbsenceKind.REMOVED),
    ({A, B}, {A}, True, AbsenceKind.NOT_SEEN),  # B failed: its absence proves nothing
    ({A}, set(), False, AbsenceKind.NOT_SEEN),
    # Gone from its one complete term while another term was not read whole: it may have
    # moved there (a re-classification the next run shows), so its absence proves nothing.
    ({A}, {A}, False, AbsenceKind.NOT_SEEN),
    ({A, B}, {A, B}, False, AbsenceKind.NOT_SEEN),
    (set(), set(), True, AbsenceKind.REMOVED),  # no terms known: the whole run decides
    (set(), set(), False, AbsenceKind.NOT_SEEN),
])
def test_an_absent_pledge_is_removed_only_on_complete_evidence(terms, complete, run_complete, kind):
    others = [pledge(n) for n in range(2, 30)]  # enough pledges that one removal is not suspect
    plan = plan_for([stored(pledge(terms=terms)), *map(stored, others)], others,
                    complete=complete, run_complete=run_complete)
    assert [(a.key, a.kind) for a in plan.absences] == [("/pfp/ppd/1", kind)]
    assert plan.removed == (["/pfp/ppd/1"] if kind is AbsenceKind.REMOVED else [])


def test_a_removal_waits_for_the_runs_the_policy_asks_for():
    others = [pledge(n) for n in range(2, 30)]
    policy = ChangePolicy(confirm_removals_after=2)
    first = plan_for([stored(pledge()), *map(stored, others)], others, policy=policy)
    assert [(a.kind, a.absent_runs) for a in first.absences] == [(AbsenceKind.PENDING, 1)]
    second = plan_for([stored(pledge(), absent_runs=1), *map(stored, others)], others,
                      policy=policy)
    assert [(a.kind, a.absent_runs) for a in second.absences] == [(AbsenceKind.REMOVED, 2)]


@pytest.mark.parametrize("gone, total, suspect", [(5, 50, False), (6, 50, True), (4, 10, False)])
def test_a_run_removing_too_much_is_held(gone, total, suspect):
    everyone = [pledge(n) for n in range(total)]
    plan = plan_for(list(map(stored, everyone)), everyone[gone:])
    kinds = {a.kind for a in plan.absences}
    assert plan.suspect is suspect
    assert kinds == ({AbsenceKind.HELD} if suspect else {AbsenceKind.REMOVED})


def test_a_pledge_back_after_removal_is_restored():
    plan = plan_for([stored(pledge(), present=False, terms=set())], [pledge()])
    assert plan.restored == ["/pfp/ppd/1"] and plan.new_pledges == []


def test_a_title_keyed_pledge_joins_its_one_url_twin():
    twin = pledge(7, title="Cities", terms={A})
    snapshot = pledge(title="Cities", key="title:cities", terms={B}, summary="Cities commit.")
    plan = plan_for([stored(twin)], [snapshot])
    assert plan.seen == ["/pfp/ppd/7"] and plan.new_pledges == []
    assert plan.joined == [("/pfp/ppd/7", B)]


def test_a_title_shared_by_two_records_never_decides_identity():
    one, two = pledge(7, title="Cities"), pledge(8, title="Cities")
    snapshot = pledge(title="Cities", key="title:cities")
    plan = plan_for([stored(one), stored(two)], [one, two, snapshot])
    assert [p.key for p in plan.new_pledges] == ["title:cities"]


terms = st.sets(st.sampled_from([A, B, C]), max_size=3)


@given(listed=terms, seen=terms, complete=terms, run_complete=st.booleans())
def test_a_term_not_crawled_completely_never_produces_a_removal_or_a_departure(
        listed, seen, complete, run_complete):
    before = stored(pledge(terms=listed))
    now = [pledge(terms=seen)] if seen else []
    plan = plan_for([before], now, complete=complete, run_complete=run_complete,
                    policy=ChangePolicy(min_suspect_removals=5))
    for _key, term in plan.left:
        assert term in complete
    if plan.removed:
        assert run_complete and listed <= complete


# Record pages and cover runs (docs/crawling.md, "What each run can prove").

def read(nid: int = 1, outcome: RecordOutcome = RecordOutcome.READ, body: str = "Body one.",
         status: int | None = None, **content: object) -> RecordRead:
    fields = {"title": "Cities", "date_shared": "6 Nov 2023", "body": body, **content}
    status = status if status is not None else {RecordOutcome.READ: 200, RecordOutcome.GONE: 404,
                                                RecordOutcome.UNCHANGED: 304}.get(outcome, 500)
    return RecordRead(f"/pfp/ppd/{nid}", f"https://gfmd.org/pfp/ppd/{nid}", "due", status, outcome,
                      None, RecordContent(**fields) if outcome is RecordOutcome.READ else None)


def with_record(state: StoredPledge, body: str = "Body one.", number: int = 1,
                **content: object) -> StoredPledge:
    record = RecordContent(**{"title": "Cities", "date_shared": "6 Nov 2023", "body": body,
                              **content})
    return replace(state, record=StoredRecord(number, record.content_hash(), record, 1))


def record_plan(before: list[StoredPledge], now: list[Pledge], records: list[RecordRead], *,
                complete: set[str] | None = None, run_complete: bool = True,
                plan_mode: str | None = None, probed: frozenset[str] = frozenset(),
                crawl_finished: bool = False):
    return decide({s.key: s for s in before}, {p.key: p for p in now},
                  complete_terms=frozenset({A, B, C} if complete is None else complete),
                  run_complete=run_complete, policy=ChangePolicy(),
                  records={r.key: r for r in records}, plan_mode=plan_mode, probed_terms=probed,
                  crawl_finished=crawl_finished)


@pytest.mark.parametrize("stored_body, record, version", [
    (None, read(), 1),  # first read: version 1
    ("Body one.", read(), None),
    ("Body one.", read(body="Body\n\none. "), None),  # line breaks and spacing are no edit
    ("Body one.", read(body="Body two."), 2),
    ("Body one.", read(countries=("Chile",)), 2),
    ("Body one.", read(terms=(("https://gfmd.org/x", "X"),)), 2),  # kept with the record
    ("Body one.", read(outcome=RecordOutcome.UNCHANGED), None),  # 304: read, unchanged
    ("Body one.", read(outcome=RecordOutcome.FAILED), None),
    ("Body one.", read(outcome=RecordOutcome.GONE), None),
])
def test_a_record_version_only_when_the_record_really_changed(stored_body, record, version):
    state = stored(pledge())
    state = with_record(state, stored_body) if stored_body is not None else state
    plan = record_plan([state], [pledge()], [record])
    assert [v.number for v in plan.record_versions] == ([version] if version else [])
    assert [r.outcome for r in plan.record_fetches] == [record.outcome]


def test_a_record_of_a_pledge_new_in_the_run_is_kept_and_of_an_unknown_one_is_not():
    plan = record_plan([], [pledge(1)], [read(1), read(9)])
    assert [(v.key, v.number) for v in plan.record_versions] == [("/pfp/ppd/1", 1)]
    assert [r.key for r in plan.record_fetches] == ["/pfp/ppd/1"]


OTHERS = [pledge(n) for n in range(2, 30)]  # enough pledges that one removal is not suspect


@pytest.mark.parametrize("outcome, run_complete, plan_mode, kind, absent_runs", [
    # a record gone settles it at once, in a full run and in a cover run, when complete
    (RecordOutcome.GONE, True, None, AbsenceKind.REMOVED, 1),
    (RecordOutcome.GONE, True, "full", AbsenceKind.REMOVED, 1),
    (RecordOutcome.GONE, True, "cover", AbsenceKind.REMOVED, 1),
    (RecordOutcome.GONE, False, "full", AbsenceKind.NOT_SEEN, 0),
    (RecordOutcome.GONE, False, "cover", AbsenceKind.NOT_SEEN, 0),
    # a record still online: left the listings in a full run, not seen in a cover run
    (RecordOutcome.READ, True, "full", AbsenceKind.UNLISTED, 0),
    (RecordOutcome.READ, True, None, AbsenceKind.UNLISTED, 0),
    (RecordOutcome.UNCHANGED, True, "full", AbsenceKind.UNLISTED, 0),
    (RecordOutcome.READ, True, "cover", AbsenceKind.NOT_SEEN, 0),
    (RecordOutcome.READ, False, "full", AbsenceKind.NOT_SEEN, 0),
    # no record, or one that failed: the listing rules (confirm_removals_after = 1)
    (None, True, "full", AbsenceKind.REMOVED, 1),
    (RecordOutcome.FAILED, True, "full", AbsenceKind.REMOVED, 1),
    (None, True, "cover", AbsenceKind.NOT_SEEN, 0),  # a record-less removal needs a full run
    (RecordOutcome.FAILED, True, "cover", AbsenceKind.NOT_SEEN, 0),
])
def test_what_a_record_page_proves_of_a_pledge_the_run_did_not_list(
        outcome, run_complete, plan_mode, kind, absent_runs):
    records = [read(1, outcome)] if outcome else []
    plan = record_plan([stored(pledge()), *map(stored, OTHERS)], OTHERS, records,
                       run_complete=run_complete, plan_mode=plan_mode)
    assert [(a.key, a.kind, a.absent_runs) for a in plan.absences] == \
        [("/pfp/ppd/1", kind, absent_runs)]
    assert plan.removed == (["/pfp/ppd/1"] if kind is AbsenceKind.REMOVED else [])
    assert plan.left == ([("/pfp/ppd/1", A)] if kind is AbsenceKind.REMOVED else [])


@pytest.mark.parametrize("crawl_finished, gone, kind", [
    (True, 1, AbsenceKind.REMOVED),  # a page failed elsewhere: the record's word still holds
    (False, 1, AbsenceKind.NOT_SEEN),  # the crawl was cut short: nothing is proven
    (True, 6, AbsenceKind.HELD),  # 6 of 30 records gone at once in an incomplete run: suspect
])
def test_a_gone_record_in_a_run_with_a_failed_page(crawl_finished, gone, kind):
    everyone = [pledge(n) for n in range(1, 31)]
    plan = record_plan(list(map(stored, everyone)), everyone[gone:],
                       [read(n, RecordOutcome.GONE) for n in range(1, gone + 1)],
                       run_complete=False, crawl_finished=crawl_finished, plan_mode="cover")
    assert {a.kind for a in plan.absences} == {kind}
    assert len(plan.removed) == (gone if kind is AbsenceKind.REMOVED else 0)


def test_a_gone_record_does_not_wait_for_the_runs_the_policy_asks_for():
    policy = ChangePolicy(confirm_removals_after=3)
    plan = decide({s.key: s for s in [stored(pledge()), *map(stored, OTHERS)]},
                  {p.key: p for p in OTHERS}, complete_terms=frozenset({A}), run_complete=True,
                  policy=policy, records={"/pfp/ppd/1": read(1, RecordOutcome.GONE)})
    assert plan.removed == ["/pfp/ppd/1"]


@pytest.mark.parametrize("is_new, joined", [(True, [("/pfp/ppd/1", A), ("/pfp/ppd/1", B)]),
                                            (False, [])])
def test_a_probed_term_adds_a_membership_only_to_a_pledge_new_in_the_run(is_new, joined):
    before = [] if is_new else [stored(pledge(terms={A}))]
    plan = record_plan(before, [pledge(terms={A, B})], [], complete={A}, plan_mode="cover",
                       probed=frozenset({B}))
    assert plan.joined == joined


def test_a_probed_term_never_ends_a_membership_and_a_pledge_seen_there_is_seen():
    before = [stored(pledge(terms={A, B})), stored(pledge(2, terms={B}), present=True)]
    now = [pledge(terms={B}), pledge(2, terms={B})]  # missing from A, read by page 0 only
    plan = record_plan(before, now, [], complete=set(), plan_mode="cover",
                       probed=frozenset({A, B}))
    assert plan.left == [] and plan.absences == []
    assert sorted(plan.seen) == ["/pfp/ppd/1", "/pfp/ppd/2"]
