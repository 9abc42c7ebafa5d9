"""Word-level diffs: edits start and end on word boundaries and rebuild both texts."""

from __future__ import annotations

import doctest
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pledgewatch.report.word_diff
from pledgewatch.report.word_diff import DELETE, EQUAL, INSERT, new_text, old_text, word_diff


def test_module_examples_hold():
    assert doctest.testmod(pledgewatch.report.word_diff).failed == 0


def test_a_changed_word_is_replaced_whole_not_letter_by_letter():
    assert word_diff("Welcoming Salt Lake", "Welcoming San José") == [
        (EQUAL, "Welcoming "),
        (DELETE, "Salt Lake"),
        (INSERT, "San José"),
    ]


def test_case_change_is_shown_as_a_word_edit():
    ops = word_diff("Making Migration Work", "Making Migration work")
    assert (DELETE, "Work") in ops and (INSERT, "work") in ops


def test_hyphenated_and_apostrophe_words_change_as_one():
    ops = word_diff("IOM-UNDP programme isn’t new", "IOM-ILO programme isn’t new")
    assert ops[:2] == [(DELETE, "IOM-UNDP"), (INSERT, "IOM-ILO")]


def test_identical_texts_give_one_equal_run():
    assert word_diff("Goal 11: Sustainable cities", "Goal 11: Sustainable cities") == [
        (EQUAL, "Goal 11: Sustainable cities")
    ]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("", "", []),
        ("", "new text", [(INSERT, "new text")]),
        ("old text", "", [(DELETE, "old text")]),
    ],
    ids=["both-empty", "added", "cleared"],
)
def test_empty_sides(old, new, expected):
    assert word_diff(old, new) == expected


def test_many_distinct_words_do_not_run_out_of_codes():
    old = " ".join(f"w{i}" for i in range(60_000))
    new = old.replace("w59999", "changed")
    ops = word_diff(old[:20_000], new[:20_000])
    assert old_text(ops) == old[:20_000]


def test_very_long_inputs_are_cut_and_return_quickly():
    ops = word_diff("a " * 500_000, "b " * 500_000, timeout=0.2)
    assert len(old_text(ops)) <= pledgewatch.report.word_diff.MAX_DIFF_CHARS


def test_neighbouring_ops_never_repeat_and_are_never_empty():
    ops = word_diff("one two three four five", "one 2 three 4 five six")
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in itertools.pairwise(ops))


@given(st.text(max_size=200), st.text(max_size=200))
def test_diff_rebuilds_both_texts(old, new):
    ops = word_diff(old, new)
    assert old_text(ops) == old and new_text(ops) == new


def _token_boundaries(text):
    return {m.end() for m in pledgewatch.report.word_diff._TOKEN.finditer(text)} | {0}


def _op_boundaries(ops, skip):
    position, boundaries = 0, {0}
    for op, text in ops:
        if op != skip:
            position += len(text)
            boundaries.add(position)
    return boundaries


WORDS = st.sampled_from(["migration", "city", "cities", " ", "  ", ",", "é", "\n", "’", "IOM-UNDP"])


@given(st.lists(WORDS, max_size=40), st.lists(WORDS, max_size=40))
def test_edits_start_and_end_on_token_boundaries(old_words, new_words):
    old, new = "".join(old_words), "".join(new_words)
    ops = word_diff(old, new)
    assert _op_boundaries(ops, skip=INSERT) <= _token_boundaries(old)
    assert _op_boundaries(ops, skip=DELETE) <= _token_boundaries(new)
