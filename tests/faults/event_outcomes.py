"""What a run told editors, as facts, and the table of page events x outcomes.

A change set is flattened into facts (``("removed", key)``, ``("reclassified", key,
"dropped", term)``, ...) so that what two reports told together can be added up and set
against the truth: anything told that the truth lacks is a false alarm, anything the truth
has that was never told is left out, anything told twice is noise.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from pledgewatch.core.values import ChangeSet

Fact = tuple[str, ...]


def told(changes: ChangeSet) -> Counter[Fact]:
    facts: Counter[Fact] = Counter()
    facts.update(("new", p.key) for p in changes.new)
    facts.update(("removed", p.key) for p in changes.removed)
    facts.update(("restored", p.key) for p in changes.restored)
    facts.update(("edited", e.after.key, c.field) for e in changes.edited for c in e.changes)
    for r in changes.reclassified:
        facts.update(("reclassified", r.pledge.key, "added", t.key) for t in r.terms_added)
        facts.update(("reclassified", r.pledge.key, "dropped", t.key) for t in r.terms_removed)
    return facts


@dataclass(frozen=True)
class CaseOutcome:
    """One (seed, event): the faulty run's false alarms, and whether healing told the truth."""

    seed: int
    hit: str  # the page (or term) the event hit
    false_alarms: Counter[Fact]  # told by the faulty run, absent from the truth
    partial: bool  # the faulty run was stored as partial (a failed page)
    healed: Counter[Fact]  # told by the healed run, plus the faulty one when it was the baseline
    since_day0: Counter[Fact]  # the healed run against day 0: what the store now believes
    truth: Counter[Fact]

    def false(self, kind: str) -> int:
        return sum(n for fact, n in self.false_alarms.items() if fact[0] == kind)

    @property
    def is_healed(self) -> bool:
        return self.healed == self.truth == self.since_day0

    @property
    def is_clean(self) -> bool:
        return not self.false_alarms and self.is_healed

    def describe(self) -> str:
        wrong = dict(self.false_alarms)
        missing = dict(self.truth - self.healed)
        extra = dict(self.healed - self.truth)
        store = "" if self.since_day0 == self.truth else f"; the store against day 0: {dict(self.since_day0)}"
        return (f"seed {self.seed} at {self.hit}: false alarms {wrong or 'none'}; after healing "
                f"left out {missing or 'nothing'}, told wrongly or twice {extra or 'nothing'}{store}")


@dataclass
class EventTable:
    """Rows by event name, filled as the generative test runs, printed at the end."""

    rows: dict[str, list[CaseOutcome]] = field(default_factory=dict)

    def add(self, event: str, outcome: CaseOutcome) -> None:
        self.rows.setdefault(event, []).append(outcome)

    def lines(self) -> list[str]:
        head = (f"  {'event':28} {'seeds':>5} {'partial':>7} {'false removed':>13} "
                f"{'false re-class.':>15} {'other false':>11} {'truth healed':>12}")
        out = [head]
        for event, cases in self.rows.items():
            other = sum(sum(c.false_alarms.values()) - c.false("removed") - c.false("reclassified")
                        for c in cases)
            healed = f"{sum(c.is_healed for c in cases)}/{len(cases)}"
            out.append(f"  {event:28} {len(cases):>5} {sum(c.partial for c in cases):>7} "
                       f"{sum(c.false('removed') for c in cases):>13} "
                       f"{sum(c.false('reclassified') for c in cases):>15} {other:>11} {healed:>12}")
        cases = [c for rows in self.rows.values() for c in rows]
        clean = sum(c.is_clean for c in cases)
        out.append(f"page events: {len(self.rows)} events x seeds = {len(cases)} cases, "
                   f"{clean} without a false alarm and healed to the truth")
        return out
