"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can misbehave.

``SmtpSink(password="s3cret")`` requires AUTH with user ``editor``. ``script``
decides the fate of the next messages in turn: ``"drop"`` closes the connection
after the message data and before the reply (a relay crashing mid-message),
``"accept"`` takes it. Addresses in ``rejected`` are refused at RCPT with 550.
"""

from __future__ import annotations

import email
import socket
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "editor"


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    message: EmailMessage


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SmtpSink:
    def __init__(self, *, password: str | None = None) -> None:
        self.received: list[Received] = []
        self.script: list[str] = []
        self.rejected: set[str] = set()
        self.password = password
        self.port = free_port()
        options: dict[str, Any] = {}
        if password is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False,
                       "auth_required": False}  # True only warns without TLS
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, **options)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          options: list[str]) -> str:
        if address in self.rejected:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.script and self.script.pop(0) == "drop":
            server.transport.close()
            return "421 closing connection"
        message = email.message_from_bytes(envelope.original_content, policy=default_policy)
        self.received.append(Received(envelope.mail_from, tuple(envelope.rcpt_tos), message))
        return "250 OK"

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                      auth_data: Any) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == USER \
            and auth_data.password.decode() == self.password
        return AuthResult(success=ok, handled=False)  # unhandled: the server answers 535

    def to(self, address: str) -> list[EmailMessage]:
        return [r.message for r in self.received if address in r.rcpt_tos]
