"""Where pledgewatch's ingest time goes: cProfile over one typical change run.

Run 1 (everything new) is ingested first without the profiler; then run 2, a run
with the issue's change mix, is ingested and diffed under cProfile in-process.
Writes the top functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import subprocess
import sys
import tempfile
from pathlib import Path


def _cli(args: list[str]) -> None:
    from pledgewatch.cli import main as cli_main

    try:
        cli_main.main(args, standalone_mode=False)
    except SystemExit as stop:  # click may still exit on its own
        if stop.code not in (0, None):
            raise


def profile(workload: Path, out: Path, *, top: int = 30) -> str:
    with tempfile.TemporaryDirectory(prefix="pledgewatch-profile-") as tmp:
        db_url = f"sqlite:///{Path(tmp) / 'pledgewatch.db'}"
        first, second = workload / "run-01.jsonl", workload / "run-02.jsonl"
        subprocess.run([sys.executable, "-c", "from pledgewatch.cli import main; main()",
                        "ingest", str(first), "--db", db_url], check=True, capture_output=True)
        report = io.StringIO()
        for label, args in (("ingest run 2", ["ingest", str(second), "--db", db_url]),
                            ("diff run 1 -> 2", ["diff", "--format", "json", "--db", db_url])):
            profiler = cProfile.Profile()
            sink = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # has .buffer, as stdout does
            real_stdout, sys.stdout = sys.stdout, sink  # the JSON report is not what we study
            try:
                profiler.runcall(_cli, args)
            finally:
                sys.stdout = real_stdout
            stats = pstats.Stats(profiler, stream=report)
            report.write(f"\n===== {label}: by own time =====\n")
            stats.sort_stats("tottime").print_stats(top)
            report.write(f"\n===== {label}: by cumulative time =====\n")
            stats.sort_stats("cumulative").print_stats(top)
    text = report.getvalue()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text)
    return text


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", type=Path, help="a folder written by bench.workload")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args(argv)
    out = args.out or args.workload.parent / f"profile-{args.workload.name}.txt"
    profile(args.workload, out, top=args.top)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
