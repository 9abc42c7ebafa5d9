"""The demo's published site, made once per session: both runs of the small fixture site."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.demo import DemoResult, run_demo


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="session")
def demo_site(demo: DemoResult) -> Path:
    """The site folder, as the demo published it after each of its two runs."""
    return demo.site_index.parent
