"""Random multi-term sites and every single-page event of the catalogue: the run that meets
the event reports no change the truth does not have, and the run after it heals tells the
truth, all of it, once.

For each seed a random site (``random_sites.py``) is crawled on day 0 (run 1), on day 1
with one event on one page chosen by the seed (run 2), and on day 1 healed (run 3), by the
real spider over the loopback fixture server; the run files are ingested into a real SQLite
file. The table of events x outcomes is printed at the end of the test run.
``PLEDGEWATCH_EVENT_SEEDS=N`` tries N seeds (default 3).
"""

from __future__ import annotations

import os
import random
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from tests.faults.event_outcomes import CaseOutcome, EventTable, told
from tests.faults.page_events import CATALOGUE, Hit, PageEvent, choose_hit
from tests.faults.random_sites import RandomSite, random_site, write_site
from tests.faults.sites import crawl

pytestmark = pytest.mark.timeout(600)
SEEDS = tuple(range(1, 1 + int(os.environ.get("PLEDGEWATCH_EVENT_SEEDS", "3"))))


@dataclass(frozen=True)
class SeedRuns:
    site: RandomSite
    baseline_db: Path  # run 1 (day 0) ingested
    healed: Path  # the day-1 crawl without any event
    faulty: dict[str, tuple[Hit, Path]]  # by event name: where it hit, the crawl


def _crawl_all(jobs: dict[Path, tuple[Path, dict[str, Any]]]) -> None:
    """Crawl each site (value) to its run file (key), three at a time."""
    with ThreadPoolExecutor(max_workers=3) as pool:
        for future in [pool.submit(crawl, site, out, **settings)
                       for out, (site, settings) in jobs.items()]:
            future.result()


def _faulty_site(folder: Path, site: RandomSite, event: PageEvent) -> tuple[Hit, Path]:
    hit = choose_hit(event, site, random.Random(f"{site.seed}-{event.name}"))
    target = write_site(folder / f"{site.seed}-{event.name}", site, site.day1, f"day 1, {event.name}")
    event.apply(target, hit)
    return hit, target


def _baseline(folder: Path, seed: int, run_file: Path) -> Path:
    path = folder / f"baseline-{seed}.db"
    factory = open_database(f"sqlite:///{path}")
    try:
        ingest_run_file(factory, run_file)
    finally:
        factory.kw["bind"].dispose()
    return path


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[int, SeedRuns]:
    """Every crawl, in crawl order: day 0, then day 1 with each event, then day 1 healed."""
    folder = tmp_path_factory.mktemp("page-events")
    sites = {seed: random_site(seed) for seed in SEEDS}
    day0 = {s: folder / f"{s}-day0.jsonl" for s in SEEDS}
    _crawl_all({day0[s]: (write_site(folder / f"{s}-day0", site, site.day0, "day 0"), {})
                for s, site in sites.items()})
    hits = {(s, e.name): _faulty_site(folder, site, e) for s, site in sites.items() for e in CATALOGUE}
    settings = {e.name: e.settings for e in CATALOGUE}
    _crawl_all({folder / f"{s}-{name}.jsonl": (target, settings[name])
                for (s, name), (_, target) in hits.items()})
    healed = {s: folder / f"{s}-day1.jsonl" for s in SEEDS}
    _crawl_all({healed[s]: (write_site(folder / f"{s}-day1", site, site.day1, "day 1"), {})
                for s, site in sites.items()})
    return {s: SeedRuns(site, _baseline(folder, s, day0[s]), healed[s],
                        {e.name: (hits[s, e.name][0], folder / f"{s}-{e.name}.jsonl")
                         for e in CATALOGUE})
            for s, site in sites.items()}


def run_case(runs: SeedRuns, event: str, folder: Path) -> CaseOutcome:
    """Runs 2 and 3 on a copy of the seed's baseline database."""
    hit, faulty = runs.faulty[event]
    db = folder / f"{runs.site.seed}-{event}.db"
    shutil.copyfile(runs.baseline_db, db)
    factory = open_database(f"sqlite:///{db}")
    try:
        during = ingest_run_file(factory, faulty)
        with factory() as session:
            told_during = told(changes_between(session, None, during.run_id))
        after = ingest_run_file(factory, runs.healed)
        with factory() as session:
            healing = changes_between(session, None, after.run_id)
            since_day0 = told(changes_between(session, 1, after.run_id))
    finally:
        factory.kw["bind"].dispose()
    truth = runs.site.truth()
    told_in_all = told(healing) + (told_during if healing.from_run == during.run_id else Counter())
    return CaseOutcome(runs.site.seed, hit.url, told_during - truth, not during.complete,
                       told_in_all, since_day0, truth)


def _ids(events: tuple[PageEvent, ...]) -> list[str]:
    return [e.name for e in events]


@pytest.mark.scenario("a page event on a random site: no false alarm, the healed run tells the truth")
@pytest.mark.parametrize("event", CATALOGUE, ids=_ids(CATALOGUE))
def test_a_page_event_raises_no_false_alarm_and_the_healed_run_tells_the_truth(
    event: PageEvent, seeds: dict[int, SeedRuns], event_table: EventTable, tmp_path: Path
) -> None:
    outcomes = [run_case(runs, event.name, tmp_path) for runs in seeds.values()]
    for outcome in outcomes:
        event_table.add(event.name, outcome)
    failures = [o.describe() for o in outcomes if not o.is_clean]
    assert not failures, "\n".join(failures)


def test_every_random_site_has_a_multi_page_term_and_true_changes() -> None:
    """The generator's promises the catalogue relies on, over many seeds."""
    for seed in range(1, 60):
        site = random_site(seed)
        assert any(len(site.day0.pages(t)) > 1 for t in site.terms), seed
        assert 3 <= len(site.terms) <= 5 and sum(site.truth().values()) == 5, seed
        shared = Counter(n for members in site.day0.members.values() for n in members)
        assert max(shared.values()) > 1, f"seed {seed}: no pledge is shared across terms"

