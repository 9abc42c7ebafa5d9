"""Optional speed path: when one ``ingest`` is given several run files, the next ones are
read in a second process while this one is stored.

Reading a run file is the parse half, then the take half's file part and derive part
(:mod:`etl.fast_read`). The first two need nothing but the file; so with two cores a worker
process runs them on the files after the one being stored, up to :data:`LOOKAHEAD` files
ahead, and writes what they hand on to a file in a temporary folder for ingest to pick up:
the archive's chunks in batches, the derive part's batches, then the archive and the fetch
log. Ingest stores the chunks and runs the derive part. The worker holds no text of a run
beyond the batch it is on, so a batch of large runs costs about one run's memory.

A file holding a page the site answered 304 is another matter: its stored copy, which
stands for the page, may be the run being stored. When the worker meets one it hands on only
the file's parse half, and ingest takes it whole once the run before is stored. Ingest reads
the first file itself while the worker starts on the next.

If the worker dies, ingest reads the files itself from then on. A file the worker cannot
read is read by ingest, which raises the same error.

Optional: ingest each file with ``etl.ingest.ingest_run_file`` alone and the store is the
same. ``tests/etl/test_read_ahead.py`` holds the two equal.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import multiprocessing
import operator
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, Self

from pledgewatch.core.pledges import Teaser
from pledgewatch.etl.archive import STORE_BATCH_BYTES, FileDigest, RunArchive
from pledgewatch.etl.derive import DerivedRun, TeaserContent
from pledgewatch.etl.fast_read import (
    DeriveTaker,
    FileTaker,
    LineBatch,
    collector_paused,
    parse_lines,
)
from pledgewatch.etl.fetches import Fetch, FetchLog
from pledgewatch.etl.not_modified import stands_for_stored_page
from pledgewatch.etl.read import CrawlLine, PageLine, RecordLine, RunLine, TermLine

# Files read ahead of the one being stored: with one, the worker idles while the first file's
# run, which stores everything, is written.
LOOKAHEAD = 2


class Taken:
    """A file whose file part the worker ran (:func:`read_into`)."""

    def __init__(self, spool: Path) -> None:
        self._spool = spool

    def read(self, store_chunks: Callable[[dict[str, bytes]], None]
             ) -> tuple[DerivedRun, RunArchive, FetchLog]:
        """The derived run, archive and fetch log ``fast_read.take_lines`` gives, the chunks
        handed to ``store_chunks`` in the batches it hands them."""
        deriving, fetches, page_list, archive = DeriveTaker(), FetchLog(), bytearray(), None
        chunks: dict[str, bytes] = {}  # to store in batches as large as ingest stores them
        pending = 0  # their bytes
        for kind, value in _spooled(self._spool):
            if kind == _LINES:
                deriving.take(value)
            elif kind == _ARCHIVE:
                chunks.update(value[0])
                pending += sum(map(len, value[0].values()))
                page_list += value[1]
                if pending >= STORE_BATCH_BYTES:
                    store_chunks(chunks)
                    chunks, pending = {}, 0
            elif kind == _FETCHES:
                fetches.fetches.update(value)
            else:
                archive = value
        assert archive is not None, "the worker reported a file it did not finish"
        archive.chunks = {**chunks, **archive.chunks}
        archive.page_list = page_list + archive.page_list
        return deriving.result(), archive, fetches


@dataclass(frozen=True, slots=True)
class Ahead:
    """A file as read ahead: its digest (``etl.archive.file_digest``), and its file part
    taken or only its parse half's batches."""

    digest: str
    read: Taken | Iterator[LineBatch]


