"""Teaser text → stored text and comparison keys.

Two forms of every text field, on purpose:

* the **stored** form keeps what the site printed (typos, mojibake, curly
  quotes) and its paragraph structure, with only whitespace tidied and link
  leftovers removed;
* the **comparison** form folds every whitespace run, including line and
  paragraph breaks, to one space. Fingerprints are computed from it, so a
  page that prints ``\\n`` where another printed ``\\n\\n`` is the same text.

Bump :data:`NORMALIZER_VERSION` whenever a rule changes: ``pledgewatch
reprocess`` re-derives the versions from the stored raw input and reports what
the new rules changed.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata

from ftfy.badness import is_bad

NORMALIZER_VERSION = "1"

MAX_TITLE = 2_000
MAX_SUMMARY = 20_000
MAX_AUTHOR = 200

# Link leftovers Drupal modules append to teaser text; never content.
_LINK_LEFTOVERS = re.compile(r"\s*\((?:external link|link is external)\)", re.IGNORECASE)
_READ_MORE = re.compile(r"(?:^|\n)\s*Read more(?: about [^\n]*)?\s*$", re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")
# Invisible format characters that change nothing a reader sees but would change a hash.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRUNCATION_MARK = "…"


def clean_text(text: str | None, *, limit: int) -> str:
    """The stored form: NFC, whitespace tidied, paragraphs kept, leftovers removed.

    Each rule is tried only when a cheap look says it can apply: this runs on every
    new summary, and the regular expressions cost more than the text is long.

    >>> clean_text("  Zürich\\u00a0 commits\\n to:  \\n\\n \\n\\nAll (external link).", limit=100)
    'Zürich commits\\nto:\\n\\nAll.'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if any(mark in text for mark in _INVISIBLE_CHARS):
        text = text.translate(_INVISIBLE)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _CONTROL.search(text):
        text = _CONTROL.sub("", text)
    lowered = text.lower()
    if "external" in lowered:
        text = _LINK_LEFTOVERS.sub("", text)
    if "read more" in lowered:
        text = _READ_MORE.sub("", text)
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [" ".join(line.split()) for line in block.split("\n")]  # split(): any whitespace
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)[:limit]


@functools.lru_cache(maxsize=65536)
def clean_title(title: str | None) -> str:
    """Titles repeat on every term page a pledge is listed on: cleaned once each."""
    return clean_text(title, limit=MAX_TITLE)


def comparison_form(text: str | None) -> str:
    """Text as compared: every whitespace run is one space.

    >>> comparison_form("A\\n\\nB  c") == comparison_form("A\\nB c")
    True
    """
    return " ".join((text or "").split())  # str.split() splits on exactly what \\s matches


@functools.lru_cache(maxsize=4096)
def clean_author(author: str | None) -> tuple[str | None, bool]:
    """(author as printed, truncated?). Drupal cuts long names to 14 characters plus "…".

    >>> clean_author("Mr. Ace Paolo …")
    ('Mr. Ace Paolo …', True)
    """
    name = comparison_form(clean_text(author, limit=MAX_AUTHOR))
    if not name:
        return None, False
    return name, name.endswith(TRUNCATION_MARK) or name.endswith("...")


def is_truncated(author: str | None) -> bool:
    return author is not None and (author.endswith(TRUNCATION_MARK) or author.endswith("..."))


def author_matches(truncated: str, full: str | None) -> bool:
    """Whether a truncated byline abbreviates ``full`` (a prefix of it, whitespace folded).

    >>> author_matches("Mr. Ace Paolo …", "Mr. Ace Paolo Dela Cruz")
    True
    """
    prefix = truncated.rstrip(".…").rstrip()
    return bool(full) and not is_truncated(full) and comparison_form(full).startswith(prefix)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_MOJIBAKE_REACH = 3  # ftfy's patterns look at most this many characters around a non-ASCII one


def looks_mojibaked(text: str) -> bool:
    """A flag for editors, never a rewrite: the site's text is stored as published.

    ftfy's check is a regular expression tried at every position, slow on long
    summaries; every pattern in it needs a non-ASCII character, so only the
    stretches around those are checked (the same answer, tested against ftfy).

    >>> looks_mojibaked("Caf\u00c3\u00a9 owners"), looks_mojibaked("Café owners")
    (True, False)
    """
    if not text or text.isascii():
        return False
    spans: list[list[int]] = []
    for match in _NON_ASCII.finditer(text):
        low, high = max(0, match.start() - _MOJIBAKE_REACH), match.end() + _MOJIBAKE_REACH
        if spans and low <= spans[-1][1]:
            spans[-1][1] = high
        else:
            spans.append([low, high])
    return any(is_bad(text[low:high]) for low, high in spans)


def content_hash(title: str, author: str | None, submitted: str | None, summary: str) -> str:
    """SHA-256 over the comparison forms, as canonical JSON: equal for cosmetic variants."""
    payload = [comparison_form(title), comparison_form(author), submitted or "", comparison_form(summary)]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
