"""Crawl throughput, memory and politeness on generated fixture sites (loopback only).

Run: ``python bench/crawl_bench.py`` (options: ``--pages 2000 --small 500 --polite-pages 100
--delay 0.05``). Prints

* parse only: pages/s of ``parse_listing`` over the generated pages (target >= 500);
* replay: pages/s of a whole replayed crawl, politeness off, child process included
  (target >= 200), for ``--small`` and ``--pages`` pages;
* peak memory (max RSS of the crawl process) for both sizes: flat means the crawl
  streams its records instead of holding them;
* polite: a crawl with one request at a time and download delay d; crawl time / (pages x d)
  (target <= 1.1: the delay, not the crawler, sets the pace).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scraper.crawl import run_crawl  # noqa: E402
from scraper.fixture_site import Entry, body_path, write_manifest  # noqa: E402
from scraper.parsing import parse_listing  # noqa: E402
from scraper.render import RenderTeaser, render_listing  # noqa: E402

SITE = "https://gfmd.org"
PAGES_PER_TERM = 10
SUMMARY = (
    "The City commits to implement a local action plan for migrants and refugees, with "
    "services, language courses and a one-stop shop.\n\nA second paragraph with more detail."
)


def build_site(root: Path, pages: int) -> list[Path]:
    """``pages`` listing pages: terms of 10 pages, 10 teasers each. Returns the body files."""
    entries, bodies = [], []
    terms = max(1, pages // PAGES_PER_TERM)
    for t in range(terms):
        path = f"/contributors/bench-term-{t}"
        count = min(PAGES_PER_TERM, pages - t * PAGES_PER_TERM)
        for n in range(count):
            teasers = [RenderTeaser(100_000 - 10 * n - i, f"Pledge {t}-{n}-{i}", "Ms. Anqi ZHANG", SUMMARY,
                                    submitted="2024-03-20T10:15:00+01:00") for i in range(10)]
            url = SITE + path + (f"?page={n}" if n else "")
            relative = body_path(url)
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text(render_listing(f"Term {t}", path, t, n, count - 1, teasers))
            entries.append(Entry(url=url, body=relative))
            bodies.append(root / relative)
    (root / "robots.txt").write_text("User-agent: *\n")
    entries.append(Entry(url=SITE + "/robots.txt", body="robots.txt"))
    write_manifest(root, entries, f"benchmark site, {pages} pages", SITE)
    return bodies


def parse_only(bodies: list[Path]) -> float:
    data = [(b.read_bytes(), f"{SITE}/contributors/x") for b in bodies]
    start = time.perf_counter()
    for body, url in data:
        parse_listing(body, url=url)
    return len(data) / (time.perf_counter() - start)


def replay(root: Path, pages: int, settings: dict[str, object]) -> tuple[float, float, int]:
    """(wall seconds, crawl seconds from the crawl record, child peak RSS in MiB)."""
    out = root / "run.jsonl"
    start = time.perf_counter()
    summary = run_crawl(out, replay=root, settings={"LOG_LEVEL": "ERROR", **settings})
    wall = time.perf_counter() - start
    assert summary.pages_ok == pages, summary
    crawl = out.read_text(encoding="utf-8").splitlines()[-1]
    import json

    record = json.loads(crawl)
    seconds = (_ts(record["finished"]) - _ts(record["started"]))
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return wall, seconds, rss


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--polite-pages", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        sites = {n: Path(tmp) / f"site-{n}" for n in (args.small, args.pages, args.polite_pages)}
        bodies = {n: build_site(p, n) for n, p in sites.items() if p.mkdir() is None}
        print(f"parse only: {parse_only(bodies[args.pages]):.0f} pages/s over {args.pages} pages")
        for n in (args.small, args.pages):
            wall, seconds, rss = replay(sites[n], n, {})
            print(f"replay {n} pages, politeness off: {n / wall:.0f} pages/s wall (child start "
                  f"included), {n / seconds:.0f} pages/s crawling; peak RSS so far {rss} MiB")
        polite = {"DOWNLOAD_DELAY": args.delay, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                  "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": args.delay}
        n = args.polite_pages
        wall, seconds, _ = replay(sites[n], n, polite)
        ideal = n * args.delay
        print(f"polite {n} pages, delay {args.delay}s: crawl {seconds:.2f}s / (pages x d = {ideal:.2f}s) "
              f"= {seconds / ideal:.2f}; wall incl. child start {wall:.2f}s")


if __name__ == "__main__":
    main()
