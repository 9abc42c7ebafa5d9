"""The text rules: the stored form keeps what the site printed, whitespace aside; the comparison
form folds every whitespace run, so cosmetic variants compare equal."""

from __future__ import annotations

import doctest

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.core import identity
from pledgewatch.core import text as nz


@pytest.mark.parametrize("raw, stored", [
    ("  Cities   commit  ", "Cities commit"),
    ("Cities\r\ncommit", "Cities\ncommit"),
    ("One.\n\n\n\nTwo.", "One.\n\nTwo."),
    ("One.\n  \n\t\nTwo.", "One.\n\nTwo."),  # a blank line of spaces is a paragraph break
    ("Zu\u0308rich", "Zürich"),  # NFC
    ("Cit\u200bies\ufeff", "Cities"),  # invisible format characters
    ("Bell\x07 and\x00 null", "Bell and null"),  # control characters
    ("See the plan (external link).", "See the plan."),
    ("See the plan (Link is External)", "See the plan"),
    ("The plan.\nRead more about The plan", "The plan."),
    ("The plan.\nRead more", "The plan."),
    ("“Curly” quotes — and ÃŸ mojibake", "“Curly” quotes — and ÃŸ mojibake"),  # as published
    ("", ""),
    (None, ""),
])
def test_the_stored_form(raw, stored):
    assert nz.clean_text(raw, limit=1000) == stored


def test_the_stored_form_is_bounded():
    assert nz.clean_text("x" * 50, limit=10) == "x" * 10


_PIECES = ["a", "Z", "é", "e\u0301", ".", " ", "  ", "\t", "\n", "\n\n", "\r", "\r\n", "\xa0",
           "\u2009", "\u3000", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "\x00", "\u200b",
           "(external link)", "Read more", "read more about", "ı", "İ", "(", "ſ"]
_TEXT = st.one_of(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join), st.text())


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_the_stored_form_is_stable_once_made(text):
    once = nz.clean_text(text, limit=10_000)
    assert nz.clean_text(once, limit=10_000) == once


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_a_summary_is_cleaned_by_the_stored_form_rules(text):
    assert nz.clean_summary(text) == nz.clean_text(text, limit=nz.MAX_SUMMARY)
    assert nz.clean_summary(text) == nz.clean_text(text, limit=nz.MAX_SUMMARY)  # from the cache


@settings(max_examples=1000, deadline=None)
@given(_TEXT)
def test_whitespace_never_changes_the_comparison_form(text):
    spaced = text.replace(" ", " \n\n ").replace("\t", "   ")
    assert nz.comparison_form(spaced) == nz.comparison_form(text)
    assert "  " not in nz.comparison_form(text)


@settings(max_examples=500, deadline=None)
@given(st.text(min_size=1))
def test_the_content_hash_ignores_whitespace_and_sees_everything_else(summary):
    base = nz.content_hash("Title", "Author", None, summary)
    assert nz.content_hash("Title", "Author", None, f"  {summary}\n\n") == base
    assert nz.content_hash("Title", "Author", None, summary + "!") != base


def test_remembered_hashes_tell_apart_texts_that_only_split_differently():
    first = nz.content_hash("Title A", "B", "2024", "Summary")
    assert nz.content_hash("Title", "A B", "2024", "Summary") != first
    assert nz.content_hash("Title A", "B", "2024", "Summary") == first  # remembered
    assert nz.content_hash("Title A", "B", None, "Summary") == nz._content_hash(
        "Title A", "B", None, "Summary")


def test_a_clean_title_is_returned_as_given_and_a_cleaned_one_is_remembered():
    clean = "".join(["Cities ", "commit"])
    assert nz.clean_title(clean) is clean
    assert nz.clean_title("  Cities   commit ") == nz.clean_title(" Cities   commit  ") == clean
    assert nz.clean_title(None) == nz.clean_title("") == ""


def test_a_full_memo_forgets_its_oldest_results():
    memo = nz._Memo(8)
    for number in range(20):
        memo.put(bytes([number]), number)
    assert memo.get(bytes([19])) == 19
    assert memo.get(bytes([0])) is nz._MISSING
    assert len(memo._results) <= 8


def test_the_examples_in_the_rules_docstrings_hold():
    assert doctest.testmod(nz).failed == 0
    assert doctest.testmod(identity).failed == 0


@pytest.mark.parametrize("a, b, same", [
    (("A  title", "Para one.\n\nPara two  "), ("A title", "Para one. Para two"), True),
    (("A title", "Zürich commits (external link)."), ("A title", "Zürich commits."), True),
    (("A title", "Zürich commits."), ("A title", "Zurich commits."), False),
    (("A title", "one"), ("A title!", "one"), False),
])
def test_a_teasers_fingerprint_ignores_noise_only(a, b, same):
    assert (nz.teaser_fingerprint(*a) == nz.teaser_fingerprint(*b)) is same


TERM = "https://gfmd.org/pfp/ppd/cote-divoire"
THEME = "https://gfmd.org/pfp/ppd/migration-and-health"


@pytest.mark.parametrize("change, same", [
    ({"countries": ("Côte d’Ivoire",), "terms": ((TERM, "Côte d’Ivoire"), (THEME, "Health"))},
     True),  # a renamed country
    ({"terms": ((TERM, "Cote d'Ivoire"), (THEME, "Migration and Health"))}, True),  # renamed theme
    ({"countries": ("Ivory Coast",), "terms": ()}, False),  # a name with no link: the name counts
    ({"terms": ((TERM, "Cote d'Ivoire"),)}, False),  # a term left
    ({"body": "Edited."}, False),
])
def test_a_records_hash_counts_terms_by_url_and_countries_as_their_terms(change, same):
    from pledgewatch.core.pledges import RecordContent

    before = RecordContent("T", None, "Body.", countries=("Cote d'Ivoire",),
                           terms=((TERM, "Cote d'Ivoire"), (THEME, "Health")))
    after = RecordContent(**{"title": "T", "date_shared": None, "body": "Body.",
                             "countries": before.countries, "terms": before.terms, **change})
    assert (before.content_hash() == after.content_hash()) is same
