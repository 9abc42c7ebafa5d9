"""The fault suite's scenario ledger, and the fixtures its tests share.

Every test here carries ``@pytest.mark.scenario("what is tried: what must hold")``. The
plugin below records each scenario's outcome on every backend it ran on and, at the end of
the test run, prints ``fault scenarios: N tried, N held`` with the list, so CI logs show
which promises were exercised and kept (``docs/reliability.md`` lists them too).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from tests.faults.event_outcomes import EventTable
from tests.faults.sites import ConnectionTrap, Crawled

BACKEND_IDS = ("sqlite", "postgresql")
_LEDGER = pytest.StashKey["Ledger"]()
_EVENTS = pytest.StashKey[EventTable]()


@dataclass
class Outcome:
    held_on: list[str] = field(default_factory=list)
    broken_on: list[str] = field(default_factory=list)
    known_bug: str | None = None
    skipped: str | None = None

    @property
    def verdict(self) -> str:
        if self.broken_on:
            return "BROKEN"
        if self.known_bug:
            return "XFAIL"
        if self.held_on:
            return "held"
        return "skipped"


@dataclass
class Ledger:
    scenarios: dict[str, Outcome] = field(default_factory=dict)

    def outcome(self, label: str) -> Outcome:
        return self.scenarios.setdefault(label, Outcome())


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "scenario(text): a fault or hostile-input scenario; counted in the summary"
    )
    config.stash[_LEDGER] = Ledger()
    config.stash[_EVENTS] = EventTable()


def scenario_label(item: pytest.Item) -> str | None:
    """The marker's text, plus the non-backend parameter ids (``[500]``, ``[timeout]``)."""
    marker = item.get_closest_marker("scenario")
    if marker is None:
        return None
    label = str(marker.args[0])
    callspec = getattr(item, "callspec", None)
    if callspec is not None:
        parts = [p for p in callspec.id.split("-") if p not in BACKEND_IDS]
        if parts:
            label += f" [{'-'.join(parts)}]"
    return label


def _backend(item: pytest.Item) -> str:
    callspec = getattr(item, "callspec", None)
    ids = callspec.id.split("-") if callspec is not None else []
    return next((b for b in BACKEND_IDS if b in ids), "-")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    label = scenario_label(item)
    if label is None:
        return report
    outcome = item.config.stash[_LEDGER].outcome(label)
    backend = _backend(item)
    if hasattr(report, "wasxfail"):
        outcome.known_bug = str(report.wasxfail) or "xfail"
    elif report.failed:
        outcome.broken_on.append(f"{backend} ({report.when})")
    elif report.skipped and report.when in ("setup", "call"):
        outcome.skipped = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else "skipped"
    elif report.passed and report.when == "call":
        outcome.held_on.append(backend)
    return report


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    print_ledger(terminalreporter)
    events = terminalreporter.config.stash.get(_EVENTS, None)
    if events is not None and events.rows:
        terminalreporter.section("page events x outcomes")
        for line in events.lines():
            terminalreporter.write_line(line)


def print_ledger(terminalreporter: pytest.TerminalReporter) -> None:
    ledger = terminalreporter.config.stash.get(_LEDGER, None)
    if ledger is None or not ledger.scenarios:
        return
    outcomes = ledger.scenarios
    held = sum(o.verdict == "held" for o in outcomes.values())
    tried = sum(o.verdict != "skipped" for o in outcomes.values())
    xfail = sum(o.verdict == "XFAIL" for o in outcomes.values())
    broken = sum(o.verdict == "BROKEN" for o in outcomes.values())
    write = terminalreporter.write_line
    terminalreporter.section("fault scenarios")
    for label, outcome in sorted(outcomes.items()):
        where = ", ".join(sorted(set(outcome.held_on) - {"-"}))
        detail = {
            "held": f" ({where})" if where else "",
            "XFAIL": f" (known bug: {outcome.known_bug})",
            "BROKEN": f" (failed on {', '.join(outcome.broken_on)})",
            "skipped": f" ({outcome.skipped})",
        }[outcome.verdict]
        write(f"  {outcome.verdict:7} {label}{detail}")
    extra = f", {xfail} known bug{'s' if xfail > 1 else ''} (xfail)" if xfail else ""
    extra += f", {broken} BROKEN" if broken else ""
    write(f"fault scenarios: {tried} tried, {held} held{extra}")


@pytest.fixture(scope="session")
def connection_trap() -> Iterator[ConnectionTrap]:
    """A listener on 127.0.0.1 standing in for another domain: it counts who connects."""
    with ConnectionTrap() as trap:
        yield trap


@pytest.fixture(scope="session")
def event_table(pytestconfig: pytest.Config) -> EventTable:
    """The generative test's outcomes by page event, printed at the end of the run."""
    return pytestconfig.stash[_EVENTS]


@pytest.fixture(scope="session")
def crawl_cache() -> dict[str, Crawled]:
    """Crawls by name, so a crawl checked by several tests (or backends) runs once."""
    return {}

