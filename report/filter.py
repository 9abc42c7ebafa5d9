"""Limit a report to some vocabularies or terms, for editors who follow only part of the site.

A pledge is kept when any of its terms (before or after the change) is in one of
the chosen vocabularies or is one of the chosen terms. Terms are named by key,
listing URL or name, vocabularies by URL prefix or display name ("contributors" or
"Contributors"), all compared without case. An empty
filter keeps everything. Crawl health is never filtered: it concerns every reader.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pledgewatch.core.values import ChangeSet, Edited, NotSeen, PledgeView, Reclassified, TermRef
from pledgewatch.report.labels import VOCABULARY_NAMES, vocabulary_label

_DISPLAY = {spelling.casefold(): name for slug, name in VOCABULARY_NAMES.items()
            for spelling in (slug, name)}


@dataclass(frozen=True, slots=True)
class ReportFilter:
    vocabularies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()

    @property
    def is_everything(self) -> bool:
        return not (self.vocabularies or self.terms)

    def matches_term(self, term: TermRef) -> bool:
        vocabularies = {v.casefold() for v in self.vocabularies}
        wanted = {t.casefold() for t in self.terms}
        names = {n.casefold() for n in (term.key, term.url, term.name) if n}
        vocabulary = {v.casefold() for v in (term.vocabulary, vocabulary_label(term.vocabulary)) if v}
        return bool(vocabulary & vocabularies) or bool(names & wanted)

    def describe(self) -> str:
        """The line a filtered report opens with, so a reader knows what was left out."""
        if self.is_everything:
            return ""
        parts = [f"vocabulary {_DISPLAY.get(v.casefold(), v)}" for v in self.vocabularies]
        parts += [f"term {t}" for t in self.terms]
        return "Filtered: only pledges under " + " or ".join(parts) + "."

    def matches(self, *term_lists: tuple[TermRef, ...]) -> bool:
        if self.is_everything:
            return True
        return any(self.matches_term(term) for terms in term_lists for term in terms)

    def apply(self, changes: ChangeSet) -> ChangeSet:
        """The part of ``changes`` this filter's reader follows."""
        if self.is_everything:
            return changes
        return replace(
            changes,
            new=self._pledges(changes.new),
            edited=tuple(e for e in changes.edited if self._edited(e)),
            removed=self._pledges(changes.removed),
            reclassified=tuple(r for r in changes.reclassified if self._reclassified(r)),
            restored=self._pledges(changes.restored),
            unlisted=self._pledges(changes.unlisted),
            not_seen=tuple(n for n in changes.not_seen if self._not_seen(n)),
        )

    def _pledges(self, pledges: tuple[PledgeView, ...]) -> tuple[PledgeView, ...]:
        return tuple(p for p in pledges if self.matches(p.terms))

    def _edited(self, edit: Edited) -> bool:
        return self.matches(edit.before.terms, edit.after.terms)

    def _reclassified(self, change: Reclassified) -> bool:
        return self.matches(change.pledge.terms, change.terms_added, change.terms_removed)

    def _not_seen(self, absent: NotSeen) -> bool:
        return self.matches(absent.pledge.terms)
