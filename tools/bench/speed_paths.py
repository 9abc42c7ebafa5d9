"""What each optional speed path pays: one ``ingest`` of ten runs, with each path on or off.

    .venv/bin/python -m tools.bench.speed_paths                      # 5,000 pledges
    .venv/bin/python -m tools.bench.speed_paths --pledges 50000      # several minutes

The ingest has two optional speed paths, each matched to the plain path by a test:
``etl.fast_read`` (each distinct teaser content checked and normalized once, in a parse
half and a take half) and ``etl.read_ahead`` (the parse half and the take half's file part
of each file run in a second process; it feeds the derive part, so it comes with
``fast_read``). The issue's budget
keeps one only where it pays at least a quarter on this benchmark. Each variant runs the
same command (``ingest`` of all runs, ``--changes-json``) into a fresh SQLite database,
with the paths it leaves out swapped for the plain ones in that process (``plain`` also
leaves the cyclic collector on, as ``ingest_run_file`` alone does); wall time,
CPU time and peak memory (the whole process tree) as ``tools.bench.measure`` takes them.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import sys
import tempfile
from pathlib import Path

from tools.bench import measure
from tools.bench.workload import generate

OUT = Path("tools/bench/out")
VARIANTS = {"plain": (False, False), "fast_read (one process)": (True, False),
            "fast_read and read_ahead (as shipped)": (True, True)}


def cli() -> None:
    """``pledgewatch`` with the paths ``argv[1]`` names (``fast_read,read_ahead``) kept."""
    from pledgewatch.cli import main
    from pledgewatch.etl import fast_read, ingest
    from pledgewatch.etl.read_ahead import ReadAhead

    kept = set(sys.argv.pop(1).split(","))
    if "fast_read" not in kept:  # and the collector left on, as the plain path leaves it
        fast_read.read_file = ingest.read_file  # type: ignore[assignment]
        fast_read.collector_paused = contextlib.nullcontext  # type: ignore[assignment]
    if "read_ahead" not in kept:
        ingest.ReadAhead = lambda paths: ReadAhead([])  # type: ignore[assignment,misc]
    main()


def run_variant(runs: list[Path], fast: bool, ahead: bool) -> measure.Measured:
    kept = ",".join(name for name, on in (("fast_read", fast), ("read_ahead", ahead)) if on)
    work = Path(tempfile.mkdtemp(prefix="pledgewatch-paths-"))
    try:
        done = measure.run([sys.executable, "-c", "from tools.bench.speed_paths import cli; cli()",
                            kept or "none", "ingest", *runs, "--db",
                            f"sqlite:///{work / 'pledgewatch.db'}", "--changes-json",
                            work / "changes"], timeout=3600)
        done.check("ingest")
        return done
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pledges", type=int, default=5000)
    args = parser.parse_args(argv)
    files = generate(OUT / f"workload-{args.pledges}-seed1", pledges=args.pledges, runs=10)
    runs = [f.crawl.resolve() for f in files.runs]
    print(f"{args.pledges:,} pledges x {len(runs)} runs, one ingest")
    print("| paths | wall s | CPU s | peak MB (process tree) |\n|---|---|---|---|")
    for name, (fast, ahead) in VARIANTS.items():
        done = run_variant(runs, fast, ahead)
        print(f"| {name} | {done.seconds:.1f} | {done.cpu_seconds or 0:.1f} | {done.peak_mb:.0f} |",
              flush=True)


if __name__ == "__main__":
    main()
