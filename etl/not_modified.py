"""A listing page answered ``304 Not Modified`` is the stored page: put it back before reading.

The spider writes a 304's page line (``not_modified: true``) with the stored pager fields and
no teaser lines. Before derive and archive, :func:`with_stored_pages` replaces that line with
the teaser lines and page line of the newest stored run that read the URL ok (its raw input,
``etl.archive``), the page line still marked ``not_modified`` and carrying this fetch's status,
time and validators. So the derive stage, the archive and every later re-processing see the
page as fetched. A 304 with no stored copy (the store was replaced, or its run's raw input is
gone) is a failed page: nothing can stand for it, and the fetch state then drops the
validators that asked for it (``etl.fetches``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeGuard

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from pledgewatch.etl.archive import entry_digests, replay_entry
from pledgewatch.etl.read import PageLine, RunLine, check_record, typed_line
from pledgewatch.storage import repo
from pledgewatch.storage.models import Run

NO_STORED_COPY = "304 but no stored copy"
# This fetch's own fields; everything else (teasers, pager, term) is the stored page's.
FETCH_FIELDS = ("status", "fetched_at", "etag", "last_modified", "depth", "not_modified")


def with_stored_pages(lines: Iterable[RunLine], stored: StoredPages) -> Iterator[RunLine]:
    for line in lines:
        yield from stored.expand(line)


def stands_for_stored_page(line: RunLine) -> TypeGuard[PageLine]:
    """A 304's page line: the page as stored is to be read in its place."""
    return isinstance(line, PageLine) and line.ok and bool(line.fields.get("not_modified"))


class StoredPages:
    """The store's newest ok copy of each listing page, looked up lazily: page lists are
    loaded newest run first, only until the page asked for is found."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._digests = iter(session.scalars(
            select(Run.pages_digest).where(Run.status == "ingested", Run.pages_digest.is_not(None))
            .order_by(Run.id.desc())).all())
        self._found: dict[str, list[Any]] = {}  # URL -> its page-list entry, newest ok read

    def expand(self, line: RunLine) -> Sequence[RunLine]:
        """A line as the later stages are to see it: a 304's page line as the stored page."""
        if stands_for_stored_page(line):
            return self.stand_in(line)
        return (line,)

    def stand_in(self, line: PageLine) -> list[RunLine]:
        """The stored page's lines in place of a 304's page line, or that line failed."""
        entry = self._entry(line.url)
        if entry is None:
            failed = {**line.fields, "ok": False, "error": NO_STORED_COPY, "teasers": 0}
            return [typed_line(check_record(failed, 0))]
        lines = list(replay_entry(entry, repo.load_raw(self._session, entry_digests(entry))))
        page = lines[-1]
        assert isinstance(page, PageLine)
        fields = {**page.fields, **{k: line.fields[k] for k in FETCH_FIELDS if k in line.fields}}
        return [*lines[:-1], typed_line(check_record(fields, 0))]

    def _entry(self, url: str) -> list[Any] | None:
        while url not in self._found:
            digest = next(self._digests, None)
            if digest is None:
                return None
            page_list = repo.load_raw(self._session, [digest]).get(digest)
            for entry in orjson.loads(page_list) if page_list else ():
                if entry[3] and entry[0] not in self._found:  # ok
                    self._found[entry[0]] = entry
        return self._found[url]
