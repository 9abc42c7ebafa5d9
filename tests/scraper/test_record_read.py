"""Reading record pages (``/pfp/ppd/<nid>``) whole, by label, in either markup.

Expected values are written out from site.md §4; the pages are rendered in the inferred
Drupal 7 markup and the Drupal 10 (Olivero) one, and a few are written by hand where a theme
could print labels as plain text.
"""

from __future__ import annotations

import pytest

from pledgewatch.core.errors import UnreadableInput
from pledgewatch.scraper.parsing import RecordPage, RecordUnreadable, read_record
from pledgewatch.scraper.render import RenderTeaser, render_listing, render_record_page

S = "https://gfmd.org"
SDG = S + "/2030-agenda-migration-relevant-and-related-targets/"
MARKUPS = ("d7", "d10")

# /pfp/ppd/24 (2013): visible text of site.md §4; the source and recollection lines are the
# examples site.md gives for that era; body words are ours.
RECORD_24 = RecordPage(
    url=S + "/pfp/ppd/24",
    title="Mexico: Programa 3x1 para Migrantes",
    date_shared="Monday, December 23, 2013 - 15:15",
    body="The 3x1 programme matches every peso sent by migrant clubs.\n\nIt began in 2002.",
    terms=(
        (SDG + "targets-could-benefit-potential-migration-and-migrants",
         "Targets that could benefit from the potential of migration and migrants"),
        (S + "/gcm-thematic-clusters/contributions-migrants-and-diasporas",
         "Contributions of migrants and diasporas"),
    ),
    gfmd_source=("2013 Survey Report",
                 "M&D Practices Shared within the GFMD context by Steering Group Members (2007 - 2011)"),
    thematic_recollection=("GFMD 2009 - RT 2.1",),
)
# /pfp/ppd/10929 (2019): no SDG and no country lines (site.md: "10929 has no SDG or country lines").
RECORD_10929 = RecordPage(
    url=S + "/pfp/ppd/10929",
    title="Diaspora Bonds for Development",
    date_shared="Monday, January 28, 2019 - 11:02",
    body="A bond issued to the diaspora.",
    terms=((S + "/gcm-thematic-clusters/contributions-migrants-and-diasporas",
            "Contributions of migrants and diasporas"),),
    gfmd_source=("GFMD 2018 - Marrakesh Summit - RT 3.2",),
)
# /pfp/ppd/13001 (2023): countries empty; SDGs 1, 2, 13, 16, 17; GCM objectives 2, 7, 15, 16,
# 17, 23; two contributor types; France 2022-2023; themes, two of them with commas.
GCM = (
    ("/gcm-objectives/objective-2-minimize-adverse-drivers-and-structural-factors-compel-people-leave",
     "Objective 2: Minimize the adverse drivers and structural factors that compel people to leave "
     "their country of origin"),
    ("/gcm-objectives/objective-7-address-and-reduce-vulnerabilities-migration",
     "Objective 7: Address and reduce vulnerabilities in migration"),
    ("/gcm-thematic-clusters/objective-23-strengthen-international-cooperation-and-global-partnerships-safe",
     "Objective 23: Strengthen international cooperation and global partnerships for safe, orderly "
     "and regular migration"),
)
RECORD_13001 = RecordPage(
    url=S + "/pfp/ppd/13001",
    title="Mayors Mechanism - Call to Local Action for Migrants and Refugees",
    date_shared="Friday, March 17, 2023 - 16:39",
    body="Cities commit to act.\n\nThis action was submitted through the GFMD Mayors Mechanism.",
    terms=(
        (SDG + "goal-1-end-poverty", "Goal 1: End poverty"),
        (SDG + "goal-16-peace-justice-and-strong-institutions", "Goal 16: Peace, justice and strong institutions"),
        *((S + path, name) for path, name in GCM),
        (S + "/contributors/international-organizations", "International Organizations"),
        (S + "/contributors/mayors-local-and-regional-governments", "Mayors, Local and Regional Governments"),
        (S + "/chairmanship/france-2022-2023", "France 2022-2023"),
        (S + "/pfp/ppd/capacity-building", "Capacity Building"),
        (S + "/pfp/ppd/diversity-inclusiveness-and-social-cohesion", "Diversity, Inclusiveness and Social Cohesion"),
        (S + "/pfp/ppd/migration-trade-and-investments", "Migration, Trade and Investments"),
    ),
)
STORED = (RECORD_24, RECORD_10929, RECORD_13001)


