"""Known vocabularies and terms of gfmd.org, and the one canonical form of its URLs.

The same page is archived under ``http``/``https``, ``www.``/bare host and with or without
``?page=0``; a crawl replayed from a loopback server sees ``http://127.0.0.1:PORT``. Records
are compared across all of these, so every URL the scraper emits goes through
:func:`canonical_url` first: ``https://gfmd.org/<path>`` plus ``?page=N`` only for N > 0.
"""

from __future__ import annotations

import ipaddress
import re
import tomllib
from collections.abc import Callable
from functools import lru_cache, wraps
from pathlib import Path
from typing import TypeVar
from urllib.parse import parse_qsl, urljoin, urlsplit

from pledgewatch.core.errors import InputError

SITE = "https://gfmd.org"
SITE_HOST = "gfmd.org"
# Mirrors (proboprint.info, 228551.dnxkx.asia) copy the site but are not the source.
ALLOWED_HOSTS = frozenset({"gfmd.org", "www.gfmd.org"})
LOOPBACK_NAMES = frozenset({"localhost"})

RECORD_PATH = re.compile(r"^/pfp/ppd/(\d+)$")
_SLASHES = re.compile(r"/{2,}")
CONTRIBUTE_PATH = "/pfp/ppd/contribute"
STATIC_SUFFIXES = (
    ".png", ".jpg", ".jpeg", ".gif", ".svg", ".ico", ".css", ".js", ".pdf", ".doc", ".docx",
    ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".xml", ".txt", ".mp3", ".mp4", ".woff", ".woff2",
)
STATIC_PREFIXES = ("/sites/", "/misc/", "/modules/", "/themes/", "/profiles/", "/files/")
NOT_LISTINGS = ("/user", "/admin", "/search", "/node", "/filter", "/comment")
# The database's own front page and bare prefixes are not terms.
NOT_TERMS = frozenset({"/pfp", "/pfp/ppd", "/taxonomy", "/taxonomy/term"})

# URL prefix -> what the vocabulary holds (site.md §1). The prefix itself is the vocabulary
# name in records, because the site never shows vocabulary names on listing pages.
VOCABULARIES: dict[str, str] = {
    "2030-agenda-migration-relevant-and-related-targets": "2030 Agenda / SDG labels",
    "gcm-thematic-clusters": "GCM thematic cluster areas (objectives and old clusters)",
    "gcm-objectives": "GCM objectives",
    "contributors": "contributor (stakeholder) types",
    "geographical-relevance": "geographical relevance",
    "chairmanship": "GFMD chairmanship",
    "pfp/ppd": "themes and countries (they share the prefix with records)",
    "taxonomy/term": "alias-less terms, by term id",
}

# What editors call each vocabulary: short names for reports and filters, close to the labels
# record pages print ("GCM Thematic Cluster Areas:"). Records keep the prefix (above).
VOCABULARY_NAMES: dict[str, str] = {
    "2030-agenda-migration-relevant-and-related-targets": "2030 Agenda (SDGs)",
    "gcm-thematic-clusters": "GCM thematic cluster areas",
    "gcm-objectives": "GCM objectives",
    "contributors": "Contributors",
    "geographical-relevance": "Geographical relevance",
    "chairmanship": "GFMD chairmanship",
    "pfp/ppd": "Themes and countries",
    "taxonomy/term": "Other terms",
}

# Every term whose slug was SEEN in an archived URL or link (site.md §1). Slugs are never built
# from names: pathauto drops stop-words and cuts aliases at 100 characters, so a guessed slug
# can be silently wrong. Goal 6 (seed 003) only fits the pattern; see PATTERN_ONLY_TERMS.
KNOWN_TERMS: tuple[str, ...] = (
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-3-good-health-and-well-being",
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-11-sustainable-cities-and-communities",
    f"{SITE}/gcm-thematic-clusters/objective-16-empower-migrants-and-societies-realize-full-inclusion-and-social",
    f"{SITE}/gcm-thematic-clusters/objective-19-create-conditions-migrants-and-diasporas-fully-contribute",
    f"{SITE}/gcm-thematic-clusters/objective-23-strengthen-international-cooperation-and-global-partnerships-safe",
    f"{SITE}/gcm-objectives/objective-2-minimize-adverse-drivers-and-structural-factors-compel-people-leave",
    f"{SITE}/gcm-objectives/objective-7-address-and-reduce-vulnerabilities-migration",
    f"{SITE}/gcm-objectives/objective-15-provide-access-basic-services-migrants",
    f"{SITE}/gcm-objectives/objective-17-eliminate-all-forms-discrimination-and-promote-evidence-based-public",
    f"{SITE}/contributors/mayors-local-and-regional-governments",
    f"{SITE}/contributors/member-states",
    f"{SITE}/contributors/international-organizations",
    f"{SITE}/geographical-relevance/subnational",
    f"{SITE}/pfp/ppd/migration-and-family",
    f"{SITE}/pfp/ppd/local-development",
    f"{SITE}/pfp/ppd/cities-and-municipalities",
    f"{SITE}/pfp/ppd/diaspora-empowerment-and-engagement",
    f"{SITE}/pfp/ppd/migration-and-entrepreneurship",
    f"{SITE}/pfp/ppd/migration-and-education",
    f"{SITE}/pfp/ppd/migration-and-health",
    f"{SITE}/pfp/ppd/egypt",
    f"{SITE}/chairmanship/france-2022-2023",
    f"{SITE}/taxonomy/term/572",
    f"{SITE}/taxonomy/term/573",
)

