"""One real replayed demo run per session: ``before`` (the baseline) then ``after``."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main
from pledgewatch.demo import DemoResult, run_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("editor-demo"))


@pytest.fixture(scope="session")
def demo_db(demo: DemoResult) -> str:
    return f"sqlite:///{demo.after.report_dir.parent.parent / 'demo.db'}"


@pytest.fixture
def cli(demo_db: str):  # type: ignore[no-untyped-def]
    """Run a command against the demo database; returns (exit code, stdout, stderr)."""
    def invoke(*args: str) -> tuple[int, str, str]:
        result = CliRunner().invoke(main, [*args, "--db", demo_db])
        return result.exit_code, result.stdout, result.stderr
    return invoke
