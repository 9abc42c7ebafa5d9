"""Reading the next run files in a second process while this one stores the current run.

``pledgewatch ingest RUN...`` spends about half of each run reading and splitting
lines, work that needs nothing from the database, and half comparing and writing.
On a machine with two cores the two halves can overlap: a child process reads the
files in order, a little ahead, and hands this process each file's page chunks as
:func:`etl.reader.read_chunks` would have made them, with their new contents
already compressed (:func:`etl.pages.compress_contents`). Describing each page
for the page list, and each file's digest, are left to this process: the child,
which splits every line, is the busier of the two.

The child keeps its own map of content digest → pledge key, started from the
database's, grown with every content it parses and cut back after each file to
that file's contents. A chunk's ``parsed`` therefore holds only texts the run
before did not have; any other content a run needs is in raw storage already,
where the merge reads it back.

The child never waits for this process within a file: it appends each batch of
about :data:`BATCH_BYTES` of pickled chunks to a spool file of its own and sends
only the batch's length, and this process reads the batches back in order. A run
held in memory until it is taken would cost a hundred megabytes at 50,000
pledges; a run that the child may not write ahead stalls it while this process
merges and writes the run before, which at that size takes seconds. The spool is
a temporary file per run file, removed once its run is stored: at most two exist,
since the child works at most one file ahead of the one being stored.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import shutil
import tempfile
import traceback
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any, BinaryIO, Self

from pledgewatch.etl.heap import give_back_freed_memory
from pledgewatch.etl.pages import compress_contents
from pledgewatch.etl.reader import PageChunk, RunMeta, read_chunks
from pledgewatch.etl.runfile import file_digest
from pledgewatch.core.errors import InputError

BATCH_BYTES = 1 << 20


def available() -> bool:
    """Forking is what makes the child cheap: it starts with every module loaded."""
    return "fork" in multiprocessing.get_all_start_methods()


def worthwhile(paths: list[Path]) -> bool:
    """Whether reading ahead is the better default: with several files, at any size.

    At 50,000 pledges (500 MB files) ten runs took 102.7 s and 468 MB reading ahead, 145.7 s
    and 407 MB in one process (bench.ingest_bench, figures in bench/README.md).
    """
    return len(paths) > 1 and available()


class ReadAhead:
    """Run files read in a child process, taken in the order they were given."""

    def __init__(self, paths: list[Path], keys: dict[str, str | None]) -> None:
        context = multiprocessing.get_context("fork")
        self._paths = list(paths)
        self.spool_dir = Path(tempfile.mkdtemp(prefix="pledgewatch-readahead-"))  # see module doc
        self._queue: Any = context.Queue()
        # A turn per file the child may start: the first now, each next one once this process
        # has begun the file before it.
        self._turns: Any = context.Semaphore(1)
        self._process = context.Process(
            target=_read_files, args=(self._paths, keys, self.spool_dir, self._queue, self._turns),
            name="pledgewatch-readahead", daemon=True)
        self._process.start()
        # Digests are hashed here, by a thread (hashing lets go of the GIL), so the child's
        # time goes to splitting lines: it was the busier of the two.
        self._hasher = ThreadPoolExecutor(1, thread_name_prefix="pledgewatch-digest")
        self._digests = [self._hasher.submit(file_digest, path) for path in self._paths]
        self._next = 0

    def digest(self, path: Path) -> str:
        """The next file's digest; this process begins that file, so the child may read the
        one after it."""
        expected = self._paths[self._next]
        if path != expected:
            raise ValueError(f"files must be taken in order: expected {expected}, got {path}")
        self._next += 1
        self._turns.release()
        return self._digests[self._next - 1].result()

    def chunks(self, meta: RunMeta) -> Iterator[PageChunk]:
        """The current file's page chunks; ``meta`` is filled when the last has been read."""
        spool = _spool_path(self.spool_dir, self._next - 1)
        with ExitStack() as stack:
            handle = None
            while True:
                kind, payload = self._receive()
                if kind == "end":
                    meta.crawl, meta.terms = payload.crawl, payload.terms
                    break
                if handle is None:
                    handle = stack.enter_context(spool.open("rb"))
                yield from pickle.loads(handle.read(payload))
        spool.unlink(missing_ok=True)

    def skip(self) -> None:
        """Pass over the current file's chunks (it was ingested before)."""
        while self._receive()[0] != "end":
            pass
        _spool_path(self.spool_dir, self._next - 1).unlink(missing_ok=True)

    def close(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._queue.close()
        self._hasher.shutdown(cancel_futures=True)
        shutil.rmtree(self.spool_dir, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _receive(self) -> tuple[str, Any]:
        kind, payload = self._queue.get()
        if kind == "input-error":
            raise InputError(payload)
        elif kind == "crash":
            raise RuntimeError(f"reading ahead failed:\n{payload}")
        return kind, payload


def _spool_path(spool_dir: Path, index: int) -> Path:
    return spool_dir / f"{index:06d}.chunks"


def _read_files(paths: list[Path], keys: dict[str, str | None], spool_dir: Path, queue: Any,
                turns: Any) -> None:
    gc.disable()  # the reader makes no reference cycles; see etl.gcpause
    try:
        for index, path in enumerate(paths):
            turns.acquire()
            meta = RunMeta()
            this_run: dict[str, str | None] = {}
            with _spool_path(spool_dir, index).open("wb") as spool:
                batch: list[PageChunk] = []
                size = 0
                for chunk in map(compress_contents, read_chunks(path, meta, keys)):
                    this_run.update(zip(chunk.contents, chunk.keys))
                    batch.append(chunk)
                    size += _pickled_size(chunk)
                    if size >= BATCH_BYTES:
                        _send(spool, queue, batch)
                        batch, size = [], 0
                _send(spool, queue, batch)
            queue.put(("end", meta))
            # Keep the keys of this run's contents only, as the database keeps each pledge's
            # last sighting: the map does not grow run after run. A text that comes back is
            # parsed and sent again, and the parent finds it stored already.
            keys = this_run
            give_back_freed_memory()
    except InputError as error:
        queue.put(("input-error", str(error)))
    except Exception:  # noqa: BLE001 - the parent raises it where it waits, with this traceback
        queue.put(("crash", traceback.format_exc()))
    queue.close()
    queue.join_thread()


def _pickled_size(chunk: PageChunk) -> int:
    """About what the chunk weighs pickled: a little per page and teaser, and its texts."""
    return 1200 + 90 * chunk.teasers \
        + sum(len(data) for _, data in chunk.parsed) + sum(map(len, chunk.compressed))


def _send(spool: BinaryIO, queue: Any, batch: list[PageChunk]) -> None:
    """Append a batch to the spool, then say how long it is: the parent reads it after."""
    if not batch:
        return
    payload = pickle.dumps(batch, pickle.HIGHEST_PROTOCOL)
    spool.write(payload)
    spool.flush()
    queue.put(("chunks", len(payload)))
