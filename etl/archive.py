"""A run's input as kept in raw storage: each distinct text once, and one page list per run.

Raw input is the record of what the site said; everything else in the store is
derived from it and can be rebuilt (``pledgewatch reprocess``). A run repeats
itself: each pledge is listed on about eight term pages, and a quiet day reprints
yesterday's teasers word for word at other positions. So a teaser is kept in two
parts, each a de-duplicated raw chunk under its digest:

* its **content** (``url``, ``title``, ``author``, ``submitted``, ``summary``):
  what the pledge says, usually one chunk per pledge for all its term pages;
* its **context** (term, vocabulary, byline placement): a few hundred in all.

Its place (listing URL, position, page number) is kept by the run's **page
list**: every listing page in order, with its page line's digest, the fields of
it that change without its content changing, and its teasers' digests. A run
that saw the same pages in the same order has the same list and stores nothing
new.

Record lines (a pledge's own page) follow the listing pages at the end of the
list, each its line less the fetch time: the crawl writes them between any two
listing lines, and where they fell says nothing.
"""

from __future__ import annotations

import hashlib
import operator
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from pledgewatch.core.pledges import Teaser
from pledgewatch.etl.read import PageLine, RecordLine, RunLine, check_record, typed_line

CONTENT_FIELDS = ("url", "title", "author", "submitted", "summary")
CONTEXT_FIELDS = ("term", "term_url", "vocabulary", "author_position", "author_truncated")
# Page fields kept in the page list, not in the page's chunk: the fetch time differs on every
# fetch, the body digest whenever teasers shift between pages, and the last page number on
# every page of a term whenever its count crosses a multiple of ten. A server's validators
# (ETag, Last-Modified) may change without the page's content changing; they are listed only
# when the page line has them, so runs read without them keep their page lists.
VOLATILE_PAGE_FIELDS = ("fetched_at", "digest", "last_page", "etag", "last_modified")
_VALIDATOR_FIELDS = ("etag", "last_modified")
DIGEST_CHARS = 32
# With somewhere to store them, chunks leave the builder in batches of about this many bytes
# (uncompressed): a run never holds all of its distinct texts at once.
STORE_BATCH_BYTES = 8 << 20
# A page list is mostly hex digests, which level 1 packs nearly as tight in a fraction of the
# time; a run whose pages changed stores a new one.
PAGE_LIST_COMPRESSION_LEVEL = 1


def digest_of(data: bytes | bytearray) -> str:
    """The store's one digest: 128 bits of SHA-256, ample against collisions at millions of
    records and half the size of the full hash."""
    return hashlib.sha256(data).hexdigest()[:DIGEST_CHARS]


def file_digest(path: Path) -> str:
    """:func:`digest_of` a whole file, read in blocks: a run ingested twice is stored once."""
    digest = FileDigest()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.result()


