"""Record pages rendered in both markups read back as the record they were rendered from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from parsel import Selector

from pledgewatch.scraper.parsing import RecordPage, read_record
from pledgewatch.scraper.render import render_record_page

S = "https://gfmd.org"
WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzÉéãú’“”–&<>'\",.()", min_size=1, max_size=8)
TEXT = st.lists(WORD, min_size=1, max_size=6).map(" ".join)
SLUG = st.text(alphabet="abcdefghijklmnopqrstuvwxyz-", min_size=3, max_size=12).filter(
    lambda s: s.strip("-") == s and "--" not in s)
# Term fields in the order a record page shows them, each with its URL prefix and a name
# prefix that keeps names of different fields apart.
FIELDS = (
    ("2030-agenda-migration-relevant-and-related-targets", "Goal"),
    ("gcm-thematic-clusters", "Objective"),
    ("contributors", "Contributor"),
    ("chairmanship", "Chair"),
    ("geographical-relevance", "Scope"),
    ("pfp/ppd", "Theme"),
    ("taxonomy/term", "Other"),
)


def terms_of(prefix: str, name: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    return st.lists(st.tuples(SLUG, TEXT), max_size=4, unique_by=lambda t: t[0]).map(
        lambda items: [(f"{S}/{prefix}/{slug}", f"{name} {text}") for slug, text in items])


@st.composite
def records(draw: st.DrawFn) -> RecordPage:
    countries = draw(st.lists(TEXT.map(lambda t: "Country " + t), max_size=3, unique=True))
    linked = [c for c in countries if draw(st.booleans())]
    country_terms = [(f"{S}/pfp/ppd/country-{i}", name) for i, name in enumerate(linked)]
    terms = country_terms + [t for prefix, name in FIELDS for t in draw(terms_of(prefix, name))]
    if prefix_other := [t for t in terms if "/taxonomy/term/" in t[0]]:  # alias-less: numeric ids
        terms = [t for t in terms if t not in prefix_other] + [
            (f"{S}/taxonomy/term/{500 + i}", name) for i, (_, name) in enumerate(prefix_other)]
    paragraphs = draw(st.lists(st.lists(TEXT, min_size=1, max_size=3).map("\n".join), max_size=4))
    return RecordPage(
        url=f"{S}/pfp/ppd/{draw(st.integers(1, 99999))}",
        title=draw(TEXT),
        date_shared=draw(st.none() | st.just("Monday, December 23, 2013 - 15:15")),
        body="\n\n".join(paragraphs),
        countries=tuple(countries),
        terms=tuple(dict(terms).items()),
        gfmd_source=tuple(draw(st.lists(TEXT, max_size=3))),
        thematic_recollection=tuple(draw(st.lists(TEXT, max_size=2))),
    )


@settings(max_examples=150, deadline=None)
@given(record=records(), markup=st.sampled_from(["d7", "d10"]), likes=st.none() | st.integers(0, 999))
def test_a_rendered_record_reads_back_as_itself(record: RecordPage, markup: str, likes: int | None) -> None:
    assert read_record(render_record_page(record, markup=markup, likes=likes), record.url) == record


RECORD = RecordPage(url=S + "/pfp/ppd/24", title="T", date_shared="Monday, December 23, 2013 - 15:15",
                    body="B.", terms=((S + "/contributors/member-states", "Member States"),),
                    gfmd_source=("2013 Survey Report",))


def test_d7_markup_is_drupal_7_fields_with_labels_above() -> None:
    page = Selector(text=render_record_page(RECORD, markup="d7", likes=76))
    date = page.css(".field-name-field-date-shared")
    assert date.css("::attr(class)").get().split()[-1] == "field-label-above"
    assert date.css(".field-label::text").get() == "Date Shared:\xa0"
    assert page.css(".field-name-field-contributors a::attr(typeof)").get() == "skos:Concept"
    assert page.css(".field-name-body .field-item p::text").get() == "B."
    assert page.css("h1#page-title::text").get() == "T"
    assert "76 liked this page." in page.css(".rate-info::text").get()


def test_d10_markup_is_olivero_fields() -> None:
    page = Selector(text=render_record_page(RECORD, markup="d10"))
    assert page.css(".field--name-field-date-shared .field__label::text").get() == "Date Shared"
    assert page.css(".field--name-field-gfmd-source .field__item::text").get() == "2013 Survey Report"
    assert page.css("article.node--view-mode-full")
    assert not page.css(".rate-info")


def test_text_is_escaped() -> None:
    record = RecordPage(url=S + "/pfp/ppd/1", title="<script>x</script>", date_shared=None, body="<b>&")
    html = render_record_page(record, markup="d10")
    assert "<script>x" not in html and "&lt;b&gt;&amp;" in html


def test_unknown_markup_is_refused() -> None:
    with pytest.raises(ValueError, match="d7"):
        render_record_page(RECORD, markup="d9")
