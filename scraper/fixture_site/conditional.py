"""Conditional GETs as a real server answers them (RFC 9110 13.1), for the fixture server.

Every 200 answer carries an ``ETag`` (the manifest's, else a quoted hash of the body) and the
manifest's ``Last-Modified`` when it gives one. A request whose ``If-None-Match`` names the
current ETag (weakly compared, or ``*``) gets ``304 Not Modified``; without ``If-None-Match``,
an ``If-Modified-Since`` not older than ``Last-Modified`` does too. So crawls against the
fixture site exercise the same validators the live site sends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from email.utils import parsedate_to_datetime


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, its name matched without regard to case."""
    lowered = name.lower()
    return next((value for key, value in headers.items() if key.lower() == lowered), None)


def etag_of(body: bytes, headers: Mapping[str, str]) -> str:
    return header(headers, "ETag") or '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Mapping[str, str], etag: str, last_modified: str | None) -> bool:
    """Whether a request's validators say the client's copy is current."""
    if_none_match = header(request, "If-None-Match")
    if if_none_match is not None:
        wanted = {_weak(tag) for tag in if_none_match.split(",")}
        return "*" in wanted or _weak(etag) in wanted
    since = header(request, "If-Modified-Since")
    if since is None or last_modified is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(last_modified)
    except (TypeError, ValueError):  # an unreadable date is ignored, as the RFC says
        return False


def _weak(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag
