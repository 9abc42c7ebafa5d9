"""Source health: one alert when gfmd.org or the spider breaks, one when it recovers.

A daily job that fails every day for a week should not send seven alerts, so
the last known state lives in the ``state`` table (key ``source.health``) and
only a change of state produces a message. What counts as broken: the run
failed outright, too large a share of listing pages failed, or pages came back
fine but no teaser could be parsed from any of them (the layout changed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from pledgewatch.storage.models import State
from pledgewatch.storage.types import utcnow

STATE_KEY = "source.health"
OK, BROKEN = "ok", "broken"


@dataclass(frozen=True, slots=True)
class Verdict:
    status: str  # ok | broken
    reason: str


@dataclass(frozen=True, slots=True)
class Transition:
    """A change of state that editors are told about."""

    status: str  # the new state: broken, or ok (recovered)
    reason: str
    since: datetime  # when the previous state began
    run_id: int | None


def judge_crawl(pages_ok: int, pages_failed: int, teasers: int, max_failed_share: float) -> Verdict:
    """Whether a crawl that ran to ingest shows a healthy source."""
    pages = pages_ok + pages_failed
    if pages == 0:
        return Verdict(BROKEN, "the crawl fetched no listing page at all")
    if pages_failed / pages > max_failed_share:
        return Verdict(
            BROKEN,
            f"{pages_failed} of {pages} listing pages failed "
            f"(more than {max_failed_share:.0%})",
        )
    if pages_ok and teasers == 0:
        return Verdict(
            BROKEN,
            f"{pages_ok} listing pages were fetched but no pledge could be read from them: "
            "the site's layout may have changed",
        )
    return Verdict(OK, f"{pages_ok} listing pages fetched, {pages_failed} failed")


def judge_failure(error: str) -> Verdict:
    return Verdict(BROKEN, f"the run failed: {error}")


def current(session: Session) -> dict[str, Any]:
    """The stored state: ``{"status", "reason", "since", "checked", "run_id"}``; ok when new."""
    row = session.get(State, STATE_KEY)
    return dict(row.value) if row is not None else {"status": OK, "reason": "no run yet"}


def record(
    session: Session, verdict: Verdict, run_id: int | None, now: datetime | None = None
) -> Transition | None:
    """Store the verdict; return the transition when the state changed, else None."""
    now = now or utcnow()
    before = current(session)
    changed = before.get("status", OK) != verdict.status
    since = before.get("since") or now.isoformat()
    value = {
        "status": verdict.status,
        "reason": verdict.reason,
        "since": now.isoformat() if changed else since,
        "checked": now.isoformat(),
        "run_id": run_id,
    }
    row = session.get(State, STATE_KEY)
    if row is None:
        session.add(State(key=STATE_KEY, value=value, updated_at=now))
    else:
        row.value, row.updated_at = value, now
    if not changed:
        return None
    return Transition(verdict.status, verdict.reason, datetime.fromisoformat(since), run_id)


def alert_text(transition: Transition, site_name: str) -> tuple[str, str]:
    """Subject and body of the one message sent for a transition."""
    when = transition.since.strftime("%Y-%m-%d %H:%M UTC")
    run = f" (run {transition.run_id})" if transition.run_id is not None else ""
    if transition.status == BROKEN:
        subject = f"[{site_name}] source broken: pledge changes are not being tracked"
        body = (
            f"The last run{run} could not read {site_name} properly: {transition.reason}.\n\n"
            "Change reports may be missing or incomplete until this is fixed. You will get "
            "one more message when it recovers; no further alerts are sent meanwhile.\n"
        )
    else:
        subject = f"[{site_name}] source recovered"
        body = (
            f"The last run{run} read {site_name} normally again ({transition.reason}).\n"
            f"It had been broken since {when}. Change reports resume with this run.\n"
        )
    return subject, body
