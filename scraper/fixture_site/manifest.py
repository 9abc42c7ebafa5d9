"""The fixture-site format: a directory of recorded responses described by ``site.json``.

A fixture site is meant to be read, edited by hand and diffed in git, so the manifest is plain
JSON with one object per response and bodies are ordinary files mirroring the URL path
(``pages/contributors/member-states/page-1.html``). Fault fields (``delay``, ``truncate``,
``reset``, ``redirect``) let tests describe a misbehaving site in the same format.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.terms import canonical_url, is_listing_url

MANIFEST = "site.json"
FORMAT = 1
DEFAULT_ORIGIN = "https://gfmd.org"
_FIELDS = {"url", "status", "headers", "body", "delay", "truncate", "reset", "redirect", "note"}


@dataclass(frozen=True, slots=True)
class Entry:
    """One recorded response. ``url`` is absolute, on the site's origin."""

    url: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # path relative to the site directory
    delay: float = 0.0  # seconds to wait before answering
    truncate: int | None = None  # send only this many body bytes, then drop the connection
    reset: bool = False  # reset the connection instead of answering
    redirect: str | None = None  # Location header (status defaults to 302)
    note: str | None = None  # free text for humans

    def to_json(self) -> dict[str, Any]:
        """The manifest form: defaults left out, so hand-written entries stay short."""
        out: dict[str, Any] = {"url": self.url}
        defaults = Entry(url=self.url)
        for name in ("status", "headers", "body", "delay", "truncate", "reset", "redirect", "note"):
            value = getattr(self, name)
            if value != getattr(defaults, name):
                out[name] = value
        return out


@dataclass(frozen=True, slots=True)
class FixtureSite:
    """A loaded, validated fixture site."""

    root: Path
    origin: str
    entries: dict[str, Entry]  # keyed by lookup_key(url)
    description: str = ""
    terms: tuple[str, ...] = ()  # term listing URLs a replayed crawl starts from

    def lookup(self, url: str) -> Entry | None:
        """The entry answering ``url`` (a path or an absolute URL on any host), if any."""
        return self.entries.get(lookup_key(url))

    def body(self, entry: Entry) -> bytes:
        return (self.root / entry.body).read_bytes() if entry.body else b""


