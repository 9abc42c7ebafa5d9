"""Summary text from a teaser body: paragraphs, with ``<br>`` and list items as lines.

This mirrors what a browser shows (and what the text snapshots hold): block elements break
paragraphs, ``<br>`` and ``<li>`` break lines, runs of ASCII whitespace are one space.
"""

from __future__ import annotations

from lxml import etree

from pledgewatch.scraper.parsing.selectors import SKIPPED_IN_BODY
from pledgewatch.scraper.parsing.text_utils import clean_line, is_blank, one_space_runs

PARAGRAPH_TAGS = frozenset(
    {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "pre",
     "section", "article", "dl", "hr"}
)
LINE_TAGS = frozenset({"li", "tr", "dt", "dd", "br"})
HIDDEN_TAGS = frozenset({"script", "style", "template", "noscript"})


class _Builder:
    """Lines and paragraphs of one teaser body. Called a few times per element of every body
    on every page, so the common cases (nothing pending, nothing to split) return early."""

    __slots__ = ("buffer", "lines", "paragraphs")

    def __init__(self) -> None:
        self.paragraphs: list[list[str]] = []
        self.lines: list[str] = []
        self.buffer: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self.buffer.append(one_space_runs(value))

    def line_break(self, force: bool = True) -> None:
        """End the current line; list items and rows only end a line that has text."""
        line = "".join(self.buffer)
        self.buffer = []
        if force or line.strip(" "):
            self.lines.append(clean_line(line))

    def paragraph_break(self) -> None:
        # An empty line inside a block (``<br><br>``) separates paragraphs, as in the text;
        # the line ended here is one too, when empty.
        if self.buffer:
            self.lines.append(clean_line("".join(self.buffer)))
            self.buffer = []
        lines = self.lines
        if not lines:
            return
        self.lines = []
        current: list[str] = []
        for line in lines:
            if not is_blank(line):
                current.append(line)
            elif current:
                self.paragraphs.append(current)
                current = []
        if current:
            self.paragraphs.append(current)


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
    paragraph = tag in PARAGRAPH_TAGS
    line = not paragraph and tag in LINE_TAGS
    if paragraph:
        out.paragraph_break()
    elif line:
        out.line_break(force=tag == "br")
    out.text(element.text)
    for child in element:
        _walk(child, out)
        out.text(child.tail)
    if paragraph:
        out.paragraph_break()
    elif line and tag != "br":
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
    # Every paragraph holds clean, non-blank lines: join_paragraphs would keep them all as they are.
    return "\n\n".join(["\n".join(lines) for lines in out.paragraphs]).strip(" \t\n")
