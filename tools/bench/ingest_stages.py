"""CPU seconds per ingest stage, run by run, in one process as one ``ingest`` of several files.

    .venv/bin/python -m tools.bench.ingest_stages tools/bench/out/workload-5000-seed1 --runs 4

Each run of the workload is ingested into a fresh SQLite database and its changes
JSON written, as ``pledgewatch ingest --changes-json`` does. The stages are timed
by wrapping the functions the ingest calls, so the figures are the plain path's
own: ``read+derive`` is the pass over the file (the archive's chunk batches
stored on the way, also shown apart as ``chunks``), then the store's belief
(``load``), ``decide``, ``write`` (the plan's rows), the whole ``store`` step, the
fetch state (``fetches``) and the ``changes`` JSON. ``hwm MB`` is the process's
resident high-water mark so far.
"""

from __future__ import annotations

import argparse
import io
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

STAGES = ("read+derive", "chunks", "load", "decide", "write", "store", "fetches")


def _timed(module: Any, name: str, label: str, spent: dict[str, float]) -> None:
    original: Callable[..., Any] = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0.0) + time.process_time() - start

    setattr(module, name, wrapper)


def _high_water_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", type=Path, help="a folder written by tools.bench.workload")
    parser.add_argument("--runs", type=int, default=4)
    args = parser.parse_args(argv)

    start = time.process_time()
    from pledgewatch.etl import ingest, write
    from pledgewatch.etl.changes import changes_between
    from pledgewatch.report.json_form import write_changes_json
    from pledgewatch.storage import repo
    from pledgewatch.storage.db import open_database
    print(f"imports: {time.process_time() - start:.2f} s CPU")

    spent: dict[str, float] = {}
    for module, name, label in ((ingest, "read_and_derive", "read+derive"),
                                (write, "store_chunks", "chunks"),
                                (repo, "load_stored_pledges", "load"), (ingest, "decide", "decide"),
                                (write, "write_plan", "write"), (ingest, "store_run", "store"),
                                (write, "store_fetches", "fetches")):
        _timed(module, name, label, spent)
    print("| run | ingest s | " + " | ".join(STAGES) + " | changes s | hwm MB |")
    print("|---" * (len(STAGES) + 4) + "|")
    with tempfile.TemporaryDirectory(prefix="pledgewatch-stages-") as folder:
        factory = open_database(f"sqlite:///{folder}/pledgewatch.db")
        for number in range(1, args.runs + 1):
            spent.clear()
            start = time.process_time()
            result = ingest.ingest_run_file(factory, args.workload / f"run-{number:02d}.jsonl")
            ingested = time.process_time()
            with factory() as session:
                write_changes_json(changes_between(session, None, result.run_id), io.BytesIO())
            done = time.process_time()
            stages = " | ".join(f"{spent.get(label, 0.0):.2f}" for label in STAGES)
            print(f"| {number} | {ingested - start:.2f} | {stages} | {done - ingested:.2f} "
                  f"| {_high_water_mb():.0f} |", flush=True)
        factory.dispose()


if __name__ == "__main__":
    main()
