"""A filter naming nothing real is refused with a did-you-mean, in the config and in diff;
a filtered report says it is filtered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pledgewatch.config_resolve import load_config
from pledgewatch.core.errors import ConfigError
from pledgewatch.report.filter_names import check_filter, project_names

EXAMPLE = Path(__file__).resolve().parents[2] / "pledgewatch.example.toml"


def test_diff_refuses_a_vocabulary_that_matches_nothing(cli):
    code, out, err = cli("diff", "--vocabulary", "sdg")
    assert code == 2 and out == ""
    assert err == "error: --vocabulary 'sdg' matches nothing on the site; did you mean '2030 Agenda (SDGs)'?\n"


def test_diff_refuses_a_misspelt_term(cli):
    code, _, err = cli("diff", "--term", "Subnatinal")
    assert code == 2 and "did you mean 'Subnational'?" in err


def test_diff_accepts_a_term_known_only_from_the_database(cli):
    code, out, _ = cli("diff", "--term", "Migration and Health")  # not in scraper/terms.py names
    assert code == 0 and "Welcoming San José Plan 2.0" in out  # 13122, removed from it


def test_a_filtered_report_says_what_it_is_filtered_by(cli):
    code, out, _ = cli("diff", "--vocabulary", "gcm-thematic-clusters", "--format", "html")
    assert code == 0
    assert "Filtered: only pledges under vocabulary GCM thematic cluster areas." in out
    assert "Welcoming San José Plan 2.0" not in out  # 13122 was never under Objective 16
    code, text, _ = cli("diff", "--vocabulary", "Contributors")
    assert "Filtered: only pledges under vocabulary Contributors." in text


def test_config_refuses_a_recipient_filter_that_matches_nothing(tmp_path):
    config = tmp_path / "pledgewatch.toml"
    config.write_text('[[mail.recipients]]\naddress = "desk@example.org"\nvocabularies = ["sdg"]\n')
    with pytest.raises(ConfigError, match=r"mail.recipients\[0\] \(desk@example.org\): vocabulary "
                                          r"'sdg' matches nothing on the site; did you mean "):
        load_config(config, env={})


def test_config_accepts_a_term_by_its_listing_url(tmp_path):
    config = tmp_path / "pledgewatch.toml"
    config.write_text('[[mail.recipients]]\naddress = "desk@example.org"\n'
                      'terms = ["https://gfmd.org/pfp/ppd/labour-migration"]\n')
    assert load_config(config, env={}).mail.recipients[0].terms == ("https://gfmd.org/pfp/ppd/labour-migration",)


def test_the_example_config_names_real_vocabularies_and_terms():
    text = EXAMPLE.read_text()
    vocabularies = re.findall(r'^# vocabularies = \[(.*)\]$', text, re.MULTILINE)
    terms = re.findall(r'^# terms = \[(.*)\]$', text, re.MULTILINE)
    assert vocabularies and terms
    names = lambda found: [n.strip().strip('"') for line in found for n in line.split(",")]  # noqa: E731
    check_filter(names(vocabularies), names(terms), project_names())
