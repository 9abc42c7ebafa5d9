"""Score what the runs reported against what the site truly did.

A run's report says what changed since an earlier run (``from_run``), so a reported change
is explained only by a true change of a matching kind to the same pledge on a day after that
run's day and up to the report's own day: anything else is a *false change*. A true change is
*detected* on the first day a report lists it so; its delay is that day minus its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.sim.site import KINDS, TrueChange

# Which true kinds explain each reported kind; a reported kind not here is never explained.
EXPLAINS: dict[str, tuple[str, ...]] = {
    "new": ("new",),
    "edited": ("teaser_edit", "record_only_edit"),
    "removed": ("removed",),
    "reclassified": ("reclassified",),
}
# What a teaser shows: an edit reported only in these fields cannot be a record-only edit.
TEASER_FIELDS = frozenset({"title", "summary", "author", "submitted"})
NOTES = ("not_seen",)  # absences the report notes: not claims that anything changed
_HEAD = ("counts", "health")


@dataclass(frozen=True, slots=True)
class DayReport:
    """One run's report: its day, the day of the run it compares with, its entries by kind."""

    day: int
    from_day: int | None  # None: a baseline, listing everything as new
    entries: dict[str, list[dict[str, Any]]]

    @classmethod
    def from_json(cls, day: int, from_day: int | None, data: dict[str, Any]) -> DayReport:
        """Every list in the report JSON is a kind of entry (kinds added later count too)."""
        entries = {k: v for k, v in data.items() if isinstance(v, list) and k not in _HEAD}
        return cls(day, from_day, entries)

    def keys(self, kind: str) -> set[str]:
        return {str(e["key"]) for e in self.entries.get(kind, [])}

    def shows(self, change: TrueChange) -> bool:
        """Whether this report lists ``change`` as what it is (a record-only edit must be
        reported in a field the teaser does not show)."""
        kinds = [kind for kind, explains in EXPLAINS.items() if change.kind in explains]
        entries = [e for kind in kinds for e in self.entries.get(kind, []) if e["key"] == change.key]
        if change.kind == "record_only_edit":
            return any(set(e.get("changes") or {"?": None}) - TEASER_FIELDS for e in entries)
        return bool(entries)


@dataclass(slots=True)
class Score:
    delays: dict[str, list[int]] = field(default_factory=lambda: {k: [] for k in KINDS})
    missed: dict[str, list[TrueChange]] = field(default_factory=lambda: {k: [] for k in KINDS})
    false: list[tuple[int, str, str]] = field(default_factory=list)  # (day, reported kind, key)
    notes: int = 0

    def total(self, kind: str) -> int:
        return len(self.delays[kind]) + len(self.missed[kind])

    def share(self, kind: str) -> float | None:
        total = self.total(kind)
        return len(self.delays[kind]) / total if total else None


def score(truth: list[TrueChange], reports: list[DayReport]) -> Score:
    result = Score()
    reports = [r for r in reports if r.from_day is not None]
    for change in truth:
        day = _detected(change, reports)
        if day is None:
            result.missed[change.kind].append(change)
        else:
            result.delays[change.kind].append(day - change.day)
    for report in reports:
        assert report.from_day is not None
        result.notes += sum(len(report.entries.get(k, [])) for k in NOTES)
        for kind, entries in report.entries.items():
            if kind in NOTES:
                continue
            for entry in entries:
                if not _explained(truth, kind, str(entry["key"]), report.from_day, report.day):
                    result.false.append((report.day, kind, str(entry["key"])))
    return result


def _detected(change: TrueChange, reports: list[DayReport]) -> int | None:
    for report in sorted(reports, key=lambda r: r.day):
        assert report.from_day is not None
        if report.from_day < change.day <= report.day and report.shows(change):
            return report.day
    return None


def _explained(truth: list[TrueChange], kind: str, key: str, after: int, upto: int) -> bool:
    explains = EXPLAINS.get(kind, ())
    return any(c.key == key and c.kind in explains and after < c.day <= upto for c in truth)
