"""A crawl plan survives its JSON file, and a malformed one is refused with its reason."""

import pytest

from pledgewatch.core.crawl_plan import CrawlPlan, TermFetch, Validators, plan_from_json, read_plan
from pledgewatch.core.errors import InputError


def test_a_plan_reads_back_as_written(tmp_path):
    plan = CrawlPlan("cover", (TermFetch("https://gfmd.org/contributors/member-states", "all"),
                               TermFetch("https://gfmd.org/geographical-relevance/subnational", "first")),
                     known={"https://gfmd.org/pfp/ppd/24": "ab" * 16},
                     due=("https://gfmd.org/pfp/ppd/24",),
                     validators={"https://gfmd.org/contributors/member-states": Validators('"x"', None)})
    plan.write(tmp_path / "plan.json")
    assert read_plan(tmp_path / "plan.json") == plan


def test_a_pages_stored_pager_fields_travel_with_its_validators(tmp_path):
    url = "https://gfmd.org/contributors/member-states"
    plan = CrawlPlan("full", (TermFetch(url),), validators={
        url: Validators('"x"', None, f"{url}?page=1", 3, 10)})
    plan.write(tmp_path / "plan.json")
    stored = read_plan(tmp_path / "plan.json").validators[url]
    assert (stored.next_url, stored.last_page, stored.teasers) == (f"{url}?page=1", 3, 10)


def test_validators_become_conditional_headers():
    assert Validators('"x"', "Mon, 07 Dec 2026 04:00:00 GMT").headers() == {
        "If-None-Match": '"x"', "If-Modified-Since": "Mon, 07 Dec 2026 04:00:00 GMT"}
    assert Validators().headers() == {}


@pytest.mark.parametrize("data, reason", [
    ({"terms": []}, "mode"),
    ({"mode": "some", "terms": []}, "mode must be one of"),
    ({"mode": "full", "terms": [{"url": "u", "depth": "half"}]}, "depth must be one of"),
    ({"mode": "full", "terms": [{"depth": "all"}]}, "url"),
    ([], "not a crawl plan"),
    ({"mode": "full", "terms": [], "validators": {"u": {"last_page": "2"}}}, "last_page must be int"),
])
def test_a_malformed_plan_is_refused(data, reason):
    with pytest.raises(InputError, match=reason):
        plan_from_json(data)
