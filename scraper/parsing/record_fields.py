"""Labelled fields of a record page, found by their label's words, not by their position.

The site leaves empty fields out entirely (site.md §4: 10929 has no SDG or country lines),
so a field is only ever what follows its own label. A label is recognised three ways, so a
theme change does not silently empty a field:

* an element whose whole text is the label, with or without its colon and no-break space:
  Drupal 7's ``<div class="field-label">Date Shared:&nbsp;</div>``, Drupal 8+'s
  ``<div class="field__label">Date Shared</div>``, or plain ``<p>Date Shared:</p>``;
* an element whose own text starts with the label and a colon (``<p>Date Shared: Monday…``).

A Drupal field's values are its items (``.field-item`` / ``.field__item``); otherwise they
are what follows the label up to the next label. A value with links is its links' texts,
one each (names may hold commas); else its lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from typing import TypeAlias

from lxml import etree

from pledgewatch.scraper.parsing import selectors as css
from pledgewatch.scraper.parsing.html_body import body_summary
from pledgewatch.scraper.parsing.html_links import text_of
from pledgewatch.scraper.parsing.limits import MAX_FIELD_VALUES
from pledgewatch.scraper.parsing.text_utils import collapse

_Element: TypeAlias = etree._Element
_LIKE = re.compile(css.LIKE_COUNTER, re.IGNORECASE)
# Longer texts are never a label alone (the slack is for layout whitespace around it).
_LONGEST_LABEL = max(len(label) for label in css.RECORD_LABELS.values()) + 40
_BY_WORDS = {label.casefold(): key for key, label in css.RECORD_LABELS.items()}
_INLINE = [
    (key, re.compile(r"\s*" + r"\s+".join(map(re.escape, label.split())) + r"\s*:", re.IGNORECASE))
    for key, label in css.RECORD_LABELS.items()
]


def label_words(text: str) -> str:
    """A label's words as compared: no-break spaces as spaces, the colon dropped, any case."""
    return collapse(text.replace("\xa0", " ")).rstrip(":").rstrip().casefold()


def is_like_counter(text: str) -> bool:
    """The like widget's "76 liked this page.": volatile, never part of the record."""
    return bool(_LIKE.match(collapse(text.replace("\xa0", " "))))


class _Label:
    __slots__ = ("element", "inline", "key", "rest")

    def __init__(self, key: str, element: _Element, inline: bool, rest: str | None) -> None:
        self.key, self.element, self.inline, self.rest = key, element, inline, rest


def read_fields(page: _Element, counts: Callable[[_Element], bool], skipped: set[_Element]) -> dict[str, list[str]]:
    """Each labelled field's values (text as published, one line each), by its key in
    :data:`~scraper.parsing.selectors.RECORD_LABELS`; the first of a repeated label wins.

    ``counts(element)`` says whether an element belongs to the record (content region, no
    sidebar); elements in ``skipped`` (the body) and their descendants hold no labels.
    """
    labels = list(_labels(page, counts, skipped))
    # What follows a label ends at the next label or the body (or what holds either).
    ends = [label.element for label in labels] + list(skipped)
    bounds = {a for end in ends for a in (end, *end.iterancestors())}
    fields: dict[str, list[str]] = {}
    for label in labels:
        values = [v for v in _values(label, bounds) if not is_like_counter(v)]
        fields[label.key] = values[:MAX_FIELD_VALUES]
    return fields


def _labels(page: _Element, counts: Callable[[_Element], bool], skipped: set[_Element]) -> Iterator[_Label]:
    found: set[str] = set()
    for element in page.iter():
        if not isinstance(element.tag, str) or element.tag in ("script", "style"):
            continue
        label = _label_of(element)
        if label is None or label.key in found:
            continue
        if any(a in skipped for a in (element, *element.iterancestors())):
            continue
        if not counts(element):
            continue
        found.add(label.key)
        yield label


def _short_text(element: _Element) -> str | None:
    """The element's whole text when it is short enough to be a label alone, else None;
    read lazily, so a large container costs a few text nodes, not its whole subtree."""
    if not len(element):
        return element.text or ""
    parts, size = [], 0
    for text in element.itertext():
        size += len(text)
        if size > _LONGEST_LABEL:
            return None
        parts.append(text)
    return "".join(parts)


def _label_of(element: _Element) -> _Label | None:
    whole = _short_text(element)
    if whole is not None and len(whole) <= _LONGEST_LABEL:
        key = _BY_WORDS.get(label_words(whole))
        if key is not None:
            return _Label(key, element, inline=False, rest=None)
    own = element.text
    if own and ":" in own:
        for key, pattern in _INLINE:
            match = pattern.match(own.replace("\xa0", " "))
            if match:
                return _Label(key, element, inline=True, rest=own[match.end():])
    return None


def _values(label: _Label, bounds: set[_Element]) -> list[str]:
    element = label.element
    if label.inline:  # the rest of the element's own text, then its children
        return _following(label.rest, element, bounds)
    field = element.getparent()
    if field is not None and "field" in (field.get("class") or "").split():
        items = [i for i in css.FIELD_ITEM_XP(field) if element not in (i, *i.iterancestors())]
        outermost = [i for i in items if not any(a in items for a in i.iterancestors())]
        if outermost:
            return [v for item in outermost for v in _item_values(item)]
    return _following(element.tail, element.itersiblings(), bounds)  # up to the next label


def _clean(text: str | None) -> str:
    return collapse(text or "").strip(" \xa0")


def _following(first: str | None, nodes: Iterable[_Element], bounds: set[_Element]) -> list[str]:
    """Values from a leading text and the nodes after it, up to the next label."""
    values = [_clean(first)]
    for node in nodes:
        if node in bounds:
            break
        if isinstance(node.tag, str):
            values.extend(_item_values(node))
        values.append(_clean(node.tail))
    return [v for v in values if v]


def _item_values(item: _Element) -> list[str]:
    """A value holder's values: its links' texts when it has links, else its lines."""
    links = css.LINKS_XP(item) if item.tag != "a" else [item]
    if links:
        return [name for link in links if (name := _clean(text_of(link)))]
    text = body_summary([item]) if len(item) else (item.text or "")
    return [value for line in text.split("\n") if (value := _clean(line))]
