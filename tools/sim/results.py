"""What a simulated month produced, per plan and per day: the values the month driver fills
and the tables print."""

from __future__ import annotations

from dataclasses import dataclass, field

from tools.sim.fetches import Fetches
from tools.sim.score import DayReport, Score, score
from tools.sim.site import TrueChange


@dataclass(slots=True)
class Day:
    day: int
    run_id: int
    complete: bool
    pages: int  # listing pages the site had that day
    fetches: Fetches
    changes: list[TrueChange]
    report: DayReport
    finished_at: str | None


@dataclass(slots=True)
class PlanResult:
    plan: str
    days: list[Day] = field(default_factory=list)
    seconds: float = 0.0
    note: str = ""  # why the plan ran as something else, if it did
    max_age_days: int = 7  # records.max_age_days: a record-only edit is due within this
    full_every_days: int = 7  # crawl.full_every_days: a re-classification is due within this

    @property
    def score(self) -> Score:
        return score([c for d in self.days for c in d.changes], [d.report for d in self.days])

    def mean_requests(self) -> float:
        later = self.days[1:] or self.days
        return sum(d.fetches.requests for d in later) / len(later)
