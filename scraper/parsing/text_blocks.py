"""Visible-text snapshots cut into blocks (runs of non-blank lines) and classified.

A block is a ``byline`` ("Submitted by X on"), a ``name`` (an author line printed after the
body, site.md §3.1) or ``other`` (a title or a body paragraph; which one is decided from the
neighbours in :mod:`scraper.parsing.text`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pledgewatch.scraper.parsing.text_utils import clean_line, is_blank

_BYLINES = (
    re.compile(r"^Submitted by\s+(?P<name>.+?)\s+on$"),
    re.compile(r"^Submitted by\s+(?P<name>.+?)\s+on\s+\S.*$"),  # a date, if ever printed
    re.compile(r"^Submitted by\s+(?P<name>.+)$"),  # cut off before "on"
)
_HONORIFIC = re.compile(r"^(?:Mr|Ms|Mrs|Miss|Mx|Dr|Prof|Sr|Sra)\.?\s+\S")
ANONYMOUS = "Anonymous (not verified)"
_PAGER_LINE = re.compile(r"^(?:(?:« first|‹ previous|next ›|last »|…|\d{1,6}|Pages)\s*)+$")
_READ_MORE = re.compile(r"^Read more(?: about .+)?$")
MAX_NAME_CHARS = 80
MAX_NAME_WORDS = 7


@dataclass(slots=True)
class Block:
    lines: list[str]
    kind: str = "other"  # "byline" | "name" | "other"
    author: str | None = None

    @property
    def single(self) -> str | None:
        return clean_line(self.lines[0]) if len(self.lines) == 1 else None


def byline_name(line: str) -> str | None:
    stripped = clean_line(line)
    for pattern in _BYLINES:
        match = pattern.match(stripped)
        if match:
            return clean_line(match.group("name")) or None
    return None


def looks_like_name(line: str, known: set[str]) -> bool:
    """An author line: a byline name seen on the page, an honorific name or Anonymous."""
    line = clean_line(line)
    if not line or len(line) > MAX_NAME_CHARS or len(line.split()) > MAX_NAME_WORDS:
        return False
    if line in known or line == ANONYMOUS:
        return True
    return bool(_HONORIFIC.match(line)) and not line.endswith((".", ":", ";", ",", "!", "?"))


def split_blocks(lines: list[str]) -> list[Block]:
    """Runs of non-blank lines; a byline line is always a block of its own."""
    blocks: list[Block] = []
    current: list[str] = []
    for line in [*lines, ""]:
        name = byline_name(line) if not is_blank(line) else None
        if is_blank(line) or name is not None:
            if current:
                blocks.append(Block(current))
            current = []
            if name is not None:
                blocks.append(Block([line], "byline", name))
        elif not _READ_MORE.match(clean_line(line)):
            current.append(line)
    return blocks


def mark_names(blocks: list[Block]) -> list[Block]:
    """Find author lines printed after a body, splitting ``Name\\nNext title`` blocks."""
    known = {b.author for b in blocks if b.kind == "byline" and b.author}
    out: list[Block] = []
    for block in blocks:
        first = block.lines[0]
        after_body = bool(out) and out[-1].kind == "other"
        if block.kind == "other" and after_body and looks_like_name(first, known):
            out.append(Block([first], "name", clean_line(first)))
            if len(block.lines) > 1:
                out.append(Block(block.lines[1:]))
        else:
            out.append(block)
    # A "name" right before a byline is really a title (e.g. "Dr. Who Foundation").
    for index, block in enumerate(out[:-1]):
        if block.kind == "name" and out[index + 1].kind == "byline":
            block.kind, block.author = "other", None
    return out


def strip_footer(lines: list[str]) -> tuple[list[str], str | None]:
    """Remove the trailing "Subscribe to TERM" line (and any pager text); return the term."""
    end = len(lines)
    term = None
    while end > 0:
        line = clean_line(lines[end - 1])
        if is_blank(line) or _PAGER_LINE.match(line):
            end -= 1
        elif term is None and line.startswith("Subscribe to ") and len(line) > 13:
            term = line[len("Subscribe to "):].strip()
            end -= 1
        else:
            break
    return lines[:end], term
