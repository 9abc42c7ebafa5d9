"""The mojibake flag: garbled text is flagged for editors, ordinary accents and scripts are not."""

from __future__ import annotations

import pytest

from pledgewatch.core.text import has_mojibake, looks_mojibaked


@pytest.mark.parametrize("text, flagged", [
    ("Programme for migrants in BogotÃ¡ and ZÃ¼rich", True),  # UTF-8 read as Latin-1
    ("the projectâ€™s second phase", True),  # a curly apostrophe read as cp1252
    ("x" * 500 + " CafÃ© " + "y" * 500, True),  # deep inside a long summary
    ("Programme for migrants in Bogotá and Zürich, 2022–2024", False),
    ("Île-de-France, lunedì, così, maître", False),
    ("برنامج الهجرة الآمنة", False),
    ("", False),
    ("plain ASCII text", False),
])
def test_which_texts_are_flagged(text: str, flagged: bool) -> None:
    assert looks_mojibaked(text) is flagged


def test_the_demos_misread_curly_quotes_are_flagged_too() -> None:
    text = "IOM announces the note ìConsolidating a Framework - Phase II.î and Sialogue"
    assert not looks_mojibaked(text) and has_mojibake(text)