class FileDigest:
    """:func:`file_digest` taken piece by piece, for a reader going through the file anyway."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.update = self._hash.update  # each piece of the file, in order

    def result(self) -> str:
        return self._hash.hexdigest()[:DIGEST_CHARS]


@dataclass(slots=True)
class _ListedPage:
    url: str
    page: PageLine | None = None
    contents: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)

    def entry(self, page_digest: str) -> list[Any]:
        page = self.page
        volatile = {"digest": page.fields.get("digest"), "last_page": page.last_page} \
            if page else {"digest": None, "last_page": None}
        if page:
            volatile.update({name: page.fields[name] for name in _VALIDATOR_FIELDS
                             if page.fields.get(name) is not None})
        return [self.url[:2000], page_digest, volatile, bool(page and page.ok),
                page.status if page else None, page.error if page else None,
                "".join(self.contents), "".join(self.contexts)]


@dataclass(slots=True)
class RunArchive:
    chunks: dict[str, bytes]  # digest -> uncompressed data: every content, context and page
    page_list: bytes | bytearray  # compressed (zlib), as the store keeps it
    page_list_size: int  # uncompressed
    page_list_digest: str  # of the uncompressed page list

    def page_list_text(self) -> bytes:
        return zlib.decompress(self.page_list)


class _PageList:
    """The page list as it is written: hashed and compressed on the way. It is a run's largest
    value, and the store keeps it compressed: a run never holds it whole."""

    def __init__(self) -> None:
        self._compressor = zlib.compressobj(PAGE_LIST_COMPRESSION_LEVEL)
        self._hash = hashlib.sha256()
        self._data = bytearray()
        self._size = 0
        self._write(b"[")

    def add(self, entry: list[Any]) -> None:
        self._write(b",\n" + orjson.dumps(entry) if self._size > 1 else orjson.dumps(entry))

    def hand_on(self) -> bytes:
        """The compressed page list written since the last call, forgotten here."""
        written, self._data = bytes(self._data), bytearray()
        return written

    def result(self, chunks: dict[str, bytes]) -> RunArchive:
        self._write(b"]")
        self._data += self._compressor.flush()
        return RunArchive(chunks, self._data, self._size, self._hash.hexdigest()[:DIGEST_CHARS])

    def _write(self, text: bytes) -> None:
        self._size += len(text)
        self._hash.update(text)
        self._data += self._compressor.compress(text)


class ArchiveBuilder:
    """Folds a run's lines into its archive: the page list and the chunks it names.

    ``store``, when given, receives the chunks in batches as they are read, and the
    result holds only those not handed over yet; without it the result holds them all.
    """

    def __init__(self, store: Callable[[dict[str, bytes]], None] | None = None) -> None:
        self._store = store
        self._pending = 0  # bytes in self._chunks
        self._chunks: dict[str, bytes] = {}
        self._page_list = _PageList()  # each page's entry is written as the page closes
        self._current: _ListedPage | None = None
        self._records: list[list[Any]] = []  # record lines, listed after the pages
        # A pledge's teasers repeat its content on every term page, and contexts repeat across
        # pledges: each distinct one is serialized and hashed once (its fields -> its digest).
        self._contents: dict[tuple[Any, ...], str] = {}
        self._contexts: dict[tuple[Any, ...], str] = {}

    def add(self, line: RunLine) -> None:
        if isinstance(line, Teaser):
            self.add_teaser(line.listing_url, _content(line), _context(line))
        elif isinstance(line, PageLine):
            current = self._current
            if current is None or current.url != line.url or current.page is not None:
                current = self._start(line.url or "(unknown listing)")
            current.page = line
        elif isinstance(line, RecordLine):
            kept = {k: v for k, v in line.fields.items() if k != "fetched_at"}
            self._records.append([line.url[:2000], self._keep(orjson.dumps(
                kept, option=orjson.OPT_SORT_KEYS)), {}, line.ok, line.status, line.error, "", ""])

    def add_teaser(self, listing_url: str | None, content: tuple[Any, ...],
                   context: tuple[Any, ...]) -> None:
        """A teaser by its values of :data:`CONTENT_FIELDS` and :data:`CONTEXT_FIELDS`."""
        self.add_page_parts(listing_url, (self.content_digest(content),),
                            (self.context_digest(context),))

    def add_page_parts(self, listing_url: str | None, contents: Sequence[str],
                       contexts: Sequence[str]) -> None:
        """Consecutive teasers of one listing page by the digests of their content and context
        chunks (:meth:`content_digest`, :meth:`context_digest`): for a reader that meets each
        distinct content and context once."""
        listing = listing_url or "(unknown listing)"
        current = self._current
        if current is None or current.url != listing or current.page is not None:
            current = self._start(listing)
        current.contents.extend(contents)
        current.contexts.extend(contexts)

    def content_digest(self, values: tuple[Any, ...], *, remember: bool = True) -> str:
        """The digest of the content chunk of these :data:`CONTENT_FIELDS` values, the chunk
        kept when first met. ``remember``: keep the values to know them next time without
        serializing them again; a reader that meets each distinct content once need not."""
        if not remember:
            return self._keep(_chunk_of(CONTENT_FIELDS, values))
        return self._part(self._contents, CONTENT_FIELDS, values)

    def context_digest(self, values: tuple[Any, ...]) -> str:
        """As :meth:`content_digest`, for :data:`CONTEXT_FIELDS` values."""
        return self._part(self._contexts, CONTEXT_FIELDS, values)

    def hand_on(self) -> tuple[dict[str, bytes], bytes]:
        """The chunks kept and the compressed page list written since the last call, forgotten
        here: for a reader that hands them on as it goes. The result then holds the rest: its
        page list is the end of what the pieces begin."""
        chunks, self._chunks, self._pending = self._chunks, {}, 0
        return chunks, self._page_list.hand_on()

    def result(self) -> RunArchive:
        self._close()
        self._contents.clear()
        self._contexts.clear()
        for entry in self._records:
            self._page_list.add(entry)
        return self._page_list.result(self._chunks)

    def _start(self, url: str) -> _ListedPage:
        self._close()
        self._current = _ListedPage(url)
        return self._current

    def _close(self) -> None:
        if self._current is not None:
            page = self._current.page
            self._page_list.add(self._current.entry(self._keep(_stored_page(page))))
            self._current = None

    def _part(self, known: dict[tuple[Any, ...], str], names: tuple[str, ...],
              values: tuple[Any, ...]) -> str:
        digest = known.get(values)
        if digest is None:
            digest = known[values] = self._keep(_chunk_of(names, values))
        return digest

    def _keep(self, data: bytes) -> str:
        digest = digest_of(data)
        if digest not in self._chunks:
            # A copy of exact size: orjson's bytes keep the capacity of its output buffer, and
            # a run holds its distinct chunks until they are stored.
            self._chunks[digest] = bytes(memoryview(data))
            self._pending += len(data)
            if self._store is not None and self._pending >= STORE_BATCH_BYTES:
                self._store(self._chunks)
                self._chunks, self._pending = {}, 0
        return digest


def _chunk_of(names: tuple[str, ...], values: tuple[Any, ...]) -> bytes:
    return orjson.dumps(dict(zip(names, values, strict=True)))


def archive_run(lines: Iterable[RunLine]) -> RunArchive:
    builder = ArchiveBuilder()
    for line in lines:
        builder.add(line)
    return builder.result()


def _stored_page(page: PageLine | None) -> bytes:
    if page is None:
        return b"null"  # teasers whose page line never came: the file was cut short
    kept = {k: v for k, v in page.fields.items() if k not in VOLATILE_PAGE_FIELDS}
    return orjson.dumps(kept, option=orjson.OPT_SORT_KEYS)


_content = operator.attrgetter(*CONTENT_FIELDS)  # a teaser's values of these fields, as a tuple
_context = operator.attrgetter(*CONTEXT_FIELDS)


def replay_archive(page_list: bytes, chunks: dict[str, bytes]) -> Iterator[RunLine]:
    """A run's lines as read back from its archive, in the run file's order."""
    for entry in orjson.loads(page_list):
        yield from replay_entry(entry, chunks)


def replay_entry(entry: list[Any], chunks: dict[str, bytes]) -> Iterator[RunLine]:
    """One entry of a page list as its lines: a record line, or a listing page's teasers
    then its page line."""
    url, page_digest, volatile, _ok, _status, _error, contents, contexts = entry
    page = orjson.loads(chunks[page_digest])
    if isinstance(page, dict) and page.get("type") == "record":
        yield typed_line(check_record({**page, **volatile}, 0))
        return
    number = page.get("page") if isinstance(page, dict) else None
    for position, (content, context) in enumerate(zip(_split(contents), _split(contexts),
                                                      strict=True)):
        record = {"type": "teaser", **orjson.loads(chunks[content]),
                  **orjson.loads(chunks[context]),
                  "listing_url": url, "position": position, "page": number}
        yield typed_line(check_record(record, position))
    if page is not None:
        yield typed_line(check_record({**page, **volatile}, 0))


def page_list_digests(page_list: bytes) -> set[str]:
    """Every chunk a page list names."""
    found: set[str] = set()
    for entry in orjson.loads(page_list):
        found.update(entry_digests(entry))
    return found


def entry_digests(entry: list[Any]) -> set[str]:
    """The chunks one page of a page list names."""
    _url, page_digest, _v, _ok, _s, _e, contents, contexts = entry
    return {page_digest, *_split(contents), *_split(contexts)}


def _split(joined: str) -> list[str]:
    return [joined[i : i + DIGEST_CHARS] for i in range(0, len(joined), DIGEST_CHARS)]
