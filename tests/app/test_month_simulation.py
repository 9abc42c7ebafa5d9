"""The month simulation (``tools/sim``): its scoring and site model, and a few days of the real
pipeline over a changing site, the days passing by ``PLEDGEWATCH_NOW``."""

from __future__ import annotations

import json
from pathlib import Path
from random import Random

import pytest
from sqlalchemy import select

from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import Run
from tools.sim.fetches import count_fetches
from tools.sim.month import run_plan
from tools.sim.render import write_site
from tools.sim.score import DayReport, score
from tools.sim.site import ChangeMix, Site, TrueChange
from tools.sim.table import _within

A, B, C, D = (f"/pfp/ppd/{n}" for n in (1001, 1002, 1003, 1004))


def test_a_reported_change_is_true_only_inside_its_reports_window() -> None:
    truth = [TrueChange(1, "new", A), TrueChange(2, "teaser_edit", B), TrueChange(2, "removed", C)]
    reports = [
        DayReport(0, None, {"new": [{"key": k} for k in (A, B, C)]}),  # the baseline: not scored
        DayReport(1, 0, {"new": [{"key": A}]}),
        # Day 2 compares with day 1: A was new on day 1 and told then; D never changed.
        DayReport(2, 1, {"new": [{"key": A}], "edited": [{"key": B}], "removed": [{"key": C}],
                         "reclassified": [{"key": D}], "not_seen": [{"key": D}]}),
        # Day 3 compares with day 1 again (day 2 was, say, incomplete): B's edit is repeated.
        DayReport(3, 1, {"edited": [{"key": B}], "unlisted": [{"key": D}]}),
    ]
    result = score(truth, reports)
    assert (result.delays["new"], result.delays["teaser_edit"], result.delays["removed"]) == (
        [0], [0], [0])
    assert result.false == [(2, "reclassified", D), (3, "unlisted", D)]
    assert result.told_again == [(2, "new", A)]  # told on day 1 already
    assert result.notes == 1


def test_a_change_reported_late_has_its_delay_and_one_never_reported_is_missed() -> None:
    truth = [TrueChange(1, "record_only_edit", A), TrueChange(2, "reclassified", B)]
    reports = [DayReport(1, 0, {}), DayReport(2, 1, {}), DayReport(5, 2, {"edited": [{"key": A}]}),
               DayReport(6, 5, {"edited": [{"key": A}]})]
    result = score(truth, reports)
    assert result.delays["record_only_edit"] == [4]  # read on day 5: late, not false
    assert result.missed["reclassified"] == [truth[1]]
    assert result.false == [] and result.told_again == [(6, "edited", A)]  # told twice
    assert result.share("reclassified") == 0.0


def test_a_record_only_edit_is_found_only_in_a_field_the_teaser_does_not_show() -> None:
    truth = [TrueChange(1, "record_only_edit", A), TrueChange(2, "teaser_edit", A),
             TrueChange(2, "record_only_edit", B)]
    reports = [DayReport(1, 0, {}),  # day 2 compares with day 0: A's day-1 edit is inside
               DayReport(2, 0, {"edited": [{"key": A, "changes": {"summary": {}}},
                                           {"key": B, "changes": {"summary": {}, "body": {}}}]})]
    result = score(truth, reports)
    assert result.missed["record_only_edit"] == [truth[0]]  # A's report is its teaser edit
    assert result.delays["record_only_edit"] == [0]  # B's body edit, its teaser's words beside it
    assert result.delays["teaser_edit"] == [0]
    assert result.false == []


def test_a_change_not_found_yet_is_late_only_once_its_time_is_up() -> None:
    truth = [TrueChange(1, "record_only_edit", A), TrueChange(9, "record_only_edit", B)]
    result = score(truth, [DayReport(3, 0, {"edited": [{"key": A}]}), DayReport(10, 3, {})])
    assert result.delays["record_only_edit"] == [2]
    assert _within(result, "record_only_edit", 7, last=10)  # B has until day 16
    assert not _within(result, "record_only_edit", 7, last=16)
    assert not _within(result, "record_only_edit", 1, last=10)  # A took 2 days


def test_the_run_file_counts_retries_and_304s_and_the_days_bodies(tmp_path: Path) -> None:
    lines = [{"type": "page", "url": "https://gfmd.org/t", "status": 200},
             {"type": "page", "url": "https://gfmd.org/t?page=1", "status": 500},
             {"type": "page", "url": "https://gfmd.org/u", "status": 304, "not_modified": True},
             {"type": "teaser", "url": "https://gfmd.org/pfp/ppd/1"},
             {"type": "record", "url": "https://gfmd.org/pfp/ppd/1", "status": 200},
             {"type": "crawl"}]
    run_file = tmp_path / "run.jsonl"
    run_file.write_text("".join(json.dumps(line) + "\n" for line in lines))
    sizes = {"/robots.txt": 10, "/t": 100, "/t?page=1": 7, "/u": 1000, "/pfp/ppd/1": 50}
    fetches = count_fetches(run_file, sizes)
    # robots.txt, /t, /t?page=1 four times (three retries of a 500), /u, the record.
    assert (fetches.requests, fetches.listing, fetches.records, fetches.not_modified) == (8, 6, 1, 1)
    assert fetches.bytes == 10 + 100 + 4 * 7 + 50
    assert fetches.minutes(10.0) == 8 * 10 / 60


