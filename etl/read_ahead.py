"""Optional speed path: when one ``ingest`` is given several run files, the next file is read
in a second process while this one is stored.

A run's ingest is two halves of about equal cost: the pass over the file (read, derive,
archive), which needs nothing from the store, and the store step, which needs the runs
before it. With two cores the pass over file N+1 can run while run N is stored. The worker
reads a file exactly as ingest would (:func:`pledgewatch.etl.fast_read.read_file`) and hands
back the derived run, the archive (all its chunks: it has no store to hand them to on the
way) and the fetches, pickled to a file in a temporary folder.

If the worker dies, ingest reads the files itself from then on.

Two runs in memory at once is the price: a file larger than :data:`MAX_FILE_BYTES` is read
by ingest itself, so that a batch of large runs needs no more memory than one run does.

A file holding a page the site answered 304 needs the stored copy of that page, which the
run being stored may be the one to hold: the worker gives such a file up and ingest reads
it itself, after the run before is stored. A file the worker finds malformed raises the
same error, when ingest comes to it.

Optional: ingest each file with ``etl.ingest.ingest_run_file`` alone and the store is the
same. ``tests/etl/test_read_ahead.py`` holds the two equal.
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Self

from pledgewatch.etl import fast_read
from pledgewatch.etl.archive import RunArchive
from pledgewatch.etl.derive import DerivedRun
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import stands_for_stored_page
from pledgewatch.etl.read import RunLine

PreRead = tuple[DerivedRun, RunArchive, FetchLog]
# Larger files are not read ahead: two working sets grow with the file, and under this size
# a batch stays within the memory budget (tools/bench/RESULTS.md). The site's daily run file
# is well under it.
MAX_FILE_BYTES = 100 << 20


class ReadAhead:
    """Reads, one file ahead, the files of one ``ingest`` in the order they are ingested."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._pool: ProcessPoolExecutor | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._pending: dict[int, Future[bool]] = {}
        if any(path.stat().st_size <= MAX_FILE_BYTES for path in paths[1:]):
            # fork, not spawn: spawn runs the caller's main module again. The worker is forked
            # when the first file is taken, before any run is read, and never touches the
            # database connections it inherits.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._folder = tempfile.TemporaryDirectory(prefix="pledgewatch-read-ahead-")

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._folder is not None:
            self._folder.cleanup()

    def take(self, index: int) -> PreRead | None:
        """The ``index``-th file as read ahead (raising the error reading it raised), or None
        when ingest must read it itself; either way the file after it starts being read."""
        pending = self._pending.pop(index, None)
        following = index + 1
        try:
            if (self._pool is not None and following < len(self._paths)
                    and self._paths[following].stat().st_size <= MAX_FILE_BYTES):
                self._pending[following] = self._pool.submit(
                    read_into, self._paths[following], self._out(following))
            if pending is None or not pending.result():
                return None
        except BrokenProcessPool:  # the worker died (killed, out of memory): read here
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._pool, self._pending = None, {}
            return None
        with self._out(index).open("rb") as handle, fast_read.collector_paused():
            pre_read: PreRead = pickle.load(handle)
        self._out(index).unlink()
        return pre_read

    def _out(self, index: int) -> Path:
        assert self._folder is not None
        return Path(self._folder.name) / f"{index}.pickle"


class _NeedsStoredPages(Exception):
    """A 304 page: the stored copy may be the run being stored as this file is read."""


class _NoStoredPages:
    def expand(self, line: RunLine) -> Sequence[RunLine]:
        if stands_for_stored_page(line):
            raise _NeedsStoredPages
        return (line,)


def read_into(path: Path, out: Path) -> bool:
    """In the worker: read ``path`` and pickle what ingest needs of it to ``out``; False
    when the file needs the store's pages."""
    fetches = FetchLog()
    try:
        with fast_read.collector_paused():
            derived, archive = fast_read.read_file(path, _NoStoredPages(), fetches)  # type: ignore[arg-type]
            with out.open("wb") as handle:
                pickle.dump((derived, archive, fetches), handle, protocol=pickle.HIGHEST_PROTOCOL)
    except _NeedsStoredPages:
        return False
    return True
