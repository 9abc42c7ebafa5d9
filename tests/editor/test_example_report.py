"""docs/example-report.{html,txt} are what the pipeline prints for the demo, dates aside."""

from __future__ import annotations

import importlib.util
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_example_report", DOCS / "tools" / "make_example_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_checked_in_example_is_the_demo_report(demo):
    script = _script()
    for suffix, fresh in script.example_reports(demo).items():
        shown = (DOCS / f"example-report.{suffix}").read_text(encoding="utf-8")
        assert script.without_run_dates(shown) == script.without_run_dates(fresh.read_text(encoding="utf-8"))


def test_the_example_has_no_label_the_pipeline_never_prints():
    text = (DOCS / "example-report.txt").read_text(encoding="utf-8")
    assert "2030 Agenda:" not in text and "GCM:" not in text
    assert "2030 Agenda (SDGs): Goal 11" in text


def test_the_script_writes_the_files_from_a_replayed_run(tmp_path):
    written = _script().write_example(tmp_path, screenshot=False)
    assert sorted(p.name for p in written) == ["example-report.html", "example-report.txt"]
    assert "Framework for Diaspora's Engagement" in (tmp_path / "example-report.txt").read_text()
