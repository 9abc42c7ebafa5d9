"""Record pages that fail: 404, 410, 500, a changed layout. Only a record page gone while its
pledge is missing from complete listings removes it; anything else is a failed read, never an
edit and never a removal."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from pledgewatch.config import Config
from pledgewatch.pipeline import RunOutcome, run_once
from tests.faults.app import load, write_config
from tests.faults.sites import SITE, SMALL, faulty_site

pytestmark = pytest.mark.timeout(180)

LISTED = {  # pledges every site here still lists, their record pages broken four ways
    f"{SITE}/pfp/ppd/13171": {"status": 404},
    f"{SITE}/pfp/ppd/13185": {"status": 410},
    f"{SITE}/pfp/ppd/13150": {"status": 500},
}
# A listing page where a record should be: read whole, it has no record's fields.
LAYOUT = f"{SITE}/pfp/ppd/13234"
MAYORS_PAGE_0 = "pages/contributors/mayors-local-and-regional-governments/page-0.html"
REMOVED = f"{SITE}/pfp/ppd/13122"  # gone from the after site's listings; its record says 410


def config(tmp_path: Path, plan: str = "full") -> Config:
    loaded = load(write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}"))
    return replace(loaded, crawl=replace(loaded.crawl, plan=plan))


def listing_body() -> bytes:
    return (SMALL / "before" / MAYORS_PAGE_0).read_bytes()


def counts(outcome: RunOutcome) -> dict[str, int]:
    return {k: v for k, v in outcome.counts.items() if v}


@pytest.mark.scenario("record pages of listed pledges answer 404, 410, 500 or a changed layout: "
                      "no removal, no edit")
def test_broken_record_pages_of_listed_pledges_change_nothing(tmp_path: Path) -> None:
    broken = faulty_site(tmp_path / "broken", LISTED, bodies={LAYOUT: listing_body()})
    settings = config(tmp_path)
    run_once(settings, replay=SMALL / "before", mail=False)
    second = run_once(settings, replay=broken, mail=False)
    assert counts(second) == {}
    assert second.complete  # every listing page was read: the records' failures are notes


@pytest.mark.parametrize("record, removed", [
    pytest.param({"status": 410}, 1, id="410: removed that day"),
    pytest.param({"status": 404}, 1, id="404: removed that day"),
    pytest.param({"status": 500}, 0, id="500: proves nothing"),
    pytest.param({"status": 200, "body": MAYORS_PAGE_0}, 0,
                 id="layout changed: proves nothing"),
])
@pytest.mark.scenario("a pledge gone from the listings of a cover run is removed only by its "
                      "record page answering 404 or 410")
def test_a_cover_run_removes_only_on_the_records_word(tmp_path: Path, record: dict,
                                                      removed: int) -> None:
    after = faulty_site(tmp_path / "after", {REMOVED: record}, base="after")
    settings = config(tmp_path, plan="cover")
    run_once(settings, replay=SMALL / "before", mail=False)  # no complete run yet: full
    second = run_once(settings, replay=after, mail=False)
    assert second.plan.startswith("cover")
    assert second.counts["removed"] == removed
    assert second.counts["unlisted"] == 0
    if not removed:
        assert second.counts["not_seen"] == 1  # told as not seen, never as removed
