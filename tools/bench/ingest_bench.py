"""The ingest benchmark: pledgewatch next to git-history and dbt snapshots, same data.

For each size: generate (or reuse) the seeded workload, run pledgewatch on the
raw crawl files and each peer on the per-run snapshots, ``--repeat`` times, and
print and save the medians side by side with correctness against the ground
truth. See bench/README.md for what each column means.

    python -m tools.bench.ingest_bench                       # 5,000 pledges, peers included
    python -m tools.bench.ingest_bench --pledges 50000 --repeat 1 --peer-timeout 900
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tools.bench import peers, pledgewatch_side
from tools.bench.workload import generate

PEER_CHOICES = ("git-history-default", "git-history-best", "dbt")
TARGETS = {5000: {"seconds": 7.0}, 50000: {"seconds": 75.0, "peak_mb": 500.0}}


def _median(results: list[dict[str, Any]]) -> dict[str, Any]:
    """The first repeat's record with seconds and peak replaced by the repeats' medians."""
    row = dict(results[0])
    for name in ("seconds", "seconds_per_run", "ingest_seconds", "cpu_seconds",
                 "ingest_cpu_seconds", "peak_mb", "unchanged_seconds_per_run"):
        values = [r[name] for r in results if r.get(name) is not None]
        if values:
            row[name] = statistics.median(values)
    row["timed_out"] = any(r.get("timed_out") for r in results)
    row["repeats"] = len(results)
    return row


def _fmt_seconds(row: dict[str, Any]) -> str:
    if row.get("timed_out"):
        return f"> {row.get('timeout') or row.get('seconds') or 0:.0f}"
    return "-" if row.get("seconds") is None else f"{row['seconds']:.1f}"


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def table(rows: list[dict[str, Any]], pledges: int, runs: int) -> str:
    """A fixed-width, side-by-side table (also valid Markdown)."""
    head = ["tool", "input", f"{runs} runs s", "s/run", "CPU s", "peak MB", f"DB MB ({runs} runs)",
            "growth, unchanged runs", "false changes", "whitespace-only reported",
            "missed removals"]
    lines = [f"### {pledges:,} pledges × {runs} runs", "",
             "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        score = row.get("score") or {}
        removals = score.get("removals")
        cells = [
            f"{row['tool']} ({row['variant']})", row["input"], _fmt_seconds(row),
            "-" if row.get("timed_out") else _fmt(row.get("seconds_per_run"), "{:.2f}"),
            "-" if row.get("timed_out") else _fmt(row.get("cpu_seconds"), "{:.1f}"),
            _fmt(row.get("peak_mb"), "{:.0f}"),
            _fmt(row["db_bytes"] / 1e6 if row.get("db_bytes") else None, "{:.1f}"),
            _fmt(row.get("growth_pct"), "{:+.2f} %"),
            str(score.get("false_changes", "-")), str(score.get("noise_reported", "-")),
            "-" if removals is None else f"{score.get('missed_removals')} of {removals}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _save_partial(args: argparse.Namespace, pledges: int, rows: list[dict[str, Any]]) -> None:
    """Rows finished so far: a long run cut short still leaves its figures behind."""
    path = args.out / f"ingest-bench-{pledges}.partial.json"
    path.write_text(json.dumps({"pledges": pledges, "rows": rows,
                                "table": table(rows, pledges, args.runs)}, indent=1) + "\n")


def bench_size(args: argparse.Namespace, pledges: int) -> dict[str, Any]:
    folder = args.out / f"workload-{pledges}-seed{args.seed}"
    started = time.perf_counter()
    files = generate(folder, pledges=pledges, runs=args.runs, unchanged=args.unchanged,
                     seed=args.seed)
    print(f"workload {folder}: ready in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    rows: list[dict[str, Any]] = []
    pw = pledgewatch_command(args)
    status = pledgewatch_side.command_status(pw)
    notes = []
    if not status["ingest"]:
        notes.append("`pledgewatch ingest` is not available in this checkout: pledgewatch not run")
    else:
        repeats = []
        batch = not args.per_command and pledgewatch_side.supports_batch(pw)
        for i in range(args.repeat):
            try:
                if batch:
                    result = pledgewatch_side.run_batch(files, pw, timeout=args.timeout,
                                                        flags=args.ingest_flag)
                else:
                    result = pledgewatch_side.run_pledgewatch(files, pw, timeout=args.timeout,
                                                              with_diff=status["diff"])
            except RuntimeError as failure:  # report it and still run the peers
                notes.append(f"pledgewatch repeat {i + 1} failed: {str(failure)[-600:]}")
                print(notes[-1], file=sys.stderr)
                continue
            repeats.append(result.as_dict())
            print(f"pledgewatch repeat {i + 1}: {result.seconds:.1f} s", file=sys.stderr)
        if repeats:
            rows.append(_median(repeats))
            _save_partial(args, pledges, rows)
    for name in args.peer if args.peers else ():
        repeats = []
        for i in range(args.repeat):
            peer = peers.run_peers(files, args.peers_venv, timeout=args.peer_timeout,
                                   which=(name,))[0]
            repeats.append(peer.as_dict())
            print(f"{name} repeat {i + 1}: {peer.seconds or 0:.1f} s"
                  f"{' (timed out)' if peer.timed_out else ''}", file=sys.stderr)
            if peer.timed_out:
                break  # a capped figure is a bound; repeating it says nothing more
        rows.append(_median(repeats))
        _save_partial(args, pledges, rows)
    manifest = json.loads((folder / "workload.json").read_text())
    return {"pledges": pledges, "runs": args.runs, "pledgewatch_commit": pw.commit, "unchanged_runs": args.unchanged,
            "seed": args.seed, "workload": manifest["runs"], "targets": TARGETS.get(pledges),
            "notes": notes, "rows": rows, "table": table(rows, pledges, args.runs)}


def pledgewatch_command(args: argparse.Namespace) -> pledgewatch_side.Pledgewatch:
    if args.at_commit is None:
        return pledgewatch_side.installed(args.pledgewatch)
    folder = Path(tempfile.mkdtemp(prefix="pledgewatch-code-"))
    atexit.register(shutil.rmtree, folder, True)
    return pledgewatch_side.frozen(Path(sys.executable), Path.cwd(), args.at_commit, folder)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, action="append",
                        help="workload size; repeat the flag for several (default: 5000)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--unchanged", type=int, default=10,
                        help="unchanged re-crawls ingested after the runs (database growth)")
    parser.add_argument("--repeat", type=int, default=3, help="repeats; the median is reported")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--peers", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--peer", action="append", choices=PEER_CHOICES,
                        help="run only these peer configurations (repeatable)")
    parser.add_argument("--peer-timeout", type=float, default=900.0,
                        help="seconds a peer gets for all its runs before it is cut off")
    parser.add_argument("--per-command", action="store_true",
                        help="one `ingest` and one `diff` command per run (as cron runs them) "
                             "instead of one `ingest --changes-json` for all runs")
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="seconds one pledgewatch command gets")
    parser.add_argument("--ingest-flag", action="append", default=[], metavar="FLAG",
                        help="passed on to every batch `ingest` command, e.g. "
                             "--ingest-flag=--no-read-ahead (repeatable)")
    parser.add_argument("--out", type=Path, default=Path("tools/bench/out"))
    parser.add_argument("--peers-venv", type=Path, default=None,
                        help="the peers' own virtual environment (default: OUT/peers-venv)")
    parser.add_argument("--pledgewatch", type=Path, default=Path(sys.executable).parent / "pledgewatch",
                        help="the pledgewatch command to measure")
    parser.add_argument("--at-commit", metavar="REV", default=None,
                        help="measure this commit's code (exported to a temporary folder) "
                             "instead of the working tree, e.g. HEAD")
    args = parser.parse_args(argv)
    args.pledges = args.pledges or [5000]
    args.peer = tuple(args.peer or PEER_CHOICES)
    args.peers_venv = args.peers_venv or args.out / "peers-venv"
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for pledges in args.pledges:
        report = bench_size(args, pledges)
        report["machine"] = {"python": platform.python_version(), "platform": platform.platform(),
                             "cpus": os.cpu_count(), "load_average_after": os.getloadavg()}
        path = args.out / f"ingest-bench-{pledges}.json"
        path.write_text(json.dumps(report, indent=1) + "\n")
        print(report["table"])
        for note in report["notes"]:
            print(f"note: {note}")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
