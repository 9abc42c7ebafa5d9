"""A month of daily runs over a changing simulated site, per crawl plan, scored against the truth.

``python -m tools.sim.month --pledges 1500 --days 30 --plans full,cover [--out DIR]
[--markdown FILE]``. Each plan gets a fresh store and the same site (same seed, same changes).
Day 0 is the baseline; on each later day the site changes, is written as a fixture site, and
the real pipeline (:func:`pledgewatch.pipeline.run_once`) crawls it over loopback with the
clock set to that day (``PLEDGEWATCH_NOW``), never by sleeping. The run's report is scored
(:mod:`tools.sim.score`) and its requests counted from its run file (:mod:`tools.sim.fetches`).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

from pledgewatch.config import Config, CrawlConfig, DatabaseConfig, MailConfig, ReportConfig
from pledgewatch.core.clock import ENV as CLOCK_ENV
from pledgewatch.pipeline import run_once
from tools.sim.fetches import count_fetches
from tools.sim.render import write_site
from tools.sim.results import Day, PlanResult
from tools.sim.score import DayReport
from tools.sim.site import ChangeMix, Site

START = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)  # day 0, the baseline run


def has_plans() -> bool:
    """Whether this build's crawl takes a plan (``crawl.plan``); before it, every run is full."""
    return "plan" in {f.name for f in fields(CrawlConfig)}


def sim_config(folder: Path, plan: str) -> Config:
    """Everything under ``folder``, SQLite, crawl files kept, no e-mail (no SMTP host)."""
    crawl = CrawlConfig(runs_dir=folder / "runs", keep_files=True, timeout_seconds=3600)
    if has_plans():
        crawl = replace(crawl, plan=plan)  # type: ignore[call-arg]
    return Config(database=DatabaseConfig(url=f"sqlite:///{folder / 'pledgewatch.db'}"),
                  crawl=crawl, report=ReportConfig(dir=folder / "reports"),
                  mail=MailConfig(outbox_dir=folder / "outbox"))


def _setting(config: Config, section: str, key: str, default: int) -> int:
    """A key of a later build (docs/crawling.md), or its documented default before it."""
    return int(getattr(getattr(config, section, None), key, default))


@contextmanager
def clock_at(moment: datetime) -> Iterator[None]:
    """Set ``PLEDGEWATCH_NOW`` for the pipeline (and its crawl's child process), then restore."""
    before = os.environ.get(CLOCK_ENV)
    os.environ[CLOCK_ENV] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(CLOCK_ENV, None)
        else:
            os.environ[CLOCK_ENV] = before


def run_plan(plan: str, *, pledges: int, days: int, out: Path, seed: int = 1,
             mix: ChangeMix | None = None, per_group: int | None = None) -> PlanResult:
    """Days 0..``days`` of one plan in a fresh folder ``out/plan`` (``per_group``: a small
    site's vocabulary, see :func:`tools.sim.vocab.sim_terms`)."""
    mix = mix or ChangeMix()
    folder = out / plan
    shutil.rmtree(folder, ignore_errors=True)
    config = sim_config(folder, plan)
    rng = Random(seed)
    site = Site.generate(pledges, rng, per_group)
    result = PlanResult(plan, note="" if has_plans() or plan == "full" else
                        "crawl.plan is not in this build: ran as today's full crawl",
                        max_age_days=_setting(config, "records", "max_age_days", 7),
                        full_every_days=_setting(config, "crawl", "full_every_days", 7))
    day_of_run: dict[int, int] = {}
    started = time.monotonic()
    for day in range(days + 1):
        changes = site.mutate(day, rng, mix) if day else []
        written = write_site(site, folder / "site", f"simulated site, day {day}")
        kept = set(config.crawl.runs_dir.glob("crawl-*.jsonl"))
        with clock_at(START + timedelta(days=day)):
            outcome = run_once(config, replay=folder / "site")
        [run_file] = set(config.crawl.runs_dir.glob("crawl-*.jsonl")) - kept  # this run's own
        data = json.loads((outcome.report_dir / f"run-{outcome.run_id}.json").read_text("utf-8"))
        day_of_run[outcome.run_id] = day
        from_day = None if outcome.from_run is None else day_of_run[outcome.from_run]
        result.days.append(Day(day, outcome.run_id, outcome.complete, len(site.page_urls()),
                               count_fetches(run_file, written.sizes), changes,
                               DayReport.from_json(day, from_day, data), data.get("to_finished_at")))
    result.seconds = time.monotonic() - started
    return result


def main(argv: list[str] | None = None) -> None:
    from tools.sim.table import markdown, text

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, default=1500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--plans", default="full,cover")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--per-group", type=int, default=None,
                        help="keep only this many terms of each vocabulary (for small sites)")
    parser.add_argument("--out", type=Path, default=Path("var/sim"))
    parser.add_argument("--markdown", type=Path, default=None, help="also write the tables here")
    args = parser.parse_args(argv)
    results = []
    for plan in args.plans.split(","):
        if plan != "full" and not has_plans():
            print(f"plan {plan}: skipped, this build's crawl takes no crawl.plan (every run is full)")
            continue
        results.append(run_plan(plan, pledges=args.pledges, days=args.days, out=args.out,
                                seed=args.seed, per_group=args.per_group))
    print(text(results, args))
    if args.markdown:
        args.markdown.write_text(markdown(results, args), encoding="utf-8")


if __name__ == "__main__":
    main()
