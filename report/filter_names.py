"""Check a reader's filter against the vocabularies and terms that exist, before it is used.

A filter naming something that does not exist matches nothing, silently: an editor set
up with ``vocabularies = ["sdg"]`` would never get mail, and ``diff --vocabulary sdg``
would say "no changes". So names are checked when the config is loaded (against the
project's term list) and by ``diff`` (also against the terms stored in the database),
and a near miss gets a did-you-mean.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.terms import (
    KNOWN_TERMS,
    PATTERN_ONLY_TERMS,
    TERM_NAMES,
    VOCABULARY_NAMES,
    canonical_url,
    is_listing_url,
)
from pledgewatch.storage.models import Term, Vocabulary

SUGGESTIONS = 3


@dataclass
class KnownNames:
    """Every accepted spelling (case-folded) → the name to suggest for it."""

    vocabularies: dict[str, str] = field(default_factory=dict)
    terms: dict[str, str] = field(default_factory=dict)

    def add_vocabulary(self, slug: str, name: str | None = None) -> None:
        shown = name or VOCABULARY_NAMES.get(slug, slug)
        for spelling in (slug, shown):
            self.vocabularies.setdefault(spelling.casefold(), shown)

    def add_term(self, url: str | None, name: str | None, key: str | None = None) -> None:
        shown = name or url or key or ""
        slug = url.rstrip("/").rsplit("/", 1)[-1] if url else None
        for spelling in (url, name, key, slug):
            if spelling:
                self.terms.setdefault(spelling.casefold(), shown)


def project_names() -> KnownNames:
    """What ``scraper/terms.py`` knows: every vocabulary, every term seen or patterned."""
    known = KnownNames()
    for slug in VOCABULARY_NAMES:
        known.add_vocabulary(slug)
    for url in (*KNOWN_TERMS, *PATTERN_ONLY_TERMS):
        known.add_term(url, TERM_NAMES.get(url))
    return known


def stored_names(session: Session) -> KnownNames:
    """The project's names plus every vocabulary and term a crawl has stored."""
    known = project_names()
    for (slug,) in session.execute(select(Vocabulary.name)):
        known.add_vocabulary(slug)
    for key, name, url in session.execute(select(Term.key, Term.name, Term.url)):
        known.add_term(url, name, key)
    return known


def check_filter(vocabularies: Iterable[str], terms: Iterable[str], known: KnownNames,
                 *, vocabulary_label: str = "vocabulary", term_label: str = "term") -> None:
    """Raise :class:`InputError` for the first name that matches nothing, with suggestions.

    A term named by its listing URL on the site is accepted even when unknown: new terms
    appear on the site before anyone has crawled them.
    """
    for name in vocabularies:
        if name.strip().casefold() not in known.vocabularies:
            raise InputError(_unknown(vocabulary_label, name, known.vocabularies))
    for name in terms:
        if name.strip().casefold() not in known.terms and not _is_term_url(name):
            raise InputError(_unknown(term_label, name, known.terms))


def _is_term_url(text: str) -> bool:
    if "://" not in text:
        return False
    try:
        return is_listing_url(canonical_url(text.strip()))
    except (InputError, ValueError):
        return False


def _unknown(label: str, name: str, spellings: dict[str, str]) -> str:
    suggestions = did_you_mean(name, spellings)
    hint = f"; did you mean {' or '.join(repr(s) for s in suggestions)}?" if suggestions else \
        " (see `pledgewatch terms` for the names in use)"
    return f"{label} {name!r} matches nothing on the site{hint}"


def did_you_mean(name: str, spellings: dict[str, str]) -> list[str]:
    """Close spellings, and names that contain what was typed ("sdg" → "2030 Agenda (SDGs)")."""
    wanted = name.strip().casefold()
    close = difflib.get_close_matches(wanted, list(spellings), n=SUGGESTIONS, cutoff=0.6)
    within = [s for s in spellings if wanted and wanted in s]
    shown: list[str] = []
    for spelling in (*close, *sorted(within, key=len)):
        if spellings[spelling] not in shown:
            shown.append(spellings[spelling])
    return shown[:SUGGESTIONS]
