"""Scrapy's own command line works as Scrapy users expect (`scrapy.cfg` at the repository root).

The real `scrapy` executable crawls a fixture site served by `pledgewatch serve-fixtures` on
127.0.0.1, as `serve-fixtures --help` recommends; `-O run.jsonl` must be a run file that
`pledgewatch ingest` takes (before, it ran and wrote nothing).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "fixtures" / "sites" / "small" / "after"
BIN = Path(sys.executable).parent

pytestmark = pytest.mark.slow


@pytest.fixture
def served() -> str:
    server = subprocess.Popen([str(BIN / "pledgewatch"), "serve-fixtures", str(SITE), "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    assert server.stdout is not None
    try:
        url = server.stdout.readline().rsplit(" on ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def test_the_command_serve_fixtures_recommends_writes_a_run_file(served: str, tmp_path: Path) -> None:
    help_text = CliRunner().invoke(main, ["serve-fixtures", "--help"]).output
    assert "scrapy crawl listings -a base_url=http://127.0.0.1:PORT -a site=DIR -O run.jsonl" in help_text
    out = tmp_path / "run.jsonl"
    done = subprocess.run([str(BIN / "scrapy"), "crawl", "listings", "-a", f"base_url={served}",
                           "-a", f"site={SITE}", "-O", str(out), "-s", "PLEDGEWATCH_OFFLINE=1"],
                          cwd=REPO, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert records[-1]["type"] == "crawl" and records[-1]["pages_ok"] == 10
    assert records[-1]["pages_failed"] == 0
    assert sum(r["type"] == "teaser" for r in records) == 60
    result = CliRunner().invoke(main, ["ingest", str(out), "--db", f"sqlite:///{tmp_path / 'pw.db'}"])
    assert result.exit_code == 0 and result.output.startswith("run 1 (complete): 10 pages ok")
