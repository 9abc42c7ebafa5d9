"""What one listing page said, before it becomes JSON Lines records.

Both front-ends (HTML and text snapshots) fill the same :class:`Listing`, so everything after
parsing is blind to where the page came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from pledgewatch.scraper.items import BylinePosition, PageItem, TeaserItem
from pledgewatch.scraper.terms import vocabulary_of

NO_TEASERS_ERROR = "no teasers found: layout changed?"
# Drupal prints this where a term's teasers would be when the term has no content at all.
EMPTY_TERM_TEXT = "There is currently no content classified with this term."


def empty_term_error(page: int) -> str:
    """Why the empty-term message on page ``page`` (0-based) > 0 fails the page: Drupal shows
    it only on page 0 of a term without content. Later pages exist because earlier ones
    were full, so there it means the teasers were lost, not that the term ended."""
    return (f"empty-term message on ?page={page}, where Drupal never shows it (only page 0 "
            "of an empty term does): layout changed?")


@dataclass(slots=True)
class Teaser:
    """One teaser as published; ``url`` is None when the source has no links (text)."""

    url: str | None
    title: str | None
    author: str | None
    author_position: BylinePosition | None
    author_truncated: bool
    submitted: str | None
    summary: str


@dataclass(slots=True)
class Listing:
    """One listing page: its term, where it sits in the pager, and its teasers."""

    format: Literal["html", "text"]
    url: str | None  # canonical URL of this page, when known
    term: str | None
    term_url: str | None
    tid: int | None
    page: int | None
    last_page: int | None
    next_url: str | None
    empty_term: bool
    teasers: list[Teaser] = field(default_factory=list)
    error: str | None = None  # why the page cannot be read, when the markup says so

    @property
    def vocabulary(self) -> str | None:
        return vocabulary_of(self.term_url) if self.term_url else None

    def teaser_items(self) -> list[TeaserItem]:
        vocabulary = self.vocabulary
        return [
            TeaserItem(
                url=t.url,
                title=t.title,
                author=t.author,
                submitted=t.submitted,
                summary=t.summary,
                term=self.term,
                term_url=self.term_url,
                listing_url=self.url,
                position=position,
                page=self.page,
                vocabulary=vocabulary,
                author_position=t.author_position,
                author_truncated=t.author_truncated,
            )
            for position, t in enumerate(self.teasers)
        ]

    def page_item(
        self,
        status: int | None,
        *,
        error: str | None = None,
        digest: str | None = None,
        fetched_at: str | None = None,
    ) -> PageItem:
        """The page's health: a 200 with no teasers and no empty-term message is a failure,
        because that is how a changed layout shows up (silently, with nothing parsed)."""
        if error is None and status is not None and status != 200:
            error = f"HTTP {status}"
        if error is None:
            error = self.error
        if error is None and not (self.teasers or self.empty_term):
            error = NO_TEASERS_ERROR
        return PageItem(
            url=self.url or self.term_url or "",
            status=status,
            term=self.term,
            teasers=len(self.teasers),
            ok=error is None,
            error=error,
            term_url=self.term_url,
            vocabulary=self.vocabulary,
            page=self.page,
            last_page=self.last_page,
            next_url=self.next_url,
            empty_term=self.empty_term,
            digest=digest,
            fetched_at=fetched_at,
        )
