"""The benchmark's workload generator: deterministic, in the crawl contract, truthful.

Every figure the benchmark prints about false changes and missed removals is only
as good as the ground truth, so these tests check the truth against the very
records the generator wrote.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper.items import CrawlItem, PageItem, TeaserItem
from tools.bench import textgen
from tools.bench.workload import WorkloadFiles, generate, load_truth

PLEDGES, RUNS, UNCHANGED = 400, 4, 2
FIELDS = {kind: [f.name for f in dataclasses.fields(cls)]
          for kind, cls in (("teaser", TeaserItem), ("page", PageItem), ("crawl", CrawlItem))}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> WorkloadFiles:
    return generate(tmp_path_factory.mktemp("workload"), pledges=PLEDGES, runs=RUNS,
                    unchanged=UNCHANGED, seed=7)


def records(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.iterdir()) if p.name != "workload.json"}


def published(path: Path) -> dict[str, dict[str, Any]]:
    """The raw snapshot: one object per pledge, text as the pages print it."""
    return {row["id"]: row for row in json.loads(path.read_text(encoding="utf-8"))}


def test_same_seed_same_bytes(files: WorkloadFiles, tmp_path: Path) -> None:
    again = generate(tmp_path / "again", pledges=PLEDGES, runs=RUNS, unchanged=UNCHANGED, seed=7)
    assert digest(again.folder) == digest(files.folder)
    other = generate(tmp_path / "other", pledges=PLEDGES, runs=RUNS, unchanged=UNCHANGED, seed=8)
    assert digest(other.folder) != digest(files.folder)


def test_records_follow_the_crawl_contract(files: WorkloadFiles) -> None:
    rows = records(files.runs[1].crawl)
    assert rows[-1]["type"] == "crawl" and rows[-1]["reason"] == "finished"
    assert [r["type"] for r in rows].count("crawl") == 1
    for row in rows:
        assert list(row) == FIELDS[row["type"]], row  # same fields, same order as scraper.items
    teasers = [r for r in rows if r["type"] == "teaser"]
    for t in teasers:
        assert re.fullmatch(r"https://gfmd\.org/pfp/ppd/\d+", t["url"])
        assert t["listing_url"] == t["term_url"] + (f"?page={t['page']}" if t["page"] else "")
        assert 0 <= t["position"] < 10
    pages = [r for r in rows if r["type"] == "page"]
    assert all(p["ok"] and p["status"] == 200 for p in pages)
    assert sum(p["teasers"] for p in pages) == len(teasers)
    assert rows[-1]["pages_ok"] == len(pages)
    last_pages = [p for p in pages if p["page"] == p["last_page"]]
    assert all(p["next_url"] is None for p in last_pages)
    assert len({t["url"] for t in teasers}) * 7 < len(teasers)  # ~8 term pages per pledge


def test_page_records_follow_their_teasers_newest_first(files: WorkloadFiles) -> None:
    current: list[dict[str, Any]] = []
    for row in records(files.runs[0].crawl)[:-1]:
        if row["type"] == "teaser":
            current.append(row)
            continue
        assert all(t["listing_url"] == row["url"] for t in current)
        assert [t["position"] for t in current] == list(range(len(current)))
        nids = [int(t["url"].rsplit("/", 1)[1]) for t in current]
        assert nids == sorted(nids, reverse=True)
        current = []


def test_truth_matches_the_published_records(files: WorkloadFiles) -> None:
    for before_files, after_files in zip(files.runs, files.runs[1:], strict=False):
        truth = load_truth(after_files.truth)
        before, after = published(before_files.raw_snapshot), published(after_files.raw_snapshot)
        assert set(truth.new) == set(after) - set(before)
        assert set(truth.removed) == set(before) - set(after)
        for key, fields in truth.edited.items():
            for name in fields:
                assert textgen.folded(before[key][name]) != textgen.folded(after[key][name])
        for key in truth.noise:
            assert key not in truth.edited
            a, b = before[key], after[key]
            assert (a["title"], a["summary"]) != (b["title"], b["summary"])
            assert textgen.folded(a["title"]) == textgen.folded(b["title"])
            assert textgen.folded(a["summary"]) == textgen.folded(b["summary"])
        for key, change in truth.reclassified.items():
            assert set(after[key]["terms"]) - set(before[key]["terms"]) == set(change["added"])
            assert set(before[key]["terms"]) - set(after[key]["terms"]) == set(change["removed"])
        untouched = set(before) & set(after) - set(truth.edited) - set(truth.reclassified) \
            - set(truth.noise)
        assert all(before[k] == after[k] for k in untouched)


def test_change_mix_shares(files: WorkloadFiles) -> None:
    truth = load_truth(files.runs[1].truth)
    assert len(truth.new) == round(PLEDGES * 0.005)
    assert len(truth.removed) == round(PLEDGES * 0.003)
    assert len(truth.reclassified) == round(PLEDGES * 0.02)
    assert len(truth.edited) == round(PLEDGES * 0.01) + round(PLEDGES * 0.005)


def test_crawl_teasers_agree_with_the_snapshots(files: WorkloadFiles) -> None:
    last = files.runs[-1]
    snapshot = published(last.raw_snapshot)
    normalized = {row["id"]: row for row in json.loads(last.snapshot.read_text(encoding="utf-8"))}
    terms: dict[str, set[str]] = {}
    for t in records(last.crawl):
        if t["type"] != "teaser":
            continue
        key = t["url"].removeprefix("https://gfmd.org")
        terms.setdefault(key, set()).add(t["term_url"])
        assert (t["title"], t["summary"]) == (snapshot[key]["title"], snapshot[key]["summary"])
        if t["author_truncated"]:
            assert t["author"].endswith("…") and snapshot[key]["author"].startswith(t["author"][:-1])
        else:
            assert t["author"] == snapshot[key]["author"]
    assert terms == {k: set(v["terms"]) for k, v in snapshot.items()}
    assert normalized.keys() == snapshot.keys()
    assert all(normalized[k]["summary"] == textgen.folded(snapshot[k]["summary"]) for k in snapshot)


def test_unchanged_recrawls_differ_only_in_fetch_times(files: WorkloadFiles) -> None:
    def content(path: Path) -> list[dict[str, Any]]:
        volatile = ("fetched_at", "started", "finished")
        return [{k: v for k, v in r.items() if k not in volatile} for r in records(path)]

    assert files.unchanged[0].read_bytes() != files.runs[-1].crawl.read_bytes()
    assert content(files.unchanged[0]) == content(files.runs[-1].crawl)


@pytest.mark.parametrize("seed", range(20))
def test_noise_is_whitespace_only_and_edits_are_not(seed: int) -> None:
    import random

    rng = random.Random(seed)
    text = textgen.summary(rng)
    noisy = textgen.whitespace_noise(rng, text)
    assert noisy != text and textgen.folded(noisy) == textgen.folded(text)
    assert textgen.folded(textgen.edit_summary(rng, text)) != textgen.folded(text)
    title = textgen.title(rng)
    assert textgen.folded(textgen.edit_title(rng, title)) != textgen.folded(title)
