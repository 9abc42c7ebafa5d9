"""Was a term crawled completely in this run? The evidence behind every "removed".

A term is complete when its first page and every page the pager led to came
back ok, the last page fetched had no "next" link, no pledge is listed on it
twice, and what it lists is in line with what it listed before. Drupal lists a
pledge once per term: one seen twice means a page was served for another (the
pledges of the page it replaced are then missing, while the count looks right)
or the listing shifted under the crawl. Anything less and its pledges' absence proves
nothing: they are "not seen", never removed or re-classified.

"In line" is the guard against a site that changed rather than shrank (a
renamed pager read as one page, teasers the parser no longer finds): a term that
had later pages and now has none, that lost more than the normal churn
(:func:`normal_churn`) against its last complete crawl or against the pledges the
store believes it lists, or that went from some pledges to none, is complete
only once a second run in a row shows the same (:attr:`TermHistory.held`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from pledgewatch.core.identity import first_page_url, is_title_key, term_key
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
    listed: set[str] = field(default_factory=set)  # pledge keys on its ok pages
    repeated: list[str] = field(default_factory=list)  # keys listed more than once
    end_teasers: int = 0  # teasers on the ok page that linked no next page
    full_page: int = 0  # teasers on an ok page that linked a next one: a full page
    probed: bool = False  # the plan read page 0 only (depth "first"): never complete

    def add_page(self, page: PageLine, keys: Sequence[str | None]) -> None:
        """``keys``: the pledge key of each teaser line the run holds for the page (None for
        a teaser without one), never the count the page record claims."""
        number = page.page if page.page is not None else len(self.pages)
        self.probed = self.probed or page.depth == "first"
        self.pages[number] = page.ok and self.pages.get(number, True)
        if page.ok:
            self.teasers += len(keys)
            self._list(keys)
            self.end_teasers = self.end_teasers if page.next_url else len(keys)
            self.full_page = max(self.full_page, len(keys) if page.next_url else 0)
        if page.last_page is not None:
            self.last_page = max(self.last_page or 0, page.last_page)
        if not page.ok:
            self.failures.append(f"{page.url}: {page.error or f'HTTP {page.status}'}")
        elif not page.next_url:
            self.reached_end = True
        self.name = self.name or page.term
        self.vocabulary = self.vocabulary or page.vocabulary

    def _list(self, keys: Sequence[str | None]) -> None:
        for key in keys:
            if key is None or is_title_key(key):
                continue  # a title is no identity: two pledges may share one
            if key in self.listed:
                self.repeated.append(key)
            self.listed.add(key)

    def failure(self) -> str | None:
        """Why the crawl of this term did not come back whole, if it did not."""
        if self.failures:
            return "; ".join(self.failures[:3]) + (" …" if len(self.failures) > 3 else "")
        if self.repeated:
            return (f"{len(self.repeated)} pledge(s) listed twice ({self.repeated[0]} first): "
                    "a page served twice or a listing that shifted while it was crawled")
        if not self.reached_end:
            return "pagination did not reach the last page"
        expected = range((self.last_page or 0) + 1)
        missing = [n for n in expected if n not in self.pages]
        if missing:
            return f"pages never fetched: {', '.join(map(str, missing[:5]))}"
        return None

    def doubt(self, history: TermHistory | None = None, members: frozenset[str] = frozenset(),
              page_size: int = 0, proven_gone: frozenset[str] = frozenset()) -> str | None:
        """Why a term read whole still looks smaller than the store believes, unless the run
        before showed the same or the records prove the loss. ``members``: the pledges the
        store believes the term lists; ``page_size``: the teasers of a full page, as a page of
        the run that linked a next one showed (0: none did); ``proven_gone``: pledges whose
        record page answered 404 or 410 in this run."""
        history = history or TermHistory()
        doubt = self.shrink(history) or self.hidden_page(members, page_size)
        if doubt is None or history.held == (self.teasers, len(self.pages)):
            return None
        return None if self.loss_proven(history, members, proven_gone) else doubt

    def loss_proven(self, history: TermHistory, members: frozenset[str],
                    proven_gone: frozenset[str]) -> bool:
        """True when every pledge the term no longer lists is gone by its own record page
        (404/410) and they account for the whole drop: the site removed them, so the
        listing shrank as it must, and nothing else is missing to hide a broken pager."""
        lost = members - self.listed
        before = max(history.teasers, history.members)
        return bool(lost) and lost <= proven_gone and self.teasers >= before - len(lost)

    def hidden_page(self, members: frozenset[str], page_size: int) -> str | None:
        """Why the term may go on past its last page read, if it may.

        A term read as one page as full as a page that had a next one may go on to a page
        the pager no longer links (a pager that vanished): a term that grew past a page as it
        lost a pledge then reads as one page of the same count, and the pledge pushed onto the
        hidden page as gone. A later page links back to the earlier ones, so its pager says
        it is the last; and a full page that lost nothing is trusted.
        """
        gone = members - self.listed
        if len(self.pages) > 1 or page_size < 2 or self.end_teasers < page_size or not gone:
            return None
        return (f"its last page is full ({self.end_teasers} teasers) and {len(gone)} of its "
                "pledges are gone: a next page the pager no longer links?")

    def shrink(self, history: TermHistory) -> str | None:
        """Why this term's listing looks smaller than the store believes, if it does.

        The store's belief is its open memberships, when it has any: the term's last complete
        crawl may be days old (a cover reads most terms whole once a rotation), and the store
        has learnt of removals and departures since, which that crawl's count still holds."""
        pages = len(self.pages)
        before = history.members or history.teasers
        if history.pages > 1 and pages == 1 and self.teasers < before:
            return f"had {history.pages} pages, now 1"
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
    reason: str | None  # why it is incomplete; None when complete (or probed and page 0 read)
    is_held: bool = False  # complete but for a shrink that a second run must confirm
    is_probed: bool = False  # page 0 only, by plan: shows new pledges, proves no absence

    @property
    def is_complete(self) -> bool:
        return self.reason is None and not self.is_probed

    @property
    def is_read(self) -> bool:
        """Read as the plan asked: complete, or probed with its page 0 read."""
        return self.reason is None


