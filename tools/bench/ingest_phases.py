"""Where each run's ingest time goes, phase by phase, without a profiler's distortion.

Ingests a workload's runs in one process into a fresh SQLite database and times
the stages of :func:`etl.ingest.derive_run` by wrapping them, then the diff. Prints
a table (seconds per run) and, for reading, microseconds per teaser line.

    .venv/bin/python -m bench.ingest_phases bench/out/workload-5000-seed1 --runs 4
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

PHASES = ("read", "pages", "raw rows", "collect", "load", "merge", "apply", "other", "diff")


class Timers:
    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, owner: Any, name: str, phase: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[phase] += time.perf_counter() - started

        setattr(owner, name, timed)

    def wrap_generator(self, owner: Any, name: str, phase: str) -> None:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Iterator[Any]:
            items = original(*args, **kwargs)
            while True:
                started = time.perf_counter()
                try:
                    item = next(items)
                except StopIteration:
                    return
                finally:
                    self.seconds[phase] += time.perf_counter() - started
                yield item

        setattr(owner, name, timed)


def instrument(timers: Timers) -> None:
    from pledgewatch.etl import ingest
    from pledgewatch.storage import repo
    from pledgewatch.storage.models import RawChunk

    timers.wrap_generator(ingest, "read_chunks", "read")
    timers.wrap(ingest.PageListWriter, "add", "pages")
    timers.wrap(ingest.PageListWriter, "finish", "pages")
    timers.wrap(repo, "load_pledges", "load")
    timers.wrap(ingest.SightingCollector, "add", "collect")
    timers.wrap(ingest, "merge_changed", "merge")
    timers.wrap(ingest, "apply_pledges", "apply")
    insert_rows: Callable[..., None] = repo.insert_rows

    def insert_timed(session: Any, model: Any, rows: list[dict[str, Any]]) -> None:
        started = time.perf_counter()
        insert_rows(session, model, rows)
        if model is RawChunk:
            timers.seconds["raw rows"] += time.perf_counter() - started

    repo.insert_rows = insert_timed


def run(workload: Path, runs: int) -> list[dict[str, Any]]:
    timers = Timers()
    instrument(timers)
    from pledgewatch.etl.changes import changes_between
    from pledgewatch.etl.ingest import ingest_run_file
    from pledgewatch.report.json_form import write_changes_json
    from pledgewatch.storage.db import open_database

    figures = []
    with tempfile.TemporaryDirectory(prefix="pledgewatch-phases-") as tmp:
        factory = open_database(f"sqlite:///{Path(tmp) / 'pledgewatch.db'}")
        for number in range(1, runs + 1):
            timers.seconds.clear()
            started = time.perf_counter()
            result = ingest_run_file(factory, workload / f"run-{number:02d}.jsonl")
            total = time.perf_counter() - started
            started = time.perf_counter()
            with factory() as session, (Path(tmp) / "changes.json").open("wb") as out:
                write_changes_json(changes_between(session), out)
            phases = dict(timers.seconds)
            phases["diff"] = time.perf_counter() - started
            # Raw rows are written by the page writer's flushes, which run within "pages".
            measured = sum(v for k, v in phases.items() if k not in ("raw rows", "diff"))
            phases["other"] = total - measured
            figures.append({"run": number, "teasers": result.teasers, "total": total, **phases})
        factory.kw["bind"].dispose()
    return figures


def table(figures: list[dict[str, Any]]) -> str:
    lines = ["| run | teasers | ingest s | " + " | ".join(PHASES) + " | read µs/line |",
             "|" + "---|" * (len(PHASES) + 4)]
    for f in figures:
        per_line = 1e6 * f.get("read", 0.0) / max(f["teasers"], 1)
        cells = [f"{f.get(p, 0.0):.2f}" for p in PHASES]
        lines.append(f"| {f['run']} | {f['teasers']:,} | {f['total']:.2f} | " + " | ".join(cells)
                     + f" | {per_line:.1f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", type=Path, help="a folder written by bench.workload")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    print(table(run(args.workload, args.runs)))
    print("\nread: reading and splitting lines (etl/reader.py, etl/lines.py); pages: storing raw "
          "records and the run's page list (etl/pages.py), of which 'raw rows' is inserting raw "
          "chunks; collect: gathering sightings; load: the pledges' state; merge: merging changed "
          "pledges; apply: versions, memberships, presences; other: the rest of the ingest (file "
          "digest, compressing new texts, describing each page for the page list, terms, commit); "
          "diff: the change set "
          "and its JSON.")


if __name__ == "__main__":
    main()
