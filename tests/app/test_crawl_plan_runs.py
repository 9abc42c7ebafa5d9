"""Runs with a crawl plan, end to end over loopback: conditional requests and cover runs.

A second run of an unchanged site asks conditionally and is answered 304 for every listing
page; it stores exactly what a run without conditional requests stores, and reports nothing.
A cover run reads fewer listing pages than the full run before it.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledgewatch.config import CrawlConfig
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.pipeline import run_once
from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.storage.db import open_database
from pledgewatch.storage.models import (
    Absence,
    Membership,
    Pledge,
    PledgeVersion,
    Presence,
    Run,
    Term,
    TermCrawl,
)
from tests.app.conftest import app_config

BEFORE = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small" / "before"


def run_config(tmp_path: Path, db_url: str, plan: str):
    config = app_config(tmp_path, db_url)
    return replace(config, crawl=CrawlConfig(runs_dir=tmp_path / "runs", timeout_seconds=120,
                                             keep_files=True, plan=plan))


def page_lines(tmp_path: Path, run: int) -> list[dict[str, Any]]:
    """The page lines of the ``run``-th crawl file (1-based) kept in ``runs``."""
    files = sorted((tmp_path / "runs").glob("crawl-*.jsonl"))
    lines = (json.loads(line) for line in files[run - 1].read_text().splitlines())
    return [line for line in lines if line["type"] == "page"]


def stored_state(session: Session) -> dict[str, Any]:
    """What the store believes, by keys rather than row ids."""
    key = dict(session.execute(select(Pledge.id, Pledge.key)).all())
    term = dict(session.execute(select(Term.id, Term.key)).all())
    return {
        "runs": sorted(session.execute(select(Run.id, Run.complete, Run.pages_ok,
                                              Run.pages_failed, Run.teasers, Run.pledges_seen))),
        "versions": sorted((key[v.pledge_id], v.number, v.content_hash, v.from_run, v.to_run)
                           for v in session.scalars(select(PledgeVersion))),
        "memberships": sorted((key[m.pledge_id], term[m.term_id], m.from_run, m.to_run)
                              for m in session.scalars(select(Membership))),
        "presences": sorted((key[p.pledge_id], p.from_run, p.to_run)
                            for p in session.scalars(select(Presence))),
        "absences": sorted((a.run_id, key[a.pledge_id], a.kind)
                           for a in session.scalars(select(Absence))),
        "term_crawls": sorted((c.run_id, term[c.term_id], c.complete, c.pages, c.teasers,
                               c.held) for c in session.scalars(select(TermCrawl))),
        "pledges": sorted(session.execute(select(Pledge.key, Pledge.present,
                                                 Pledge.absent_runs))),
    }


def test_an_unchanged_site_read_again_is_all_304s_and_stores_what_a_plain_run_does(
        tmp_path: Path) -> None:
    conditional = tmp_path / "conditional"
    config = run_config(conditional, f"sqlite:///{tmp_path / 'conditional.db'}", "full")
    run_once(config, replay=BEFORE)
    again = run_once(config, replay=BEFORE)
    second = page_lines(conditional, 2)
    assert len(second) == 10
    assert all(p["status"] == 304 and p["not_modified"] and p["ok"] for p in second)
    assert again.complete and sum(again.counts.values()) == 0
    assert again.plan.startswith("full")

    plain_url = f"sqlite:///{tmp_path / 'plain.db'}"
    plain = open_database(plain_url)
    for n in (1, 2):
        out = tmp_path / f"plain-{n}.jsonl"
        run_crawl(out, replay=BEFORE, settings={"LOG_LEVEL": "WARNING"})
        ingest_run_file(plain, out)
    watched = open_database(config.database.url)
    try:
        with plain() as one, watched() as other:
            assert stored_state(other) == stored_state(one)
    finally:
        plain.dispose()
        watched.dispose()


def test_a_cover_run_after_a_full_run_reads_fewer_listing_pages(tmp_path: Path) -> None:
    config = run_config(tmp_path, f"sqlite:///{tmp_path / 'app.db'}", "cover")
    first = run_once(config, replay=BEFORE)  # no complete run yet: full, whatever the setting
    second = run_once(config, replay=BEFORE)
    assert first.plan.startswith("full") and second.plan.startswith("cover")
    full, cover = page_lines(tmp_path, 1), page_lines(tmp_path, 2)
    assert len(full) == 10
    assert len({p["term_url"] for p in cover}) == 6  # every term, at least its page 0
    assert 6 <= len(cover) < len(full)
    probed = {p["term_url"] for p in cover if p["depth"] == "first"}
    assert probed and all(p["page"] == 0 for p in cover if p["term_url"] in probed)
    assert sum(second.counts.values()) == 0  # nothing changed, nothing reported


def test_run_full_forces_a_full_crawl_and_the_summary_says_which_plan_ran(
        tmp_path: Path, monkeypatch) -> None:
    from click.testing import CliRunner

    from pledgewatch.cli import main

    monkeypatch.chdir(tmp_path)
    db = f"sqlite:///{tmp_path / 'cli.db'}"

    def run(*flags: str, codes: tuple[int, ...] = (0,)) -> str:
        result = CliRunner().invoke(main, ["run", "--db", db, "--replay", str(BEFORE), *flags],
                                    catch_exceptions=False)
        assert result.exit_code in codes, result.stderr
        return result.stdout

    assert "crawl plan: full: 6 terms read whole; 0 record pages due" in run()
    assert "crawl plan: full: 6 terms read whole; 26 record pages due" in run("--full")
    # A term read to page 0 only is not complete, so until the ingest judges a cover run by
    # its plan the run counts as partial (3).
    assert "crawl plan: cover: " in run(codes=(0, 3))