# Slugs that only follow the naming pattern (shown in parentheses in site.md). They are NOT
# crawled by default: a wrong guess would look like an empty or vanished term. The seed-003
# reconstruction uses the Goal 6 one because the seed gives no URL at all.
PATTERN_ONLY_TERMS: tuple[str, ...] = (
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-1-end-poverty",
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-2-zero-hunger",
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-6-clean-water-and-sanitation",
    f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-13-climate-action",
)

# Term names read in seed footers ("Subscribe to ...") or detail pages, for the seen slugs.
TERM_NAMES: dict[str, str] = {
    KNOWN_TERMS[0]: "Goal 3: Good health and well being",
    KNOWN_TERMS[1]: "Goal 11: Sustainable cities and communities",
    KNOWN_TERMS[2]: "Objective 16: Empower migrants and societies to realize full inclusion and "
    "social cohesion",
    KNOWN_TERMS[9]: "Mayors, Local and Regional Governments",
    KNOWN_TERMS[10]: "Member States",
    KNOWN_TERMS[11]: "International Organizations",
    KNOWN_TERMS[12]: "Subnational",
    KNOWN_TERMS[21]: "France 2022-2023",
}


_URL_CACHE_SIZE = 4096  # answers kept per function
_URL_CACHE_MAX_CHARS = 2048  # calls with a longer URL (hostile pages) are never kept

_Answer = TypeVar("_Answer")


def _remembered(function: Callable[..., _Answer]) -> Callable[..., _Answer]:
    """``function`` (pure) with its recent answers kept.

    A crawl asks the URL functions about the same few URLs (the page's own, its term's, the
    next page's) a dozen times per page, from the spider and the parser. The cache is bounded
    in entries and in URL length, so memory stays flat however long the crawl and whatever
    the pages link to.
    """
    cached = lru_cache(maxsize=_URL_CACHE_SIZE)(function)

    @wraps(function)
    def remembered(url: str, *args: object, **kwargs: object) -> _Answer:
        keep = isinstance(url, str) and len(url) <= _URL_CACHE_MAX_CHARS
        if keep and (args or kwargs):  # a base URL, a page number
            keep = all(not isinstance(a, str) or len(a) <= _URL_CACHE_MAX_CHARS
                       for a in (*args, *kwargs.values()))
        return cached(url, *args, **kwargs) if keep else function(url, *args, **kwargs)

    return remembered


@_remembered
def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _page_param(query: str) -> int:
    """Drupal's ``?page=N``; a multi-pager value ``"2,0"`` counts by its first number."""
    if not query:  # most URLs: nothing to parse
        return 0
    for key, value in parse_qsl(query, keep_blank_values=True):
        if key == "page":
            head = value.split(",", 1)[0].strip()
            return int(head) if head.isdigit() and len(head) < 7 else 0
    return 0


@_remembered
def canonical_url(url: str, base: str | None = None, *, fetch_base: str | None = None) -> str:
    """Return the one canonical form of a gfmd.org URL.

    Relative URLs are resolved against ``base`` (or ``fetch_base``). A loopback host, or the
    host of ``fetch_base`` (the replay server a page came from), stands for the site itself.
    URLs on other hosts (mirrors) come back with only the fragment removed; check
    :func:`is_site_url` before following them.
    """
    url = url.strip()
    anchor = base or fetch_base
    if anchor:
        url = urljoin(anchor, url)
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    if not parts.scheme and not parts.netloc:
        parts = urlsplit(urljoin(SITE + "/", url))
        host = SITE_HOST
    fetch_host = urlsplit(fetch_base).netloc.lower() if fetch_base else None
    on_site = host in ALLOWED_HOSTS or _is_loopback(host) or parts.netloc.lower() == fetch_host
    if not on_site:
        return parts._replace(fragment="").geturl()
    path = _without_dot_segments(_SLASHES.sub("/", parts.path or "/"))
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    page = _page_param(parts.query)
    return f"{SITE}{path}" + (f"?page={page}" if page > 0 else "")


def _without_dot_segments(path: str) -> str:
    """``path`` with ``.`` and ``..`` segments resolved (RFC 3986 §5.2.4), encoded ones too.

    Browsers and servers resolve ``/a/../b`` (and ``/a/%2e%2e/b``) to ``/b``; a link keeping
    them would name a different listing, and a file path built from it could leave its folder.
    ``..`` never climbs above the root.
    """
    if "." not in path and "%2e" not in path.lower():
        return path
    kept: list[str] = []
    for segment in path.split("/"):
        bare = segment.lower().replace("%2e", ".")
        if bare == "..":
            if len(kept) > 1:  # the leading empty segment is the root
                kept.pop()
        elif bare != ".":
            kept.append(segment)
    return "/".join(kept) or "/"


