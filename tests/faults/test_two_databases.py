"""Two databases reporting into one folder and one feed: neither overwrites the other.

Run numbers restart at 1 in a new database (a lost file, a mistyped path, a test pointed at
the production folders). Reports and feed entries carry the database's id, so the new
history starts beside the old one instead of replacing ``run-2`` and its feed entries.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.faults.app import write_config
from tests.faults.procs import env, pledgewatch
from tests.faults.sites import SMALL

pytestmark = pytest.mark.timeout(240)
ATOM = "{http://www.w3.org/2005/Atom}"


def _two_runs(config: Path, feed: Path) -> str:
    """Baseline and changes; returns the second run's report folder."""
    for site in ("before", "after"):
        done = pledgewatch("run", "--config", config, "--replay", SMALL / site,
                           env=env(PLEDGEWATCH_REPORT_FEED=str(feed)))
        assert done.returncode == 0, done.stderr
    found = re.search(r"^report: (\S+)$", done.stdout, re.M)
    assert found, done.stdout
    return found[1]


def _files(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _entry_ids(feed: Path) -> list[str]:
    return [e.findtext(f"{ATOM}id", "") for e in ET.parse(feed).getroot().iter(f"{ATOM}entry")]


@pytest.mark.scenario("a second database reporting into the same folder and feed: nothing overwritten")
def test_a_new_database_never_overwrites_the_reports_of_another(tmp_path: Path) -> None:
    feed = tmp_path / "reports" / "feed.atom"
    first = _two_runs(write_config(tmp_path, f"sqlite:///{tmp_path / 'first.db'}"), feed)
    first_files, first_ids = _files(Path(first)), _entry_ids(feed)

    second = _two_runs(write_config(tmp_path, f"sqlite:///{tmp_path / 'second.db'}"), feed)

    assert Path(first).name.startswith("run-2-") and Path(second).name.startswith("run-2-")
    assert first != second
    assert _files(Path(first)) == first_files  # the first database's report is untouched
    ids = _entry_ids(feed)
    assert len(ids) == len(set(ids)) == 2 * len(first_ids)  # both histories, none replaced
    assert set(first_ids) <= set(ids)
    assert len(list((tmp_path / "reports").glob("run-*"))) == 4
