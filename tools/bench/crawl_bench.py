"""Crawl throughput, memory and politeness on generated fixture sites (loopback only).

Run: ``python bench/crawl_bench.py`` (options: ``--pages 2000 --small 500 --polite-pages 100
--delay 0.05 --repeat 3``). Each figure is the median of ``--repeat`` runs. Prints

* parse only: pages/s of ``parse_listing`` over the generated pages (target >= 500 on one
  core), by wall clock and by the process's CPU time (the latter is what one core gives
  when the machine is shared);
* replay: pages/s of a whole replayed crawl, politeness off (target >= 200), for ``--small``
  and ``--pages`` pages: wall clock including the child's start, the crawl itself (crawl
  record ``started`` to ``finished``), and pages per CPU second of the crawl process;
* peak memory (max RSS of the crawl processes so far) for both sizes: flat means the crawl
  streams its records instead of holding them;
* polite: one request at a time, download delay d, AutoThrottle on; crawl time /
  (pages x d) (target <= 1.1: the delay, not the crawler, sets the pace). Measured with
  ``DOWNLOAD_DELAY_JITTER = 0``: with Scrapy's default jitter (+-50%) the delay is re-drawn
  each time the downloader's timer fires and a draw above the time already waited makes it
  wait again, so the mean gap is ~1.22 d by design of Scrapy, not crawler overhead; that
  figure is printed too, for reference. The robots.txt fetch is one of the requests paced.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pledgewatch.scraper.crawl import run_crawl
from pledgewatch.scraper.fixture_site import Entry, body_path, write_manifest
from pledgewatch.scraper.parsing import parse_listing
from pledgewatch.scraper.render import RenderTeaser, render_listing

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


def parse_only(bodies: list[Path]) -> tuple[float, float]:
    """(pages/s by wall clock, pages/s by CPU time of this process)."""
    data = [(b.read_bytes(), f"{SITE}/contributors/x") for b in bodies]
    start, cpu = time.perf_counter(), time.process_time()
    for body, url in data:
        parse_listing(body, url=url)
    return len(data) / (time.perf_counter() - start), len(data) / (time.process_time() - cpu)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def replay(root: Path, pages: int, settings: dict[str, object]) -> tuple[float, float, float, int]:
    """(wall seconds, crawl seconds from the crawl record, child CPU seconds, peak RSS in MiB
    of the crawl processes so far)."""
    out = root / "run.jsonl"
    start, cpu = time.perf_counter(), _children_cpu()
    summary = run_crawl(out, replay=root, settings={"LOG_LEVEL": "ERROR", **settings})
    wall, cpu = time.perf_counter() - start, _children_cpu() - cpu
    assert summary.pages_ok == pages, summary
    record = json.loads(out.read_text(encoding="utf-8").splitlines()[-1])
    seconds = _ts(record["finished"]) - _ts(record["started"])
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
    return wall, seconds, cpu, rss


def _ts(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--small", type=int, default=500)
    parser.add_argument("--polite-pages", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure; medians are printed")
    args = parser.parse_args()
    runs = max(1, args.repeat)
    with open("/proc/loadavg", encoding="ascii") as load:
        print(f"load average before: {' '.join(load.read().split()[:3])}; medians of {runs} run(s)")
    with tempfile.TemporaryDirectory() as tmp:
        sites = {n: Path(tmp) / f"site-{n}" for n in (args.small, args.pages, args.polite_pages)}
        bodies = {n: build_site(p, n) for n, p in sites.items() if p.mkdir() is None}
        parsed = [parse_only(bodies[args.pages]) for _ in range(runs)]
        print(f"parse only: {_median([w for w, _ in parsed]):.0f} pages/s wall, "
              f"{_median([c for _, c in parsed]):.0f} pages/s per CPU second, over {args.pages} pages")
        for n in (args.small, args.pages):
            results = [replay(sites[n], n, {}) for _ in range(runs)]
            wall, seconds, cpu = (_median([r[i] for r in results]) for i in range(3))
            print(f"replay {n} pages, politeness off: {n / wall:.0f} pages/s wall (child start "
                  f"included), {n / seconds:.0f} pages/s crawling, {n / cpu:.0f} pages per CPU "
                  f"second of the crawl process; peak RSS so far {max(r[3] for r in results)} MiB")
        n, ideal = args.polite_pages, args.polite_pages * args.delay
        polite = {"DOWNLOAD_DELAY": args.delay, "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
                  "AUTOTHROTTLE_ENABLED": True, "AUTOTHROTTLE_START_DELAY": args.delay}
        for label, jitter in (("no jitter", 0.0), ("Scrapy's default jitter, for reference", 0.5)):
            results = [replay(sites[n], n, {**polite, "DOWNLOAD_DELAY_JITTER": jitter}) for _ in range(runs)]
            wall, seconds = _median([r[0] for r in results]), _median([r[1] for r in results])
            print(f"polite {n} pages, delay {args.delay}s, {label}: crawl {seconds:.2f}s / "
                  f"(pages x d = {ideal:.2f}s) = {seconds / ideal:.2f}; wall incl. child start {wall:.2f}s")


if __name__ == "__main__":
    main()
