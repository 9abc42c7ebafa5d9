"""The mojibake flag checks only the stretches around non-ASCII text: it must agree with ftfy."""

from __future__ import annotations

from ftfy.badness import is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.core.text import looks_mojibaked

# Letters and spaces ftfy's patterns use as context, and characters its patterns look for.
_ASCII = "aeiouzAZ .,?!-\n"
_SUSPECTS = "ÂÃÎÐØÙàáé€œŠš¢£Ÿž\xa0\xad®©°·»«¡“”‘’–—´ВГРСвЂΒΓΞΟβā√≈‚Ä×²³Œ\x85\x93"


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=_ASCII + _SUSPECTS, max_size=40))
def test_the_flag_agrees_with_ftfy_on_any_text(text: str) -> None:
    assert looks_mojibaked(text) == is_bad(text)


@given(st.text(alphabet=_ASCII, max_size=30), st.sampled_from(["Ã©", "â€™", "Ã ", "Â "]),
       st.text(alphabet=_ASCII, max_size=30))
def test_mojibake_deep_inside_long_ascii_text_is_found(before: str, bad: str, after: str) -> None:
    text = "x" * 500 + before + bad + after + "y" * 500
    assert looks_mojibaked(text) == is_bad(text)


def test_clean_text_with_accents_is_not_flagged() -> None:
    assert not looks_mojibaked("Programme for migrants in Bogotá and Zürich, 2022–2024")
    assert looks_mojibaked("Programme for migrants in BogotÃ¡ and ZÃ¼rich")
