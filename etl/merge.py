"""One pledge per key out of the many teasers that list it in one run.

A pledge shows up once per term page it is classified under. Within a run the
copies may differ cosmetically: byline before or after the body, missing
title or byline on a cut-off copy, a name truncated to 15 characters, or the
summary trimmed at another length. The rules, so the result never depends on
which term page came first:

* title, date: the first non-empty value;
* author: a full name beats a truncated one it is a prefix of;
* summary: when one variant extends another (a longer trim of the same
  text), the longest wins; when variants really disagree, the most frequent,
  then the longest.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import orjson

from pledgewatch.core import text as nz
from pledgewatch.etl.lines import TeaserContent

RECORD_PREFIX = "/pfp/ppd/"


@dataclass(slots=True)
class MergedPledge:
    key: str
    url: str | None
    title_key: str
    title: str = ""
    author: str | None = None
    author_truncated: bool = False
    submitted: str | None = None
    raw_summaries: Counter[str] = field(default_factory=Counter)  # as published, by frequency
    # Sorted, as a tuple: a first run holds every pledge merged at once, and a set of eight
    # costs six times the tuple.
    term_keys: tuple[str, ...] = ()
    first_page_url: str | None = None

    def summary(self) -> str:
        cleaned: Counter[str] = Counter()
        for raw, count in self.raw_summaries.items():
            cleaned[nz.clean_text(raw, limit=nz.MAX_SUMMARY)] += count
        if len(cleaned) == 1:
            return next(iter(cleaned))
        return _pick_summary(cleaned)

    def raw_fingerprint(self) -> str:
        """Equal when the teasers said exactly the same thing: lets an unchanged pledge skip
        normalization altogether, which is most of the work on a quiet day."""
        payload = [self.title, self.author, self.submitted, sorted(self.raw_summaries.items())]
        return hashlib.sha1(orjson.dumps(payload)).hexdigest()


def _pick_summary(variants: Counter[str]) -> str:
    by_length = sorted(variants, key=lambda s: len(nz.comparison_form(s)), reverse=True)
    longest = by_length[0]
    folded = nz.comparison_form(longest)
    if all(folded.startswith(nz.comparison_form(s).rstrip(".…")) for s in by_length[1:]):
        return longest
    return max(variants, key=lambda s: (variants[s], len(s)))


_CANONICAL_RECORD = "https://gfmd.org/pfp/ppd/"


def record_key(url: str | None) -> str | None:
    """The identity of a record whose URL is known: its node path."""
    if not url:
        return None
    if url.startswith(_CANONICAL_RECORD) and url[len(_CANONICAL_RECORD):].isdigit():
        return url[len(_CANONICAL_RECORD) - len(RECORD_PREFIX):]  # the crawl's canonical form
    path = urlsplit(url).path.rstrip("/")
    return path if path.startswith(RECORD_PREFIX) else None


def merge_sighting(key: str, contents: Iterable[tuple[TeaserContent, int]], term_keys: set[str],
                   first_page_url: str | None) -> MergedPledge:
    """One pledge out of its distinct teaser contents (with how many lines printed each)."""
    pledge: MergedPledge | None = None
    for content, count in contents:
        title = nz.clean_title(content.title)
        if pledge is None:
            url = content.url if key.startswith("/") else None
            pledge = MergedPledge(key, url, nz.title_key(title))
        if title and not pledge.title:
            pledge.title, pledge.title_key = title, nz.title_key(title)
        if content.submitted and not pledge.submitted:
            pledge.submitted = content.submitted[:40]
        _merge_author(pledge, content.author)
        pledge.raw_summaries[content.summary or ""] += count
    assert pledge is not None, "a sighting has at least one teaser"
    pledge.term_keys = tuple(sorted(term_keys))
    pledge.first_page_url = first_page_url
    return pledge


def _merge_author(pledge: MergedPledge, raw: str | None) -> None:
    author, truncated = nz.clean_author(raw)
    if author is None:
        return
    if pledge.author is None or (pledge.author_truncated and nz.author_matches(pledge.author, author)):
        pledge.author, pledge.author_truncated = author, truncated
