"""Derive stage: a run's lines -> one :class:`Pledge` per record, and what each term's pages showed.

A pledge shows up once per term page it is classified under. Within a run the
copies may differ cosmetically: byline before or after the body, missing title
or byline on a cut-off copy, a name truncated to 15 characters, or the summary
trimmed at another length. The rules, so the result never depends on which term
page came first:

* title, date: the first non-empty value;
* author: a full name beats a truncated one it is a prefix of;
* summary: when one variant extends another (a longer trim of the same text),
  the longest wins; when variants really disagree, the most frequent, then the
  longest (:func:`pick_summary`).

All normalization of teaser text happens here, through :mod:`pledgewatch.core.text`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from pledgewatch.core import text
from pledgewatch.core.identity import is_title_key, pledge_key, record_key, term_key, title_key
from pledgewatch.core.pledges import (
    Pledge,
    RecordContent,
    RecordOutcome,
    RecordRead,
    Teaser,
    term_keys_of,
)
from pledgewatch.etl.read import CrawlLine, PageLine, RecordLine, RunLine, TermLine, parse_timestamp
from pledgewatch.etl.term_crawl import TermTally, page_term_key


@dataclass(slots=True)
class DerivedRun:
    """Everything the later stages need from one run file."""

    pledges: dict[str, Pledge]
    terms: dict[str, TermTally]  # by term key, in the order first met
    crawl: CrawlLine | None
    discovered_terms: list[TermLine]
    pages_ok: int
    pages_failed: int
    teasers: int
    failed_pages: list[PageLine]
    last_fetched: datetime | None = None  # the latest page fetch: the run's time without a crawl line
    records: dict[str, RecordRead] = field(default_factory=dict)  # record pages read, by pledge key

    @property
    def plan(self) -> str | None:
        """The crawl plan the run followed (``full`` / ``cover``); None: every term read whole."""
        return self.crawl.plan if self.crawl else None

    @property
    def finished_at(self) -> datetime | None:
        """When the crawl finished, by its crawl line, else by its last page fetched."""
        return parse_timestamp(self.crawl.finished) if self.crawl else self.last_fetched

    @property
    def crawl_finished(self) -> bool:
        """The crawl ran to its end (Scrapy's close reason), whatever pages failed."""
        return self.crawl is not None and self.crawl.reason == "finished"

    @property
    def is_complete(self) -> bool:
        """The crawl ran to its end and every page it fetched was read."""
        return self.crawl_finished and self.pages_failed == 0 and self.pages_ok > 0


def derive_run(lines: Iterable[RunLine]) -> DerivedRun:
    deriver = RunDeriver()
    for line in lines:
        deriver.add(line)
    return deriver.result()


def derive_pledges(teasers: Iterable[Teaser]) -> dict[str, Pledge]:
    return derive_run(teasers).pledges


class RunDeriver:
    """:func:`derive_run` one line at a time, so a run need not be held whole in memory."""

    def __init__(self) -> None:
        self._drafts: dict[str, _Draft] = {}
        self._terms: dict[str, TermTally] = {}
        self._crawl: CrawlLine | None = None
        self._discovered: list[TermLine] = []
        self._failed: list[PageLine] = []
        self._ok = self._teasers = 0
        self._on_page: dict[str | None, list[str | None]] = {}  # teaser keys by listing URL
        self._last_fetched: datetime | None = None
        self._records: dict[str, RecordRead] = {}

    def add(self, line: RunLine) -> None:
        if isinstance(line, Teaser):
            self._add_teaser(line)
        elif isinstance(line, PageLine):
            self._add_page(line)
        elif isinstance(line, CrawlLine):
            self._crawl = line
        elif isinstance(line, RecordLine):
            self._add_record(line)
        else:
            self._discovered.append(line)

    def result(self) -> DerivedRun:
        pledges = {}
        for key in list(self._drafts):  # each draft's raw texts are let go once it is merged
            pledges[key] = self._drafts.pop(key).pledge()
        return DerivedRun(pledges, self._terms, self._crawl, self._discovered, self._ok,
                          len(self._failed), self._teasers, self._failed, self._last_fetched,
                          dict(self._records))

    def _add_record(self, line: RecordLine) -> None:
        """A record page read twice in a run counts by its most telling read (a read beats a
        304, which beats a 404, which beats a failure), the first on a tie."""
        read = record_read(line)
        if read is None:
            return
        known = self._records.get(read.key)
        if known is None or _RANK[read.outcome] > _RANK[known.outcome]:
            self._records[read.key] = read

    def _add_teaser(self, teaser: Teaser) -> None:
        term = self.term_of(teaser.term, teaser.term_url, teaser.vocabulary)
        self.add_listed_page(teaser.listing_url, (term,), (teaser_content(
            teaser.url, teaser.title, teaser.author, teaser.submitted, teaser.summary),))

    def term_of(self, name: str | None, url: str | None, vocabulary: str | None) -> str | None:
        """The key of the term a teaser was listed under, its tally opened when first met."""
        key = term_key(url, name)
        if key is None:
            return None
        tally = self._terms.get(key)
        if tally is None:
            tally = self._terms[key] = TermTally(key, name, url, vocabulary)
        return tally.key  # one string per term, not one per teaser line

    def add_listed_page(self, listing_url: str | None, terms: Sequence[str | None],
                        contents: Sequence[TeaserContent]) -> None:
        """Consecutive teasers of one listing page: each one's pledge draft takes its content
        and term, the page its pledge key."""
        keys, drafts = self._on_page.setdefault(listing_url, []), self._drafts
        for term, content in zip(terms, contents, strict=True):
            key = content.key
            if key is not None:  # else neither link nor title: nothing to identify it by
                draft = drafts.get(key)
                if draft is None:
                    draft = drafts[key] = _Draft(key, content.url, listing_url)
                key = draft.key
                draft.add(content, term)
            keys.append(key)
        self._teasers += len(contents)

    def _add_page(self, page: PageLine) -> None:
        key = page_term_key(page)
        tally = self._terms.get(key)
        if tally is None:
            tally = self._terms[key] = TermTally(key, page.term, page.term_url, page.vocabulary)
        tally.add_page(page, self._on_page.pop(page.url, []))
        fetched = parse_timestamp(page.fields.get("fetched_at"))
        if fetched and (self._last_fetched is None or fetched > self._last_fetched):
            self._last_fetched = fetched
        if page.ok:
            self._ok += 1
        else:
            self._failed.append(page)


@dataclass(frozen=True, slots=True)
class TeaserContent:
    """What a teaser says of its pledge, whatever page it is on: the part of a teaser a pledge's
    other teasers repeat, normalized once (:func:`teaser_content`)."""

    key: str | None  # the pledge: record path, title key, or None (nothing to identify it by)
    url: str | None  # the record URL when the key is its path
    title: str
    submitted: str | None
    author: str | None
    author_truncated: bool
    summary: str  # as published: the draft counts variants before it cleans them


def teaser_content(url: str | None, title: str | None, author: str | None,
                   submitted: str | None, summary: str | None) -> TeaserContent:
    key = pledge_key(url, title)
    clean_author, truncated = text.clean_author(author)
    return TeaserContent(key, url if key is not None and not is_title_key(key) else None,
                         text.clean_title(title), submitted[:40] if submitted else None,
                         clean_author, truncated, summary or "")


@dataclass(slots=True)
class _Draft:
    key: str
    url: str | None
    first_listing_url: str | None
    title: str = ""
    author: str | None = None
    author_truncated: bool = False
    submitted: str | None = None
    summaries: dict[str, int] = field(default_factory=dict)  # raw, as published: how many
    # A list, not a set: a pledge is listed under a handful of terms, and a set per draft
    # costs several times the memory for a run's worth of drafts.
    term_keys: list[str] = field(default_factory=list)

    def add(self, content: TeaserContent, term: str | None) -> None:
        if not self.title:
            self.title = content.title
        if content.submitted and not self.submitted:
            self.submitted = content.submitted
        if self.author is None or self.author_truncated:  # a full name is never replaced
            self._add_author(content.author, content.author_truncated)
        self.summaries[content.summary] = self.summaries.get(content.summary, 0) + 1
        if term is not None and term not in self.term_keys:
            self.term_keys.append(term)

    def _add_author(self, author: str | None, truncated: bool) -> None:
        if author is None:
            return
        if self.author is None or (self.author_truncated and text.author_matches(self.author, author)):
            self.author, self.author_truncated = author, truncated

    def pledge(self) -> Pledge:
        cleaned: dict[str, int] = {}
        for raw, count in self.summaries.items():
            form = text.clean_summary(raw)
            cleaned[form] = cleaned.get(form, 0) + count
        return Pledge(key=self.key, url=self.url, title_key=title_key(self.title),
                      title=self.title, author=self.author, author_truncated=self.author_truncated,
                      submitted=self.submitted, summaries=tuple(cleaned.items()),
                      term_keys=term_keys_of(self.term_keys),
                      first_listing_url=self.first_listing_url)


_RANK = {RecordOutcome.FAILED: 0, RecordOutcome.GONE: 1, RecordOutcome.UNCHANGED: 2,
         RecordOutcome.READ: 3}


def record_read(line: RecordLine) -> RecordRead | None:
    """A record line as the later stages read it, its text in the stored form (cleaned like
    teaser text; lists item by item, empty items dropped); None when its URL is no record."""
    key = record_key(line.url)
    if key is None:
        return None
    if line.not_modified and line.ok:
        outcome = RecordOutcome.UNCHANGED
    elif line.ok and line.body is not None:
        outcome = RecordOutcome.READ
    elif line.gone or line.status in (404, 410):
        outcome = RecordOutcome.GONE
    else:
        outcome = RecordOutcome.FAILED
    content = record_content(line) if outcome is RecordOutcome.READ else None
    error = line.error if outcome is RecordOutcome.FAILED else None
    if outcome is RecordOutcome.FAILED and not error:
        error = f"HTTP {line.status}" if line.status is not None else "not read"
    return RecordRead(key, line.url, line.why, line.status, outcome, error, content)


def record_content(line: RecordLine) -> RecordContent:
    return RecordContent(
        title=text.clean_title(line.title) or None,
        date_shared=text.comparison_form(line.date_shared)[:40] or None,
        body=text.clean_text(line.body, limit=text.MAX_BODY),
        countries=_clean_items(line.countries), terms=tuple(
            (url, text.comparison_form(name)) for url, name in line.terms if url),
        gfmd_source=_clean_items(line.gfmd_source),
        thematic_recollection=_clean_items(line.thematic_recollection))


def _clean_items(items: tuple[str, ...]) -> tuple[str, ...]:
    cleaned = (text.clean_text(item, limit=text.MAX_ITEM) for item in items)
    return tuple(item for item in cleaned if item)


def pick_summary(summaries: tuple[tuple[str, int], ...]) -> str:
    """The summary a pledge's teasers agree on (the module docstring's rule).

    >>> pick_summary((("Cities commit to", 3), ("Cities commit to act.", 1)))
    'Cities commit to act.'
    >>> pick_summary((("A plan.", 3), ("Another plan.", 1)))
    'A plan.'
    """
    if len(summaries) == 1:  # most pledges: every teaser printed the same text
        return summaries[0][0]
    variants = Counter(dict(summaries))
    by_length = sorted(variants, key=lambda s: len(text.comparison_form(s)), reverse=True)
    longest = by_length[0]
    folded = text.comparison_form(longest)
    if all(folded.startswith(text.comparison_form(s).rstrip(".…")) for s in by_length[1:]):
        return longest
    return max(variants, key=lambda s: (variants[s], len(s)))


def fold_into_twin(twin: Pledge, title_keyed: Pledge) -> Pledge:
    """A text snapshot's title-keyed pledge read as its URL-keyed twin: terms and summaries join,
    and its byline fills a missing one."""
    summaries = Counter(dict(twin.summaries))
    summaries.update(dict(title_keyed.summaries))
    return replace(twin, term_keys=term_keys_of(twin.term_keys + title_keyed.term_keys),
                   summaries=tuple(summaries.items()), author=twin.author or title_keyed.author)


def twin_from(key: str, title_keyed: Pledge) -> Pledge:
    """The URL-keyed twin of a title-keyed pledge, when only the store knows the twin."""
    return Pledge(key=key, url=None, title_key=title_keyed.title_key, title=title_keyed.title,
                  author=title_keyed.author, author_truncated=False, submitted=None,
                  summaries=title_keyed.summaries, term_keys=title_keyed.term_keys,
                  first_listing_url=title_keyed.first_listing_url)
