"""``pledgewatch parse``: a saved page to JSON Lines; unreadable input exits 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from pledgewatch.cli import main

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
SEED_001 = "001_07d09e20959daf53"
URL = "https://gfmd.org/contributors/mayors-local-and-regional-governments?page=4"


def run(*args: str):
    return CliRunner().invoke(main, ["parse", *args])


def lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


@pytest.mark.parametrize("suffix", [".txt", ".html"])
def test_prints_teasers_then_one_page_record(suffix: str) -> None:
    result = run(str(SEEDS / f"{SEED_001}{suffix}"), "--url", URL)
    assert result.exit_code == 0, result.output
    records = lines(result.output)
    assert [r["type"] for r in records] == ["teaser"] * 9 + ["page"]
    page = records[-1]
    assert (page["ok"], page["teasers"], page["url"]) == (True, 9, URL)
    assert len(page["digest"]) == 64
    assert records[0]["term"] == "Mayors, Local and Regional Governments"


def test_format_option_forces_the_text_front_end() -> None:
    result = run(str(SEEDS / f"{SEED_001}.txt"), "--format", "text")
    assert result.exit_code == 0
    assert lines(result.output)[0]["url"] is None


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"", "empty"), (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "NUL bytes")],
    ids=["empty-file", "binary-file"],
)
def test_unreadable_file_exits_2_with_a_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    result = run(str(path))
    assert result.exit_code == 2
    assert message in result.output and "page.html" in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run(str(tmp_path / "nope.html"))
    assert result.exit_code == 2


def test_help_describes_the_command_and_options() -> None:
    result = run("--help")
    assert result.exit_code == 0
    for text in ("JSON Lines", "--url", "--format", "auto", "exits with"):
        assert text in result.output
