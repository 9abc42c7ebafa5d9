"""Source health: what counts as broken, and only a change of state is news."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch import health


@pytest.mark.parametrize(
    ("ok", "failed", "teasers", "status", "says"),
    [
        (10, 0, 60, "ok", "10 listing pages fetched"),
        (9, 1, 50, "ok", "1 failed"),
        (7, 3, 40, "broken", "3 of 10 listing pages failed"),
        (10, 0, 0, "broken", "layout may have changed"),
        (0, 0, 0, "broken", "no listing page at all"),
    ],
    ids=["healthy", "one-page-failed", "too-many-failed", "layout-changed", "nothing-fetched"],
)
def test_a_crawl_is_judged_by_failed_share_and_readable_pledges(
    ok: int, failed: int, teasers: int, status: str, says: str
) -> None:
    verdict = health.judge_crawl(ok, failed, teasers, max_failed_share=0.2)
    assert verdict.status == status and says in verdict.reason


def test_only_a_change_of_state_is_a_transition(factory: sessionmaker[Session]) -> None:
    start = datetime(2026, 3, 1, 6, tzinfo=UTC)
    broken, fine = health.Verdict("broken", "down"), health.Verdict("ok", "up")
    seen = []
    for day, verdict in enumerate([fine, broken, broken, broken, fine, fine]):
        with factory.begin() as session:
            seen.append(health.record(session, verdict, day + 1, now=start + timedelta(days=day)))
    assert [t.status if t else None for t in seen] == [None, "broken", None, None, "ok", None]
    recovered = seen[4]
    assert recovered is not None and recovered.since == start + timedelta(days=1)
    subject, body = health.alert_text(recovered, "gfmd.org")
    assert "recovered" in subject and "broken since 2026-03-02 06:00 UTC" in body
