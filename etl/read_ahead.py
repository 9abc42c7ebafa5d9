"""Optional speed path: when one ``ingest`` is given several run files, they are read in a
second process, ahead of the one being stored.

Reading a run file is the parse half, then the take half's file part and derive part
(:mod:`etl.fast_read`). The first two need nothing but the file; so with two cores a worker
process runs them on each file, up to :data:`LOOKAHEAD` files ahead of the one being stored,
and writes what they hand on to a file in a temporary folder, frame by frame: the derive
part's batches, the archive's chunks and page list, the fetches done, then the rest of the
archive. Ingest reads those frames as they are written: it stores the chunks and runs the
derive part, on the first file while the worker is still reading it. The worker holds no
text of a run beyond the batch it is on, so a batch of large runs costs about one run's
memory.

Each file's chunks are stored before the next file is ingested (a file that fails stops the
batch), and chunks are never deleted: so the worker leaves out of what it writes the chunks
it wrote for the file before, which ingest would only find stored again.

A file holding a page the site answered 304 is another matter: its stored copy, which
stands for the page, may be the run being stored. When the worker meets one it starts the
file again, writing only its parse half this time, and ingest takes that whole, dropping
what it had taken of the file (chunks it stored are the file's own, and stay).

If the worker dies or fails on a file, ingest reads that file itself, and raises the same
error a bad file gives.

Optional: ingest each file with ``etl.ingest.ingest_run_file`` alone and the store is the
same. ``tests/etl/test_read_ahead.py`` holds the two equal.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import io
import multiprocessing
import operator
import pickle
import sys
import tempfile
import time
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
    take_lines,
)
from pledgewatch.etl.fetches import Fetch, FetchLog
from pledgewatch.etl.not_modified import StoredPages, stands_for_stored_page
from pledgewatch.etl.read import CrawlLine, PageLine, RecordLine, RunLine, TermLine

# Files read ahead of the one being stored: while the first run, which stores everything, is
# written, the worker reads the next ones, and ingest catches up on them later.
LOOKAHEAD = 3
POLL_SECONDS = 0.002  # how often ingest looks again for a frame the worker is still writing

Read = tuple[DerivedRun, RunArchive, FetchLog]


class Taken:
    """A file as the worker writes it (:func:`read_into`), read while it is written."""

    def __init__(self, spool: Path, finished: Callable[[], bool]) -> None:
        self._spool = spool
        self._finished = finished  # the worker is done with the file, whatever the outcome

    def read(self, store_chunks: Callable[[dict[str, bytes]], None],
             stored: StoredPages) -> Read | None:
        """The derived run, archive and fetch log ``fast_read.read_file`` gives, the chunks
        handed to ``store_chunks`` in batches as large as it hands them; ``stored`` stands in
        for a 304's page. None when the worker did not finish the file: ingest reads it."""
        frames = _frames(self._spool, self._finished)
        deriving, fetches, page_list, archive = DeriveTaker(), FetchLog(), bytearray(), None
        chunks: dict[str, bytes] = {}  # to store in batches as large as ingest stores them
        pending = 0  # their bytes
        for kind, value in frames:
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
            elif kind == _PARSED:
                return _take_parsed(frames, stored, store_chunks)
            else:
                archive = value
        if archive is None:
            return None
        archive.chunks = {**chunks, **archive.chunks}
        archive.page_list = page_list + archive.page_list
        return deriving.result(), archive, fetches


def _take_parsed(frames: Iterator[tuple[str, Any]], stored: StoredPages,
                 store_chunks: Callable[[dict[str, bytes]], None]) -> Read | None:
    """The rest of a file the worker started again as its parse half, taken whole as ingest
    takes a file it reads; None when the worker stopped before the end of it."""
    ended: list[bool] = []

    def batches() -> Iterator[LineBatch]:
        for kind, value in frames:
            if kind == _END:
                ended.append(True)
                return
            yield value

    fetches = FetchLog()
    derived, archive = take_lines(batches(), stored, fetches, store_chunks)
    return (derived, archive, fetches) if ended else None


@dataclass(frozen=True, slots=True)
class Ahead:
    """A file as read ahead: its digest (``etl.archive.file_digest``) when the worker is
    done with it, and what it wrote."""

    digest: str | None
    read: Taken


