"""Canonical URLs, record/listing classification, vocabularies and the terms file."""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.core.errors import InputError
from pledgewatch.scraper.terms import (
    KNOWN_TERMS,
    PATTERN_ONLY_TERMS,
    canonical_url,
    is_listing_url,
    is_record_url,
    load_terms_file,
    page_number,
    record_path,
    vocabulary_of,
    with_page,
)

T = "https://gfmd.org/contributors/member-states"

CANONICAL = [
    ("http://gfmd.org/contributors/member-states", None, T),
    ("https://www.gfmd.org/contributors/member-states", None, T),
    ("HTTPS://WWW.GFMD.ORG/contributors/member-states", None, T),
    ("https://gfmd.org/contributors/member-states?page=0", None, T),
    ("https://gfmd.org/contributors/member-states/", None, T),
    ("https://gfmd.org/contributors/member-states#main", None, T),
    ("https://gfmd.org/contributors/member-states?page=7", None, T + "?page=7"),
    ("https://gfmd.org/contributors/member-states?page=7&sort=asc", None, T + "?page=7"),
    ("/contributors/member-states?page=2", None, T + "?page=2"),
    ("?page=3", T, T + "?page=3"),
    ("member-states?page=1", "https://gfmd.org/contributors/other", T + "?page=1"),
    ("/pfp/ppd/13001", "http://127.0.0.1:8765/contributors/x", "https://gfmd.org/pfp/ppd/13001"),
    ("http://127.0.0.1:8765/contributors/member-states?page=0", None, T),
    ("http://localhost:9/contributors/member-states", None, T),
    ("https://proboprint.info/pfp/ppd/24#x", None, "https://proboprint.info/pfp/ppd/24"),
]


@pytest.mark.parametrize(("url", "base", "want"), CANONICAL, ids=[c[0] for c in CANONICAL])
def test_canonical_url_maps_every_form_to_one(url: str, base: str | None, want: str) -> None:
    assert canonical_url(url, base) == want


def test_canonical_url_maps_a_named_replay_host_given_as_fetch_base() -> None:
    url = canonical_url("http://replay.test:8000/contributors/member-states?page=2",
                        fetch_base="http://replay.test:8000")
    assert url == T + "?page=2"


def test_canonical_url_is_idempotent() -> None:
    for url, base, _ in CANONICAL:
        once = canonical_url(url, base)
        assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("url", "record", "listing"),
    [
        ("https://gfmd.org/pfp/ppd/13001", True, False),
        ("http://www.gfmd.org/pfp/ppd/24/", True, False),
        ("https://gfmd.org/pfp/ppd/contribute", False, False),
        ("https://gfmd.org/pfp/ppd/migration-and-family", False, True),
        ("https://gfmd.org/pfp/ppd/egypt?page=3", False, True),
        ("https://gfmd.org/taxonomy/term/573", False, True),
        ("https://gfmd.org/taxonomy/term/573/feed", False, False),
        ("https://gfmd.org/misc/feed.png", False, False),
        ("https://gfmd.org/sites/default/files/report.pdf", False, False),
        ("https://gfmd.org/", False, False),
        ("https://gfmd.org/pfp/ppd", False, False),
        ("https://proboprint.info/pfp/ppd/13001", False, False),
        ("https://228551.dnxkx.asia/contributors/member-states", False, False),
    ],
)
def test_records_and_listings_are_told_apart(url: str, record: bool, listing: bool) -> None:
    assert (is_record_url(url), is_listing_url(url)) == (record, listing)


def test_record_path_is_the_pledge_key() -> None:
    assert record_path("http://www.gfmd.org/pfp/ppd/13001?x=1") == "/pfp/ppd/13001"
    assert record_path("https://gfmd.org/pfp/ppd/egypt") is None


def test_page_number_and_with_page() -> None:
    assert page_number(T) == 0 and page_number(T + "?page=45") == 45
    assert with_page(T + "?page=3", 0) == T
    assert with_page("http://www.gfmd.org/contributors/member-states", 5) == T + "?page=5"
    with pytest.raises(ValueError):
        with_page(T, -1)