@pytest.mark.parametrize("markup", MARKUPS)
@pytest.mark.parametrize("record", STORED, ids=lambda r: r.url.rsplit("/", 1)[1])
def test_the_stored_pages_read_back_whole(record: RecordPage, markup: str) -> None:
    html = render_record_page(record, markup=markup, likes=76)
    assert read_record(html, record.url) == record
    assert read_record(html.encode("utf-8"), record.url) == record


@pytest.mark.parametrize("markup", MARKUPS)
def test_names_with_commas_stay_whole(markup: str) -> None:
    names = [name for _, name in read_record(render_record_page(RECORD_13001, markup=markup), RECORD_13001.url).terms]
    assert "Diversity, Inclusiveness and Social Cohesion" in names
    assert "Migration, Trade and Investments" in names
    assert "Diversity" not in names and "Trade and Investments" not in names


@pytest.mark.parametrize("markup", MARKUPS)
def test_the_like_counter_is_no_part_of_the_record(markup: str) -> None:
    with_likes = read_record(render_record_page(RECORD_24, markup=markup, likes=76), RECORD_24.url)
    without = read_record(render_record_page(RECORD_24, markup=markup), RECORD_24.url)
    assert with_likes == without
    assert "liked" not in repr(with_likes)


def test_countries_are_names_and_their_links_are_terms() -> None:
    record = RecordPage(url=S + "/pfp/ppd/5", title="T", date_shared=None, body="B.",
                        countries=("Egypt", "Global"),
                        terms=((S + "/pfp/ppd/egypt", "Egypt"),
                               (S + "/pfp/ppd/migration-and-health", "Migration and Health")))
    for markup in MARKUPS:
        assert read_record(render_record_page(record, markup=markup), record.url) == record


def page(content: str, *, title: str = '<h1 id="page-title" class="title">T</h1>',
         body: str = '<div class="field field-name-body"><div class="field-item"><p>Body.</p></div></div>',
         sidebar: str = "") -> str:
    return (f"<html><body>{sidebar}<div id=\"content\">{title}<div class=\"node\">{content}{body}</div></div>"
            "</body></html>")


DATE = "Monday, December 23, 2013 - 15:15"


@pytest.mark.parametrize(
    "content",
    [
        f'<div class="field field-label-above"><div class="field-label">Date Shared:&nbsp;</div>'
        f'<div class="field-items"><div class="field-item even">{DATE}</div></div></div>',
        f'<div class="field field--label-inline"><div class="field__label">Date Shared</div>'
        f'<div class="field__item">{DATE}</div></div>',
        f'<div class="field"><div class="field-label">date shared :</div>'
        f'<div class="field-items"><div class="field-item">{DATE}</div></div></div>',
        f"<p>Date Shared:</p><p>{DATE}</p><p>GFMD Source:</p><p>X</p>",
        f"<p>Date Shared</p>\n<div>{DATE}</div>",
        f"<p><strong>Date Shared:</strong> {DATE}<br/><strong>GFMD Source:</strong> X</p>",
        f"<p>Date Shared:&nbsp;{DATE}</p>",
        f"<p>Date Shared:<br/>{DATE}</p>",
    ],
    ids=["d7", "d10-inline", "case-and-space", "plain-paragraphs", "plain-no-colon", "strong",
         "inline-text", "inline-br"],
)
def test_a_label_is_found_however_it_is_marked(content: str) -> None:
    record = read_record(page(content), S + "/pfp/ppd/1")
    assert record.date_shared == DATE
    assert record.gfmd_source in ((), ("X",))


def test_plain_text_labels_bound_each_other() -> None:
    content = ("<p>Countries and areas:</p><p>Egypt</p><p>Morocco</p>"
               "<p>GFMD Source:</p><p>2013 Survey Report</p>"
               "<p>Thematic Recollection RT:</p><p>GFMD 2009 - RT 2.1</p>")
    record = read_record(page(content), S + "/pfp/ppd/1")
    assert record.countries == ("Egypt", "Morocco")
    assert record.gfmd_source == ("2013 Survey Report",)
    assert record.thematic_recollection == ("GFMD 2009 - RT 2.1",)


