"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives, and can misbehave.

``SmtpSink(password="s3cret")`` requires AUTH with user ``editor``. ``script``
decides the fate of the next messages in turn: ``"drop"`` closes the connection
after the message data and before the reply (a relay crashing mid-message),
``"accept"`` takes it. Addresses in ``rejected`` are refused at RCPT with 550.
"""

from __future__ import annotations

import datetime
import email
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

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
    def __init__(self, *, password: str | None = None,
                 tls_context: ssl.SSLContext | None = None) -> None:
        self.received: list[Received] = []
        self.script: list[str] = []
        self.rejected: set[str] = set()
        self.password = password
        self.port = free_port()
        options: dict[str, Any] = {}
        if password is not None:
            options = {"authenticator": self._authenticate, "auth_require_tls": False,
                       "auth_required": False}  # True only warns without TLS
        if tls_context is not None:  # STARTTLS offered and required before MAIL
            options |= {"tls_context": tls_context, "require_starttls": True}
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


def self_signed_context(directory: Path) -> tuple[ssl.SSLContext, Path]:
    """A server TLS context for 127.0.0.1 and the certificate file a client must trust."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                       critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = directory / "smtp-cert.pem", directory / "smtp-key.pem"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context, cert_file
