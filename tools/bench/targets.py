"""The performance budget in one table: every figure the project holds itself to, and its target.

    .venv/bin/python -m tools.bench.targets            # site scale, --help, 5,000 x 10
    .venv/bin/python -m tools.bench.targets --large    # and 50,000 x 10 (several minutes)

Site scale is the real site: about 1,500 pledges, about 12,000 teaser lines a run.
Its figure is the ingest's own work, timed in-process on a second run (the first
stores everything once), so process start-up is not in it; ``--help`` measures
start-up alone. The batch figures are one ``pledgewatch ingest`` command for ten
runs of the generated workload, scored against its ground truth.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.bench.pledgewatch_side import installed, run_batch
from tools.bench.workload import generate

OUT = Path("tools/bench/out")


def help_seconds(exe: Path, repeat: int = 5) -> float:
    """Median wall time of ``pledgewatch --help``: the start-up every cron run pays."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([str(exe), "--help"], check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def site_scale_seconds(pledges: int = 1500) -> tuple[float, int]:
    """In-process seconds to ingest a second run at site scale, and its teaser lines."""
    from pledgewatch.etl.ingest import ingest_run_file
    from pledgewatch.storage.db import open_database

    files = generate(OUT / f"workload-{pledges}-seed1", pledges=pledges, runs=2, unchanged=0)
    with tempfile.TemporaryDirectory() as folder:
        factory = open_database(f"sqlite:///{folder}/pledgewatch.db")
        ingest_run_file(factory, files.runs[0].crawl)
        start = time.perf_counter()
        result = ingest_run_file(factory, files.runs[1].crawl)
        seconds = time.perf_counter() - start
        factory.dispose()
    return seconds, result.teasers


def batch_row(exe: Path, pledges: int) -> list[str]:
    files = generate(OUT / f"workload-{pledges}-seed1", pledges=pledges, runs=10)
    result = run_batch(files, installed(exe), timeout=1800)
    score = result.score
    target = {5000: "<= 10 s", 50000: "<= 90 s, < 500 MB"}[pledges]
    growth = f"{result.growth_pct:.2f} %" if result.growth_pct is not None else "-"
    return [f"{pledges:,} pledges x 10 runs, one ingest", f"{result.seconds:.1f} s, "
            f"{result.peak_mb:.0f} MB peak; false changes {score['false_changes'] + score['false_removals']}, "
            f"removals missed {score['missed_removals']}, growth when unchanged {growth}",
            target]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--large", action="store_true", help="also 50,000 pledges x 10 runs")
    parser.add_argument("--pledgewatch", type=Path,
                        default=Path(sys.executable).parent / "pledgewatch")
    args = parser.parse_args(argv)
    rows = [["`pledgewatch --help`", f"{help_seconds(args.pledgewatch):.2f} s", "<= 0.3 s"]]
    seconds, teasers = site_scale_seconds()
    rows.append([f"site scale: ingest of one run (1,500 pledges, {teasers:,} teaser lines)",
                 f"{seconds:.2f} s", "<= 1.0 s"])
    rows.append(batch_row(args.pledgewatch, 5000))
    if args.large:
        rows.append(batch_row(args.pledgewatch, 50000))
    print("| figure | measured | target |\n|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
