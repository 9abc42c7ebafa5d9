"""Secrets kept out of every line pledgewatch prints or logs.

A database URL carries its password, and a driver's error text may quote the URL
it failed on. Rather than trust every place that builds a message, the password
is remembered where the URL is read (:func:`keep_secret`) and scrubbed where text
leaves the process: the CLI's error line and the log handler (:func:`redact`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_plus

MASK = "***"
_secrets: set[str] = set()

# scheme://user:PASSWORD@...; SQLAlchemy's own parser stops the password at the first "@".
_URL_PASSWORD = re.compile(r"^(?P<head>[\w+]+://[^:/]*:)(?P<password>[^@]*)(?P<tail>@.*)$", re.S)


def keep_secret(value: str | None) -> None:
    """Remember ``value`` (and its URL-quoted forms) so that :func:`redact` hides it."""
    if value:
        _secrets.update({value, quote(value, safe=""), quote_plus(value)})


def redact(text: str) -> str:
    """``text`` with every remembered secret replaced by ``***`` (longest first)."""
    for secret in sorted(_secrets, key=len, reverse=True):
        text = text.replace(secret, MASK)
    return text


def url_password(url: str) -> str | None:
    """The password written in a URL, found even when the URL is otherwise malformed."""
    match = _URL_PASSWORD.match(url)
    return match["password"] if match and match["password"] else None


def mask_url_password(url: str) -> str:
    """The URL as written, its password replaced by ``***``: for URLs no parser accepts."""
    return _URL_PASSWORD.sub(lambda m: f"{m['head']}{MASK}{m['tail']}", url) if url_password(url) else url
