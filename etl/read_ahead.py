"""Optional speed path: when one ``ingest`` is given several run files, the next file is read
in a second process while this one is stored.

Reading a run file is two halves (:mod:`etl.fast_read`): the parse half, which needs
nothing but the file, and the take half, which derives, archives and notes fetches. With
two cores, one of them runs ahead in a worker process, which writes what it made to a file in
a temporary folder for ingest to pick up:

* a file of up to :data:`MAX_WHOLE_BYTES` is read whole: ingest gets the derived run, the
  archive and the fetches, and only stores them. Two runs are then in memory at once, which
  at this size is little;
* a larger file, or one holding a page the site answered 304 (its stored copy may be the run
  being stored), gets only the parse half: ingest takes its batches
  (:class:`~pledgewatch.etl.fast_read.LineBatch`) as it would take them from the file. The
  parse half keeps its distinct values by digest, not by text, so the worker holds no run:
  a batch of large runs costs about one run's memory.

If the worker dies, ingest reads the files itself from then on. A file the worker cannot
read is read by ingest, which raises the same error.

Optional: ingest each file with ``etl.ingest.ingest_run_file`` alone and the store is the
same. ``tests/etl/test_read_ahead.py`` holds the two equal.
"""

from __future__ import annotations

import multiprocessing
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Self

from pledgewatch.etl import fast_read
from pledgewatch.etl.archive import RunArchive, file_digest
from pledgewatch.etl.derive import DerivedRun
from pledgewatch.etl.fast_read import LineBatch, collector_paused, parse_lines
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.not_modified import stands_for_stored_page
from pledgewatch.etl.read import RunLine

PreRead = tuple[DerivedRun, RunArchive, FetchLog]  # a file read whole


@dataclass(frozen=True, slots=True)
class Ahead:
    """A file as the worker read it: its digest (``etl.archive.file_digest``), and the file
    read whole or its parse half's batches."""

    digest: str
    read: PreRead | Iterator[LineBatch]
# Files up to this size are read whole ahead; above it two working sets would grow with the
# file (tools/bench/RESULTS.md). The site's daily run file is well under it.
MAX_WHOLE_BYTES = 100 << 20


class ReadAhead:
    """Reads, one file ahead, the files of one ``ingest`` in the order they are ingested."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._pool: ProcessPoolExecutor | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._pending: dict[int, Future[tuple[bool, str]]] = {}
        if len(self._paths) > 1:
            # fork, not spawn: spawn runs the caller's main module again. The worker is forked
            # before any run is read, and never touches the database connections it inherits.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._folder = tempfile.TemporaryDirectory(prefix="pledgewatch-read-ahead-")
            if self._paths[0].stat().st_size > MAX_WHOLE_BYTES:
                # A large first file is parsed by the worker too: read here, its texts would
                # be held by the parse half's keys while the worker parses the next one.
                # A small one ingest reads itself while the worker reads the second.
                self._pending[0] = self._pool.submit(read_into, self._paths[0], self._out(0))

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._folder is not None:
            self._folder.cleanup()

    def take(self, index: int) -> Ahead | None:
        """The ``index``-th file as read ahead, whole or parsed, or None when ingest must read
        it itself; either way the file after it starts being read."""
        pending = self._pending.pop(index, None)
        following = index + 1
        try:
            if self._pool is not None and following < len(self._paths):
                self._pending[following] = self._pool.submit(
                    read_into, self._paths[following], self._out(following))
            if pending is None:
                return None
            whole, digest = pending.result()
        except BrokenProcessPool:  # the worker died (killed, out of memory): read here
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._pool, self._pending = None, {}
            return None
        except Exception:  # ingest reads the file itself and raises its own error
            return None
        if not whole:
            return Ahead(digest, _spooled(self._out(index)))
        with self._out(index).open("rb") as handle, collector_paused():
            pre_read: PreRead = pickle.load(handle)
        self._out(index).unlink()
        return Ahead(digest, pre_read)

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


def read_into(path: Path, out: Path) -> tuple[bool, str]:
    """In the worker: read ``path`` ahead into ``out``, whole (True) or its parse half
    (False), and take its digest."""
    return _read_into(path, out), file_digest(path)


def _read_into(path: Path, out: Path) -> bool:
    if path.stat().st_size <= MAX_WHOLE_BYTES:
        fetches = FetchLog()
        try:
            with collector_paused():
                derived, archive = fast_read.read_file(
                    path, _NoStoredPages(), fetches)  # type: ignore[arg-type]
                with out.open("wb") as handle:
                    pickle.dump((derived, archive, fetches), handle,
                                protocol=pickle.HIGHEST_PROTOCOL)
            return True
        except _NeedsStoredPages:
            pass
    parse_into(path, out)
    return False


def parse_into(path: Path, out: Path) -> None:
    """In the worker: the parse half of ``path``, its batches pickled one after another to
    ``out``."""
    with out.open("wb") as handle:
        for batch in parse_lines(path, by_digest=True):
            pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _spooled(path: Path) -> Iterator[LineBatch]:
    """The batches :func:`parse_into` wrote, the file removed once read."""
    try:
        with path.open("rb") as handle:
            while True:
                try:
                    yield pickle.load(handle)
                except EOFError:
                    return
    finally:
        path.unlink(missing_ok=True)
