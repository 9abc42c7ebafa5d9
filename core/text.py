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
import itertools
import json
import re
import unicodedata
from typing import Any

from ftfy.badness import is_bad

NORMALIZER_VERSION = "2"

MAX_TITLE = 2_000
MAX_SUMMARY = 20_000
MAX_AUTHOR = 200
MAX_BODY = 200_000
MAX_ITEM = 2_000  # one entry of a record's lists (a country, a source)

# Link leftovers Drupal modules append to teaser text; never content.
_LINK_LEFTOVERS = re.compile(r"\s*\((?:external link|link is external)\)", re.IGNORECASE)
# Every "Read more" line the text ends with (a theme may print one per link field).
_READ_MORE = re.compile(
    r"(?:(?:^|\n)\s*Read[^\S\n]+more(?:[^\S\n]+about(?:[^\S\n][^\n]*)?)?[^\S\n]*)+\s*$",
    re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n")
# Invisible format characters that change nothing a reader sees but would change a hash.
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TRUNCATION_MARK = "…"


def clean_text(text: str | None, *, limit: int) -> str:
    """The stored form: NFC, whitespace tidied, paragraphs kept, leftovers removed.

    >>> clean_text("  Zürich\\u00a0 commits\\n to:  \\n\\n \\n\\nAll (external link).", limit=100)
    'Zürich commits\\nto:\\n\\nAll.'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _READ_MORE.sub("", _LINK_LEFTOVERS.sub("", text))
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [" ".join(line.split()) for line in block.split("\n")]  # split(): any whitespace
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)[:limit]


class _Memo:
    """A function's results by a 128-bit digest of its text arguments, kept for the life of the
    process: a run repeats most of the last run's texts, so one ``ingest`` of several files
    does each once. Unlike ``functools.lru_cache`` it holds no argument, only the digest: a
    cache holding its arguments kept every summary of the previous run alive while the next
    run was read, scattered among the objects of the run that made them."""

    def __init__(self, maxsize: int) -> None:
        self._results: dict[bytes, Any] = {}
        self._maxsize = maxsize

    def get(self, key: bytes) -> Any:
        return self._results.get(key, _MISSING)

    def put(self, key: bytes, result: Any) -> None:
        if len(self._results) >= self._maxsize:
            self._forget_oldest()
        self._results[key] = result

    def _forget_oldest(self) -> None:
        """The oldest quarter goes (insertion order): bounded, without the bookkeeping of LRU."""
        for key in list(itertools.islice(self._results, self._maxsize // 4)):
            self._results.pop(key, None)

    def clear(self) -> None:
        self._results.clear()


_MISSING = object()
_MEMO_SIZE = 1 << 17  # above the distinct texts of a few runs of the largest site expected
_titles = _Memo(_MEMO_SIZE)
_summaries = _Memo(_MEMO_SIZE)
_hashes = _Memo(_MEMO_SIZE)
_flags = _Memo(_MEMO_SIZE)  # has_mojibake


def _digest(*texts: str | None) -> bytes:
    """128 bits of BLAKE2b over several texts, each length-prefixed and None told from empty
    (one text alone is hashed as it is: :func:`_cleaned_once`)."""
    digest = hashlib.blake2b(digest_size=16)
    for part in texts:
        if part is None:
            digest.update(b"n")
            continue
        data = part.encode("utf-8", "surrogatepass")
        digest.update(b"s" + len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def _cleaned_once(memo: _Memo, raw: str, limit: int) -> str:
    """``clean_text`` through ``memo``. A text already clean is its own cleaned form: only the
    fact is kept, and the caller's string returned."""
    key = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = memo.get(key)
    if found is _MISSING:
        cleaned = clean_text(raw, limit=limit)
        memo.put(key, None if cleaned == raw else cleaned)
        return raw if cleaned == raw else cleaned
    return raw if found is None else found


def clean_title(title: str | None) -> str:
    """Titles repeat on every term page a pledge is listed on: cleaned once each."""
    return _cleaned_once(_titles, title, MAX_TITLE) if title else ""


def clean_summary(summary: str) -> str:
    """A summary reads the same from run to run: when several runs are ingested in one
    process, each distinct text is cleaned once."""
    return _cleaned_once(_summaries, summary, MAX_SUMMARY) if summary else ""


def comparison_form(text: str | None) -> str:
    """Text as compared: every whitespace run is one space.

    >>> comparison_form("A\\n\\nB  c") == comparison_form("A\\nB c")
    True
    """
    return " ".join((text or "").split())  # str.split() splits on exactly what \\s matches


@functools.lru_cache(maxsize=65536)
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


def looks_mojibaked(text: str) -> bool:
    """A flag for editors, never a rewrite: the site's text is stored as published.

    >>> looks_mojibaked("Caf\u00c3\u00a9 owners"), looks_mojibaked("Café owners")
    (True, False)
    """
    return bool(text) and not text.isascii() and is_bad(text)


# Curly quotes typed in Windows-1252 (0x91-0x94) and decoded as Mac Roman become ë í ì î:
# “Consolidating … Phase II.” prints as ìConsolidating … Phase II.î. Each of those letters is
# ordinary in French or Italian, so only a pair in quote positions counts: an opening one at
# the start of a word and a closing one right after a word or its punctuation.
_MISREAD_QUOTES = re.compile(
    r"(?:^|[\s(\[])(?P<open>[ìë])[^\sìëîí][^\n]{0,2000}?"
    r"[\w.,;:!?)\]](?P<close>[îí])(?=[\s.,;:!?)\]]|$)")
_QUOTE_PAIRS = {"ì": "î", "ë": "í"}


def looks_misdecoded_quotes(text: str) -> bool:
    """Whether ``text`` holds curly quotes mangled by the wrong code page (ftfy misses them).

    >>> looks_misdecoded_quotes("the project ìConsolidating … Phase II.î The document")
    True
    >>> looks_misdecoded_quotes("Île-de-France, lunedì, così, maître")
    False
    """
    if not text or text.isascii():
        return False
    return any(_QUOTE_PAIRS[m["open"]] == m["close"] for m in _MISREAD_QUOTES.finditer(text))


def has_mojibake(text: str) -> bool:
    """The flag stored on a version and shown to editors: either kind of garbled text.
    Each text is judged once per process: ftfy's check searches the whole text, and the
    same texts are stored and then reported, run after run."""
    if not text or text.isascii():  # neither check flags plain ASCII
        return False
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    found = _flags.get(key)
    if found is _MISSING:
        found = looks_mojibaked(text) or looks_misdecoded_quotes(text)
        _flags.put(key, found)
    return bool(found)


def content_hash(title: str, author: str | None, submitted: str | None, summary: str) -> str:
    """SHA-256 over the comparison forms, as canonical JSON: equal for cosmetic variants.
    Each run hashes every pledge it lists, most as the run before did: once per process."""
    key = _digest(title, author, submitted, summary)
    found = _hashes.get(key)
    if found is _MISSING:
        found = _content_hash(title, author, submitted, summary)
        _hashes.put(key, found)
    return found


def _content_hash(title: str, author: str | None, submitted: str | None, summary: str) -> str:
    payload = [comparison_form(title), comparison_form(author), submitted or "", comparison_form(summary)]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def teaser_fingerprint(title: str | None, summary: str | None) -> str:
    """What a teaser says, as the crawl compares it with the store to decide whether to read
    the record: title and summary in their stored, then comparison, forms. The spider computes
    it from a teaser as published and the store from the open version, so both sides must
    clean alike (``clean_text`` is stable once applied)."""
    payload = [comparison_form(clean_title(title)),
               comparison_form(clean_text(summary, limit=MAX_SUMMARY))]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()[:32]


def record_hash(title: str | None, date_shared: str | None, body: str,
                lists: tuple[tuple[str, ...], ...], terms: tuple[tuple[str, str], ...]) -> str:
    """SHA-256 over a record's comparison forms, lists item by item: a record printed with
    other line breaks or spacing hashes alike, so it is no new record version. Terms count by
    their URL alone: a term renamed on the site changes the name every record prints, and
    no record was edited (``lists[0]``, the countries, are terms too: see
    :func:`named_terms`)."""
    countries, *others = lists
    payload = [comparison_form(title), comparison_form(date_shared), comparison_form(body),
               [named_terms(countries, terms)] + [[comparison_form(i) for i in items]
                                                  for items in others],
               sorted({url for url, _ in terms})]
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()


def named_terms(names: tuple[str, ...], terms: tuple[tuple[str, str], ...]) -> list[str]:
    """Names printed by a record (its countries) as the terms they are: the URL of the term
    link of that name on the same page, else the name's comparison form.

    >>> named_terms(("Chile", "Peru"), (("https://gfmd.org/pfp/ppd/chile", "Chile"),))
    ['https://gfmd.org/pfp/ppd/chile', 'Peru']
    """
    urls = {comparison_form(name): url for url, name in terms}
    return [urls.get(comparison_form(name), comparison_form(name)) for name in names]


def unlinked_names(names: tuple[str, ...], terms: tuple[tuple[str, str], ...]) -> list[str]:
    """The names a record prints without a term link of that name, in comparison form.

    >>> unlinked_names(("Chile", "Andes region"), (("https://gfmd.org/pfp/ppd/chile", "Chile"),))
    ['Andes region']
    """
    linked = {comparison_form(name) for _, name in terms}
    return [form for form in map(comparison_form, names) if form not in linked]


def forget_cached_forms() -> None:
    """Drop the cleaned texts and hashes kept for the life of the process. They are keyed on
    the text alone, not on the rules that made them: whoever re-derives under other rules
    (``etl.reprocess``) must start without them."""
    for memo in (_titles, _summaries, _hashes):
        memo.clear()
    clean_author.cache_clear()
