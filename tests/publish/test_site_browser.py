"""The demo's site in a real browser (Debian's Chromium), served on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.publish.browser import chromium, is_loopback, serve

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site_url(demo_site: Path) -> Iterator[str]:
    with serve(demo_site) as url:
        yield url


def test_an_editor_follows_runs_pledges_the_picker_and_search(site_url: str):
    from playwright.sync_api import expect

    with chromium(viewport={"width": 1200, "height": 900}) as (context, watch):
        page = context.new_page()
        page.goto(site_url + "index.html")
        rows = page.locator("table tbody tr")
        expect(rows).to_have_count(2)
        expect(rows.nth(0)).to_contain_text("Run 2")
        expect(rows.nth(1)).to_contain_text("Run 1")

        page.get_by_role("link", name=re.compile(r"^Run 2")).first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Run 2")
        page.get_by_role("link", name=re.compile("Legazpi City: Expanded Help Desk")).click()
        expect(page).to_have_url(site_url + "pledges/13185.html")
        expect(page.locator("#version-1-heading")).to_have_text("Version 1")
        expect(page.locator("#version-2-heading")).to_have_text("Version 2")
        expect(page.locator("#version-2 ins")).to_contain_text("and Hotline")

        comparison = page.locator("#compare-1-2")
        expect(comparison).to_be_hidden()
        page.select_option("#compare-from", "1")
        page.select_option("#compare-to", "2")
        page.focus("#compare-to")
        page.keyboard.press("Tab")  # the picker works from the keyboard
        page.keyboard.press("Enter")
        expect(comparison).to_be_visible()
        expect(comparison).to_be_focused()
        expect(comparison.locator("ins")).to_have_text(re.compile(r"and Hotline"))

        page.goto(site_url + "index.html")
        page.fill("#q", "Hotline")
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"search\.html\?q=Hotline$"))
        result = page.locator("#results a")
        expect(result).to_have_count(1)
        expect(result).to_have_text("Legazpi City: Expanded Help Desk and Hotline for Overseas Filipino Workers")
        page.fill("#q", "zurich municipal")  # accents folded, every word must match
        expect(page.locator("#results a")).to_contain_text(["Pledge of the City of Zürich"])

        page.goto(site_url + "pledges/13150.html")
        left = page.locator("li.removed")
        expect(left).to_have_count(1)
        expect(left).to_contain_text("Goal 11: Sustainable cities and communities")
        page.close()

    assert watch.errors == []
    assert watch.refused == []
    assert watch.requests and all(is_loopback(url) for url in watch.requests)
    assert site_url + "search-index.js" in watch.requests


def test_without_javascript_search_is_an_a_to_z_list_and_versions_compare_by_links(site_url: str):
    from playwright.sync_api import expect

    with chromium(java_script_enabled=False, viewport={"width": 400, "height": 800}) as (context, watch):
        page = context.new_page()
        page.goto(site_url + "search.html")
        expect(page.locator("#search-form")).to_be_hidden()
        page.get_by_role("link", name=re.compile(r"^L \(")).click()
        expect(page.get_by_role("link", name=re.compile("^Legazpi City"))).to_be_visible()

        page.goto(site_url + "pledges/13185.html")
        expect(page.locator("form.picker")).to_be_hidden()
        page.get_by_role("link", name="Version 1 → version 2").click()
        expect(page.locator("#compare-1-2")).to_be_visible()
        page.close()

    assert watch.errors == [] and watch.refused == []
