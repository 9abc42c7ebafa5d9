"""The site changes theme between two runs: the same pledges in other markup are no change.

The small fixture site is rebuilt in two other theme families (Drupal 10/11 Olivero, and
Bootstrap with its ``ul.pagination`` pager), with absolute ``www.`` links, titles broken over
lines and entities, crawled by the real spider over loopback and ingested after the Drupal 7
crawl of the same content. The expected changes are the ones ``fixtures/README.md`` documents.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from functools import partial
from pathlib import Path
from types import ModuleType

import pytest

from pledgewatch.etl.changes import changes_between
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.scraper.render import render_listing
from pledgewatch.storage.db import open_database
from tests.faults.sites import REPO, SMALL, crawl

pytestmark = pytest.mark.timeout(300)
THEMED = ("olivero", "bootstrap")


def _site_builder() -> ModuleType:
    path = REPO / "fixtures" / "tools" / "build_small_site.py"
    spec = importlib.util.spec_from_file_location("build_small_site", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while being made
    spec.loader.exec_module(module)
    return module


def _themed_sites(target: Path, theme: str) -> dict[str, Path]:
    """``before`` and ``after`` of the small site, rendered in ``theme``."""
    builder = _site_builder()
    builder.render_listing = partial(render_listing, site="https://www.gfmd.org", theme=theme,
                                     break_titles=True, entities=True)
    before = builder.pledges_before()
    builder.build(target / "before", builder.TERMS_BEFORE, before, f"before, {theme}")
    builder.build(target / "after", builder.terms_after(), builder.after_edits(before), f"after, {theme}")
    return {"before": target / "before", "after": target / "after"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Run files: ``d7-before`` (the bundled site) and ``<theme>-before/after``."""
    folder = tmp_path_factory.mktemp("theme-change")
    out = {"d7-before": folder / "d7-before.jsonl"}
    crawl(SMALL / "before", out["d7-before"])
    for theme in THEMED:
        for label, site in _themed_sites(folder / theme, theme).items():
            out[f"{theme}-{label}"] = folder / f"{theme}-{label}.jsonl"
            crawl(site, out[f"{theme}-{label}"])
    return out


def _changes(db_url: str, first: Path, second: Path):  # type: ignore[no-untyped-def]
    factory = open_database(db_url)
    try:
        ingest_run_file(factory, first)
        run = ingest_run_file(factory, second)
        with factory() as session:
            return changes_between(session, None, run.run_id)
    finally:
        factory.dispose()


@pytest.mark.parametrize("theme", THEMED)
def test_the_themed_crawl_reads_every_page_of_every_term(runs: dict[str, Path], theme: str) -> None:
    def pages(path: Path) -> list[tuple]:
        found = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        return sorted((r["url"], r["teasers"], r["last_page"], r["ok"]) for r in found if r["type"] == "page")

    assert pages(runs[f"{theme}-before"]) == pages(runs["d7-before"])
    assert len(pages(runs["d7-before"])) == 10


@pytest.mark.scenario("the site changes theme between runs: the same pledges report no change")
@pytest.mark.parametrize("theme", THEMED)
def test_a_theme_change_alone_reports_nothing(runs: dict[str, Path], db_url: str, theme: str) -> None:
    changes = _changes(db_url, runs["d7-before"], runs[f"{theme}-before"])
    assert changes.complete and changes.is_empty
    assert not changes.not_seen


@pytest.mark.scenario("the site changes theme along with real edits: exactly the real changes are reported")
@pytest.mark.parametrize("theme", THEMED)
def test_a_theme_change_with_edits_reports_exactly_the_edits(
    runs: dict[str, Path], db_url: str, theme: str
) -> None:
    changes = _changes(db_url, runs["d7-before"], runs[f"{theme}-after"])
    assert [p.key for p in changes.new] == ["/pfp/ppd/13301"]
    assert sorted(e.after.key for e in changes.edited) == ["/pfp/ppd/13171", "/pfp/ppd/13185"]
    assert [p.key for p in changes.removed] == ["/pfp/ppd/13122"]
    assert [r.pledge.key for r in changes.reclassified] == ["/pfp/ppd/13150"]
    assert not changes.restored
