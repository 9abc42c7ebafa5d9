"""Curly quotes from Windows-1252 read as Mac Roman ("ìquotedî") are flagged; ftfy misses them."""

from __future__ import annotations

import pytest

from pledgewatch.core.text import has_mojibake, looks_mojibaked

DEMO_SUMMARY = ("publication of a note for the project, \u00ecConsolidating and Operationalizing a "
                "Framework for Diaspora's Engagement in Humanitarian Assistance - Phase II.\u00ee The")


def test_the_demo_summary_is_flagged():
    assert not looks_mojibaked(DEMO_SUMMARY)  # the ftfy-based check alone misses it
    assert has_mojibake(DEMO_SUMMARY)


@pytest.mark.parametrize("text", ["the \u00ebpilot\u00ed phase", "(\u00ecMigrants\u00ee)"])
def test_other_misread_quote_pairs_are_flagged(text):
    assert has_mojibake(text)


@pytest.mark.parametrize("text", [
    "Île-de-France and Saint-Gilles", "lunedì e così via", "maître, naïve, Noël, Díaz",
    "cafè \u00eeles", "Lisbon \u00ecsola",
], ids=["ile", "italian", "french-spanish", "lone-closing", "lone-opening"])
def test_ordinary_accented_words_are_not_flagged(text):
    assert not has_mojibake(text)


@pytest.mark.parametrize("text, flagged", [
    (DEMO_SUMMARY, True), ("Caf\u00c3\u00a9 owners", True), ("Café owners", False),
    ("plain ASCII", False), ("", False),
])
def test_a_text_judged_again_gets_the_same_flag(text, flagged):
    assert [has_mojibake(text), has_mojibake(text), has_mojibake(str(text))] == [flagged] * 3
