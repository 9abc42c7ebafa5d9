"""Seconds to publish the history site at P pledges: a full build, then after a run, then after a quiet run.

    .venv/bin/python -m tools.bench.publish_bench                     # 50,000 pledges
    .venv/bin/python -m tools.bench.publish_bench --pledges 5000

The data is the benchmark workload (``tools/bench/workload.py``): run 1, run 2 (the
issue's change mix: about 4 % of pledges new, edited, removed or re-classified)
and an unchanged re-crawl, ingested into a fresh SQLite database. The site is
built whole after run 1, then updated after run 2 and after the quiet run.
Ingest is not timed; each publish is timed on its own, in this process.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.publish.build import PublishResult, publish_site
from pledgewatch.storage.db import open_database
from tools.bench.workload import generate


def timed_publish(factory, out: Path) -> tuple[float, PublishResult]:
    started = time.perf_counter()
    with factory.begin() as session:
        result = publish_site(session, out)
    return time.perf_counter() - started, result


def describe(label: str, seconds: float, result: PublishResult) -> str:
    return (f"{label:<28} {seconds:7.2f} s  ({result.pledges} pledge pages, {result.terms} term pages, "
            f"{len(result.runs_published)} run pages, {result.files} files)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workload", type=Path, default=None,
                        help="workload folder (default: tools/bench/out/workload-P-seedS-publish)")
    args = parser.parse_args(argv)
    folder = args.workload or Path("tools/bench/out") / f"workload-{args.pledges}-seed{args.seed}-publish"
    files = generate(folder, pledges=args.pledges, runs=2, unchanged=1, seed=args.seed)
    with tempfile.TemporaryDirectory() as work:
        factory = open_database(f"sqlite:///{Path(work) / 'bench.db'}")
        site = Path(work) / "site"
        steps = [("full build after run 1", files.runs[0].crawl),
                 ("update after run 2", files.runs[1].crawl),
                 ("update after a quiet run", files.unchanged[0])]
        print(f"{args.pledges} pledges; publish times (ingest not counted):")
        for label, crawl in steps:
            ingest_run_file(factory, crawl, source="bench")
            seconds, result = timed_publish(factory, site)
            print(describe(label, seconds, result), flush=True)
        factory.dispose()


if __name__ == "__main__":
    main()
