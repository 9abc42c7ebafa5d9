"""Site markup to records: one API for HTML pages and visible-text snapshots.

``parse_listing`` reads a taxonomy listing page; ``parse_record_page`` finds term links on a
record page and ``read_record`` reads a record page whole. Selectors live in
:mod:`scraper.parsing.selectors`, each defined once.
"""

from __future__ import annotations

from pledgewatch.scraper.parsing.api import parse_listing
from pledgewatch.scraper.parsing.model import NO_TEASERS_ERROR, Listing, Teaser
from pledgewatch.scraper.parsing.record_model import RecordPage, RecordUnreadable
from pledgewatch.scraper.parsing.record_page import parse_record_page, read_record

# Bumped whenever parsing output can change for the same input; written into each crawl record.
PARSER_VERSION = "2.0.0"

__all__ = [
    "NO_TEASERS_ERROR",
    "PARSER_VERSION",
    "Listing",
    "RecordPage",
    "RecordUnreadable",
    "Teaser",
    "parse_listing",
    "parse_record_page",
    "read_record",
]
