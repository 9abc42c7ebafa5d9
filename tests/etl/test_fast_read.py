"""The optional speed path reads a run file exactly as the plain path does: the same derived
run, the same archive, the same fetches, or the same error on the same line. Files are read
in pairs, as one ``ingest`` of several files does, so the second meets the texts the first
left remembered (``core.text``)."""

from __future__ import annotations

import io
import json
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledgewatch.core.errors import InputError
from pledgewatch.etl import fast_read, ingest, read_ahead
from pledgewatch.etl.fetches import FetchLog
from pledgewatch.etl.read import RunLine
from tests.support.runs import LINE_STYLES, P, crawl_end, json_line, listing, record_line

CITIES = [P(15000 + i, f"Pledge {i}", f"Summary {i}.\n\nMore of {i}.") for i in range(25)]


class NothingStored:
    """No stored pages: every line stands for itself (304s are the fetch-state tests')."""

    def expand(self, line: RunLine) -> Sequence[RunLine]:
        return (line,)


def _by_digest(path: Path, stored: NothingStored, fetches: FetchLog) -> Any:
    """The fast path as a read-ahead worker and ingest share it: the parse half holds no text."""
    return fast_read.take_lines(fast_read.parse_lines(path, by_digest=True), stored,  # type: ignore[arg-type]
                                fetches)


def _apart(path: Path, stored: NothingStored, fetches: FetchLog) -> Any:
    """The fast path as a read-ahead worker runs it: the parse half and the file part of the
    take half, each batch then written as the worker writes it and loaded for the derive part,
    as if in another process."""
    files = fast_read.FileTaker(stored, fetches)  # type: ignore[arg-type]
    deriving = fast_read.DeriveTaker()
    for batch in fast_read.parse_lines(path, by_digest=True):
        handle = io.BytesIO()
        read_ahead.write_value(handle, files.take(batch))
        deriving.take(pickle.loads(handle.getvalue()))
    archive = files.result()
    return deriving.result(), archive


def read_both(path: Path) -> tuple[Any, Any]:
    """(plain, fast): each a (derived run, archive, fetches) or the error's message; the fast
    path read each way it runs (in one process, its values kept by digest, apart), which
    must agree."""
    outcomes = []
    for read_file in (ingest.read_file, fast_read.read_file, _by_digest, _apart):
        fetches = FetchLog()
        try:
            derived, archive = read_file(path, NothingStored(), fetches)  # type: ignore[operator]
            outcomes.append((derived, archive, fetches.fetches))
        except InputError as error:
            outcomes.append(str(error))
    assert outcomes[2] == outcomes[1]
    assert outcomes[3] == outcomes[1]
    return outcomes[0], outcomes[1]


def write_lines(path: Path, records: list[Any], style: str = "any-order") -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(record if isinstance(record, str) else json_line(record, style))
            handle.write("\n")
    return path


@pytest.mark.parametrize("style", LINE_STYLES)
def test_a_crawl_reads_the_same_both_ways_run_after_run(tmp_path: Path, style: str) -> None:
    shifted = [P(15999, "A new pledge", "New."), *CITIES[:-1]]  # every position moves by one
    edited = [P(p.nid, p.title, p.summary + " Edited.") if p.nid == 15003 else p for p in shifted]
    runs = [
        listing("cities", CITIES) + listing("goal-1", CITIES[::3], vocabulary="sdg"),
        listing("cities", shifted, failed_pages=[1]) + listing("goal-1", shifted[::3], vocabulary="sdg"),
        listing("cities", edited) + listing("goal-1", edited[::2], vocabulary="sdg")
        + [record_line(CITIES[2]), record_line(CITIES[4], status=404)],
    ]
    for day, records in enumerate(runs):
        # Every teaser with the byline fields the crawl writes, so the fast path takes it with
        # its page's others; the odd lines below test lines without them.
        records = [{**r, "author_position": "after", "author_truncated": day == 1}
                   if r["type"] == "teaser" else r for r in records]
        path = write_lines(tmp_path / f"run-{day}.jsonl", [*records, crawl_end()], style)
        plain, fast = read_both(path)
        assert not isinstance(plain, str)
        assert fast == plain


def teaser(**changes: Any) -> dict[str, Any]:
    return {**listing("cities", CITIES[:1])[0], **changes}