@_remembered
def is_site_url(url: str) -> bool:
    """True for gfmd.org URLs (either host, either scheme); mirrors and others are False."""
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and (parts.hostname or "").lower() in ALLOWED_HOSTS


def _site_path(url: str) -> str | None:
    canonical = canonical_url(url)
    return urlsplit(canonical).path if canonical.startswith(SITE + "/") else None


@_remembered
def record_path(url: str) -> str | None:
    """``/pfp/ppd/<nid>`` for a record URL, else None: the pledge key when a link exists."""
    path = _site_path(url)
    return path if path and RECORD_PATH.match(path) else None


def is_record_url(url: str) -> bool:
    return record_path(url) is not None


def _is_static_or_feed(path: str) -> bool:
    lowered = path.lower()
    return (
        lowered.endswith(STATIC_SUFFIXES)
        or lowered.startswith(STATIC_PREFIXES)
        or lowered.endswith("/feed")
        or lowered == "/rss.xml"
    )


@_remembered
def is_listing_url(url: str) -> bool:
    """A term listing: on the site, not a record, the submission form, a static file or a feed."""
    path = _site_path(url)
    if path is None or path == "/" or RECORD_PATH.match(path) or path == CONTRIBUTE_PATH:
        return False
    if path in NOT_TERMS:
        return False
    if any(path == p or path.startswith(p + "/") for p in NOT_LISTINGS):
        return False
    return not _is_static_or_feed(path)


@_remembered
def page_number(url: str) -> int:
    """0-based ``?page=N`` of a URL; 0 when absent."""
    return _page_param(urlsplit(url).query)


@_remembered
def with_page(url: str, n: int) -> str:
    """The canonical URL of page ``n`` of the same listing."""
    if n < 0:
        raise ValueError(f"page must be >= 0, got {n}")
    bare = canonical_url(url).split("?", 1)[0]
    return bare + (f"?page={n}" if n > 0 else "")


def term_url_of(url: str) -> str:
    """The term's own URL (page 0) for any page of its listing."""
    return with_page(url, 0)


@_remembered
def vocabulary_of(url: str) -> str | None:
    """The vocabulary (URL prefix) of a listing URL, e.g. ``"contributors"``.

    ``pfp/ppd/<slug>`` (themes and countries share it) and ``taxonomy/term/<tid>`` are
    two-segment prefixes. An unknown prefix of a two-segment path is returned as is, so a
    vocabulary the site adds later still gets a name.
    """
    if not is_listing_url(url):
        return None
    segments = (_site_path(url) or "").strip("/").split("/")
    for size in (2, 1):
        prefix = "/".join(segments[:size])
        if prefix in VOCABULARIES and len(segments) == size + 1:
            return prefix
    two_segment_heads = {p.split("/")[0] for p in VOCABULARIES if "/" in p}
    if len(segments) == 2 and segments[0] not in two_segment_heads:
        return segments[0]
    return None


@_remembered
def tid_of(url: str) -> int | None:
    """The term id of a ``/taxonomy/term/<tid>`` URL (feeds included), else None."""
    match = re.search(r"/taxonomy/term/(\d{1,9})(?:/feed)?/?$", urlsplit(url).path)
    return int(match.group(1)) if match else None


def load_terms_file(path: str | Path) -> list[str]:
    """Extra term listing URLs from a file, canonical and de-duplicated, in file order.

    ``*.toml`` files hold ``terms = ["https://gfmd.org/...", ...]``; any other file is a plain
    list, one URL (or site path) per line, ``#`` starting a comment. A line that is not a
    gfmd.org term listing raises :class:`InputError` naming the file and line.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read terms file {path}: {error}") from error
    entries = _toml_entries(path, text) if path.suffix == ".toml" else _plain_entries(text)
    urls: list[str] = []
    for line_no, raw in entries:
        url = _checked_term_url(raw)
        if url is None:
            raise InputError(f"{path}:{line_no}: not a gfmd.org term listing URL: {raw!r}")
        if url not in urls:
            urls.append(url)
    return urls


def _plain_entries(text: str) -> list[tuple[int, str]]:
    entries = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        value = line.split("#", 1)[0].strip()
        if value:
            entries.append((line_no, value))
    return entries


def _toml_entries(path: Path, text: str) -> list[tuple[int, str]]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: invalid TOML: {error}") from error
    terms = data.get("terms")
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise InputError(f'{path}: expected a list of URLs: terms = ["https://gfmd.org/...", ...]')
    lines = text.splitlines()
    return [(_line_of(lines, t), t) for t in terms]


def _line_of(lines: list[str], value: str) -> int:
    for line_no, line in enumerate(lines, start=1):
        if value in line:
            return line_no
    return 0


def _checked_term_url(raw: str) -> str | None:
    parts = urlsplit(raw)
    if parts.scheme and (parts.scheme not in ("http", "https") or not is_site_url(raw)):
        return None
    if not parts.scheme and (parts.netloc or not raw.startswith("/")):
        return None
    url = canonical_url(raw)
    return with_page(url, 0) if is_listing_url(url) else None
