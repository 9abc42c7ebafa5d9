"""The raw store gives back what the crawl wrote: a run re-read from storage is the run file,
less the fetch times, whichever way its lines were written and however the chunks were
batched on their way to the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from pledgewatch.etl import archive
from pledgewatch.etl.ingest import ingest_run_file
from pledgewatch.etl.read import check_record, typed_line
from pledgewatch.etl.reprocess import stored_lines
from pledgewatch.storage.models import Run
from tests.support.runs import LINE_STYLES, P, crawl_end, listing, write_run

PLEDGES = [P(14000 + i, f"Pledge {i}", f"Summary of pledge {i}.\n\nSecond paragraph.")
           for i in range(23)]


@pytest.mark.parametrize("batch_bytes", [archive.STORE_BATCH_BYTES, 1, 500])
@pytest.mark.parametrize("style", LINE_STYLES)
def test_a_run_read_back_from_storage_is_the_run_file(factory: sessionmaker[Session], tmp_path: Path,
                                                      style: str, batch_bytes: int,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(archive, "STORE_BATCH_BYTES", batch_bytes)
    records = listing("member-states", PLEDGES) + listing(
        "subnational", PLEDGES[:5], vocabulary="geographical-relevance", failed_pages=[0])
    for number, record in enumerate(r for r in records if r["type"] == "page"):
        record.update(digest=f"{number:064x}", fetched_at="2026-03-01T06:00:00+00:00")
    path = write_run(tmp_path / "run.jsonl", records, style=style)
    ingest_run_file(factory, path)

    with factory() as session:
        run = session.scalar(select(Run))
        stored = list(stored_lines(session, run))

    expected = [typed_line(check_record({k: v for k, v in r.items() if k != "fetched_at"}, 0))
                for r in [*records, crawl_end()]]
    assert stored == expected
