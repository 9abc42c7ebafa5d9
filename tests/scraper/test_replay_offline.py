"""Replay never leaves 127.0.0.0/8: recorded redirects to the live host are served by the
loopback server, other hosts are refused, and the crawl process cannot open anything else.

Every crawl of the suite runs under the guard (``tests/conftest.py``): an attempt to reach
another address is refused and fails the test that made it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import FixtureServer
from pledgewatch.scraper.offline import GUARD_ENV, is_loopback_host

SMALL = Path(__file__).resolve().parents[2] / "fixtures" / "sites" / "small"
SITE = "https://gfmd.org"
EGYPT = f"{SITE}/pfp/ppd/egypt"
HEALTH = f"{SITE}/pfp/ppd/migration-and-health"
SUBNATIONAL = f"{SITE}/geographical-relevance/subnational"
QUIET = {"LOG_LEVEL": "WARNING"}


def redirecting_site(root: Path) -> Path:
    """small/before whose robots.txt and Egypt page are recorded as redirects to the live host.

    The redirected robots.txt disallows one term, so its rule shows where it was read from.
    """
    shutil.copytree(SMALL / "before", root)
    (root / "moved-robots.txt").write_text("User-agent: *\nDisallow: /geographical-relevance/\n", encoding="utf-8")
    data = json.loads((root / "site.json").read_text(encoding="utf-8"))
    entries = {e["url"]: e for e in data["responses"]}
    egypt_body = entries[EGYPT].pop("body")
    entries[EGYPT].update(status=301, redirect="https://www.gfmd.org/pfp/ppd/egypt/")
    entries[f"{SITE}/robots.txt"] = {"url": f"{SITE}/robots.txt", "status": 301,
                                     "redirect": "https://www.gfmd.org/robots.txt?moved=1"}
    entries[HEALTH].pop("body")
    entries[HEALTH].update(status=302, redirect="http://www.gfmd.org:8443/pfp/ppd/migration-and-health/")
    data["responses"] = [
        *entries.values(),
        {"url": "/pfp/ppd/egypt/", "body": egypt_body},
        {"url": "/pfp/ppd/migration-and-health/", "status": 302, "redirect": "https://proboprint.info/health"},
        {"url": "/robots.txt?moved=1", "body": "moved-robots.txt"},
    ]
    (root / "site.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, Any]], list[str]]:
    root = redirecting_site(tmp_path_factory.mktemp("offline") / "site")
    with FixtureServer(root) as server:
        run_crawl(root / "run.jsonl", replay=server, settings=QUIET, timeout=120)
        hits = server.hits
    return [json.loads(line) for line in (root / "run.jsonl").read_text(encoding="utf-8").splitlines()], hits


def page(records: list[dict[str, Any]], url: str) -> dict[str, Any]:
    (found,) = [r for r in records if r["type"] == "page" and r["url"] == url]
    return found


def test_a_recorded_redirect_to_the_live_host_is_served_by_the_replay_server(replayed: Any) -> None:
    records, hits = replayed
    egypt = page(records, EGYPT)
    assert egypt["ok"] and egypt["status"] == 200 and egypt["empty_term"]
    assert hits.count("/pfp/ppd/egypt") == 1 and hits.count("/pfp/ppd/egypt/") == 1


def test_a_redirected_robots_txt_is_read_from_the_replay_server(replayed: Any) -> None:
    records, hits = replayed
    assert hits[:2] == ["/robots.txt", "/robots.txt?moved=1"]
    assert page(records, SUBNATIONAL)["error"] == "not fetched: Forbidden by robots.txt"


def test_any_other_host_is_a_failed_page_never_fetched(replayed: Any) -> None:
    records, hits = replayed
    health = page(records, HEALTH)  # www.gfmd.org:8443 is served locally; it sends us off-site
    assert not health["ok"] and health["error"] == "offsite redirect to https://proboprint.info/health: not followed"
    assert "/pfp/ppd/migration-and-health/" in hits
    assert records[-1]["reason"] == "finished"


def test_the_offline_middleware_refuses_what_the_spider_would_not(tmp_path: Path) -> None:
    from scrapy import Request
    from scrapy.exceptions import IgnoreRequest

    from pledgewatch.scraper.offline import LoopbackOnlyMiddleware

    middleware = LoopbackOnlyMiddleware()
    middleware.replay_base = "http://127.0.0.1:8800"
    mapped = middleware.process_request(Request("https://www.gfmd.org/contributors/x?page=2"))
    assert mapped is not None and mapped.url == "http://127.0.0.1:8800/contributors/x?page=2"
    assert middleware.process_request(Request("http://127.0.0.1:9/robots.txt")) is None
    for url in ("https://proboprint.info/x", "http://10.0.0.1/x", "http://gfmd.org.evil.test/x"):
        with pytest.raises(IgnoreRequest, match="replay is offline"):
            middleware.process_request(Request(url))


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("[::1]", True), ("::ffff:127.0.0.1", True),
     ("localhost", True), (None, True), ("0.0.0.0", False), ("10.1.2.3", False), ("gfmd.org", False),
     ("www.gfmd.org", False), ("127.0.0.1.nip.io", False), (b"192.0.2.1", False)],
)
def test_what_counts_as_loopback(host: str | bytes | None, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


GUARDED = """
import socket, sys
from pathlib import Path
from pledgewatch.scraper.offline import install_loopback_guard
install_loopback_guard(Path(sys.argv[1]))
port = int(sys.argv[2])
socket.create_connection(("127.0.0.1", port), timeout=5).close()  # loopback: allowed
for attempt in (lambda: socket.socket().connect(("0.0.0.0", port)),
                lambda: socket.getaddrinfo("0.0.0.0", port),
                lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("0.0.0.0", port))):
    try:
        attempt()
    except ConnectionRefusedError as error:
        print(error)
"""


def test_the_guard_refuses_and_logs_a_connection_off_loopback(tmp_path: Path) -> None:
    """0.0.0.0 is not loopback, yet on Linux it reaches this machine: unguarded, the listener
    below would count two connections instead of one, so the test can fail without sending anything out."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    log = tmp_path / "refused.log"
    env = {k: v for k, v in os.environ.items() if k != GUARD_ENV}
    done = subprocess.run([sys.executable, "-c", GUARDED, str(log), str(port)],
                          capture_output=True, text=True, timeout=60, env=env)
    listener.settimeout(0.5)
    accepted = 0
    try:
        while True:
            listener.accept()[0].close()
            accepted += 1
    except TimeoutError:
        pass
    finally:
        listener.close()
    assert done.returncode == 0, done.stderr
    assert accepted == 1
    assert log.read_text(encoding="utf-8").splitlines() == [
        "socket.connect '0.0.0.0'", "socket.getaddrinfo '0.0.0.0'", "socket.sendto '0.0.0.0'"]
    assert done.stdout.count("refused") == 3
