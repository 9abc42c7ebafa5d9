"""How the work of ``ingest RUN...`` splits between the storing process and the reading child.

Ingests a workload's runs reading ahead, as the command does, into a fresh SQLite
database, and prints for each run its wall time, the CPU seconds of this process
and of the child while it was ingested, and how long this process waited for the
child. Whichever process has more CPU per run bounds the command; a long wait says
the child is the one.

    .venv/bin/python -m bench.readahead_split bench/out/workload-5000-seed1 --runs 10
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def child_cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("workload", type=Path, help="a folder written by bench.workload")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)

    from pledgewatch.etl import readahead
    from pledgewatch.etl.ingest import ingest_run_file, reading_ahead
    from pledgewatch.storage.db import open_database

    waited = [0.0]
    receive = readahead.ReadAhead._receive

    def timed_receive(self: readahead.ReadAhead) -> object:
        started = time.perf_counter()
        try:
            return receive(self)
        finally:
            waited[0] += time.perf_counter() - started

    readahead.ReadAhead._receive = timed_receive  # type: ignore[method-assign]
    paths = [args.workload / f"run-{n:02d}.jsonl" for n in range(1, args.runs + 1)]
    print("| run | wall s | parent CPU s | child CPU s | parent waited s |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory(prefix="pledgewatch-split-") as tmp:
        factory = open_database(f"sqlite:///{Path(tmp) / 'pledgewatch.db'}")
        with reading_ahead(factory, paths) as reader:
            pid = reader._process.pid  # measuring the child is the point
            for number, path in enumerate(paths, start=1):
                waited[0] = 0.0
                wall, cpu, child = time.perf_counter(), time.process_time(), child_cpu_seconds(pid)
                ingest_run_file(factory, path, readahead=reader)
                print(f"| {number} | {time.perf_counter() - wall:.2f} | "
                      f"{time.process_time() - cpu:.2f} | {child_cpu_seconds(pid) - child:.2f} | "
                      f"{waited[0]:.2f} |")
        factory.kw["bind"].dispose()


if __name__ == "__main__":
    main()
