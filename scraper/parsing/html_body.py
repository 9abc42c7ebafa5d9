"""Summary text from a teaser body: paragraphs, with ``<br>`` and list items as lines.

This mirrors what a browser shows (and what the text snapshots hold): block elements break
paragraphs, ``<br>`` and ``<li>`` break lines, runs of ASCII whitespace are one space.
"""

from __future__ import annotations

import re

from lxml import etree

from scraper.parsing.selectors import SKIPPED_IN_BODY
from scraper.parsing.text_utils import clean_line, is_blank, join_paragraphs

PARAGRAPH_TAGS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "pre",
     "section", "article", "dl", "hr"}
)
LINE_TAGS = frozenset({"li", "tr", "dt", "dd", "br"})
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})
_ASCII_RUN = re.compile(r"[ \t\r\n\f\v]+")


class _Builder:
    def __init__(self) -> None:
        self.paragraphs: list[list[str]] = []
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.buffer.append(_ASCII_RUN.sub(" ", value))

    def line_break(self, force: bool = True) -> None:
        """End the current line; list items and rows only end a line that has text."""
        if not force and not "".join(self.buffer).strip(" "):
            self.buffer = []
            return
        self.lines.append(clean_line("".join(self.buffer)))
        self.buffer = []

    def paragraph_break(self) -> None:
        self.line_break()
        lines = self.lines
        self.lines = []
        # An empty line inside a block (``<br><br>``) separates paragraphs, as in the text.
        current: list[str] = []
        for line in lines + [""]:
            if is_blank(line):
                if current:
                    self.paragraphs.append(current)
                current = []
            else:
                current.append(line)


def _walk(element: etree._Element, out: _Builder) -> None:
    tag = element.tag
    if not isinstance(tag, str):
        return
    tag = tag.lower()
    if tag in HIDDEN_TAGS:
        return
    classes = element.get("class")
    if classes and not SKIPPED_IN_BODY.isdisjoint(classes.split()):
        return
    if tag in PARAGRAPH_TAGS:
        out.paragraph_break()
    elif tag in LINE_TAGS:
        out.line_break(force=tag == "br")
    out.text(element.text)
    for child in element:
        _walk(child, out)
        out.text(child.tail)
    if tag in PARAGRAPH_TAGS:
        out.paragraph_break()
    elif tag in LINE_TAGS and tag != "br":
        out.line_break(force=False)


def body_summary(elements: list[etree._Element]) -> str:
    """The summary of one teaser from its body element(s), paragraphs joined by a blank line."""
    out = _Builder()
    for element in elements:
        out.paragraph_break()
        out.text(element.text)
        for child in element:
            _walk(child, out)
            out.text(child.tail)
        out.paragraph_break()
    return join_paragraphs(out.paragraphs).strip(" \t\n")
