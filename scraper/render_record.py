"""The fields of a record page in the order the site shows them, for the record templates.

site.md §4 gives the visible order of a record page: date shared, countries, 2030 Agenda
labels, GCM areas, contributor types and chairmanship (unlabelled), geographical relevance,
themes (unlabelled, one comma-separated line), the body, GFMD source, thematic
recollection. A :class:`~scraper.parsing.record_model.RecordPage` keeps its terms as one list;
here they are put back into their fields by vocabulary, each field keeping the list's order,
so a page read back gives its terms in this field order. A country is a link when the terms
hold a ``pfp/ppd`` term of that name, else plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from pledgewatch.scraper.parsing.record_model import RecordPage
from pledgewatch.scraper.parsing.selectors import RECORD_LABELS
from pledgewatch.scraper.terms import record_path, vocabulary_of

MARKUPS = {
    "d7": "Drupal 7 node full view (field-label-above, skos:Concept term links), as inferred",
    "d10": "Drupal 10 Olivero-like full view (field--label-above, field__label, field__item)",
}
THEMES_VOCABULARY = "pfp/ppd"
# Term fields by vocabulary, in page order: (field machine name, label key or None, vocabularies).
TERM_FIELDS: tuple[tuple[str, str | None, tuple[str, ...]], ...] = (
    ("sdg", "sdg", ("2030-agenda-migration-relevant-and-related-targets",)),
    ("gcm", "gcm", ("gcm-thematic-clusters", "gcm-objectives")),
    ("contributors", None, ("contributors",)),
    ("chairmanship", None, ("chairmanship",)),
    ("geographical-relevance", "geographical_relevance", ("geographical-relevance",)),
    ("themes", None, (THEMES_VOCABULARY,)),
)
OTHER_TERMS = "other-terms"  # vocabularies the site may add (taxonomy/term, new prefixes)


@dataclass(frozen=True, slots=True)
class Item:
    name: str
    href: str | None = None  # site-relative link, for term references


@dataclass(frozen=True, slots=True)
class Field:
    name: str  # machine name after field_ / field--name-field-
    label: str | None  # as published, without the colon; None for unlabelled fields
    items: tuple[Item, ...]
    kind: str = "text"  # "text", "date", "terms", "inline_terms" (one comma-separated item)


def _href(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def nid_of(page: RecordPage) -> int:
    path = record_path(page.url)
    if path is None:
        raise ValueError(f"not a record URL: {page.url}")
    return int(path.rsplit("/", 1)[1])


def record_fields(page: RecordPage) -> tuple[list[Field], list[Field]]:
    """(fields before the body, fields after it), empty fields left out as the site does."""
    labels = RECORD_LABELS
    country_links = {name: url for url, name in page.terms
                     if vocabulary_of(url) == THEMES_VOCABULARY and name in page.countries}
    used = set(country_links.values())
    before: list[Field] = []
    if page.date_shared:
        before.append(Field("date-shared", labels["date_shared"], (Item(page.date_shared),), "date"))
    if page.countries:
        items = tuple(Item(name, _href(country_links[name]) if name in country_links else None)
                      for name in page.countries)
        before.append(Field("countries", labels["countries"], items, "terms"))
    known = {v for _, _, vocabularies in TERM_FIELDS for v in vocabularies}
    for name, label_key, vocabularies in TERM_FIELDS:
        items = tuple(Item(n, _href(u)) for u, n in page.terms
                      if vocabulary_of(u) in vocabularies and u not in used)
        if items:
            kind = "inline_terms" if name == "themes" else "terms"
            before.append(Field(name, labels[label_key] if label_key else None, items, kind))
    others = tuple(Item(n, _href(u)) for u, n in page.terms
                   if vocabulary_of(u) not in known and u not in used)
    if others:
        before.append(Field(OTHER_TERMS, None, others, "terms"))
    after = [Field(name, labels[key], tuple(Item(v) for v in values))
             for name, key, values in (("gfmd-source", "gfmd_source", page.gfmd_source),
                                       ("thematic-recollection", "thematic_recollection",
                                        page.thematic_recollection))
             if values]
    return before, after


def in_page_order(page: RecordPage) -> tuple[tuple[str, str], ...]:
    """``page.terms`` in the order a rendered page shows them (what reading it back gives)."""
    before, _ = record_fields(page)
    by_href = {_href(url): (url, name) for url, name in page.terms}
    return tuple(by_href[item.href] for field in before for item in field.items if item.href)
