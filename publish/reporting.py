"""Everything the site borrows from report rendering, imported in this one place.

The site shows scraped text under the same rules as the e-mail (cleaned,
bounded, links only to the watched site) and a run's page shows the same
entries as its e-mail, so it reuses those modules rather than copying them.
"""

from __future__ import annotations

from pledgewatch.report.render import SECTION_HEADINGS, counts_line, health_lines, readable_time
from pledgewatch.report.safety import clean_block, clean_line, safe_url, site_hosts, strip_controls
from pledgewatch.report.view import Entry, ReportViewBuilder
from pledgewatch.report.word_diff import DELETE, EQUAL, INSERT, DiffOp, word_diff

__all__ = [
    "DELETE", "EQUAL", "INSERT", "SECTION_HEADINGS", "DiffOp", "Entry", "ReportViewBuilder",
    "clean_block", "clean_line", "counts_line", "health_lines", "readable_time", "safe_url",
    "site_hosts", "strip_controls", "word_diff",
]