def test_an_edit_past_the_trim_rewrites_the_record_page_only(tmp_path: Path) -> None:
    rng = Random(3)
    site = Site.generate(30, rng, per_group=2)
    first = write_site(site, tmp_path)
    assert first.kept == 0
    pledge = site.pledges[min(site.pledges)]
    teaser = pledge.summary
    pledge.paragraphs[-1] += " A sentence added at the end."
    assert pledge.summary == teaser  # the body has paragraphs past the trim
    again = write_site(site, tmp_path)
    assert (again.written, again.deleted) == (1, 0)  # robots, listings, other records: as they were
    assert again.kept == first.written - 1


def test_a_removed_record_answers_404_or_410_and_its_file_goes(tmp_path: Path) -> None:
    site = Site.generate(30, Random(3), per_group=2)
    write_site(site, tmp_path)
    odd, even = (min(n for n in site.pledges if n % 2 == parity) for parity in (1, 0))
    for nid in (odd, even):
        site._removed(1, Random(0), site.pledges[nid])
    write_site(site, tmp_path)
    responses = {r["url"]: r for r in json.loads((tmp_path / "site.json").read_text())["responses"]}
    assert f"https://gfmd.org/pfp/ppd/{odd}" not in responses  # no entry: the server's 404
    assert responses[f"https://gfmd.org/pfp/ppd/{even}"] == {
        "url": f"https://gfmd.org/pfp/ppd/{even}", "status": 410, "note": "removed"}
    assert not (tmp_path / f"pages/pfp/ppd/{odd}.html").exists()


def test_listings_are_newest_first_ten_a_page() -> None:
    site = Site.generate(60, Random(5), per_group=2)
    for nids in site.members():
        assert nids == sorted(nids, reverse=True)
    sizes = [len(nids) for nids in site.members()]
    assert len(site.page_urls()) == sum(max(1, -(-n // 10)) for n in sizes)


@pytest.mark.slow
def test_four_days_of_full_crawls_find_each_days_changes_that_day(tmp_path: Path) -> None:
    mix = ChangeMix(new=25, teaser_edit=25, record_only_edit=17, removed=25, reclassified=17,
                    term_renamed=0.5, failing_page=0)
    result = run_plan("full", pledges=60, days=4, out=tmp_path, mix=mix, per_group=2)

    factory = open_database(f"sqlite:///{tmp_path / 'full' / 'pledgewatch.db'}")
    with factory() as session:
        finished = [run.finished_at for run in session.scalars(select(Run).order_by(Run.id))]
    factory.dispose()
    assert [f"{moment:%Y-%m-%d}" for moment in finished if moment] == [
        "2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04", "2026-11-05"]

    assert all(day.complete for day in result.days)
    assert all(day.fetches.listing == day.pages for day in result.days)  # every page, once
    s = result.score
    # A full crawl reads every record page too: an edit only a record shows is seen that day.
    for kind in ("new", "teaser_edit", "record_only_edit", "removed", "reclassified"):
        assert s.total(kind) >= 1, kind
        assert s.missed[kind] == [], kind
        assert set(s.delays[kind]) == {0}, kind
    assert s.false == [] and s.told_again == []


@pytest.mark.slow
def test_a_cover_month_tells_every_change_in_its_time_for_a_fraction_of_the_requests(
        tmp_path: Path) -> None:
    mix = ChangeMix(new=25, teaser_edit=25, record_only_edit=17, removed=25, reclassified=17,
                    term_renamed=0.5, failing_page=0)
    full = run_plan("full", pledges=60, days=8, out=tmp_path / "f", mix=mix, per_group=2)
    cover = run_plan("cover", pledges=60, days=8, out=tmp_path / "c", mix=mix, per_group=2)
    assert [d.changes for d in cover.days] == [d.changes for d in full.days]  # the same month
    assert cover.mean_requests() < full.mean_requests()
    s = cover.score
    for kind in ("new", "teaser_edit", "removed"):  # seen on the day, as a full crawl sees them
        assert s.missed[kind] == [] and set(s.delays[kind]) <= {0}, kind
    for kind, within in (("record_only_edit", cover.max_age_days),
                         ("reclassified", cover.full_every_days)):
        assert all(delay < within for delay in s.delays[kind]), kind
    assert s.false == []


@pytest.mark.slow
def test_term_renames_and_failing_pages_change_no_pledge(tmp_path: Path) -> None:
    quiet = ChangeMix(new=0, teaser_edit=0, record_only_edit=0, removed=0, reclassified=0,
                      term_renamed=1.0, failing_page=1.0)
    result = run_plan("full", pledges=40, days=1, out=tmp_path, mix=quiet, per_group=2)
    for day in result.days[1:]:
        assert sorted(c.kind for c in day.changes) == ["failing_page", "term_renamed"]
        assert not day.complete  # a page answered 500: removals would wait, nothing is invented
        claims = {kind: entries for kind, entries in day.report.entries.items() if kind != "not_seen"}
        assert all(entries == [] for entries in claims.values()), claims
    assert result.score.false == []
