"""What time pledgewatch believes it is: the system clock, or ``PLEDGEWATCH_NOW``.

Rules that depend on time (a record due for re-reading, a term due for a full crawl, runs
stored in the order they were crawled) are tested, and a month of daily runs simulated, by
setting ``PLEDGEWATCH_NOW`` to an ISO 8601 instant: the clock starts there and runs on at
the machine's pace, so days pass without sleeping and a process still sees time move.
Every "now" the product reads comes from :func:`now`; the crawl's child process inherits
the variable, so the run file and the store agree on the day.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from pledgewatch.core.errors import InputError

ENV = "PLEDGEWATCH_NOW"

_origin: tuple[str, datetime, float] | None = None  # (the variable's text, its instant, monotonic then)


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    global _origin
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return datetime.now(UTC)
    if _origin is None or _origin[0] != raw:
        _origin = (raw, parse_override(raw), time.monotonic())
    return _origin[1] + timedelta(seconds=time.monotonic() - _origin[2])


def parse_override(raw: str) -> datetime:
    """``2026-12-07T06:00:00Z`` (or with an offset; a date alone is midnight UTC)."""
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise InputError(f"{ENV}={raw!r}: expected an ISO 8601 instant such as "
                         "2026-12-07T06:00:00Z") from None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
