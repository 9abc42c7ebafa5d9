"""Scraped links and manifest entries never name a file outside the fixture or record folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import Entry, SiteRecorder, load_site, write_manifest
from pledgewatch.scraper.render import RenderTeaser, render_listing
from pledgewatch.scraper.terms import canonical_url, is_listing_url

SITE = "https://gfmd.org"
MEMBER_STATES = "/contributors/member-states"
HOSTILE = f"{SITE}/contributors/../../../../elsewhere"
QUIET = {"LOG_LEVEL": "WARNING"}

DOT_SEGMENTS = [
    ("https://gfmd.org/a/../b", "https://gfmd.org/b"),
    ("https://gfmd.org/a/./b", "https://gfmd.org/a/b"),
    (HOSTILE, "https://gfmd.org/elsewhere"),
    ("https://www.gfmd.org/contributors/%2e%2e/%2E%2e/elsewhere", "https://gfmd.org/elsewhere"),
    ("http://gfmd.org/contributors/.%2e/x/%2e/y?page=2", "https://gfmd.org/x/y?page=2"),
    ("/pfp/ppd/x/../13001", "https://gfmd.org/pfp/ppd/13001"),
    ("https://gfmd.org/contributors/..member-states", "https://gfmd.org/contributors/..member-states"),
]


@pytest.mark.parametrize(("url", "want"), DOT_SEGMENTS, ids=[u for u, _ in DOT_SEGMENTS])
def test_canonical_url_resolves_dot_segments_encoded_or_not(url: str, want: str) -> None:
    assert canonical_url(url) == want
    assert canonical_url(want) == want


def test_a_climbing_link_is_a_listing_on_the_site_root_not_outside_it() -> None:
    assert canonical_url(HOSTILE) == SITE + "/elsewhere" and is_listing_url(HOSTILE)


def test_the_recorder_refuses_a_url_whose_body_path_leaves_its_folder(tmp_path: Path) -> None:
    root = tmp_path / "a" / "b" / "record"
    recorder = SiteRecorder(root)
    with pytest.raises(InputError, match=r"recorded response .*elsewhere.* leaves "):
        recorder.add(HOSTILE, 200, {"Content-Type": "text/plain"}, b"x")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def write_site(root: Path, body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "page.html").write_text("<p>hello</p>", encoding="utf-8")
    responses = [{"url": "/contributors/x", "body": "page.html"}, {"url": "/contributors/y", "body": body}]
    (root / "site.json").write_text(json.dumps({"format": 1, "responses": responses}), encoding="utf-8")
    return root


def secret_outside(tmp_path: Path) -> Path:
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the fixture server", encoding="utf-8")
    return secret


@pytest.mark.parametrize("kind", ["dot-dot", "absolute", "symlink-file", "symlink-folder"])
def test_load_site_refuses_a_body_outside_the_site_folder(tmp_path: Path, kind: str) -> None:
    secret = secret_outside(tmp_path)
    root = tmp_path / "site"
    body = {"dot-dot": "../secret.txt", "absolute": str(secret)}.get(kind, "")
    if kind == "symlink-file":
        body = "pages/link.html"
    if kind == "symlink-folder":
        body = "pages/secret.txt"
    write_site(root, body)
    if kind == "symlink-file":
        (root / "pages").mkdir()
        (root / "pages" / "link.html").symlink_to(secret)
    if kind == "symlink-folder":
        (root / "pages").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(InputError, match=r"responses\[1\]: body .* leaves the site folder"):
        load_site(root)


def test_a_symlink_inside_the_site_folder_is_fine(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", "pages/link.html")
    (root / "pages").mkdir()
    (root / "pages" / "link.html").symlink_to(root / "page.html")
    assert load_site(root).body(load_site(root).lookup("/contributors/y")) == b"<p>hello</p>"  # type: ignore[arg-type]


def test_the_crawl_command_refuses_such_a_site_with_one_line_and_exit_2(tmp_path: Path) -> None:
    secret_outside(tmp_path)
    root = write_site(tmp_path / "site", "../secret.txt")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    done = subprocess.run(
        [sys.executable, "-m", "pledgewatch.cli", "crawl", "--replay", str(root), "--out", str(tmp_path / "run.jsonl")],
        capture_output=True, text=True, timeout=60, env={**os.environ, "PLEDGEWATCH_DB": f"sqlite:///{tmp_path}/x.db"},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"error: {root / 'site.json'}: responses[1]: body '../secret.txt' leaves the site folder {root}"]
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def record_page(links: list[str]) -> str:
    anchors = "".join(f'<div class="field-item"><a href="{h}" typeof="skos:Concept">T</a></div>' for h in links)
    return f"<html><body><h1>Pledge 801</h1><div class='field'>{anchors}</div></body></html>"


def discovery_site(root: Path) -> Path:
    files = {
        "pages/contributors/member-states/page-0.html": render_listing(
            "Member States", MEMBER_STATES, 7, 0, 0, [RenderTeaser(801, "Pledge 801", "Costanza Bindi", "A.")]),
        "pages/pfp/ppd/801.html": record_page([HOSTILE, "/contributors/%2e%2e/%2e%2e/%2e%2e/outside"]),
        "robots.txt": "User-agent: *\n",
    }
    for relative, text in files.items():
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(text, encoding="utf-8")
    entries = [Entry(SITE + MEMBER_STATES, body="pages/contributors/member-states/page-0.html"),
               Entry(SITE + "/pfp/ppd/801", body="pages/pfp/ppd/801.html"),
               Entry(SITE + "/robots.txt", body="robots.txt")]
    write_manifest(root, entries, "hostile links", SITE, [SITE + MEMBER_STATES])
    return root


def test_discovery_while_recording_keeps_every_body_inside_the_record_folder(tmp_path: Path) -> None:
    site = discovery_site(tmp_path / "site")
    record = tmp_path / "a" / "b" / "c" / "record"
    run_crawl(tmp_path / "run.jsonl", replay=site, discover=True, record_dir=record, settings=QUIET)
    written = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()}
    outside = {p for p in written if not p.startswith(("site/", "a/b/c/record/")) and p != "run.jsonl"}
    assert outside == set()
    assert {"a/b/c/record/pages/elsewhere/page-0.txt", "a/b/c/record/pages/outside/page-0.txt"} <= written
    assert load_site(record).lookup("/elsewhere") is not None


def test_a_record_folder_whose_pages_link_out_stops_the_crawl_as_bad_input(tmp_path: Path) -> None:
    site = discovery_site(tmp_path / "site")
    outside = tmp_path / "outside"
    outside.mkdir()
    record = tmp_path / "record"
    record.mkdir()
    (record / "pages").symlink_to(outside, target_is_directory=True)
    with pytest.raises(InputError, match=r"recorded response https://gfmd.org/contributors/member-states: "
                                         r"body path 'pages/contributors/member-states/page-0.html' leaves "):
        run_crawl(tmp_path / "run.jsonl", replay=site, record_dir=record, settings=QUIET)
    assert list(outside.iterdir()) == [] and not (record / "site.json").exists()
