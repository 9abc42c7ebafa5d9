"""Runs are stored in the order they were crawled: a run compared with a later one reports
every change backwards (the new pledge as removed, the removed one as new)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# No crawl of the site before this is plausible: the database went online after it.
EARLIEST_CRAWL = datetime(2010, 1, 1, tzinfo=UTC)
# Clocks drift and zones get mislabelled; more than this ahead of now is a wrong clock.
MAX_CLOCK_SKEW = timedelta(days=1)


def crawl_time_problem(finished: datetime | None, newest_stored: datetime | None,
                       now: datetime) -> str | None:
    """Why a crawl that finished at ``finished`` can't be stored next, or None when it can.

    >>> now = datetime(2026, 12, 7, tzinfo=UTC)
    >>> crawl_time_problem(datetime(2026, 12, 6, tzinfo=UTC), datetime(2026, 12, 5, tzinfo=UTC), now)
    >>> crawl_time_problem(datetime(1, 1, 1, tzinfo=UTC), None, now)
    'the crawl finished at 0001-01-01T00:00:00+00:00, before 2010: a wrong clock or a wrong file'
    """
    if finished is None:
        return None  # a file cut short says nothing of its time; its run is partial anyway
    if finished < EARLIEST_CRAWL:
        return f"the crawl finished at {finished.isoformat()}, before 2010: a wrong clock or a wrong file"
    if finished > now + MAX_CLOCK_SKEW:
        return f"the crawl finished at {finished.isoformat()}, more than a day from now: a wrong clock"
    if newest_stored is not None and finished < newest_stored:
        return (f"the crawl finished at {finished.isoformat()}, before the newest stored run "
                f"({newest_stored.isoformat()}): runs must be stored in the order they were crawled")
    return None
