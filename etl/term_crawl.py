"""Was a term crawled completely in this run? The evidence behind every "removed".

A term is complete when its first page and every page the pager led to came
back ok, the last page fetched had no "next" link, and the number of teasers
is in line with the term's last complete crawl. Anything less and its
pledges' absence proves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pledgewatch.core.identity import first_page_url, term_key
from pledgewatch.etl.read import PageLine

# A term whose teaser count falls below this share of its last complete count is suspect.
MIN_COUNT_SHARE = 0.5
# ...unless the drop is this small in absolute terms (a few real removals on a small term).
MAX_PLAIN_DROP = 5


@dataclass(slots=True)
class TermTally:
    key: str
    name: str | None = None
    url: str | None = None
    vocabulary: str | None = None
    pages: dict[int, bool] = field(default_factory=dict)  # page number → ok
    failures: list[str] = field(default_factory=list)
    last_page: int | None = None
    reached_end: bool = False
    teasers: int = 0

    def add_page(self, page: PageLine) -> None:
        number = page.page if page.page is not None else len(self.pages)
        self.pages[number] = page.ok and self.pages.get(number, True)
        self.teasers += page.teasers if page.ok else 0
        if page.last_page is not None:
            self.last_page = max(self.last_page or 0, page.last_page)
        if not page.ok:
            self.failures.append(f"{page.url}: {page.error or f'HTTP {page.status}'}")
        elif not page.next_url:
            self.reached_end = True
        self.name = self.name or page.term
        self.vocabulary = self.vocabulary or page.vocabulary

    def incomplete_reason(self, previous_count: int | None) -> str | None:
        if self.failures:
            return "; ".join(self.failures[:3]) + (" …" if len(self.failures) > 3 else "")
        if not self.reached_end:
            return "pagination did not reach the last page"
        expected = range((self.last_page or 0) + 1)
        missing = [n for n in expected if n not in self.pages]
        if missing:
            return f"pages never fetched: {', '.join(map(str, missing[:5]))}"
        if previous_count and self.teasers < previous_count * MIN_COUNT_SHARE \
                and previous_count - self.teasers > MAX_PLAIN_DROP:
            return f"teaser count fell from {previous_count} to {self.teasers}"
        return None


def page_term_key(page: PageLine) -> str:
    """The term a page belongs to: its term URL, else its name, else its own first page."""
    return term_key(page.term_url, page.term) or first_page_url(page.url)


@dataclass(frozen=True, slots=True)
class TermVerdict:
    """Whether one term was crawled completely in a run, with the counts behind the verdict."""

    key: str
    pages: int
    pages_failed: int
    teasers: int
    reason: str | None  # why it is incomplete; None when complete

    @property
    def is_complete(self) -> bool:
        return self.reason is None


def judge_terms(tallies: Iterable[TermTally], previous_counts: Mapping[str, int]
                ) -> list[TermVerdict]:
    """A verdict for every term whose pages the run fetched; a term met only through teasers
    (text snapshots) has no page evidence and gets none."""
    return [TermVerdict(t.key, len(t.pages), len(t.failures), t.teasers,
                        t.incomplete_reason(previous_counts.get(t.key)))
            for t in tallies if t.pages]