# Lines the plain reader takes or refuses, each next to a good teaser of the same content, so
# the memos have met that content before (and, in the second file, the run before).
ODD_LINES = [
    teaser(position=True), teaser(position=1.0), teaser(position="1"), teaser(page=False),
    teaser(page=0.0), teaser(author_truncated=0), teaser(author_truncated=1),
    teaser(author_truncated=True), teaser(author_truncated=None), teaser(listing_url=7),
    teaser(term=False), teaser(term_url=0), teaser(vocabulary=1), teaser(author_position=0),
    teaser(title=0), teaser(url=False), teaser(summary=None), teaser(submitted=1.5),
    teaser(extra="ignored"), teaser(type="Teaser"), teaser(page=None), teaser(author=None),
    {k: v for k, v in teaser().items() if k != "position"},
    {k: v for k, v in teaser().items() if k != "summary"},
    {k: v for k, v in teaser().items() if k != "page"},
    {k: v for k, v in teaser().items() if k != "vocabulary"},
    {k: v for k, v in teaser().items() if k != "term"},
    "[1, 2]", "not json", '{"type": "teaser", "url": "x"', "\ufeff{}", "   ",
    json.dumps(teaser()).replace('"position": 0', '"position": 0, "position": true'),
    '{"url": null, "title": null, "author": null, "submitted": null, "summary": "",'
    ' "term": null, "term_url": null, "listing_url": null, "position": 0, "type": "teaser"}',
]


@pytest.mark.parametrize("odd", ODD_LINES, ids=[str(i) for i in range(len(ODD_LINES))])
def test_an_odd_line_is_taken_or_refused_alike(tmp_path: Path, odd: Any) -> None:
    good = listing("cities", CITIES[:3])
    write_lines(tmp_path / "before.jsonl", [*good, crawl_end()])
    read_both(tmp_path / "before.jsonl")  # fills the memos with the good lines' values
    path = write_lines(tmp_path / "run.jsonl", [*good[:2], odd, *good[2:], crawl_end()])
    plain, fast = read_both(path)
    assert fast == plain


_TEXT = st.sampled_from(["Pledge A", "Pledge  A", "pledge a", "", " ", "Ünïcode — “q”", "x" * 300])
_OPTIONAL_TEXT = st.one_of(st.none(), _TEXT)
_URL = st.sampled_from([None, "https://gfmd.org/pfp/ppd/1", "https://gfmd.org/pfp/ppd/2/",
                        "https://gfmd.org/pfp/ppd/x", "https://example.org/pfp/ppd/3", ""])
_ODD = st.sampled_from([0, 1, True, False, 1.0, "1", None, [], {}])
_teasers = st.fixed_dictionaries(
    {"type": st.just("teaser"), "url": _URL, "title": _OPTIONAL_TEXT, "author": _OPTIONAL_TEXT,
     "submitted": _OPTIONAL_TEXT, "summary": _TEXT,
     "term": st.sampled_from([None, "Cities", "Goal 1"]),
     "term_url": st.sampled_from([None, "https://gfmd.org/contributors/cities"]),
     "listing_url": st.sampled_from([None, "https://gfmd.org/contributors/cities",
                                     "https://gfmd.org/contributors/cities?page=1"]),
     "position": st.integers(0, 9)},
    optional={"page": st.one_of(st.none(), st.integers(0, 2)), "vocabulary": _OPTIONAL_TEXT,
              "author_position": st.sampled_from(["before", "after", None]),
              "author_truncated": st.booleans()})
_odd_teasers = st.builds(lambda t, name, value: {**t, name: value}, _teasers,
                         st.sampled_from(["position", "page", "author_truncated", "title",
                                          "listing_url", "term", "vocabulary"]), _ODD)
_pages = st.builds(lambda url, ok, n: {"type": "page", "url": url, "status": 200 if ok else 500,
                                       "term": "Cities", "teasers": n, "ok": ok, "error": None,
                                       "term_url": "https://gfmd.org/contributors/cities",
                                       "page": 0, "next_url": None},
                   st.sampled_from(["https://gfmd.org/contributors/cities",
                                    "https://gfmd.org/contributors/cities?page=1"]),
                   st.booleans(), st.integers(0, 10))
_lines = st.lists(st.one_of(_teasers, _teasers, _odd_teasers, _pages), min_size=1, max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=_lines, second=_lines, style=st.sampled_from(LINE_STYLES))
def test_any_two_runs_read_the_same_both_ways(tmp_path: Path, first: list[dict[str, Any]],
                                             second: list[dict[str, Any]], style: str) -> None:
    for name, records in (("first", first), ("second", second)):
        path = write_lines(tmp_path / f"{name}.jsonl", [*records, crawl_end()], style)
        plain, fast = read_both(path)
        assert fast == plain
