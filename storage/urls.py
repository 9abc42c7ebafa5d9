"""Database URLs: parsed once, their password hidden from every message.

A malformed URL is the user's input error (exit 2) whatever part of it is wrong:
a port that is not a number, a driver SQLAlchemy does not know, text that is no
URL at all. The password is remembered before parsing, so even the text of a URL
no parser accepts, or a driver's error quoting it, never shows it.
"""

from __future__ import annotations

from sqlalchemy import exc
from sqlalchemy.engine import URL, make_url

from pledgewatch.core.errors import DatabaseError
from pledgewatch.core.redact import keep_secret, mask_url_password, redact, url_password


def parse_db_url(url: str) -> URL:
    """The URL as SQLAlchemy reads it; :class:`DatabaseError` naming it (masked) if it cannot."""
    keep_secret(url_password(url))
    try:
        parsed = make_url(url)
    except (exc.ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise DatabaseError(f"invalid database URL {shown_url(url)}: {one_line(error)}") from None
    keep_secret(parsed.password if isinstance(parsed.password, str) else None)
    query_password = parsed.query.get("password")
    keep_secret(query_password if isinstance(query_password, str) else None)
    return parsed


def shown_url(url: str | URL) -> str:
    """The URL as it may be printed: password masked, even in a URL that does not parse."""
    if isinstance(url, URL):
        return redact(url.render_as_string(hide_password=True))
    try:
        return redact(make_url(url).render_as_string(hide_password=True))
    except (exc.ArgumentError, ValueError):
        return redact(mask_url_password(url))


def one_line(error: BaseException) -> str:
    """The first line of an error's text, secrets removed: for a one-line message."""
    text = str(error).strip()
    return redact(text.splitlines()[0] if text else type(error).__name__)