def test_a_label_without_a_value_is_an_absent_field() -> None:
    content = ('<div class="field"><div class="field-label">Countries and areas:&nbsp;</div></div>'
               '<div class="field"><div class="field-label">Geographical Relevance:&nbsp;</div>'
               '<div class="field-items"></div></div>')
    record = read_record(page(content), S + "/pfp/ppd/1")
    assert record.countries == () and record.terms == () and record.date_shared is None


def test_label_words_inside_the_body_are_body_text() -> None:
    body = '<div class="field field-name-body"><div class="field-item"><p>GFMD Source: our own survey.</p></div></div>'
    record = read_record(page("", body=body), S + "/pfp/ppd/1")
    assert record.gfmd_source == () and record.body == "GFMD Source: our own survey."


def test_only_the_records_own_term_links_are_terms() -> None:
    sidebar = ('<div id="sidebar-first" class="sidebar"><a href="/contributors/member-states">Member States</a></div>')
    body = ('<div class="field field-name-body"><div class="field-item"><p>See '
            '<a href="/pfp/ppd/migration-and-health">our theme</a>.</p></div></div>')
    content = ('<div class="field field-name-field-themes"><div class="field-items"><div class="field-item">'
               '<a href="http://www.gfmd.org/pfp/ppd/local-development?page=0">Local Development</a>, '
               '<a href="/pfp/ppd/12999">another record</a>, <a href="/pfp/ppd/contribute">Submit</a>'
               '</div></div></div><a href="/some-new-vocabulary/x" typeof="skos:Concept">X</a>'
               '<a href="/about-gfmd">About</a>')
    record = read_record(page(content, body=body, sidebar=sidebar), S + "/pfp/ppd/1")
    assert record.terms == ((S + "/pfp/ppd/local-development", "Local Development"),
                            (S + "/some-new-vocabulary/x", "X"))
    assert record.body == "See our theme."


def test_the_like_counter_is_dropped_from_the_body_too() -> None:
    body = ('<div class="field field-name-body"><div class="field-item"><p>76 liked this page.</p>'
            '<p>Real text.</p></div></div>')
    assert read_record(page("", body=body), S + "/pfp/ppd/1").body == "Real text."


def test_the_body_keeps_paragraphs_and_lines_as_published() -> None:
    body = ('<div class="field field-name-body"><div class="field-item"><p>One  line<br/>next ’line’</p>'
            '<p> </p><ul><li>a</li><li>b</li></ul></div></div>')
    assert read_record(page("", body=body), S + "/pfp/ppd/1").body == "One line\nnext ’line’\n\na\nb"


LISTING = render_listing("Member States", "/contributors/member-states", 7, 0, 0,
                         [RenderTeaser(5, "T", "A", "Summary.")])
WHOLE = render_record_page(RECORD_24)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "empty"),
        (b"\x00\x01\x02binary", "NUL"),
        (WHOLE[: len(WHOLE) // 2], "cut short"),
        ("<html><body><h1 id='page-title'>T</h1><div class='field-name-body'><p>B</p></div></body></html>",
         "no content region"),
        (page("", title=""), "no title"),
        (page("", body=""), "no body"),
        (LISTING, "a listing page"),
        (page('<div class="node node-teaser"><h2><a href="/pfp/ppd/3">Other</a></h2></div>'), "a listing page"),
    ],
    ids=["empty", "binary", "cut-short", "no-region", "no-title", "no-body", "listing", "teaser-in-record"],
)
def test_a_page_that_cannot_be_read_whole_is_refused(body: str | bytes, reason: str) -> None:
    with pytest.raises(UnreadableInput, match=reason):
        read_record(body, S + "/pfp/ppd/1")


def test_refusals_are_record_errors_where_the_markup_is_at_fault() -> None:
    with pytest.raises(RecordUnreadable):
        read_record(page("", body=""), S + "/pfp/ppd/1")


def test_labels_outside_the_record_are_not_read() -> None:
    sidebar = '<aside class="sidebar"><p>GFMD Source:</p><p>Sidebar text</p></aside>'
    record = read_record(page("<p>Date Shared: today</p>", sidebar=sidebar), S + "/pfp/ppd/1")
    assert record.gfmd_source == () and record.date_shared == "today"
