"""clean_text and comparison_form skip rules that cannot apply; the answers must not change.

The reference below is the plain form of every rule (each regular expression always
applied), as the normalizer first wrote it; the fast form must agree on any text.
"""

from __future__ import annotations

import doctest
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.core import text as nz

_LINK_LEFTOVERS = re.compile(r"\s*\((?:external link|link is external)\)", re.IGNORECASE)
_READ_MORE = re.compile(r"(?:^|\n)\s*Read more(?: about [^\n]*)?\s*$", re.IGNORECASE)
_HSPACE = re.compile(r"[^\S\n]+")
_BLANK_LINES = re.compile(r"\n\s*\n")
_ANY_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def reference_clean_text(text: str | None, *, limit: int) -> str:
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text).translate(_INVISIBLE)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _READ_MORE.sub("", _LINK_LEFTOVERS.sub("", text))
    paragraphs = []
    for block in _BLANK_LINES.split(text):
        lines = [_HSPACE.sub(" ", line).strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)[:limit]


def reference_comparison_form(text: str | None) -> str:
    return _ANY_SPACE.sub(" ", text or "").strip()


_PIECES = [
    "a", "Z", "é", "e\u0301", ".", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\xa0", "\u2009",
    "\u3000", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x85", "\x00", "\x07", "\x7f",
    "\u200b", "\ufeff", "(external link)", "(Link is External)", " (EXTERNAL LINK)", "Read more",
    "READ MORE about it", "read more about", "ı", "İ", "ſ", "\u212a", "external", "(",
]
_TEXT = st.lists(st.sampled_from(_PIECES), max_size=25).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TEXT)
def test_clean_text_agrees_with_the_plain_rules(text: str) -> None:
    assert nz.clean_text(text, limit=50) == reference_clean_text(text, limit=50)


@settings(max_examples=1000, deadline=None)
@given(st.one_of(_TEXT, st.text()))
def test_comparison_form_agrees_with_the_plain_rule(text: str) -> None:
    assert nz.comparison_form(text) == reference_comparison_form(text)


@settings(max_examples=1000, deadline=None)
@given(st.text())
def test_clean_text_agrees_on_arbitrary_unicode(text: str) -> None:
    assert nz.clean_text(text, limit=10_000) == reference_clean_text(text, limit=10_000)


def test_the_examples_in_the_normalizer_docstrings_hold() -> None:
    assert doctest.testmod(nz).failed == 0
