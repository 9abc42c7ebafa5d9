"""PLEDGEWATCH_NOW sets the clock every time rule reads; unset, it is the machine's."""

from datetime import UTC, datetime, timedelta

import pytest

from pledgewatch.core import clock
from pledgewatch.core.errors import InputError


def test_unset_the_clock_is_the_machines(monkeypatch):
    monkeypatch.delenv(clock.ENV, raising=False)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


@pytest.mark.parametrize("raw, expected", [
    ("2026-12-07T06:00:00Z", datetime(2026, 12, 7, 6, tzinfo=UTC)),
    ("2026-12-07T07:00:00+01:00", datetime(2026, 12, 7, 6, tzinfo=UTC)),
    ("2026-12-07", datetime(2026, 12, 7, tzinfo=UTC)),
])
def test_set_the_clock_starts_there_and_runs_on(monkeypatch, raw, expected):
    monkeypatch.setenv(clock.ENV, raw)
    first, second = clock.now(), clock.now()
    assert expected <= first <= second < expected + timedelta(seconds=5)
    assert first.tzinfo is not None


def test_a_new_value_moves_the_clock_at_once(monkeypatch):
    monkeypatch.setenv(clock.ENV, "2026-01-01T00:00:00Z")
    clock.now()
    monkeypatch.setenv(clock.ENV, "2026-01-31T00:00:00Z")
    assert clock.now().date().isoformat() == "2026-01-31"


def test_a_malformed_value_is_named(monkeypatch):
    monkeypatch.setenv(clock.ENV, "yesterday")
    with pytest.raises(InputError, match="PLEDGEWATCH_NOW='yesterday'"):
        clock.now()
