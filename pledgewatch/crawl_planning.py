"""The run's crawl plan: computed from the store before the crawl, written beside the run file.

The plan is pure (``etl.crawl_plan``); this is where the app gives it the store's state, the
terms the crawl would start from (``crawl.start_urls``, the replayed site's, or the spider's
known terms), the clock and the configuration, and writes the file the spider reads
(``-a plan=FILE``), where an operator can read what the run was asked to do.
"""

from __future__ import annotations

from pathlib import Path

from pledgewatch.config import Config
from pledgewatch.core import clock
from pledgewatch.core.crawl_plan import CrawlPlan
from pledgewatch.storage.db import Database


def plan_run(factory: Database, config: Config, replay: Path | None, path: Path) -> str:
    """Write the run's plan to ``path``; return it in words for the run's summary."""
    from pledgewatch.etl.crawl_plan import PlanSettings, plan_crawl
    from pledgewatch.storage.crawl_state import load_crawl_state

    with factory() as session:
        state = load_crawl_state(session)
    settings = PlanSettings(config.crawl.plan, config.crawl.full_every_days,  # type: ignore[arg-type]
                            config.records.max_age_days)
    plan = plan_crawl(state, start_terms(config, replay), clock.now(), settings)
    plan.write(path)
    return describe(plan)


def start_terms(config: Config, replay: Path | None) -> list[str]:
    """The term listings a crawl without a plan would read."""
    from pledgewatch.scraper.terms import KNOWN_TERMS, canonical_url, term_url_of

    if config.crawl.start_urls:
        return [term_url_of(canonical_url(url)) for url in config.crawl.start_urls]
    if replay is not None:
        from pledgewatch.scraper.fixture_site import load_site

        return list(load_site(replay).terms)
    return list(KNOWN_TERMS)


def describe(plan: CrawlPlan) -> str:
    """``cover: 2 terms read whole, 4 to page 0; 3 record pages due``."""
    whole = sum(t.depth == "all" for t in plan.terms)
    words = f"{plan.mode}: {whole} terms read whole"
    if whole < len(plan.terms):
        words += f", {len(plan.terms) - whole} to page 0"
    return f"{words}; {len(plan.due)} record pages due"
