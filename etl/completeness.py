"""Was a term crawled completely in this run? The evidence behind every "removed".

A term is complete when its first page and every page the pager led to came
back ok, the last page fetched had no "next" link, and the number of teasers
is in line with the term's last complete crawl. Anything less and its
pledges' absence proves nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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

    def add_page(self, page: dict[str, Any]) -> None:
        number = page.get("page") if isinstance(page.get("page"), int) else len(self.pages)
        ok = bool(page["ok"])
        self.pages[number] = ok and self.pages.get(number, True)
        self.teasers += int(page["teasers"]) if ok else 0
        if isinstance(page.get("last_page"), int):
            self.last_page = max(self.last_page or 0, page["last_page"])
        if not ok:
            status = page.get("status")
            self.failures.append(f"{page['url']}: {page.get('error') or f'HTTP {status}'}")
        elif not page.get("next_url"):
            self.reached_end = True
        self.name = self.name or page.get("term")
        self.vocabulary = self.vocabulary or page.get("vocabulary")

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


def page_term_key(page: dict[str, Any]) -> str:
    """The term a page record belongs to: its term URL, else its name, else its own URL."""
    if page.get("term_url"):
        return str(page["term_url"])
    if page.get("term"):
        from pledgewatch.core.text import comparison_form

        return "name:" + comparison_form(str(page["term"]))
    return _first_page_url(str(page["url"]))


def _first_page_url(url: str) -> str:
    base, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("page=")]
    return base + ("?" + "&".join(kept) if kept else "")
