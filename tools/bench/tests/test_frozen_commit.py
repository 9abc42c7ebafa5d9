"""A benchmark of a past commit runs that commit's code, not the working tree's."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tools.bench import pledgewatch_side

REPO = Path(__file__).resolve().parents[3]


def test_a_frozen_commit_imports_its_own_files_even_from_the_repository_root(tmp_path: Path) -> None:
    pw = pledgewatch_side.frozen(Path(sys.executable), REPO, "HEAD", tmp_path / "code")
    probe = [arg if arg != pledgewatch_side.FROZEN_ENTRY else
             "import pledgewatch.etl.ingest, pledgewatch.cli; print(pledgewatch.etl.ingest.__file__); "
             "print(pledgewatch.cli.__file__)" for arg in pw.argv]
    done = subprocess.run(probe, cwd=REPO, env=pw.env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    files = [Path(line) for line in done.stdout.split()]
    assert len(files) == 2 and all(f.is_relative_to(tmp_path / "code") for f in files), files
