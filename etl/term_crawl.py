"""Was a term crawled completely in this run? The evidence behind every "removed".

A term is complete when its first page and every page the pager led to came
back ok, the last page fetched had no "next" link, and what it lists is in line
with what it listed before. Anything less and its pledges' absence proves
nothing: they are "not seen", never removed or re-classified.

"In line" is the guard against a site that changed rather than shrank (a
renamed pager read as one page, teasers the parser no longer finds): a term that
had later pages and now has none, that lost more than the normal churn
(:func:`normal_churn`) against its last complete crawl or against the pledges the
store believes it lists, or that went from some pledges to none, is complete
only once a second run in a row shows the same (:attr:`TermHistory.held`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pledgewatch.core.identity import first_page_url, term_key
from pledgewatch.core.pledges import TermHistory
from pledgewatch.etl.read import PageLine

# The share of a term's listing that may leave it between two runs without a second look.
CHURN_SHARE = 0.1


def normal_churn(listed: int) -> int:
    """How many pledges a term of ``listed`` may lose in one run and still be trusted.

    >>> [normal_churn(n) for n in (1, 5, 10, 25, 100, 1000)]
    [1, 1, 1, 2, 10, 100]
    """
    return max(1, int(listed * CHURN_SHARE))


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

    def add_page(self, page: PageLine, teasers: int) -> None:
        """``teasers``: the teaser lines the run holds for the page, never the count it claims."""
        number = page.page if page.page is not None else len(self.pages)
        self.pages[number] = page.ok and self.pages.get(number, True)
        self.teasers += teasers if page.ok else 0
        if page.last_page is not None:
            self.last_page = max(self.last_page or 0, page.last_page)
        if not page.ok:
            self.failures.append(f"{page.url}: {page.error or f'HTTP {page.status}'}")
        elif not page.next_url:
            self.reached_end = True
        self.name = self.name or page.term
        self.vocabulary = self.vocabulary or page.vocabulary

    def incomplete_reason(self, history: TermHistory | None = None) -> str | None:
        if self.failures:
            return "; ".join(self.failures[:3]) + (" …" if len(self.failures) > 3 else "")
        if not self.reached_end:
            return "pagination did not reach the last page"
        expected = range((self.last_page or 0) + 1)
        missing = [n for n in expected if n not in self.pages]
        if missing:
            return f"pages never fetched: {', '.join(map(str, missing[:5]))}"
        shrink = self.shrink(history or TermHistory())
        if shrink and (history is None or history.held != (self.teasers, len(self.pages))):
            return f"{shrink}: {HELD}"
        return None

    def shrink(self, history: TermHistory) -> str | None:
        """Why this term's listing looks smaller than the store believes, if it does."""
        pages = len(self.pages)
        if history.pages > 1 and pages == 1:
            return f"had {history.pages} pages, now 1"
        before = max(history.teasers, history.members)
        if before and not self.teasers:
            return f"listed {before} pledges, now none"
        if before - self.teasers > normal_churn(before):
            return f"teaser count fell from {before} to {self.teasers}"
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
    is_held: bool = False  # complete but for a shrink that a second run must confirm

    @property
    def is_complete(self) -> bool:
        return self.reason is None


def judge_terms(tallies: Iterable[TermTally], histories: Mapping[str, TermHistory]
                ) -> list[TermVerdict]:
    """A verdict for every term whose pages the run fetched; a term met only through teasers
    (text snapshots) has no page evidence and gets none."""
    return [judge_term(t, histories.get(t.key)) for t in tallies if t.pages]


def judge_term(tally: TermTally, history: TermHistory | None) -> TermVerdict:
    reason = tally.incomplete_reason(history)
    held = reason is not None and reason.endswith(HELD)
    return TermVerdict(tally.key, len(tally.pages), len(tally.failures), tally.teasers, reason,
                       held)


HELD = "held until a second run shows the same"
