"""Serve a fixture site over HTTP on 127.0.0.1, faults included.

The server lets the real spider run end to end without the internet: it answers exactly
the recorded responses (anything else is a 404) and can misbehave on purpose (slow,
truncated, reset, redirected) as the manifest says. It only ever binds the loopback
address.
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType

from pledgewatch.scraper.fixture_site.conditional import etag_of, header, not_modified
from pledgewatch.scraper.fixture_site.manifest import Entry, FixtureSite, load_site

LOOPBACK = "127.0.0.1"
_POLL_SECONDS = 0.02


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real site would; every answer has a length
    # Headers and body go out as two writes; with Nagle's algorithm the body then waits for
    # the client's delayed ACK of the headers (~40 ms on Linux) on a kept-alive connection.
    disable_nagle_algorithm = True
    server: _Server

    def do_GET(self) -> None:
        self.server.log.append((time.monotonic(), self.path))
        entry = self.server.site.lookup(self.path)
        if entry is None:
            self._send(404, {"Content-Type": "text/plain; charset=utf-8"}, b"Not Found\n")
            return
        if entry.delay:
            time.sleep(entry.delay)
        if entry.reset:
            self._reset()
            return
        headers = {"Content-Type": _content_type(entry), **entry.headers}
        if entry.redirect:
            headers["Location"] = entry.redirect
        body = self.server.site.body(entry)
        if entry.status == 200 and not entry.redirect:
            headers = {k: v for k, v in headers.items() if k.lower() != "etag"}
            etag = headers["ETag"] = etag_of(body, entry.headers)
            if not_modified(dict(self.headers.items()), etag, header(headers, "Last-Modified")):
                self.server.not_modified.append(self.path)
                self._send(304, {"ETag": etag, **{k: v for k, v in headers.items()
                                                  if k.lower() == "last-modified"}}, b"")
                return
        self._send(entry.status, headers, body, entry.truncate)

    def do_HEAD(self) -> None:
        self.do_GET()

    def _send(self, status: int, headers: dict[str, str], body: bytes, cut: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:  # a 304 has no body, and its length would describe the 200's
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if cut is None:
            self.wfile.write(body)
            return
        self.wfile.write(body[:cut])  # announce the full length, deliver less, hang up
        self.wfile.flush()
        self.close_connection = True
        self.connection.shutdown(socket.SHUT_RDWR)

    def _reset(self) -> None:
        """Close with SO_LINGER 0: the client sees a TCP reset, not a clean end."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()

    def log_message(self, format: str, *args: object) -> None:
        return  # the crawl's own log says what was fetched


def _content_type(entry: Entry) -> str:
    if entry.body and entry.body.endswith(".txt"):
        return "text/plain; charset=utf-8"
    if entry.body and entry.body.endswith(".xml"):
        return "application/rss+xml; charset=utf-8"
    return "text/html; charset=utf-8"


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: FixtureSite, port: int) -> None:
        self.site = site
        self.log: list[tuple[float, str]] = []  # (time.monotonic() on arrival, request path)
        self.not_modified: list[str] = []  # request paths answered 304
        super().__init__((LOOPBACK, port), _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        return  # a client hanging up mid-answer is expected (timeouts, oversize)


class FixtureServer:
    """A fixture site served on ``http://127.0.0.1:<port>`` from a background thread.

    Use as a context manager; ``port=0`` picks any free port (read it from :attr:`url`).
    """

    def __init__(self, site: FixtureSite | Path | str, port: int = 0) -> None:
        self.site = site if isinstance(site, FixtureSite) else load_site(site)
        self._server = _Server(self.site, port)
        # serve_forever checks for shutdown between polls; with the default half second, closing
        # the server took ~0.5 s, which every replayed crawl and every test paid.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": _POLL_SECONDS}, daemon=True
        )

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    @property
    def hits(self) -> list[str]:
        """Request paths in arrival order (what the crawler asked for)."""
        return [path for _, path in self._server.log]

    @property
    def not_modified(self) -> list[str]:
        """Request paths answered ``304 Not Modified``, in arrival order."""
        return list(self._server.not_modified)

    @property
    def log(self) -> list[tuple[float, str]]:
        """``(time.monotonic(), path)`` of each request on arrival: the gaps show the crawl's pace."""
        return list(self._server.log)

    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FixtureServer:
        return self.start()

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()