def judge_terms(tallies: Iterable[TermTally], histories: Mapping[str, TermHistory],
                members: Mapping[str, frozenset[str]] | None = None,
                proven_gone: frozenset[str] = frozenset()) -> list[TermVerdict]:
    """A verdict for every term whose pages the run fetched; a term met only through teasers
    (text snapshots) has no page evidence and gets none. ``members``: by term key, the
    pledges the store believes it lists; ``proven_gone``: pledges whose record page answered
    404 or 410 in this run."""
    fetched = [t for t in tallies if t.pages]
    page_size = max((t.full_page for t in fetched), default=0)
    return [judge_term(t, histories.get(t.key), (members or {}).get(t.key, frozenset()), page_size,
                       proven_gone) for t in fetched]


def every_term_read(verdicts: Iterable[TermVerdict]) -> bool:
    """True when every term the run met was crawled completely (none failed, none held).

    Only such a run can prove that a pledge it did not list left the site: one missing from
    its own complete terms may have moved to a term whose page failed or was never fetched,
    which is a re-classification the next run will show, not a removal. A term the plan
    probed (page 0 only) counts as read when its page 0 was: whether such a run proves
    anything is the cover's question (``etl.completeness``).
    """
    return all(v.is_read for v in verdicts)


def judge_term(tally: TermTally, history: TermHistory | None,
               members: frozenset[str] = frozenset(), page_size: int = 0,
               proven_gone: frozenset[str] = frozenset()) -> TermVerdict:
    if tally.probed:  # neither complete nor failed, unless its page 0 failed
        failure = "; ".join(tally.failures[:3]) or None
        return TermVerdict(tally.key, len(tally.pages), len(tally.failures), tally.teasers,
                           failure, is_probed=True)
    failure = tally.failure()
    doubt = None if failure else tally.doubt(history, members, page_size, proven_gone)
    reason = failure or (f"{doubt}: {HELD}" if doubt else None)
    return TermVerdict(tally.key, len(tally.pages), len(tally.failures), tally.teasers, reason,
                       is_held=doubt is not None)


HELD = "held until a second run shows the same"