class ReadAhead:
    """Reads ahead the files of one ``ingest`` in the order they are ingested."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self._paths = list(paths)
        self._pool: ProcessPoolExecutor | None = None
        self._folder: tempfile.TemporaryDirectory[str] | None = None
        self._pending: dict[int, Future[str]] = {}
        self._submitted = 0  # files handed to the worker: all those before this index
        if len(self._paths) > 1:
            # fork, not spawn: spawn runs the caller's main module again. The worker is forked
            # before any run is read, and never touches the database connections it inherits.
            self._pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
            self._folder = tempfile.TemporaryDirectory(prefix="pledgewatch-read-ahead-")
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
        """The ``index``-th file as the worker reads it, or None when ingest must read it
        itself; the files after it, up to :data:`LOOKAHEAD`, are read meanwhile."""
        pending = self._pending.pop(index, None)
        self._submit_up_to(index + LOOKAHEAD)
        if pending is None:
            return None
        digest = None  # not known until the worker is done with the file
        if pending.done():
            try:
                digest = pending.result()
            except BrokenProcessPool:  # the worker died (killed, out of memory): read here
                self._stop()
                return None
            except Exception:  # ingest reads the file itself and raises its own error
                return None
        return Ahead(digest, Taken(self._out(index), pending.done))

    def _submit_up_to(self, last: int) -> None:
        while self._pool is not None and self._submitted <= min(last, len(self._paths) - 1):
            index = self._submitted
            try:
                self._pending[index] = self._pool.submit(read_into, self._paths[index],
                                                         self._out(index))
            except BrokenProcessPool:
                self._stop()
                return
            self._submitted += 1

    def _stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
        self._pool, self._pending = None, {}

    def _out(self, index: int) -> Path:
        assert self._folder is not None
        return Path(self._folder.name) / f"{index}.frames"


class _NeedsStoredPages(Exception):
    """A 304 page: the stored copy may be the run being stored as this file is read."""


class _NoStoredPages:
    def expand(self, line: RunLine) -> Sequence[RunLine]:
        if stands_for_stored_page(line):
            raise _NeedsStoredPages
        return (line,)


# The frames of the worker's file: a derive batch; the archive's chunks and page list since the
# last, and the fetches (each handed on as soon as it can be, so the worker holds little of a
# run); the rest of the archive at the end. Or, for a file with a 304 page: a mark that the
# file starts again, its parse half's batches, and the end.
_LINES, _ARCHIVE, _FETCHES, _END = "lines", "archive", "fetches", "end"
_PARSED, _BATCH = "parsed", "batch"

# In the worker: the chunks it wrote for the last file it took whole, each digest as a number
# (the hex string costs twice the memory, for a run's worth of chunks).
_written_before: set[int] = set()


def read_into(path: Path, out: Path) -> str:
    """In the worker: read ``path`` into frames in ``out``, its file part taken or, if it has
    a 304 page, only its parse half; the file's digest (``etl.archive.file_digest``)."""
    with out.open("wb") as handle, collector_paused():
        try:
            return _take_into(path, handle)
        except _NeedsStoredPages:
            return _parse_into(path, handle)


def _take_into(path: Path, handle: BinaryIO) -> str:
    global _written_before
    digest, written = FileDigest(), list[str]()  # a list until the file ends: no set twice

    def chunks_to_write(chunks: dict[str, bytes]) -> dict[str, bytes]:
        written.extend(chunks)
        return {key: data for key, data in chunks.items()
                if int(key, 16) not in _written_before}

    files = FileTaker(_NoStoredPages(), FetchLog())  # type: ignore[arg-type]
    for batch in parse_lines(path, by_digest=True, digest=digest):
        write_frame(handle, (_LINES, files.take(batch)))
        chunks, page_list = files.archive.hand_on()
        write_frame(handle, (_ARCHIVE, (chunks_to_write(chunks), page_list)))
        if done := files.fetches.hand_on():
            write_frame(handle, (_FETCHES, done))
    archive = files.result()
    archive.chunks = chunks_to_write(archive.chunks)
    write_frame(handle, (_END, archive))
    del files, archive
    _written_before = set()  # the last file's numbers go before this one's are made
    _written_before = {int(key, 16) for key in written}
    return digest.result()


def _parse_into(path: Path, handle: BinaryIO) -> str:
    digest = FileDigest()
    write_frame(handle, (_PARSED, None))
    for batch in parse_lines(path, by_digest=True, digest=digest):
        write_frame(handle, (_BATCH, batch))
    write_frame(handle, (_END, None))
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
    """One value pickled as the worker pickles it."""
    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _BY_FIELDS
    pickler.dump(value)


_SIZE_BYTES = 8


def write_frame(handle: BinaryIO, value: object) -> None:
    """One value as the worker writes it to its file: its size, then its pickle, flushed for
    ingest to read as soon as it is whole."""
    data = io.BytesIO()
    write_value(data, value)
    handle.write(data.getbuffer().nbytes.to_bytes(_SIZE_BYTES, "little"))
    handle.write(data.getbuffer())
    handle.flush()


def _frames(path: Path, finished: Callable[[], bool]) -> Iterator[tuple[str, Any]]:
    """The values written to ``path`` one frame after another, each as soon as it is whole,
    until the writer is ``finished``; the file removed once read."""
    try:
        handle = _opened(path, finished)
        if handle is None:
            return
        with handle:
            while (size := _whole(handle, _SIZE_BYTES, finished)) is not None:
                data = _whole(handle, int.from_bytes(size, "little"), finished)
                if data is None:
                    return  # the writer stopped in the middle of a frame
                yield pickle.loads(data)
    finally:
        path.unlink(missing_ok=True)


def _opened(path: Path, finished: Callable[[], bool]) -> BinaryIO | None:
    """``path`` open to read once the writer has made it; None if it finished first."""
    while True:
        done = finished()
        try:
            return path.open("rb")
        except FileNotFoundError:
            if done:
                return None
            time.sleep(POLL_SECONDS)


def _whole(handle: BinaryIO, size: int, finished: Callable[[], bool]) -> bytes | None:
    """The next ``size`` bytes of a file still being written, or None when the writer
    finished before writing them all."""
    data = bytearray()
    while len(data) < size:
        done = finished()  # asked first: what it wrote before it finished is read next
        more = handle.read(size - len(data))
        if more:
            data += more
        elif done:
            return None
        else:
            time.sleep(POLL_SECONDS)
    return bytes(data)
