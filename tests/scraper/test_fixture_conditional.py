"""The fixture server answers conditional requests as a real server does."""

from __future__ import annotations

import hashlib
import http.client
from pathlib import Path

import pytest

from pledgewatch.scraper.fixture_site import FixtureServer
from tests.scraper.test_fixture_site import make_site

BODY_TAG = '"' + hashlib.sha256(b"<p>hello</p>").hexdigest()[:32] + '"'
STAMP = "Mon, 07 Dec 2026 04:00:00 GMT"


def ask(server: FixtureServer, path: str, headers: dict[str, str]) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


@pytest.fixture
def server(tmp_path: Path):
    make_site(tmp_path, [
        {"url": "https://gfmd.org/plain", "body": "page.html"},
        {"url": "https://gfmd.org/dated", "body": "page.html",
         "headers": {"ETag": '"v7"', "Last-Modified": STAMP}},
        {"url": "https://gfmd.org/gone", "status": 404, "body": "page.html"},
    ])
    with FixtureServer(tmp_path) as running:
        yield running


# (path, request headers) -> status, by RFC 9110 13.1
CASES = [
    ("/plain", {}, 200),
    ("/plain", {"If-None-Match": BODY_TAG}, 304),  # the ETag is a hash of the body
    ("/plain", {"If-None-Match": f'"other", W/{BODY_TAG}'}, 304),  # weak comparison, a list
    ("/plain", {"If-None-Match": '"other"'}, 200),
    ("/plain", {"If-None-Match": "*"}, 304),
    ("/plain", {"If-Modified-Since": STAMP}, 200),  # no Last-Modified to compare with
    ("/dated", {"If-None-Match": '"v7"'}, 304),  # the manifest's own ETag
    ("/dated", {"If-None-Match": BODY_TAG}, 200),
    ("/dated", {"If-Modified-Since": STAMP}, 304),  # not older than Last-Modified
    ("/dated", {"If-Modified-Since": "Mon, 07 Dec 2026 05:00:00 GMT"}, 304),
    ("/dated", {"If-Modified-Since": "Mon, 07 Dec 2026 03:59:59 GMT"}, 200),
    ("/dated", {"If-Modified-Since": "yesterday"}, 200),  # unreadable: ignored
    ("/dated", {"If-None-Match": '"old"', "If-Modified-Since": STAMP}, 200),  # ETag decides
    ("/gone", {"If-None-Match": "*"}, 404),  # only a 200 is ever not modified
]


@pytest.mark.parametrize(("path", "headers", "status"), CASES)
def test_conditional_requests(server: FixtureServer, path: str, headers: dict, status: int) -> None:
    got, body, _ = ask(server, path, headers)
    assert got == status
    if status == 304:
        assert body == b""
        assert server.not_modified == [path]
    else:
        assert server.not_modified == []


def test_answers_carry_their_validators(server: FixtureServer) -> None:
    _, _, plain = ask(server, "/plain", {})
    assert plain["ETag"] == BODY_TAG
    assert "Last-Modified" not in plain
    _, _, dated = ask(server, "/dated", {})
    assert (dated["ETag"], dated["Last-Modified"]) == ('"v7"', STAMP)
    status, _, again = ask(server, "/dated", {"If-None-Match": '"v7"'})
    assert (status, again["ETag"]) == (304, '"v7"')
