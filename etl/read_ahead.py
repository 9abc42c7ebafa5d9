"""Optional speed path: when one ``ingest`` is given several run files, the parse half of
reading the next file runs in a second process while this one is stored.

Reading a run file is two halves (:mod:`etl.fast_read`): the parse half, which needs
nothing but the file, and the take half, which derives, archives and notes fetches. With
two cores the parse half of file N+1 can run while run N is taken and stored. The worker
writes its batches (:class:`~pledgewatch.etl.fast_read.LineBatch`) to a file in a temporary
folder, and ingest takes them from there as it would from the file. The parse half keeps
its distinct values by digest, not by text, so the worker holds no run in memory: its
share stays about the same whatever the file's size. A 304 page needs the stored copy,
which only the take half looks up, after the run before is stored.

If the worker dies, ingest reads the files itself from then on. A file the worker cannot
read raises the same error, when ingest comes to it.

Optional: ingest each file with ``etl.ingest.ingest_run_file`` alone and the store is the
same. ``tests/etl/test_read_ahead.py`` holds the two equal.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import TracebackType
from typing import Self

from pledgewatch.etl.fast_read import LineBatch, parse_lines


class ReadAhead:
    """Parses, one file ahead, the files of one ``ingest`` in the order they are ingested."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._pool: ProcessPoolExecutor | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._pending: dict[int, Future[None]] = {}
        if len(self._paths) > 1:
            # fork, not spawn: spawn runs the caller's main module again. The worker is forked
            # here, before any run is read, and never touches the database connections it
            # inherits.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._folder = tempfile.TemporaryDirectory(prefix="pledgewatch-read-ahead-")
            # The first file too: taking a file's batches costs ingest less than parsing it.
            # This first submit forks the worker, with ingest's objects out of the collector's
            # sight: a collection in the worker would touch every object it inherits, and so
            # copy the pages they are on.
            gc.freeze()
            try:
                self._pending[0] = self._pool.submit(parse_into, self._paths[0], self._out(0))
            finally:
                gc.unfreeze()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._folder is not None:
            self._folder.cleanup()

    def take(self, index: int) -> Iterator[LineBatch] | None:
        """The ``index``-th file's batches as parsed ahead (raising the error parsing it
        raised), or None when ingest must parse it itself; either way the file after it
        starts being parsed."""
        pending = self._pending.pop(index, None)
        following = index + 1
        try:
            if self._pool is not None and following < len(self._paths):
                self._pending[following] = self._pool.submit(
                    parse_into, self._paths[following], self._out(following))
            if pending is None:
                return None
            pending.result()
        except BrokenProcessPool:  # the worker died (killed, out of memory): read here
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._pool, self._pending = None, {}
            return None
        return _spooled(self._out(index))

    def _out(self, index: int) -> Path:
        assert self._folder is not None
        return Path(self._folder.name) / f"{index}.pickle"


def parse_into(path: Path, out: Path) -> None:
    """In the worker: the parse half of ``path``, its batches pickled one after another to
    ``out``."""
    with out.open("wb") as handle:
        for batch in parse_lines(path):
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
