"""Term links on record pages, for discovery mode."""

from __future__ import annotations

from pledgewatch.scraper.parsing import parse_record_page

RECORD = "https://gfmd.org/pfp/ppd/13001"
PAGE = """<html><body>
<ul class="menu"><li><a href="/about-gfmd">About</a></li><li><a href="/pfp/ppd/contribute">Submit</a></li></ul>
<div class="field field-name-field-sdg"><div class="field-label">2030 Agenda migration-relevant and related target Labels:</div>
<a href="/2030-agenda-migration-relevant-and-related-targets/goal-1-end-poverty" typeof="skos:Concept">Goal 1: End poverty</a></div>
<div class="field field-name-field-themes"><div class="field-items">
<a href="/pfp/ppd/capacity-building" typeof="skos:Concept">Capacity Building</a>,
<a href="http://www.gfmd.org/pfp/ppd/diversity-inclusiveness-and-social-cohesion">Diversity, Inclusiveness and Social Cohesion</a>,
<a href="/pfp/ppd/migration-trade-and-investments">Migration, Trade and Investments</a></div></div>
<div class="field"><a href="/some-new-vocabulary/new-term">New Term</a></div>
<a href="/contributors/member-states?page=3">Member States</a>
<a href="/pfp/ppd/12999">Previous record</a> <a href="/taxonomy/term/573/feed">feed</a>
<a href="https://proboprint.info/contributors/member-states">Mirror</a>
</body></html>"""


def test_term_links_are_found_with_names_from_the_link_text() -> None:
    terms = parse_record_page(PAGE, RECORD)
    assert terms == [
        ("https://gfmd.org/2030-agenda-migration-relevant-and-related-targets/goal-1-end-poverty",
         "Goal 1: End poverty"),
        ("https://gfmd.org/pfp/ppd/capacity-building", "Capacity Building"),
        ("https://gfmd.org/pfp/ppd/diversity-inclusiveness-and-social-cohesion",
         "Diversity, Inclusiveness and Social Cohesion"),
        ("https://gfmd.org/pfp/ppd/migration-trade-and-investments", "Migration, Trade and Investments"),
        ("https://gfmd.org/some-new-vocabulary/new-term", "New Term"),
        ("https://gfmd.org/contributors/member-states", "Member States"),
    ]


def test_comma_lists_are_never_split() -> None:
    names = [name for _, name in parse_record_page(PAGE, RECORD)]
    assert "Diversity" not in names and "Inclusiveness and Social Cohesion" not in names


def test_records_menus_feeds_and_mirrors_are_not_terms() -> None:
    urls = [url for url, _ in parse_record_page(PAGE, RECORD)]
    assert not any("12999" in u or "about-gfmd" in u or "feed" in u or "proboprint" in u
                   for u in urls)
