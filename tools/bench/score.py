"""Scoring a tool's reported changes against the workload's ground truth.

Tools report at different grain: pledgewatch says new / edited / re-classified /
removed, git-history and dbt only say "a new version of this id". So changes are
compared as sets of keys: a *false change* is a key reported as changed (new,
edited or re-classified) that the truth did not change; a *missed removal* is a
truly removed key not reported removed. Whitespace-only keys reported changed are
counted separately too, since that is the usual cause of false changes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.bench.workload import Truth


@dataclass(slots=True)
class Reported:
    """What a tool said changed in one run transition."""

    changed: set[str] = field(default_factory=set)  # new, edited or re-classified
    removed: set[str] = field(default_factory=set)


@dataclass(slots=True)
class Score:
    transitions: int = 0
    true_changes: int = 0
    false_changes: int = 0
    noise_reported: int = 0  # false changes on keys whose text only changed whitespace
    missed_changes: int = 0
    removals: int = 0
    missed_removals: int = 0
    false_removals: int = 0

    def add(self, truth: Truth | None, reported: Reported) -> None:
        """Score one transition; ``truth=None`` is an unchanged re-crawl (nothing changed)."""
        expected = set() if truth is None else \
            set(truth.new) | set(truth.edited) | set(truth.reclassified)
        removed = set() if truth is None else set(truth.removed)
        noise = set() if truth is None else set(truth.noise)
        self.transitions += 1
        self.true_changes += len(expected)
        self.false_changes += len(reported.changed - expected)
        self.noise_reported += len((reported.changed - expected) & noise)
        self.missed_changes += len(expected - reported.changed)
        self.removals += len(removed)
        self.missed_removals += len(removed - reported.removed)
        self.false_removals += len(reported.removed - removed)

    def as_dict(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in self.__slots__}
