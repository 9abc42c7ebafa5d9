"""Only the report folders of the last ``report.keep_runs`` runs stay; nothing else is touched."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pledgewatch.report.retention import prune_report_folders


def folder(parent: Path, name: str, age_days: float) -> Path:
    path = parent / name
    path.mkdir(parents=True)
    (path / f"{name}.txt").write_text("report")
    stamp = time.time() - age_days * 86400
    os.utime(path, (stamp, stamp))
    return path


def test_the_newest_folders_stay_and_older_ones_go_across_databases(tmp_path):
    reports = tmp_path / "reports"
    old_db = folder(reports, "run-9-0a1b2c3d", 30)  # a replaced database's last run
    runs = [folder(reports, f"run-{n}-ffee0011", 10 - n) for n in range(1, 6)]
    kept = {runs[-1], runs[-2], runs[-3]}
    deleted = prune_report_folders(reports, 3)
    assert set(deleted) == {old_db, runs[0], runs[1]}
    assert {p for p in reports.iterdir()} == kept


def test_only_run_report_folders_are_deleted(tmp_path):
    reports = tmp_path / "reports"
    mine = [folder(reports, name, 100) for name in ("archive", "run-1-notes", "run-x")]
    (reports / "run-2-abc.txt").write_text("a file, not a folder")
    newest = folder(reports, "run-3-abc", 0)
    older = folder(reports, "run-2-abc", 50)
    assert prune_report_folders(reports, 1) == [older]
    assert all(p.exists() for p in mine) and newest.exists()
    assert (reports / "run-2-abc.txt").exists()


def test_zero_keeps_everything(tmp_path):
    reports = tmp_path / "reports"
    folders = [folder(reports, f"run-{n}-abc", n) for n in range(1, 4)]
    assert prune_report_folders(reports, 0) == [] and all(p.exists() for p in folders)
