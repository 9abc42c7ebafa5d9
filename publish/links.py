"""Where each page of the published site lives, and links to it from reports.

Pages link to each other with relative paths, so the site works from any web
server prefix, a shared folder or ``file://``. Reports (e-mail, feed, ``diff
--format html``) need absolute links: :class:`SiteLinks` prefixes the same
paths with the configured ``base_url``. Paths are derived from keys alone, so a
report can link to a pledge page without reading the site.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pledgewatch.core.errors import InputError

_NODE_KEY = re.compile(r"/pfp/ppd/(\d{1,12})")
_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
SLUG_CHARS = 60


def pledge_path(key: str) -> str:
    """``pledges/13001.html`` for a record key; a digest for keys that are not node paths."""
    match = _NODE_KEY.fullmatch(key)
    name = match.group(1) if match else "k-" + _digest(key)
    return f"pledges/{name}.html"


def term_path(key: str) -> str:
    """``terms/<slug>-<digest>.html``: readable, and distinct for keys that slug alike."""
    path = urlsplit(key).path if "://" in key else key.removeprefix("name:")
    slug = _SLUG_CHARS.sub("-", path.lower()).strip("-")[:SLUG_CHARS].strip("-") or "term"
    return f"terms/{slug}-{_digest(key)[:8]}.html"


def run_path(run_id: int) -> str:
    return f"runs/run-{run_id}.html"


def letter_path(letter: str) -> str:
    """The A-Z page of titles starting with ``letter`` ("other" for digits and symbols)."""
    return f"az/{letter.lower()}.html"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SiteLinks:
    """Absolute links into a site published at ``base_url``; what reports are given."""

    base_url: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", check_base_url(self.base_url))

    def index(self) -> str:
        return self.base_url + "index.html"

    def pledge(self, key: str) -> str:
        return self.base_url + pledge_path(key)

    def run(self, run_id: int) -> str:
        return self.base_url + run_path(run_id)

    def term(self, key: str) -> str:
        return self.base_url + term_path(key)


def check_base_url(url: str) -> str:
    """An http(s) URL without credentials, query or fragment, ending in ``/``."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.username \
            or parts.password or parts.query or parts.fragment or any(c.isspace() for c in url.strip()):
        raise InputError(f"base URL {url!r}: expected an http(s) URL like https://example.org/pledges/")
    text = url.strip()
    return text if text.endswith("/") else text + "/"
