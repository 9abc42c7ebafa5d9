"""The records as they stand (or stood at a run): one row per pledge with its terms, as CSV
or JSON, for editors who work in a spreadsheet.

Text is exactly as stored. A spreadsheet runs cells that begin with ``=``, ``+``, ``-``
or ``@`` as formulas, and scraped titles are untrusted, so in CSV such a cell is
prefixed with an apostrophe (OWASP's advice for CSV injection); JSON is left as it is.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO

from pledgewatch.core.text import has_mojibake
from pledgewatch.core.values import PledgeView, TermRef
from pledgewatch.report.json_form import pledge_json
from pledgewatch.report.labels import vocabulary_label

CSV_COLUMNS = ("key", "url", "title", "author", "submitted", "summary", "version", "mojibake",
               "terms", "term_urls")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def write_csv(views: Iterable[PledgeView], out: TextIO) -> int:
    """Write the header and one row per pledge; returns the number of pledges written."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    count = 0
    for view in views:
        writer.writerow([_cell(value) for value in csv_row(view)])
        count += 1
    return count


def csv_row(view: PledgeView) -> list[object]:
    return [view.key, view.url or "", view.title, view.author or "", view.submitted or "",
            view.summary, view.version, "yes" if _garbled(view) else "",
            "; ".join(term_name(t) for t in view.terms),
            " ".join(t.url for t in view.terms if t.url)]


def term_name(term: TermRef) -> str:
    """"Contributors: Member States", as reports name a term."""
    name = term.name or term.key.removeprefix("name:")
    vocabulary = vocabulary_label(term.vocabulary)
    return f"{vocabulary}: {name}" if vocabulary else name


def write_json(views: Iterable[PledgeView], run_id: int, finished_at: datetime | None,
               out: TextIO) -> int:
    """``{"run", "finished_at", "pledges": [...]}``; each pledge as ``diff --format json``."""
    pledges: list[dict[str, Any]] = [pledge_json(view) for view in views]
    document = {"run": run_id, "finished_at": finished_at.isoformat() if finished_at else None,
                "pledges": pledges}
    out.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return len(pledges)


def _garbled(view: PledgeView) -> bool:
    return has_mojibake(view.title) or has_mojibake(view.summary)


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
