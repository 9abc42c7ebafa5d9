"""Parsing throughput: pages/s of ``parse_listing`` on rendered and fixture pages.

Run: ``.venv/bin/python tools/bench/parse_bench.py`` (options: ``--pages 200 --repeat 5``).

Prints, per set of pages, pages/s by wall clock and by this process's CPU time (the fairer
figure on a shared machine), each the median of ``--repeat`` passes:

* one line per theme family of ``scraper/themes/``: ``--pages`` pages of ten teasers each
  (two-paragraph summaries, absolute ``www.`` links, titles broken over lines, entities, a
  sidebar), pages 0..N of terms of ten pages;
* ``fixtures``: every listing page of ``fixtures/sites/small`` and the seed reconstructions.

The target is >= 300 pages/s per CPU second on every line: the polite crawl fetches one page
per second, so parsing must stay a small share of a crawl process, with room for a slower
machine. Nothing here touches the network.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from pledgewatch.scraper.parsing import parse_listing
from pledgewatch.scraper.render import THEMES, RenderTeaser, render_listing

ROOT = Path(__file__).resolve().parents[2]
TARGET = 300
SUMMARY = (
    "The City commits to implement a local action plan for migrants and refugees, with "
    "services, language courses and a one-stop shop.\n\nA second paragraph – with “more” detail."
)
SIDEBAR = [RenderTeaser(19116 - i, f"Latest pledge {i}", "Costanza Bindi", "") for i in range(5)]

Page = tuple[str, str]  # (html, the URL it was fetched from)


def rendered_pages(theme: str, count: int) -> list[Page]:
    pages = []
    for index in range(count):
        term, n = divmod(index, 10)
        path = f"/contributors/bench-term-{term}"
        teasers = [RenderTeaser(100_000 - 10 * index - i, f"Pledge {term}-{n}-{i}: Café & Co",
                                "Ms. Anqi ZHANG", SUMMARY, submitted="2024-03-20T10:15:00+01:00")
                   for i in range(10)]
        html = render_listing(f"Term {term}", path, term, n, 9, teasers, site="https://www.gfmd.org",
                              theme=theme, break_titles=True, entities=True, sidebar=SIDEBAR)
        pages.append((html, f"https://gfmd.org{path}" + (f"?page={n}" if n else "")))
    return pages


def fixture_pages() -> list[Page]:
    found = sorted((ROOT / "fixtures" / "sites" / "small").glob("*/pages/**/*.html"))
    found += sorted((ROOT / "fixtures" / "seeds").glob("*.html"))
    return [(path.read_text(encoding="utf-8"), "https://gfmd.org/contributors/x") for path in found]


def rate(pages: list[Page], repeat: int) -> tuple[float, float]:
    """(pages/s by wall clock, pages/s per CPU second), medians of ``repeat`` passes."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for html, url in pages:
            parse_listing(html, url=url)
        walls.append(len(pages) / (time.perf_counter() - wall))
        cpus.append(len(pages) / max(time.process_time() - cpu, 1e-9))
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="rendered pages per theme family")
    parser.add_argument("--repeat", type=int, default=5, help="passes per figure; medians are printed")
    args = parser.parse_args()
    sets = {theme: rendered_pages(theme, args.pages) for theme in THEMES}
    sets["fixtures"] = fixture_pages()
    print(f"{'pages':14} {'count':>6} {'wall pages/s':>13} {'CPU pages/s':>12}")
    for name, pages in sets.items():
        wall, cpu = rate(pages, args.repeat)
        verdict = "" if cpu >= TARGET else f"  below the target of {TARGET}"
        print(f"{name:14} {len(pages):6d} {wall:13.0f} {cpu:12.0f}{verdict}")


if __name__ == "__main__":
    main()