@pytest.mark.parametrize(
    ("url", "vocabulary"),
    [
        (T, "contributors"),
        ("https://gfmd.org/gcm-objectives/objective-7-address-and-reduce-vulnerabilities-migration",
         "gcm-objectives"),
        ("https://gfmd.org/pfp/ppd/local-development?page=2", "pfp/ppd"),
        ("https://gfmd.org/taxonomy/term/572", "taxonomy/term"),
        ("https://gfmd.org/chairmanship/france-2022-2023", "chairmanship"),
        ("https://gfmd.org/new-vocabulary/some-term", "new-vocabulary"),
        ("https://gfmd.org/pfp/ppd/13001", None),
        ("https://gfmd.org/pfp/ppd", None),
    ],
)
def test_vocabulary_is_the_url_prefix(url: str, vocabulary: str | None) -> None:
    assert vocabulary_of(url) == vocabulary


def test_known_terms_are_canonical_listing_urls_with_seen_slugs_only() -> None:
    assert len(KNOWN_TERMS) == len(set(KNOWN_TERMS)) == 24
    for url in KNOWN_TERMS:
        assert canonical_url(url) == url and is_listing_url(url) and vocabulary_of(url)
    assert not set(KNOWN_TERMS) & set(PATTERN_ONLY_TERMS)
    assert all(len(url.removeprefix("https://gfmd.org/")) <= 100 for url in KNOWN_TERMS)


def test_terms_file_plain_list_with_comments(tmp_path: Path) -> None:
    path = tmp_path / "terms.txt"
    path.write_text("# extra terms\nhttp://www.gfmd.org/contributors/member-states?page=3\n\n"
                    "/chairmanship/france-2022-2023  # seen\n" + T + "\n", encoding="utf-8")
    assert load_terms_file(path) == [T, "https://gfmd.org/chairmanship/france-2022-2023"]


def test_terms_file_in_toml(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text(f'terms = [\n  "{T}",\n  "https://gfmd.org/taxonomy/term/572",\n]\n')
    assert load_terms_file(path) == [T, "https://gfmd.org/taxonomy/term/572"]


@pytest.mark.parametrize(
    ("content", "line"),
    [
        ("https://gfmd.org/contributors/x\nhttps://proboprint.info/contributors/x\n", 2),
        ("https://gfmd.org/pfp/ppd/13001\n", 1),
        ("\n\nftp://gfmd.org/contributors/x\n", 3),
        ("contributors/no-leading-slash\n", 1),
    ],
    ids=["mirror-host", "record-url", "bad-scheme", "relative-path"],
)
def test_terms_file_bad_url_is_an_input_error_naming_the_line(
    tmp_path: Path, content: str, line: int
) -> None:
    path = tmp_path / "terms.txt"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=rf"terms.txt:{line}: not a gfmd.org term listing URL"):
        load_terms_file(path)


def test_terms_file_that_is_not_a_list_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "terms.toml"
    path.write_text("terms = 3\n")
    with pytest.raises(InputError, match="expected a list"):
        load_terms_file(path)



def test_calls_with_huge_urls_bypass_the_url_caches() -> None:
    huge = "https://gfmd.org/contributors/" + "x" * 100_000
    calls = [(canonical_url, (huge,), {}), (canonical_url, ("/pfp/ppd/1",), {"base": huge}),
             (is_listing_url, (huge,), {}), (vocabulary_of, (huge,), {})]
    for function, args, kwargs in calls:
        cells = [cell.cell_contents for cell in function.__closure__]
        cache = next(c for c in cells if hasattr(c, "cache_info"))
        before = cache.cache_info()
        assert function(*args, **kwargs) == function.__wrapped__(*args, **kwargs)
        after = cache.cache_info()
        assert (after.hits, after.misses) == (before.hits, before.misses)
