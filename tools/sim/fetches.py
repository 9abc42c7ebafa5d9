"""What one crawl asked the site for, counted from its run file (``crawl.keep_files``).

Every listing page the crawl tried writes one page line and every record page one record
line (docs/crawling.md), failures included, so the run file is the crawl's own account of its
requests; robots.txt is one more, and a page that answered a retryable status was asked for
``RETRY_TIMES`` more times (``scraper/settings.py``). Bytes are the bodies the day's site
serves for those URLs; a 304 (``not_modified``) sends none.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import orjson

from pledgewatch.scraper import settings
from tools.bench.terms import SITE

ROBOTS = "/robots.txt"


@dataclass(frozen=True, slots=True)
class Fetches:
    listing: int  # requests for listing pages, retries included
    records: int  # requests for record pages, retries included
    not_modified: int  # answers that were 304
    bytes: int  # response bodies

    @property
    def requests(self) -> int:
        return 1 + self.listing + self.records  # robots.txt first

    def minutes(self, delay_seconds: float) -> float:
        """The crawl's length at one request per ``delay_seconds``, as a polite crawl goes."""
        return self.requests * delay_seconds / 60


def count_fetches(run_file: Path, sizes: dict[str, int]) -> Fetches:
    """Count ``run_file``'s requests; ``sizes``: body bytes by path (``/pfp/ppd/1000``)."""
    counts = {"page": 0, "record": 0}
    not_modified = 0
    total = sizes.get(ROBOTS, 0)
    with run_file.open("rb") as lines:
        for raw in lines:
            line = orjson.loads(raw)
            kind = line.get("type")
            if kind not in counts:
                continue
            attempts = 1 + (settings.RETRY_TIMES if line.get("status") in settings.RETRY_HTTP_CODES else 0)
            counts[kind] += attempts
            if line.get("not_modified"):
                not_modified += 1
                continue
            total += attempts * sizes.get(str(line["url"]).removeprefix(SITE), 0)
    return Fetches(counts["page"], counts["record"], not_modified, total)
