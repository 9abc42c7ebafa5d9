"""Compare stage: two snapshots of the listed pledges -> a :class:`ChangeSet`. Pure.

Loading the snapshots from the store is :mod:`etl.changes`; here only the rules:
a pledge is new when it first appeared after the earlier run, restored when it
was known before and is back, removed when it is no longer listed, edited when a
text field differs beyond whitespace, re-classified when its terms differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pledgewatch.core.text import comparison_form
from pledgewatch.core.values import (
    TEXT_FIELDS,
    ChangeSet,
    Edited,
    FieldChange,
    PledgeView,
    Reclassified,
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
        if changes := field_changes(old[pid], new[pid]):
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


def field_changes(old: PledgeView, new: PledgeView) -> tuple[FieldChange, ...]:
    """The text fields that differ beyond whitespace."""
    return tuple(FieldChange(f, getattr(old, f), getattr(new, f)) for f in TEXT_FIELDS
                 if comparison_form(getattr(old, f)) != comparison_form(getattr(new, f)))


def term_change(old: PledgeView, new: PledgeView) -> Reclassified:
    added = tuple(t for t in new.terms if t not in old.terms)
    dropped = tuple(t for t in old.terms if t not in new.terms)
    return Reclassified(new, added, dropped)


def _title_order(view: PledgeView) -> tuple[str, str]:
    return view.title.casefold(), view.key


def _by_title(views: list[PledgeView]) -> tuple[PledgeView, ...]:
    return tuple(sorted(views, key=_title_order))
