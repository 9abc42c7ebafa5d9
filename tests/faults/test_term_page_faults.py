"""A term listing page that misbehaves: the run completes, the page record says what failed,
nothing on that term is reported removed, and the next healthy run reports exactly the truth.

Each fault is served by the loopback fixture server to the real spider. The faulty run is a
crawl of the unchanged ``before`` site, so any change it reports is noise.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.storage.db import open_database
from tests.faults.sites import (
    HEALTH,
    MAYORS,
    ConnectionTrap,
    Crawled,
    cached_crawl,
    faulty_site,
    page_record,
)
from tests.faults.truth import NOTHING, TRUE_CHANGES, only_on, summary

pytestmark = pytest.mark.timeout(240)

CHANGED_LAYOUT = (
    b"<!DOCTYPE html><html><head><title>Migration and Health | GFMD</title></head><body>"
    b"<main class='new-theme'><h1>Migration and Health</h1><section class='cards'>"
    b"<article class='card'><h3><a href='/pfp/ppd/13206'>A pledge</a></h3><p>Text</p></article>"
    b"</section></main></body></html>"
)
OVERSIZE = b"<!DOCTYPE html><html><body>" + b"<p>padding</p>" * 450_000 + b"</body></html>"


@dataclass(frozen=True)
class Fault:
    name: str
    fields: dict[str, Any]
    status: int | None
    error: str  # a regular expression the page record's error must match
    body: bytes | None = None
    settings: dict[str, Any] = field(default_factory=dict)


FAULTS = [
    Fault("500", {"status": 500}, 500, r"^HTTP 500"),
    # Over the Retry-After cap: not retried, so the crawl does not wait the 120 s.
    Fault("503-retry-after", {"status": 503, "headers": {"Retry-After": "120"}}, 503,
          r"^HTTP 503: Retry-After 120 s is over the cap; not retried$",
          settings={"PLEDGEWATCH_RETRY_AFTER_MAX": 60}),
    Fault("404", {"status": 404}, 404, r"^HTTP 404"),
    Fault("timeout", {"delay": 3}, None, r"^timeout", settings={"DOWNLOAD_TIMEOUT": 1}),
    Fault("connection-reset", {"reset": True}, None, r"connection lost or reset"),
    Fault("truncated-body", {"truncate": 300}, None, r"^truncated body"),
    Fault("changed-layout", {}, 200, r"layout changed\?", body=CHANGED_LAYOUT),
    Fault("offsite-redirect", {"status": 301}, 301, r"^offsite redirect to http://127\.0\.0\.1:\d+/"),
    Fault("oversize", {}, None, r"oversize response", body=OVERSIZE),
]


def _fault_site(fault: Fault, url: str, target: Path, *, trap_url: str) -> Path:
    fields = dict(fault.fields)
    if fault.name == "offsite-redirect":  # "another domain": a listener that must stay untouched
        fields["redirect"] = f"{trap_url}/pfp/ppd/migration-and-health"
    bodies = {url: fault.body} if fault.body is not None else None
    return faulty_site(target, {url: fields}, bodies=bodies)


@pytest.fixture(scope="module")
def crawls(crawl_cache: dict[str, Crawled], tmp_path_factory: pytest.TempPathFactory,
           connection_trap: ConnectionTrap) -> dict[str, Crawled]:
    """Every crawl of this module, run side by side once: the healthy sites and each fault."""
    jobs: dict[str, tuple[Callable[[Path], Path], dict[str, Any]]] = {
        f"healthy-{name}": (partial(faulty_site, faults={}, base=name), {})
        for name in ("before", "after")
    }
    for fault in FAULTS:
        make = partial(_fault_site, fault, HEALTH, trap_url=connection_trap.url)
        jobs[f"fault-{fault.name}"] = (make, fault.settings)
    jobs["second-page-500"] = (partial(faulty_site, faults={f"{MAYORS}?page=1": {"status": 500}}), {})
    # Runs are stored in the order they were crawled: before, then the faults (side by side),
    # then after, as the tests ingest them.
    first, last = jobs.pop("healthy-before"), jobs.pop("healthy-after")
    crawled = {"healthy-before": cached_crawl(crawl_cache, "healthy-before", tmp_path_factory.mktemp,
                                              first[0], **first[1])}
    with ThreadPoolExecutor(max_workers=3) as pool:
        done = {name: pool.submit(cached_crawl, crawl_cache, name, tmp_path_factory.mktemp, make,
                                  **settings) for name, (make, settings) in jobs.items()}
        crawled |= {name: future.result() for name, future in done.items()}
    crawled["healthy-after"] = cached_crawl(crawl_cache, "healthy-after", tmp_path_factory.mktemp,
                                            last[0], **last[1])
    return crawled


@pytest.fixture
def faulty_crawl(request: pytest.FixtureRequest, crawls: dict[str, Crawled]) -> Crawled:
    """The ``before`` site crawled with a fault on the migration-and-health page."""
    return crawls[f"fault-{request.param.name}"]


@pytest.fixture
def healthy(crawls: dict[str, Crawled]) -> dict[str, Path]:
    """Crawl files of the unchanged ``before`` and ``after`` sites."""
    return {name: crawls[f"healthy-{name}"].path for name in ("before", "after")}


def _ids(faults: list[Fault]) -> list[str]:
    return [f.name for f in faults]


@pytest.mark.scenario("term page fault: the crawl finishes and the page record names the failure")
@pytest.mark.parametrize(("faulty_crawl", "fault"), [(f, f) for f in FAULTS], ids=_ids(FAULTS),
                         indirect=["faulty_crawl"])
def test_the_crawl_finishes_and_the_page_record_says_what_failed(faulty_crawl: Crawled,
                                                                 fault: Fault) -> None:
    page = page_record(faulty_crawl.path, HEALTH)
    result = faulty_crawl.summary
    assert (result.reason, result.pages_ok, result.pages_failed) == ("finished", 9, 1)
    assert (page["ok"], page["status"], page["teasers"]) == (False, fault.status, 0)
    assert re.search(fault.error, page["error"]), page["error"]
    assert faulty_crawl.seconds < 60, "a fault (even Retry-After: 120) must not stall the crawl"


@pytest.mark.scenario("offsite redirect: the spider never connects to the other domain")
@pytest.mark.parametrize("faulty_crawl", [f for f in FAULTS if f.name == "offsite-redirect"],
                         ids=["offsite-redirect"], indirect=True)
def test_an_offsite_redirect_is_never_followed(faulty_crawl: Crawled,
                                               connection_trap: ConnectionTrap) -> None:
    assert faulty_crawl.summary.pages_failed == 1
    assert connection_trap.connections == 0


@pytest.mark.scenario("term page fault: no removal reported, next healthy run reports the truth")
@pytest.mark.parametrize("faulty_crawl", FAULTS, ids=_ids(FAULTS), indirect=True)
def test_no_pledge_of_the_failed_term_is_removed_and_the_next_run_reports_the_truth(
    faulty_crawl: Crawled, healthy: dict[str, Path], db_url: str
) -> None:
    factory = open_database(db_url)
    try:
        ingest_run_file(factory, healthy["before"])
        faulty = ingest_run_file(factory, faulty_crawl.path)
        with factory() as session:
            during = changes_between(session, None, faulty.run_id)
        recovered = ingest_run_file(factory, healthy["after"])
        with factory() as session:
            after = changes_between(session, None, recovered.run_id)
    finally:
        factory.kw["bind"].dispose()
    assert (faulty.complete, faulty.pages_failed, faulty.removed) == (False, 1, 0)
    assert summary(during) == NOTHING
    assert [p.url for p in during.health.failed_pages] == [HEALTH]
    assert sorted(n.pledge.key for n in during.not_seen) == only_on(HEALTH)
    assert (after.from_run, summary(after)) == (1, TRUE_CHANGES)


@pytest.mark.scenario("a failed second page of a term: its pledges keep that term, no noise")
def test_a_failed_second_page_drops_no_term_membership(
    healthy: dict[str, Path], crawls: dict[str, Crawled], db_url: str
) -> None:
    factory = open_database(db_url)
    try:
        ingest_run_file(factory, healthy["before"])
        faulty = ingest_run_file(factory, crawls["second-page-500"].path)
        with factory() as session:
            during = changes_between(session, None, faulty.run_id)
        ingest_run_file(factory, healthy["after"])
        with factory() as session:
            after = changes_between(session)
    finally:
        factory.kw["bind"].dispose()
    assert summary(during) == NOTHING
    assert [t.key for t in during.health.incomplete_terms] == [MAYORS]
    assert summary(after) == TRUE_CHANGES
