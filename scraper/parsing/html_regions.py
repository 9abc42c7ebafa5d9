"""Where on the page an element sits: the main content region, or a sidebar.

Teasers and Drupal's empty-term message count only in the content region when the page
marks one, and never in a sidebar: a sidebar block can carry the same sentence, or links
to records, without saying anything about this term's listing.
"""

from __future__ import annotations

from typing import TypeAlias

from lxml import etree

from pledgewatch.scraper.parsing import selectors as css

_Element: TypeAlias = etree._Element


class Regions:
    """The page's content regions and sidebars, found once per page."""

    __slots__ = ("content", "sidebars")

    def __init__(self, page: _Element) -> None:
        found = css.REGIONS_XP(page)
        self.content = {e for e in found if css.IS_CONTENT_REGION_XP(e)}
        self.sidebars = {e for e in found if css.IS_SIDEBAR_XP(e)}

    @property
    def has_content(self) -> bool:
        return bool(self.content)

    def counts(self, element: _Element) -> bool:
        """Whether what ``element`` says belongs to the listing: outside every sidebar,
        and inside the content region when the page has one."""
        in_content = not self.content
        for node in (element, *element.iterancestors()):
            if node in self.sidebars:
                return False
            if node in self.content:
                in_content = True
        return in_content

    def in_sidebar(self, element: _Element) -> bool:
        return any(node in self.sidebars for node in (element, *element.iterancestors()))

    def in_content(self, element: _Element) -> bool:
        """Inside the content region (which the page must mark), outside every sidebar."""
        return self.has_content and self.counts(element)
