"""What the site in a folder was last published from: ``site-state.json``.

An incremental publish starts from it: the last run published, and one row per
run for the index (so the index never recomputes old runs). A state written
for another database, or by another version of the site's layout, is ignored
and the whole site is rebuilt.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from pledgewatch.publish.run_page import RunRow

STATE_FILE = "site-state.json"
SITE_FORMAT = 1


@dataclass(frozen=True, slots=True)
class SiteState:
    database: str  # an identity of the database: its first run's start time
    published_run: int
    rows: tuple[RunRow, ...]  # oldest first


def read_state(out: Path, database: str) -> SiteState | None:
    """The folder's state, or None when a full rebuild is needed."""
    try:
        data = json.loads((out / STATE_FILE).read_text(encoding="utf-8"))
        if data.get("format") != SITE_FORMAT or data.get("database") != database:
            return None
        return SiteState(database, int(data["published_run"]),
                         tuple(RunRow.from_json(row) for row in data["runs"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_state(out: Path, state: SiteState) -> None:
    data = {"format": SITE_FORMAT, "database": state.database, "published_run": state.published_run,
            "runs": [row.to_json() for row in state.rows]}
    temporary = out / f".{STATE_FILE}.tmp"
    temporary.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(temporary, out / STATE_FILE)
