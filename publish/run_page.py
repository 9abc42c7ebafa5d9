"""A run's page and its line in the index, as plain values built from its ChangeSet."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from pledgewatch.core.values import ChangeSet
from pledgewatch.publish.records import RunInfo
from pledgewatch.publish.reporting import (
    SECTION_HEADINGS,
    Entry,
    ReportViewBuilder,
    counts_line,
    health_lines,
)

ENTRIES_SHOWN = 1_000  # per kind: a baseline run lists every pledge as new
KINDS = ("new", "edited", "reclassified", "removed", "unlisted", "restored", "not_seen")


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run in the index: what the list of runs and the latest-run summary show."""

    run: RunInfo
    from_run: int | None
    counts: dict[str, int]
    summary: str  # "1 new, 2 edited, 1 removed, 1 re-classified"
    health: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.run.id, "finished_at": self.run.finished_at, "complete": self.run.complete,
                "from_run": self.from_run, "counts": self.counts, "summary": self.summary,
                "health": list(self.health)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunRow:
        return cls(RunInfo(int(data["id"]), data.get("finished_at"), bool(data["complete"])),
                   data.get("from_run"), {k: int(v) for k, v in data["counts"].items()},
                   str(data["summary"]), tuple(data["health"]))


@dataclass(frozen=True, slots=True)
class Section:
    kind: str
    heading: str
    total: int
    entries: tuple[Entry, ...]  # at most ENTRIES_SHOWN

    @property
    def more(self) -> int:
        return self.total - len(self.entries)


@dataclass(frozen=True, slots=True)
class RunPage:
    row: RunRow
    sections: tuple[Section, ...]
    previous: int | None
    next: int | None


def run_row(changes: ChangeSet) -> RunRow:
    run = RunInfo(changes.to_run, changes.to_finished_at, changes.complete)
    return RunRow(run, changes.from_run, changes.counts(), counts_line(changes),
                  tuple(health_lines(changes.health)))


def run_page(changes: ChangeSet, hosts: frozenset[str], previous: int | None,
             next_run: int | None) -> RunPage:
    """The run's report, as its e-mail shows it, with long sections cut to their first entries."""
    shown = replace(changes, **{kind: getattr(changes, kind)[:ENTRIES_SHOWN] for kind in KINDS})
    entries = ReportViewBuilder(hosts).entries(shown)
    sections = tuple(Section(kind, SECTION_HEADINGS[kind], len(getattr(changes, kind)),
                             tuple(entries[kind])) for kind in KINDS if entries[kind])
    return RunPage(run_row(changes), sections, previous, next_run)


def neighbours(run_ids: list[int], run_id: int) -> tuple[int | None, int | None]:
    """The runs before and after ``run_id`` among the published ones (sorted)."""
    index = run_ids.index(run_id)
    return (run_ids[index - 1] if index > 0 else None,
            run_ids[index + 1] if index + 1 < len(run_ids) else None)
