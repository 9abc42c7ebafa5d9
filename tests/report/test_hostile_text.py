"""Scraped text is untrusted: markup shows as text, links stay on the site, sizes stay bounded."""

from __future__ import annotations

from dataclasses import replace

import pytest

from pledgewatch.core.values import ChangeSet, NotSeen, TermRef
from pledgewatch.report.render import render_report
from pledgewatch.report.safety import safe_url, site_hosts
from tests.support.sample_changes import M4SD, WELCOMING, edited

SCRIPT_TITLE = '<script>alert("x")</script> Welcoming <b>San José</b>'


def only_new(pledge) -> ChangeSet:
    return ChangeSet(from_run=1, to_run=2, complete=True, new=(pledge,))


def test_markup_in_a_title_is_shown_as_text_in_html():
    html = render_report(only_new(replace(WELCOMING, title=SCRIPT_TITLE))).html
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Welcoming &lt;b&gt;San José&lt;/b&gt;" in html


def test_markup_in_a_title_is_kept_literally_in_plain_text():
    text = render_report(only_new(replace(WELCOMING, title=SCRIPT_TITLE))).text
    assert '<script>alert("x")</script>' in text and "&lt;" not in text


def test_markup_in_every_rendered_field_is_escaped():
    hostile = "<img src=x onerror=alert(1)>"
    pledge = replace(WELCOMING, summary=hostile, author=hostile, submitted=hostile,
                     terms=(TermRef("name:x", hostile, hostile, None),))
    changes = ChangeSet(
        from_run=1, to_run=2, complete=True, new=(pledge,),
        edited=(edited(M4SD, summary=hostile + " now"),),
        not_seen=(NotSeen(pledge, hostile),),
    )
    html = render_report(changes).html
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)//https://gfmd.org/",
        'https://gfmd.org/pfp/ppd/1" onmouseover="alert(1)',
        "https://evil.example/pfp/ppd/13001",
        "https://gfmd.org.evil.example/pfp/ppd/1",
        "https://user:pass@gfmd.org/pfp/ppd/1",
        "data:text/html,<script>alert(1)</script>",
        "//gfmd.org/pfp/ppd/1",
        "ftp://gfmd.org/pfp/ppd/1",
        "https://gfmd.org\x00/pfp",
    ],
    ids=["javascript", "javascript-mixed-case", "attribute-break", "other-host", "lookalike-host",
         "credentials", "data", "scheme-relative", "ftp", "nul"],
)
def test_a_title_with_an_unsafe_url_is_shown_unlinked(url):
    html = render_report(only_new(replace(WELCOMING, url=url, terms=()))).html
    assert "Welcoming San José" in html
    assert "href" not in html.split("<h2", 1)[1].split("Crawl health")[0]


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://evil.example/contributors/x"],
                         ids=["javascript", "other-host"])
def test_a_term_chip_with_an_unsafe_url_is_shown_unlinked(url):
    term = TermRef("name:x", "Hostile term", "contributors", url)
    html = render_report(only_new(replace(WELCOMING, url=None, terms=(term,)))).html
    section = html.split("<h2", 1)[1].split("Crawl health")[0]
    assert "Hostile term" in section and "href" not in section


@pytest.mark.parametrize("url", ["https://gfmd.org/pfp/ppd/1", "http://www.gfmd.org/pfp/ppd/1"])
def test_site_urls_are_linked(url):
    assert safe_url(url, site_hosts("gfmd.org")) == url


def test_bidi_override_characters_are_removed_from_titles():
    title = "Invoice \u202efdp.exe\u202c for \u2067migrants\u2069"
    report = render_report(only_new(replace(WELCOMING, title=title)))
    for body in (report.html, report.text):
        assert not any(ch in body for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
        assert "Invoice fdp.exe for migrants" in body


def test_arabic_and_accented_text_is_kept():
    title = "Programme d’intégration – برنامج الهجرة"
    assert title in render_report(only_new(replace(WELCOMING, title=title))).html


def test_a_one_megabyte_title_and_summary_are_bounded():
    huge = "Migration " * 100_000
    pledge = replace(WELCOMING, title=huge, summary=huge)
    report = render_report(only_new(pledge))
    assert len(report.html) < 20_000 and len(report.text) < 10_000
    assert "Migration Migration…" in report.text


def test_a_huge_edit_is_bounded_in_the_diff():
    before = replace(M4SD, summary="Start. " + "a " * 300_000)
    changes = ChangeSet(from_run=1, to_run=2, complete=True,
                        edited=(edited(before, summary="Begin. " + "b " * 300_000),))
    report = render_report(changes)
    assert len(report.html) < 20_000 and len(report.text) < 10_000


def test_crlf_in_a_title_cannot_reach_the_subject():
    changes = only_new(replace(WELCOMING, title="x\r\nBcc: victim@example.org"))
    assert "\n" not in render_report(changes).subject
    assert "Bcc" not in render_report(changes).subject


def test_safety_module_examples_hold():
    import doctest

    import pledgewatch.report.safety

    assert doctest.testmod(pledgewatch.report.safety).failed == 0