class ReadAhead:
    """Reads ahead the files of one ``ingest`` in the order they are ingested."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._pool: ProcessPoolExecutor | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._pending: dict[int, Future[tuple[bool, str]]] = {}
        self._submitted = 0  # files handed to the worker: all those before this index
        if len(self._paths) > 1:
            # fork, not spawn: spawn runs the caller's main module again. The worker is forked
            # before any run is read, and never touches the database connections it inherits.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._folder = tempfile.TemporaryDirectory(prefix="pledgewatch-read-ahead-")
            self._submitted = 1  # the first file ingest reads itself
            # The objects made so far (modules, classes, functions) move where the collector
            # leaves them alone until the batch ends: its passes in either process would write
            # to them, and each page written stops being shared with the worker.
            gc.freeze()
            self._submit_up_to(LOOKAHEAD)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
        if self._folder is not None:
            self._folder.cleanup()
            gc.unfreeze()

    def take(self, index: int) -> Ahead | None:
        """The ``index``-th file as read ahead, or None when ingest must read it itself; the
        files after it, up to :data:`LOOKAHEAD`, are being read meanwhile."""
        pending = self._pending.pop(index, None)
        try:
            self._submit_up_to(index + LOOKAHEAD)
            if pending is None:
                return None
            taken, digest = pending.result()
        except BrokenProcessPool:  # the worker died (killed, out of memory): read here
            if self._pool is not None:
                self._pool.shutdown(wait=False)
            self._pool, self._pending = None, {}
            return None
        except Exception:  # ingest reads the file itself and raises its own error
            return None
        return Ahead(digest, Taken(self._out(index)) if taken else _spooled(self._out(index)))

    def _submit_up_to(self, last: int) -> None:
        while self._pool is not None and self._submitted <= min(last, len(self._paths) - 1):
            index = self._submitted
            self._pending[index] = self._pool.submit(read_into, self._paths[index], self._out(index))
            self._submitted += 1

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


# What each pickle in the worker's file holds: a derive batch; the archive's chunks and page
# list since the last, and the fetches (each handed on as soon as it can be, so the worker holds
# little of a run); the rest of the archive at the end.
_LINES, _ARCHIVE, _FETCHES, _END = "lines", "archive", "fetches", "end"


def read_into(path: Path, out: Path) -> tuple[bool, str]:
    """In the worker: read ``path`` ahead into ``out``, its file part taken (True) or only its
    parse half (False), and take its digest (``etl.archive.file_digest``) on the way."""
    try:
        return True, _take_into(path, out)
    except _NeedsStoredPages:
        return False, parse_into(path, out)


def _take_into(path: Path, out: Path) -> str:
    digest = FileDigest()
    with out.open("wb") as handle, collector_paused():
        def dump(kind: str, value: object) -> None:
            write_value(handle, (kind, value))

        files = FileTaker(_NoStoredPages(), FetchLog())  # type: ignore[arg-type]
        for batch in parse_lines(path, by_digest=True, digest=digest):
            dump(_LINES, files.take(batch))
            dump(_ARCHIVE, files.archive.hand_on())
            if done := files.fetches.hand_on():
                dump(_FETCHES, done)
        dump(_END, files.result())
    return digest.result()


def _by_fields(cls: type, make: Callable[..., Any] | None = None
               ) -> Callable[[Any], tuple[Callable[..., Any], tuple[Any, ...]]]:
    """A frozen dataclass pickled as the arguments of its constructor (or of ``make``): by
    default, a class with slots is pickled through a state that looks up its fields again for
    every object, and a run hands over a few hundred thousand of them."""
    values = operator.attrgetter(*(field.name for field in dataclasses.fields(cls)))
    return lambda value: (make or cls, values(value))


assert dataclasses.fields(Fetch)[-1].name == "records", "_fetch takes the record URLs last"


def _fetch(*values: Any) -> Fetch:
    """A fetch as loaded, its record URLs interned: each is listed on several pages, which
    come in several pickles, each with its own copy."""
    return Fetch(*values[:-1], tuple(map(sys.intern, values[-1])))  # type: ignore[call-arg]


_BY_FIELDS: dict[Any, Any] = {
    **copyreg.dispatch_table, Fetch: _by_fields(Fetch, _fetch),
    **{cls: _by_fields(cls) for cls in (Teaser, TeaserContent, PageLine, CrawlLine, TermLine,
                                        RecordLine)}}


def write_value(handle: BinaryIO, value: object) -> None:
    """One value as the worker writes it to its file, for ingest to load with ``pickle``."""
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _BY_FIELDS
    pickler.dump(value)


def parse_into(path: Path, out: Path) -> str:
    """In the worker: the parse half of ``path``, its batches pickled one after another to
    ``out``; the file's digest."""
    digest = FileDigest()
    with out.open("wb") as handle:
        for batch in parse_lines(path, by_digest=True, digest=digest):
            pickle.dump(batch, handle, protocol=pickle.HIGHEST_PROTOCOL)
    return digest.result()


def _spooled(path: Path) -> Iterator[Any]:
    """The values pickled one after another to ``path``, the file removed once read."""
    try:
        with path.open("rb") as handle:
            while True:
                try:
                    yield pickle.load(handle)
                except EOFError:
                    return
    finally:
        path.unlink(missing_ok=True)
