"""Every seed, as text and as its HTML reconstruction, against values written by hand."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

import pytest

from pledgewatch.scraper.parsing import parse_listing

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
EXPECTED = SEEDS.parent / "expected"
STEMS = sorted(p.stem for p in SEEDS.glob("*.txt"))
SEED_FIELDS = ("title", "author", "author_position", "author_truncated", "summary")


def expected(stem: str) -> dict:
    return json.loads((EXPECTED / f"{stem}.json").read_text(encoding="utf-8"))


def parsed(stem: str, suffix: str, url: str | None = None):
    return parse_listing((SEEDS / f"{stem}{suffix}").read_bytes(), url=url)


def seed_view(listing) -> list[dict]:
    return [{k: asdict(t)[k] for k in SEED_FIELDS} for t in listing.teasers]


def test_there_are_five_seeds_each_with_html_and_expected_values() -> None:
    assert len(STEMS) == 5
    for stem in STEMS:
        assert (SEEDS / f"{stem}.html").is_file()
        assert (EXPECTED / f"{stem}.json").is_file()


@pytest.mark.parametrize("suffix", [".txt", ".html"])
@pytest.mark.parametrize("stem", STEMS)
def test_seed_teasers_match_the_hand_written_values(stem: str, suffix: str) -> None:
    want = expected(stem)
    listing = parsed(stem, suffix)
    assert listing.format == ("text" if suffix == ".txt" else "html")
    assert listing.term == want["term"]
    assert len(listing.teasers) == want["count"]
    assert seed_view(listing) == want["teasers"]


@pytest.mark.parametrize("stem", STEMS)
def test_both_front_ends_produce_the_same_records_apart_from_links(stem: str) -> None:
    url = expected(stem)["url"]
    from_text = parsed(stem, ".txt", url).teaser_items()
    from_html = parsed(stem, ".html", url).teaser_items()
    assert all(r.url is None for r in from_text)
    assert all(r.url and r.url.startswith("https://gfmd.org/pfp/ppd/9000") for r in from_html)
    for record in from_text + from_html:
        record.url = None
    assert from_text == from_html


@pytest.mark.parametrize("stem", STEMS)
def test_html_reconstruction_knows_its_url_term_url_and_page_from_the_markup(stem: str) -> None:
    want_url = expected(stem)["url"]
    listing = parsed(stem, ".html")
    assert listing.url == want_url
    assert listing.term_url == want_url.split("?")[0]
    assert listing.page == 4
    assert listing.tid is not None and 990001 <= listing.tid <= 990005


@pytest.mark.parametrize("stem", STEMS)
def test_seed_page_records_are_ok_with_the_teaser_count(stem: str) -> None:
    want = expected(stem)
    for suffix in (".txt", ".html"):
        record = parsed(stem, suffix, want["url"]).page_item(200)
        assert record.ok and record.error is None
        assert record.teasers == want["count"]
        assert record.url == want["url"]


def test_same_record_on_two_seeds_gets_the_same_placeholder_link() -> None:
    def links(stem: str) -> dict:
        return {t.title: t.url for t in parsed(stem, ".html").teasers}

    seed_000, seed_001 = links(STEMS[0]), links(STEMS[1])
    shared = set(seed_000) & set(seed_001)
    assert len(shared) == 6
    assert all(seed_000[title] == seed_001[title] for title in shared)


def test_seed_001_has_two_bylines_after_the_body() -> None:
    after = [t.title for t in parsed(STEMS[1], ".txt").teasers if t.author_position == "after"]
    assert after == [
        "Simulation Exercise on Admission and Stay in Cross-Border Disaster Displacement",
        "Welcoming Salt Lake: Government and Community Leadership Biannual Convening in "
        "Welcoming Week",
    ]


def test_mojibake_and_typos_are_kept_as_published() -> None:
    framework = parsed(STEMS[4], ".txt").teasers[0]
    assert "\u00ecConsolidating" in framework.summary and "Phase II.\u00ee" in framework.summary
    titles = [t.title for t in parsed(STEMS[0], ".html").teasers]
    assert any("Intercultural Sialogue" in (t or "") for t in titles)


def test_seed_text_files_are_untouched_originals() -> None:
    sizes = {p.name: p.stat().st_size for p in SEEDS.glob("*.txt")}
    assert sizes == {
        "000_86104b402446e970.txt": 5145,
        "001_07d09e20959daf53.txt": 4832,
        "002_ece6f867abc4392c.txt": 3899,
        "003_d8bc6723e13a4a6a.txt": 3025,
        "004_2bbab999b327fd94.txt": 2527,
    }
