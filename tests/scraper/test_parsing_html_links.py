"""The HTML front-end's link shortcuts give exactly what ``canonical_url`` gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pledgewatch.scraper.parsing.html_links import record_url, resolve
from pledgewatch.scraper.terms import canonical_url, is_record_url

HEADS = ["", "https://gfmd.org", "http://www.gfmd.org", "https://www.gfmd.org", "HTTPS://GFMD.ORG",
         "//gfmd.org", "https://proboprint.info", "http://127.0.0.1:8765", " ", "?", "#"]
PATHS = ["", "/", "/pfp/ppd/13001", "/pfp/ppd/13001/", "/pfp/ppd/contribute", "//pfp/ppd/7",
         "/contributors/member-states", "contributors/x", "/taxonomy/term/5"]
QUERIES = ["", "?", "?#x", "?page=3#x", "?page=3", "?page=0", "?page=2,1", "?page=3&sort=asc",
           "?sort=asc", "?page=x", "#top"]
BASES = ["https://gfmd.org/contributors/member-states?page=3", "http://127.0.0.1:8765/pfp/ppd/egypt",
         "https://www.gfmd.org/taxonomy/term/5", "https://proboprint.info/contributors/x", "https://gfmd.org"]


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(HEADS), st.sampled_from(PATHS), st.sampled_from(QUERIES), st.sampled_from(BASES))
def test_resolve_is_canonical_url_against_the_base(head, path, query, base) -> None:
    href = head + path + query
    if not href.strip():
        assert resolve(href, base) is None
        return
    assert resolve(href, base) == canonical_url(href, base=base)
    expected = canonical_url(href, base=base)
    assert record_url(href, base) == (expected if is_record_url(expected) else None)
