"""The crawl runs in a child process; it must not outlive a ``pledgewatch`` killed with SIGKILL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SMALL_BEFORE = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small" / "before"


def _crawl_children(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "pledgewatch.scraper.crawl" in cmdline and marker in cmdline:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux's")
def test_a_crawl_child_stops_when_its_parent_is_killed(tmp_path: Path) -> None:
    site = tmp_path / "slow-site"
    shutil.copytree(SMALL_BEFORE, site)
    manifest = json.loads((site / "site.json").read_text())
    for response in manifest["responses"]:
        response["delay"] = 3.0
    (site / "site.json").write_text(json.dumps(manifest))
    out = tmp_path / "killed-parent-run.jsonl"
    parent = subprocess.Popen([sys.executable, "-m", "pledgewatch.cli", "crawl", "--replay",
                               str(site), "--out", str(out)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not _crawl_children(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _crawl_children(str(out)), "the crawl child never started"
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 5
    while _crawl_children(str(out)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _crawl_children(str(out)) == []
