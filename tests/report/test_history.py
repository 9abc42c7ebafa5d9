"""Stored records as terminal text: history with word diffs, a pledge as of a run, term listings."""

from __future__ import annotations

from datetime import UTC, datetime

from pledgewatch.core.values import PledgeView, TermRef
from pledgewatch.report.history import history_text, pledge_text, term_listings_text
from pledgewatch.storage.history import VersionRow

FIRST = VersionRow(number=1, from_run=1, to_run=2, seen_at=datetime(2026, 3, 1, 6, 0, tzinfo=UTC),
                   title="Pledge of Zürich", author=None, submitted=None,
                   summary="Improve access.", first_page_url="https://gfmd.org/pfp/ppd/term/1")
SECOND = VersionRow(number=2, from_run=2, to_run=None, seen_at=None, title="Pledge of Zürich",
                    author="City of Zürich", submitted=None, summary="Improve access for all.",
                    first_page_url=None)


def test_history_shows_the_first_version_in_full_and_later_ones_as_word_diffs():
    text = history_text("/pfp/ppd/13171", "https://gfmd.org/pfp/ppd/13171", [(1, None)],
                        [FIRST, SECOND])
    assert text == (
        "/pfp/ppd/13171  https://gfmd.org/pfp/ppd/13171\n"
        "  listed from run 1 (still listed)\n"
        "\n"
        "version 1: run 1 (2026-03-01T06:00:00+00:00), until run 2; "
        "first seen on https://gfmd.org/pfp/ppd/term/1\n"
        "  title: Pledge of Zürich\n"
        "  author: -\n"
        "  summary: Improve access.\n"
        "\n"
        "version 2: run 2 (?), current; first seen on ?\n"
        "  author: {+City of Zürich+}\n"
        "  summary: Improve access{+ for all+}.\n"
    )


def test_history_names_a_pledge_without_url_and_each_listed_interval():
    text = history_text("title:pledge", None, [(1, 3), (5, None)], [])
    assert text == ("title:pledge  (no URL known)\n"
                    "  listed from run 1 until run 3\n"
                    "  listed from run 5 (still listed)\n")


def test_terminal_control_and_bidi_characters_in_scraped_text_are_removed():
    hostile = VersionRow(1, 1, None, None, "Pledge\x1b[2J\u202eevil", "A\rB", None,
                         "one\n\ttwo\x07", None)
    text = history_text("/pfp/ppd/1", None, [], [hostile])
    assert "\x1b" not in text and "\u202e" not in text and "\r" not in text and "\x07" not in text
    assert "  title: Pledge[2Jevil\n" in text and "  author: AB\n" in text
    assert "  summary: one\n\ttwo\n" in text  # newlines and tabs are kept


def test_a_pledge_as_of_a_run_lists_its_fields_summary_and_terms():
    view = PledgeView(key="/pfp/ppd/13171", url=None, title="Pledge of Zürich", author=None,
                      submitted="2019", summary="Improve access.", version=2,
                      terms=(TermRef("/t/1", "Member States", "contributors", None),
                             TermRef("name:Cities", None, None, None)))
    text = pledge_text(view, 7, datetime(2026, 3, 8, 6, 30, tzinfo=UTC), listed=False)
    assert text == (
        "Pledge of Zürich\n"
        "/pfp/ppd/13171\n"
        "as of run 7 (2026-03-08 06:30 UTC): version 2, NOT LISTED at that run\n"
        "author: -\n"
        "submitted: 2019\n"
        "\n"
        "Improve access.\n"
        "\n"
        "terms:\n"
        "  contributors: Member States\n"
        "  ?: name:Cities\n"
    )


def test_term_listings_show_each_term_with_its_count_and_pledges():
    listings = {("contributors", "Member States"): [("Pledge of Zürich", "/pfp/ppd/13171"),
                                                    ("Dallas", "/pfp/ppd/13172")],
                ("geographical-relevance", "Subnational"): []}
    assert term_listings_text(4, listings) == (
        "term listings as of run 4\n"
        "\n"
        "contributors / Member States (2)\n"
        "  Pledge of Zürich  [/pfp/ppd/13171]\n"
        "  Dallas  [/pfp/ppd/13172]\n"
        "\n"
        "geographical-relevance / Subnational (0)\n"
    )
