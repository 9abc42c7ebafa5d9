"""Compare stage: two snapshots of the listed pledges -> a :class:`ChangeSet`. Pure.

Loading the snapshots from the store is :mod:`etl.changes`; here only the rules:
a pledge is new when it first appeared after the earlier run, restored when it
was known before and is back, removed when it is no longer listed, edited when a
text field differs beyond whitespace, re-classified when its terms differ.

The teaser's summary and the record's body are one text (the teaser prints the body's
start): when the pledge's record was read in the compared interval and was read before it,
a summary change is not reported and the body's is, so an edit is reported once, with the
fuller text; a summary change whose body did not change is a trim of the teaser, no edit.
When no record was read, the summary is all the run knows, and its change is reported.
The record's title is the teaser's: a title change is reported once. The record's term
lists are never reported: re-classification comes from the listings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

from pledgewatch.core.text import comparison_form, unlinked_names
from pledgewatch.core.values import (
    RECORD_FIELDS,
    TEXT_FIELDS,
    ChangeSet,
    Edited,
    FieldChange,
    PledgeView,
    Reclassified,
    RecordView,
)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The pledges listed as of one run, by pledge id."""

    run_id: int | None  # None: before the first run (nothing listed)
    pledges: Mapping[int, PledgeView] = field(default_factory=dict)
    first_runs: Mapping[int, int] = field(default_factory=dict)  # pledge id -> first run
    finished_at: str | None = None


def diff_runs(before: Snapshot, after: Snapshot) -> ChangeSet:
    old, new = before.pledges, after.pledges
    since = before.run_id or 0
    appeared = [pid for pid in new if pid not in old]
    is_new = {pid: after.first_runs.get(pid, after.run_id or 0) > since for pid in appeared}
    edited, reclassified = [], []
    for pid in old.keys() & new.keys():
        if changes := field_changes(old[pid], new[pid], since):
            edited.append(Edited(old[pid], new[pid], changes))
        if old[pid].terms != new[pid].terms:
            reclassified.append(term_change(old[pid], new[pid]))
    return ChangeSet(
        from_run=before.run_id, to_run=after.run_id or 0, complete=True,
        new=_by_title([new[p] for p in appeared if is_new[p]]),
        edited=tuple(sorted(edited, key=lambda e: _title_order(e.after))),
        removed=_by_title([old[p] for p in old if p not in new]),
        reclassified=tuple(sorted(reclassified, key=lambda r: _title_order(r.pledge))),
        restored=_by_title([new[p] for p in appeared if not is_new[p]]),
        from_finished_at=before.finished_at, to_finished_at=after.finished_at)


def field_changes(old: PledgeView, new: PledgeView, since: int = 0) -> tuple[FieldChange, ...]:
    """The fields that differ beyond whitespace (the module docstring's rules); ``since``:
    the earlier run of the comparison, after which a record read counts as read in it."""
    before, after = old.record, new.record
    read = before is not None and after is not None and (
        (after.read_run or 0) > since or after.number != before.number)
    teaser = [FieldChange(f, getattr(old, f), getattr(new, f)) for f in TEXT_FIELDS
              if not (f == "summary" and read)
              and comparison_form(getattr(old, f)) != comparison_form(getattr(new, f))]
    if before is None or after is None:
        return tuple(teaser)
    if not any(c.field == "title" for c in teaser) and before.title and after.title \
            and _differs(before.title, after.title):
        teaser.insert(0, FieldChange("title", before.title, after.title))
    record = [FieldChange(f, before.text_of(f), after.text_of(f)) for f in RECORD_FIELDS
              if _differs(getattr(before, f), getattr(after, f))
              and not (f == "countries" and _unlinked(before) == _unlinked(after))]
    return (*teaser, *record)


def _unlinked(record: RecordView) -> list[str]:
    """The countries a record names without linking their term. A linked country is a term:
    joining or leaving it is a re-classification, told from the listings, and its new name
    after a rename is the term's, not the record's; only free text is the record's field."""
    return unlinked_names(record.countries, record.terms)


def _differs(old: str | tuple[str, ...] | None, new: str | tuple[str, ...] | None) -> bool:
    """Beyond whitespace; lists item by item."""
    if isinstance(old, tuple) or isinstance(new, tuple):
        return [comparison_form(i) for i in old or ()] != [comparison_form(i) for i in new or ()]
    return comparison_form(old) != comparison_form(new)


def term_change(old: PledgeView, new: PledgeView) -> Reclassified:
    added = tuple(t for t in new.terms if t not in old.terms)
    dropped = tuple(t for t in old.terms if t not in new.terms)
    return Reclassified(new, added, dropped)


def _title_order(view: PledgeView) -> tuple[str, str]:
    return view.title.casefold(), view.key


def _by_title(views: list[PledgeView]) -> tuple[PledgeView, ...]:
    return tuple(sorted(views, key=_title_order))


def untold(changes: ChangeSet, told: Iterable[ChangeSet]) -> ChangeSet:
    """``changes`` less what earlier reports (``told``) already said: the same pledge new,
    removed, restored or unlisted; the same field edited to the same text; the same term joined
    or left. A report compared with the last complete run repeats what the reports of partial
    runs in between told; an editor hears each change once. A pledge told as new that changed
    since is told as edited or re-classified from what was told. Pure."""
    told = list(told)

    def untold_pledges(kind: str) -> tuple[PledgeView, ...]:
        said = {p.key for t in told for p in getattr(t, kind)}
        return tuple(p for p in getattr(changes, kind) if p.key not in said)

    fields = {(e.after.key, c.field, comparison_form(c.new)) for t in told for e in t.edited
              for c in e.changes}
    terms = {(r.pledge.key, sign, term.key) for t in told for r in t.reclassified
             for sign, group in (("+", r.terms_added), ("-", r.terms_removed)) for term in group}
    edited = []
    for e in changes.edited:
        kept = tuple(c for c in e.changes
                     if (e.after.key, c.field, comparison_form(c.new)) not in fields)
        if kept:
            edited.append(replace(e, changes=kept))
    reclassified = []
    for r in changes.reclassified:
        added = tuple(t for t in r.terms_added if (r.pledge.key, "+", t.key) not in terms)
        removed = tuple(t for t in r.terms_removed if (r.pledge.key, "-", t.key) not in terms)
        if added or removed:
            reclassified.append(Reclassified(r.pledge, added, removed))
    told_new = {p.key: (t.to_run, p) for t in told for p in t.new}  # the latest telling wins
    for pledge in changes.new:
        if pledge.key in told_new:
            run, then = told_new[pledge.key]
            if diffs := field_changes(then, pledge, run):
                edited.append(Edited(then, pledge, diffs))
            if then.terms != pledge.terms:
                reclassified.append(term_change(then, pledge))
    return replace(changes, edited=tuple(sorted(edited, key=lambda e: _title_order(e.after))),
                   reclassified=tuple(sorted(reclassified, key=lambda r: _title_order(r.pledge))),
                   new=untold_pledges("new"), removed=untold_pledges("removed"),
                   restored=untold_pledges("restored"), unlisted=untold_pledges("unlisted"))
