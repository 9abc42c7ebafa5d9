"""Score what the runs reported against what the site truly did.

A true change is *detected* on the first day, on or after its own, whose report lists it as
what it is; its delay is that day minus its own (a record read only on rotation, or a term
crawled whole only on its day of the rotation, shows a change late, not falsely). A reported
change is explained by a true change of a matching kind to the same pledge that it detects, or
that happened after the run the report compares with. A report of a true change already told
on an earlier day is *told again*: a report compared against an older baseline repeats what a
partial run in between told, and a re-classification proven term by term (a term left on
one day, the term joined when its rotation comes) is told in parts. Anything else, a change
that never happened, is a *false change*.
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
    told_again: list[tuple[int, str, str]] = field(default_factory=list)  # of an earlier detection
    notes: int = 0

    def total(self, kind: str) -> int:
        return len(self.delays[kind]) + len(self.missed[kind])

    def share(self, kind: str) -> float | None:
        total = self.total(kind)
        return len(self.delays[kind]) / total if total else None


def score(truth: list[TrueChange], reports: list[DayReport]) -> Score:
    result = Score()
    reports = sorted((r for r in reports if r.from_day is not None), key=lambda r: r.day)
    detections: set[tuple[int, str, str]] = set()  # (day, true kind, key) a report explains
    for change in truth:
        day = _detected(change, reports)
        if day is None:
            result.missed[change.kind].append(change)
        else:
            result.delays[change.kind].append(day - change.day)
            detections.add((day, change.kind, change.key))
    for report in reports:
        result.notes += sum(len(report.entries.get(k, [])) for k in NOTES)
        for kind, entries in report.entries.items():
            if kind in NOTES:
                continue
            for entry in entries:
                key = str(entry["key"])
                if _explained(truth, detections, report, kind, key):
                    continue
                told = any(day < report.day and (day, true, key) in detections
                           for day in range(report.day) for true in EXPLAINS.get(kind, ()))
                (result.told_again if told else result.false).append((report.day, kind, key))
    return result


def _detected(change: TrueChange, reports: list[DayReport]) -> int | None:
    for report in reports:
        if change.day <= report.day and report.shows(change):
            return report.day
    return None


def _explained(truth: list[TrueChange], detections: set[tuple[int, str, str]],
               report: DayReport, kind: str, key: str) -> bool:
    explains = EXPLAINS.get(kind, ())
    if any((report.day, true, key) in detections for true in explains):
        return True
    after = report.from_day if report.from_day is not None else report.day
    return any(c.key == key and c.kind in explains and after < c.day <= report.day for c in truth)