def lookup_key(url: str) -> str:
    """Path plus query with ``page=0`` dropped: the host is ignored so replay works on loopback."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if (k, v) != ("page", "0")]
    path = parts.path or "/"
    return f"{path}?{urlencode(query)}" if query else path


def load_site(root: Path | str) -> FixtureSite:
    """Read and validate ``root/site.json``; any problem is an :class:`InputError` naming it."""
    root = Path(root)
    manifest = root / MANIFEST
    if not root.is_dir():
        raise InputError(f"fixture site {root} is not a directory")
    if not manifest.is_file():
        raise InputError(f"fixture site {root} has no {MANIFEST}")
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{manifest}: not valid UTF-8 JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("responses"), list):
        raise InputError(f'{manifest}: expected an object with a "responses" list')
    if data.get("format", FORMAT) != FORMAT:
        raise InputError(f"{manifest}: unsupported format {data.get('format')!r} (expected {FORMAT})")
    origin = str(data.get("origin", DEFAULT_ORIGIN)).rstrip("/")
    entries: dict[str, Entry] = {}
    for index, raw in enumerate(data["responses"]):
        entry = _entry(raw, origin, root, f"{manifest}: responses[{index}]")
        key = lookup_key(entry.url)
        if key in entries:
            raise InputError(f"{manifest}: responses[{index}]: duplicate url {entry.url}")
        entries[key] = entry
    terms = _terms(data.get("terms"), entries.values(), f"{manifest}: terms")
    return FixtureSite(root, origin, entries, str(data.get("description", "")), terms)


def _terms(raw: Any, entries: Iterable[Entry], where: str) -> tuple[str, ...]:
    """The manifest's ``terms`` list, or else every page-0 listing URL in the manifest.

    Listing a subset lets a site hide a term that only discovery mode should find.
    """
    if raw is None:
        urls = [e.url for e in entries if "?" not in e.url]
        return tuple(u for u in urls if is_listing_url(u))
    if not isinstance(raw, list) or not all(isinstance(u, str) for u in raw):
        raise InputError(f"{where}: expected a list of term listing URLs")
    bad = [u for u in raw if not is_listing_url(canonical_url(u))]
    if bad:
        raise InputError(f"{where}: not term listing URLs: {', '.join(bad)}")
    return tuple(canonical_url(u) for u in raw)


def _entry(raw: Any, origin: str, root: Path, where: str) -> Entry:
    if not isinstance(raw, dict):
        raise InputError(f"{where}: expected an object")
    unknown = set(raw) - _FIELDS
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    url = raw.get("url")
    if not isinstance(url, str) or not (url.startswith("/") or url.startswith(origin + "/")):
        raise InputError(f"{where}: url must be a path or start with {origin}/ (got {url!r})")
    status = raw.get("status", 302 if raw.get("redirect") else 200)
    if not isinstance(status, int) or not 100 <= status <= 599:
        raise InputError(f"{where}: status must be an HTTP status code (got {status!r})")
    headers = raw.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        raise InputError(f"{where}: headers must map names to strings")
    body = raw.get("body")
    if body is not None and isinstance(body, str) and not is_inside(root, body):
        raise InputError(f"{where}: body {body!r} leaves the site folder {root}")
    if body is not None and (not isinstance(body, str) or not (root / body).is_file()):
        raise InputError(f"{where}: body file {body!r} not found in {root}")
    _check_faults(raw, where)
    return Entry(
        url=url if url.startswith(origin) else origin + url,
        status=status,
        headers=dict(headers),
        body=body,
        delay=float(raw.get("delay", 0.0)),
        truncate=raw.get("truncate"),
        reset=bool(raw.get("reset", False)),
        redirect=raw.get("redirect"),
        note=raw.get("note"),
    )


def is_inside(root: Path, relative: str) -> bool:
    """True when ``root/relative`` stays inside ``root``, symlinks followed.

    Body paths come from a hand-edited manifest or from URLs a crawl met: an absolute path,
    a ``..`` or a symlink out of the folder would read or write any file on the machine.
    """
    path = Path(relative)
    if not relative or path.is_absolute() or ".." in path.parts:
        return False
    try:
        (root / path).resolve().relative_to(root.resolve())
    except (ValueError, OSError):  # outside, or a name the OS refuses (a NUL byte, a loop)
        return False
    return True


def _check_faults(raw: dict[str, Any], where: str) -> None:
    delay, truncate = raw.get("delay", 0), raw.get("truncate")
    if not isinstance(delay, (int, float)) or delay < 0:
        raise InputError(f"{where}: delay must be a number of seconds >= 0")
    if truncate is not None and (not isinstance(truncate, int) or truncate < 0):
        raise InputError(f"{where}: truncate must be a byte count >= 0")
    if not isinstance(raw.get("reset", False), bool):
        raise InputError(f"{where}: reset must be true or false")
    if raw.get("redirect") is not None and not isinstance(raw["redirect"], str):
        raise InputError(f"{where}: redirect must be a URL")


def write_manifest(
    root: Path,
    entries: list[Entry],
    description: str = "",
    origin: str = DEFAULT_ORIGIN,
    terms: Sequence[str] | None = None,
) -> Path:
    """Write ``site.json`` sorted by URL and page, so git diffs of two sites stay small."""
    data: dict[str, Any] = {"format": FORMAT, "origin": origin, "description": description}
    if terms is not None:
        data["terms"] = list(terms)
    data["responses"] = [e.to_json() for e in sorted(entries, key=lambda e: _sort_key(e.url))]
    path = root / MANIFEST
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


def _sort_key(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    page = dict(parse_qsl(parts.query)).get("page", "0")
    return (parts.path, int(page) if page.isdigit() else 0)


def body_path(url: str, content_type: str = "text/html") -> str:
    """Where a response body lives, mirroring the URL path: listings get ``page-N.html``."""
    parts = urlsplit(url)
    path = parts.path.strip("/")
    if path == "robots.txt":
        return "robots.txt"
    query = dict(parse_qsl(parts.query))
    page = query.pop("page", "0")
    ext = ".txt" if "text/plain" in content_type else ".xml" if "xml" in content_type else ".html"
    extra = "".join(f"_{k}-{v}" for k, v in sorted(query.items()))
    if path.split("/")[-1].isdigit():  # a record page, /pfp/ppd/<nid>
        return f"pages/{path}{extra}{ext}"
    return f"pages/{path or 'index'}/page-{page}{extra}{ext}"
