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
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import orjson

from etl import normalize as nz

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
    term_keys: set[str] = field(default_factory=set)
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


def term_key(teaser: dict[str, Any]) -> str | None:
    if teaser.get("term_url"):
        return str(teaser["term_url"])
    if teaser.get("term"):
        return "name:" + nz.comparison_form(str(teaser["term"]))
    return None


class TeaserMerger:
    """Folds teasers into :class:`MergedPledge` values, keyed by record path or title."""

    def __init__(self) -> None:
        self.pledges: dict[str, MergedPledge] = {}

    def add(self, teaser: dict[str, Any]) -> None:
        title = nz.clean_title(teaser.get("title"))
        key = record_key(teaser.get("url"))
        if key is None:
            if not title:
                return  # neither URL nor title: nothing to identify it by
            key = nz.title_key(title)
        pledge = self.pledges.get(key)
        if pledge is None:
            url = teaser.get("url") if key.startswith("/") else None
            pledge = MergedPledge(key, url, nz.title_key(title))
            pledge.first_page_url = teaser.get("listing_url")
            self.pledges[key] = pledge
        self._merge(pledge, teaser, title)

    def _merge(self, pledge: MergedPledge, teaser: dict[str, Any], title: str) -> None:
        if title and not pledge.title:
            pledge.title, pledge.title_key = title, nz.title_key(title)
        if teaser.get("submitted") and not pledge.submitted:
            pledge.submitted = str(teaser["submitted"])[:40]
        self._merge_author(pledge, teaser.get("author"))
        pledge.raw_summaries[teaser.get("summary") or ""] += 1
        tkey = term_key(teaser)
        if tkey:
            pledge.term_keys.add(tkey)

    @staticmethod
    def _merge_author(pledge: MergedPledge, raw: str | None) -> None:
        author, truncated = nz.clean_author(raw)
        if author is None:
            return
        if pledge.author is None or (pledge.author_truncated and nz.author_matches(pledge.author, author)):
            pledge.author, pledge.author_truncated = author, truncated
