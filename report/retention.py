"""Keep the report folder from growing for ever: only the last N runs' folders stay.

Every run writes ``run-N-<database id>/`` under ``report.dir``. The database
keeps every run, so an old report can always be written again with
``pledgewatch diff --from A --to B --out DIR``; the folders are a convenience.
Only folders named like a run's report are ever deleted, never anything else
an operator keeps there.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPORT_FOLDER = re.compile(r"run-(?P<run>\d+)(?:-[0-9a-f]+)?")


def prune_report_folders(report_dir: Path, keep_runs: int) -> list[Path]:
    """Delete all but the ``keep_runs`` newest report folders; 0 keeps everything.

    Newest by when the folder was written, then by run number: folders of an
    earlier database (another id) age out beside this one's.
    """
    if keep_runs <= 0 or not report_dir.is_dir():
        return []
    folders = [path for path in report_dir.iterdir()
               if path.is_dir() and not path.is_symlink() and REPORT_FOLDER.fullmatch(path.name)]
    folders.sort(key=_age_key, reverse=True)
    old = folders[keep_runs:]
    for path in old:
        shutil.rmtree(path)
    return old


def _age_key(path: Path) -> tuple[float, int]:
    match = REPORT_FOLDER.fullmatch(path.name)
    return path.stat().st_mtime, int(match["run"]) if match else 0
