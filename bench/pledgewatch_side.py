"""pledgewatch on the workload: ``ingest`` each raw crawl file, then ``diff --format json``.

Driven through the installed command, as cron would run it, so each figure
includes process start-up, reading and normalizing ~8 teasers per pledge,
merging them and writing the run; the diff after each run is timed apart so
ingest and reporting costs can be told apart.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench import measure
from bench.score import Reported, Score
from bench.workload import Truth, WorkloadFiles, load_truth

CHANGED_KINDS = ("new", "edited", "reclassified", "restored")


@dataclass(slots=True)
class RunFigure:
    run: int
    ingest_seconds: float
    ingest_peak_mb: float
    diff_seconds: float | None
    diff_peak_mb: float | None
    ingest_cpu_seconds: float | None = None
    diff_cpu_seconds: float | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class PledgewatchResult:
    tool: str = "pledgewatch"
    variant: str = "ingest + diff"
    input: str = "raw crawl output (teasers per term page)"
    seconds: float | None = None  # ingest + diff over the measured runs
    ingest_seconds: float | None = None
    cpu_seconds: float | None = None  # user + system CPU of the same commands
    ingest_cpu_seconds: float | None = None
    seconds_per_run: float | None = None
    peak_mb: float | None = None
    db_bytes: int | None = None
    db_bytes_unchanged: int | None = None
    timed_out: bool = False
    unchanged_seconds_per_run: float | None = None
    score: dict[str, int] = field(default_factory=dict)
    runs: list[RunFigure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def growth_pct(self) -> float | None:
        if not self.db_bytes or self.db_bytes_unchanged is None:
            return None
        return 100.0 * (self.db_bytes_unchanged - self.db_bytes) / self.db_bytes

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "growth_pct": self.growth_pct}


def command_status(exe: Path) -> dict[str, bool]:
    """Which of the commands the benchmark drives this checkout has."""
    status = {}
    for verb in ("ingest", "diff"):
        done = subprocess.run([str(exe), verb, "--help"], capture_output=True, text=True)
        status[verb] = done.returncode == 0
    return status


def _reported(diff: dict[str, Any]) -> Reported:
    changed = {entry["key"] for kind in CHANGED_KINDS for entry in diff.get(kind, [])}
    return Reported(changed=changed, removed={entry["key"] for entry in diff.get("removed", [])})


def _db_size(folder: Path) -> int:
    return measure.tree_size(*folder.glob("pledgewatch.db*"))


def run_pledgewatch(files: WorkloadFiles, exe: Path, *, timeout: float,
                    with_diff: bool = True) -> PledgewatchResult:
    """All measured runs, then the unchanged re-crawls, into a fresh SQLite database."""
    result = PledgewatchResult()
    if not with_diff:
        result.notes.append("`pledgewatch diff` not available: correctness not scored")
    work = Path(tempfile.mkdtemp(prefix="pledgewatch-bench-"))
    db_url = f"sqlite:///{work / 'pledgewatch.db'}"
    score, unchanged_seconds = Score(), []
    total = ingest_total = peak = cpu = ingest_cpu = 0.0
    try:
        inputs: list[tuple[Path, Truth | None, bool]] = \
            [(f.crawl, load_truth(f.truth), True) for f in files.runs] + \
            [(path, None, False) for path in files.unchanged]
        for number, (path, truth, measured) in enumerate(inputs, start=1):
            figure = _one_run(exe, path, db_url, number, timeout, with_diff)
            if figure is None:
                result.timed_out = True
                break
            diff, figure = figure
            result.runs.append(figure)
            seconds = figure.ingest_seconds + (figure.diff_seconds or 0.0)
            peak = max(peak, figure.ingest_peak_mb, figure.diff_peak_mb or 0.0)
            if measured:
                total += seconds
                ingest_total += figure.ingest_seconds
                ingest_cpu += figure.ingest_cpu_seconds or 0.0
                cpu += (figure.ingest_cpu_seconds or 0.0) + (figure.diff_cpu_seconds or 0.0)
            else:
                unchanged_seconds.append(seconds)
            if diff is not None and number > 1:
                score.add(truth, _reported(diff))
            if number == len(files.runs):
                result.db_bytes = _db_size(work)
        result.seconds, result.ingest_seconds, result.peak_mb = total, ingest_total, peak
        result.cpu_seconds, result.ingest_cpu_seconds = cpu, ingest_cpu
        result.seconds_per_run = total / len(files.runs)
        if unchanged_seconds:
            result.unchanged_seconds_per_run = statistics.mean(unchanged_seconds)
        result.db_bytes_unchanged = _db_size(work)
        if with_diff:
            result.score = score.as_dict()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _one_run(exe: Path, path: Path, db_url: str, number: int, timeout: float,
             with_diff: bool) -> tuple[dict[str, Any] | None, RunFigure] | None:
    ingest = measure.run([exe, "ingest", path.resolve(), "--db", db_url], timeout=timeout)
    if ingest.timed_out:
        return None
    ingest.check(f"pledgewatch ingest (run {number})")
    figure = RunFigure(number, ingest.seconds, ingest.peak_mb, None, None, ingest.cpu_seconds)
    if not with_diff:
        return None, figure
    diff = measure.run([exe, "diff", "--format", "json", "--db", db_url], timeout=timeout)
    if diff.timed_out:
        return None
    diff.check(f"pledgewatch diff (run {number})")
    figure.diff_seconds, figure.diff_peak_mb = diff.seconds, diff.peak_mb
    figure.diff_cpu_seconds = diff.cpu_seconds
    report = json.loads(diff.stdout)
    figure.counts = dict(report.get("counts", {}))
    return report, figure
