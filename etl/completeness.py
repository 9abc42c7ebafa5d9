"""Was a run complete for its plan? Only such a run is a baseline, and only it proves absences.

A run without a plan, or with the ``full`` plan, reads every term whole: it is complete when
the crawl finished, no page failed and every term it met was complete (``term_crawl``).

A ``cover`` run reads the cover terms (and the day's rotation) whole and every other term by
its page 0 only (*probed*). It is complete when the crawl finished, no page failed, every
term it read whole was complete, every probed term's page 0 was read, and the cover held:
every listed pledge the store knows had at least one complete term among its terms. A
pledge none of whose terms was read whole may have left any of them unseen, and a run
compared against one that did not cover it would report its memberships as changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from pledgewatch.core.pledges import Pledge, StoredPledge
from pledgewatch.etl.term_crawl import TermVerdict, every_term_read


def run_complete(*, crawl_complete: bool, verdicts: Iterable[TermVerdict], plan_mode: str | None,
                 stored: Mapping[str, StoredPledge], pledges: Mapping[str, Pledge]) -> bool:
    """``crawl_complete``: the crawl finished and every page it fetched was read."""
    verdicts = list(verdicts)
    if not (crawl_complete and every_term_read(verdicts)):
        return False
    if plan_mode != "cover":
        return True
    return uncovered(stored, pledges, frozenset(v.key for v in verdicts if v.is_complete)) == []


def uncovered(stored: Mapping[str, StoredPledge], pledges: Mapping[str, Pledge],
              complete_terms: frozenset[str]) -> list[str]:
    """Listed pledges with terms none of which was read whole in the run (those without any
    membership have nothing a cover could hold), by key."""
    missed = []
    for key, state in stored.items():
        if not state.present or state.is_linked:
            continue
        seen = pledges.get(key)
        terms = frozenset(state.term_keys).union(seen.term_keys if seen else ())
        if terms and not terms & complete_terms:
            missed.append(key)
    return sorted(missed)
