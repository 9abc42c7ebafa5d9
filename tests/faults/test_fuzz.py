"""Fuzzing the parsers and the JSON Lines ingest: any input either parses or is refused as bad
input (``InputError``); nothing else is raised and nothing hangs.

One fuzzer, hypothesis, in every test run: its mutations of the saved pages cover what a
second, coverage-guided fuzzer of the same target found.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pledgewatch.core.errors import InputError
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.etl.read import SCHEMAS
from pledgewatch.storage.db import open_database
from tests.faults.fuzz_targets import ingest_bytes, parse_any, seed_pages
from tests.support.runs import P, crawl_end, listing

pytestmark = pytest.mark.timeout(300)
HTML_SEEDS = seed_pages(".html")
TEXT_SEEDS = seed_pages(".txt")
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck),
                database=None)
TAGS = st.sampled_from([b"<div class=\"node-teaser\">", b"</div>", b"<a href=\"/pfp/ppd/1\">",
                        b"<h2>", b"<!--", b"<![CDATA[", b"<script>", b"&#0;", b"&#x202e;", b"\x00",
                        b"\xff\xfe", b"<li class=\"pager-next\"><a href=\"?page=99\">",
                        b"<meta charset=\"utf-16\">", b"\r", b"\n\n", b"Submitted by"])


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes]) -> bytes:
    """A seed page with random slices deleted and random fragments spliced in."""
    page = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(0, 8))):
        at = draw(st.integers(0, len(page)))
        action = draw(st.sampled_from(["delete", "tag", "bytes"]))
        if action == "delete":
            del page[at: at + draw(st.integers(1, 2000))]
        else:
            piece = draw(TAGS) if action == "tag" else draw(st.binary(max_size=64))
            page[at:at] = piece * draw(st.integers(1, 3))
    return bytes(page)


def _bounded(call, *args: object) -> None:  # type: ignore[no-untyped-def]
    started = time.monotonic()
    call(*args)
    assert time.monotonic() - started < 10, "one input took over 10 s: a hang"


@pytest.mark.scenario("fuzz: mutated HTML listing pages parse or are refused, never crash or hang")
@FUZZ
@given(mutated(HTML_SEEDS))
def test_the_html_parser_survives_mutated_pages(page: bytes) -> None:
    _bounded(parse_any, page, "html")


@pytest.mark.scenario("fuzz: mutated text snapshots parse or are refused, never crash or hang")
@FUZZ
@given(mutated(TEXT_SEEDS))
def test_the_text_parser_survives_mutated_snapshots(page: bytes) -> None:
    _bounded(parse_any, page, "text")


@pytest.mark.scenario("fuzz: arbitrary text and bytes through the parsing API never crash")
@FUZZ
@given(st.one_of(st.text(max_size=5000), st.binary(max_size=5000)),
       st.sampled_from(["auto", "html", "text"]))
def test_the_parsing_api_survives_arbitrary_input(data: bytes | str, format: str) -> None:
    _bounded(parse_any, data, format)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
VALID = [*listing("fuzz-term", [P(500 + i, f"Pledge {i}", f"Text {i}.") for i in range(12)],
                  failed_pages=[1]), crawl_end()]


@st.composite
def run_files(draw: st.DrawFn) -> bytes:
    """A valid crawl file, with records dropped, fields broken and junk lines added."""
    lines: list[bytes] = []
    for record in VALID:
        action = draw(st.sampled_from(["keep", "keep", "keep", "drop", "field", "junk"]))
        record = dict(record)
        if action == "drop":
            continue
        if action == "field":  # fields the record contract types (others: see the test below)
            name = draw(st.sampled_from(sorted(SCHEMAS[record["type"]])))
            record[name] = draw(JSON_VALUES)
        line = json.dumps(record, ensure_ascii=draw(st.booleans())).encode()
        if action == "junk":
            line = draw(st.sampled_from([line[: len(line) // 2], b"\xff" + line, b"[]",
                                         json.dumps(draw(JSON_VALUES)).encode(), b"\x00"]))
        lines.append(line)
    return b"\n".join(lines) + draw(st.sampled_from([b"\n", b"", b"\r\n"]))


@pytest.mark.scenario("fuzz: broken JSON Lines run files are ingested or refused, never crash")
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(run_files())
def test_the_ingest_survives_broken_run_files(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        _bounded(ingest_bytes, data, f"sqlite:///{Path(folder) / 'fuzz.db'}")


WRONG_OPTIONAL_FIELDS = [  # (record index in VALID, field, value): fields outside SCHEMAS
    pytest.param(0, "vocabulary", [None], id="teaser-vocabulary-list"),
    pytest.param(10, "page", [None], id="page-page-list"),
    pytest.param(10, "term_url", {"a": 1}, id="page-term_url-object"),
]

@pytest.mark.scenario("a run file with a wrongly typed optional field is refused as bad input")
@pytest.mark.parametrize(("index", "field", "value"), WRONG_OPTIONAL_FIELDS)
def test_a_wrongly_typed_optional_field_is_refused_as_bad_input(
    index: int, field: str, value: object, db_url: str, tmp_path: Path
) -> None:
    records = [dict(r) for r in VALID]
    records[index][field] = value
    path = tmp_path / "run.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    factory = open_database(db_url)
    try:
        with pytest.raises(InputError, match=f"line {index + 1}"):
            ingest_run_file(factory, path)
    finally:
        factory.dispose()
