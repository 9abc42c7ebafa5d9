"""The fixture-site format: loading and validation, the loopback server, the recorder."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.fixture_site import (
    Entry,
    FixtureServer,
    SiteRecorder,
    load_site,
    lookup_key,
)

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"


def make_site(root: Path, responses: list[dict[str, object]], **extra: object) -> Path:
    (root / "page.html").write_text("<p>hello</p>", encoding="utf-8")
    (root / "site.json").write_text(json.dumps({"format": 1, "responses": responses, **extra}))
    return root


def get(server: FixtureServer, path: str) -> tuple[int, bytes, dict[str, str]]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def test_the_bundled_small_sites_load_with_their_six_terms() -> None:
    for side, records in (("before", 26 + 3), ("after", 26 + 3 + 1)):  # + site.md's three; + one 410
        site = load_site(SMALL / side)
        assert len(site.terms) == 6
        assert len(site.entries) == 1 + 10 + records  # robots.txt, 10 listing pages, record pages
        assert site.lookup("/robots.txt") is not None


@pytest.mark.parametrize(
    ("responses", "message"),
    [
        ([{"url": "/a", "bodyy": "page.html"}], "unknown field"),
        ([{"url": "/a", "body": "missing.html"}], "not found"),
        ([{"url": "/a"}, {"url": "/a?page=0"}], "duplicate url"),
        ([{"url": "https://proboprint.info/a"}], "url must be"),
        ([{"url": "/a", "status": 99}], "status"),
        ([{"url": "/a", "delay": -1}], "delay"),
        ([{"url": "/a", "truncate": "ten"}], "truncate"),
        ("not a list", "responses"),
    ],
)
def test_a_bad_manifest_is_an_input_error_naming_the_problem(
    tmp_path: Path, responses: object, message: str
) -> None:
    make_site(tmp_path, responses)  # type: ignore[arg-type]
    with pytest.raises(InputError, match=message):
        load_site(tmp_path)


def test_a_directory_without_manifest_or_with_broken_json_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no site\.json"):
        load_site(tmp_path)
    (tmp_path / "site.json").write_text("{not json")
    with pytest.raises(InputError, match="not valid UTF-8 JSON"):
        load_site(tmp_path)
    with pytest.raises(InputError, match="not a directory"):
        load_site(tmp_path / "nowhere")


def test_lookup_ignores_host_and_page_zero() -> None:
    assert lookup_key("http://127.0.0.1:9/contributors/x?page=0") == "/contributors/x"
    assert lookup_key("https://gfmd.org/contributors/x?page=2") == "/contributors/x?page=2"


def test_the_server_answers_recorded_responses_on_loopback_and_404_otherwise(tmp_path: Path) -> None:
    make_site(tmp_path, [{"url": "/contributors/x", "body": "page.html"}])
    with FixtureServer(tmp_path) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert get(server, "/contributors/x?page=0")[:2] == (200, b"<p>hello</p>")
        assert get(server, "/contributors/y")[0] == 404
        assert server.hits == ["/contributors/x?page=0", "/contributors/y"]


def test_the_server_plays_faults(tmp_path: Path) -> None:
    make_site(
        tmp_path,
        [
            {"url": "/r", "redirect": "https://proboprint.info/r"},
            {"url": "/t", "body": "page.html", "truncate": 3},
            {"url": "/z", "reset": True},
            {"url": "/e", "status": 500, "body": "page.html"},
        ],
    )
    with FixtureServer(tmp_path) as server:
        status, _, headers = get(server, "/r")
        assert (status, headers["Location"]) == (302, "https://proboprint.info/r")
        with pytest.raises(http.client.IncompleteRead):
            get(server, "/t")
        with pytest.raises((ConnectionResetError, http.client.RemoteDisconnected)):
            get(server, "/z")
        with pytest.raises(urllib.error.HTTPError, match="500") as error:
            urllib.request.urlopen(server.url + "/e", timeout=5)
        error.value.close()


def test_recorded_responses_load_back_as_a_fixture_site(tmp_path: Path) -> None:
    recorder = SiteRecorder(tmp_path)
    url = "https://gfmd.org/contributors/member-states?page=1"
    entry = recorder.add(url, 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html></html>")
    recorder.add("https://gfmd.org/robots.txt", 200, {"Content-Type": "text/plain"}, b"User-agent: *\n")
    recorder.save("test", terms=["https://gfmd.org/contributors/member-states"])
    assert entry == Entry(url=url, body="pages/contributors/member-states/page-1.html")
    site = load_site(tmp_path)
    assert site.body(site.lookup(url)) == b"<html></html>"  # type: ignore[arg-type]
    assert site.terms == ("https://gfmd.org/contributors/member-states",)
    assert (tmp_path / "robots.txt").read_text() == "User-agent: *\n"
