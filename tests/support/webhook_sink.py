"""A real HTTP webhook receiver on 127.0.0.1 that keeps what it is sent, and can misbehave.

Apprise's ``json://127.0.0.1:PORT/path`` posts ``{"title", "message", "type", ...}``
here. ``status`` is the answer to the next posts (500: the service failed). A
receiver built with a port but not started stands for one that is down:
``WebhookSink(port).start()`` brings it up on that port later.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.support.smtp_sink import free_port


@dataclass(frozen=True)
class Post:
    path: str
    body: dict[str, Any]


class WebhookSink:
    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.posts: list[Post] = []
        self.status = 200
        self._server: ThreadingHTTPServer | None = None

    def url(self, path: str = "hook/t0ken-s3cret") -> str:
        """An Apprise URL aimed at this receiver; the path stands for a service's token."""
        return f"json://127.0.0.1:{self.port}/{path}"

    def start(self) -> WebhookSink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if sink.status == 200:
                    sink.posts.append(Post(self.path, body))
                self.send_response(sink.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WebhookSink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
