"""CSV cells that a spreadsheet would run as formulas are defused."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

from pledgewatch.report.export import write_csv
from tests.support.sample_changes import WELCOMING


def test_a_title_that_looks_like_a_formula_is_not_one():
    out = io.StringIO()
    write_csv([replace(WELCOMING, title='=HYPERLINK("https://evil.example")')], out)
    (row,) = csv.DictReader(io.StringIO(out.getvalue()))
    assert row["title"] == '\'=HYPERLINK("https://evil.example")'
