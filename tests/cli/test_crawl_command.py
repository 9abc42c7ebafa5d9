"""``pledgewatch crawl``, ``record`` and ``serve-fixtures`` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from pledgewatch.cli import main

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"


def test_crawl_replays_a_fixture_site_and_prints_a_summary(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    result = CliRunner().invoke(main, ["crawl", "--replay", str(SMALL / "before"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "finished; pages ok 10, failed 0; teasers 61" in result.output
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[-1])["type"] == "crawl"


def test_crawl_with_a_terms_file_adds_its_terms(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("# a term this site does not have\n/contributors/member-states\n")
    out = tmp_path / "run.jsonl"
    args = ["crawl", "--replay", str(SMALL / "before"), "--out", str(out), "--terms-file", str(terms)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "pages ok 10, failed 1" in result.output


def test_a_bad_replay_dir_is_bad_input_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "run.jsonl"
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "site.json").write_text('{"responses": [{"url": "/x", "body": "gone.html"}]}')
    for bad in (tmp_path / "missing", tmp_path / "site"):
        result = CliRunner().invoke(main, ["crawl", "--replay", str(bad), "--out", str(out)])
        assert result.exit_code == 2
        assert "error:" in result.output
    assert not out.exists()


def test_a_bad_terms_file_is_bad_input(tmp_path: Path) -> None:
    terms = tmp_path / "terms.txt"
    terms.write_text("https://proboprint.info/contributors/member-states\n")
    args = ["crawl", "--replay", str(SMALL / "before"), "--out", str(tmp_path / "r.jsonl"), "--terms-file", str(terms)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "terms.txt:1" in result.output


def test_replay_and_live_are_exclusive(tmp_path: Path) -> None:
    args = ["crawl", "--replay", str(SMALL / "before"), "--live", "--out", str(tmp_path / "r.jsonl")]
    assert CliRunner().invoke(main, args).exit_code == 2


def test_record_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "already-there").write_text("x")
    result = CliRunner().invoke(main, ["record", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "not empty" in result.output


def test_every_command_documents_itself() -> None:
    for command, words in [
        ("crawl", ["--replay DIR", "--live", "--out RUN.jsonl", "--terms-file", "--discover"]),
        ("record", ["--out DIR", "fixture site"]),
        ("serve-fixtures", ["--port", "127.0.0.1"]),
    ]:
        result = CliRunner().invoke(main, [command, "--help"])
        assert result.exit_code == 0
        for word in words:
            assert word in result.output, (command, word)


def test_serve_fixtures_serves_on_loopback_until_stopped() -> None:
    import subprocess
    import sys
    import urllib.request

    command = [sys.executable, "-c", "from pledgewatch.cli import main; main()",
               "serve-fixtures", str(SMALL / "before"), "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    try:
        line = server.stdout.readline()  # type: ignore[union-attr]
        url = line.rsplit(" on ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:")
        with urllib.request.urlopen(url + "/robots.txt", timeout=5) as response:
            assert b"User-agent: *" in response.read()
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()  # type: ignore[union-attr]
