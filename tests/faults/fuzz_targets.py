"""Fuzz targets of the hypothesis tests.

Each target takes arbitrary input and must either succeed or raise ``InputError`` (bad input,
reported as such); anything else is a crash.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.parsing import parse_listing

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "fixtures" / "seeds"
LISTING_URL = "https://gfmd.org/contributors/mayors-local-and-regional-governments?page=1"


def seed_pages(suffix: str) -> list[bytes]:
    return [p.read_bytes() for p in sorted(SEEDS.glob(f"*{suffix}"))]


def parse_any(data: bytes | str, format: str = "auto") -> None:
    try:
        listing = parse_listing(data, url=LISTING_URL, format=format)  # type: ignore[arg-type]
    except InputError:
        return
    listing.teaser_items()
    listing.page_item(200)


def ingest_bytes(data: bytes, db_url: str) -> None:
    from pledgewatch.etl.ingest import ingest_run_file
    from pledgewatch.storage.db import open_database

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.jsonl"
        path.write_bytes(data)
        factory = open_database(db_url)
        try:
            ingest_run_file(factory, path)
        except InputError:
            return
        finally:
            factory.dispose()
