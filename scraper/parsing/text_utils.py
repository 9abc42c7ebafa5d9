"""Whitespace rules shared by both front-ends, so they agree on the same teaser.

Only ASCII layout whitespace is trimmed (line ends, blank or whitespace-only paragraphs); any
other character, NBSP included, is kept as published.
"""

from __future__ import annotations

import re

ASCII_SPACE = " \t\r\f\v"
_ASCII_RUN = re.compile(r"[ \t\r\n\f\v]+")


def is_blank(line: str) -> bool:
    """A whitespace-only line or paragraph, NBSP included: layout noise, not text."""
    return not line or line.isspace()


def clean_line(line: str) -> str:
    return line.strip(ASCII_SPACE)


def one_space_runs(text: str) -> str:
    """Every run of ASCII whitespace as one space.

    Most text already is (single spaces between words), and the regular expression would still
    replace each of those spaces by itself; six substring searches find that out far sooner.
    """
    if "  " in text or "\n" in text or "\t" in text or "\r" in text or "\f" in text or "\v" in text:
        return _ASCII_RUN.sub(" ", text)
    return text


def collapse(text: str) -> str:
    """HTML whitespace semantics: runs of ASCII whitespace are one space."""
    return one_space_runs(text).strip(ASCII_SPACE + "\n")


def join_paragraphs(paragraphs: list[list[str]]) -> str:
    """Lines joined by ``\\n``, paragraphs by a blank line; blank paragraphs dropped."""
    kept = []
    for lines in paragraphs:
        cleaned = [clean_line(line) for line in lines]
        if not all(is_blank(line) for line in cleaned):
            kept.append("\n".join(cleaned))
    return "\n\n".join(kept)


def is_truncated_name(name: str) -> bool:
    """Drupal cut the display name ("Mr. Ace Paolo …"; core's own form ends in "...")."""
    return name.endswith("\u2026") or name.endswith("...")
