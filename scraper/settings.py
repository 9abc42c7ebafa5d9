"""Scrapy settings for the ``listings`` spider: polite by default.

gfmd.org is a small Drupal 7 site run by a secretariat; a full crawl is ~2,000 pages, so
there is no reason to be fast. Every value that differs from Scrapy's default says so
(``# default X``). ``scraper.crawl`` relaxes politeness only in replay mode, where the
"site" is a loopback server of recorded files.
"""

from __future__ import annotations

import os

from scrapy.settings import default_settings as _scrapy

BOT_NAME = "pledgewatch"  # default "scrapybot"
SPIDER_MODULES = ["pledgewatch.scraper.spiders"]  # default []
NEWSPIDER_MODULE = "pledgewatch.scraper.spiders"  # default ""

# Who we are and how to reach us; site admins should never have to guess.
PLEDGEWATCH_CONTACT_URL = os.environ.get(
    "PLEDGEWATCH_CONTACT_URL", "https://github.com/pledgewatch/pledgewatch"
)
USER_AGENT = f"pledgewatch/0.1 (+{PLEDGEWATCH_CONTACT_URL})"  # default "Scrapy/VERSION (+https://scrapy.org)"

# Politeness.
ROBOTSTXT_OBEY = True  # default False
PLEDGEWATCH_CRAWL_DELAY = True  # pledgewatch: robots.txt Crawl-delay raises DOWNLOAD_DELAY to it
CONCURRENT_REQUESTS = 4  # default 16
CONCURRENT_REQUESTS_PER_DOMAIN = 1  # default 8
DOWNLOAD_DELAY = 1.0  # default 0; ~30-45 min for a full crawl (site.md §2)
AUTOTHROTTLE_ENABLED = True  # default False
AUTOTHROTTLE_START_DELAY = 2.0  # default 5.0
AUTOTHROTTLE_MAX_DELAY = 30.0  # default 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0  # default 1.0 (kept: one request in flight)
COOKIES_ENABLED = False  # default True; listings need no session
TELNETCONSOLE_ENABLED = False  # default True; a scheduled job needs no console
REMOTE_CONTROL_ENABLED = False  # default True; nor an HTTP control server

# Failures: retry server errors and timeouts a few times with exponential backoff.
RETRY_ENABLED = True  # default True
RETRY_TIMES = 3  # default 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]  # default (same)
RETRY_BACKOFF_BASE = 2.0  # pledgewatch: seconds before the 1st retry, doubled after
RETRY_BACKOFF_MAX = 60.0  # pledgewatch: cap of one backoff wait
# A 429 or 503 with Retry-After is retried no sooner than it asks, if it asks for at most this
# many seconds; a longer wait is not retried (the page fails, saying so).
PLEDGEWATCH_RETRY_AFTER_MAX = 300.0  # pledgewatch
# Scrapy imports every component its lists name, switched off or not; these two modules import
# aiohttp (the remote control) and tldextract with requests (cookies), ~0.3 s of every
# crawl's start. Both are off here (REMOTE_CONTROL_ENABLED, COOKIES_ENABLED), so they are left
# out of the base lists; everything else in them stays as Scrapy has it.
EXTENSIONS_BASE = {  # default: Scrapy's, with the remote control
    k: v for k, v in _scrapy.EXTENSIONS_BASE.items() if not k.endswith(".RemoteControl")
}
DOWNLOADER_MIDDLEWARES_BASE = {  # default: Scrapy's, with the cookies middleware
    k: v
    for k, v in _scrapy.DOWNLOADER_MIDDLEWARES_BASE.items()
    if not k.endswith(".CookiesMiddleware")
}
DOWNLOADER_MIDDLEWARES = {  # default {}
    # Replay only (PLEDGEWATCH_OFFLINE): first of all, before Scrapy's offsite (50) and
    # robots.txt (100) middlewares, so nothing they send can name a host off loopback.
    "pledgewatch.scraper.offline.LoopbackOnlyMiddleware": 40,
    # Scrapy's own lets requests that waited for robots.txt through unchecked and ignores
    # Crawl-delay; ours takes its place (scraper/robots.py).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "pledgewatch.scraper.robots.RobotsFirstMiddleware": 100,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "pledgewatch.scraper.extensions.BackoffRetryMiddleware": 550,
}
DOWNLOAD_TIMEOUT = 30  # default 180
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024  # default 1 GiB; a listing page is ~30 kB
DOWNLOAD_WARNSIZE = 1024 * 1024  # default 32 MiB
# The spider follows redirects itself so an offsite redirect becomes a page record.
REDIRECT_MAX_TIMES = 5  # default 20

# Output: JSON Lines written by our own pipeline, flushed per record.
ITEM_PIPELINES = {"pledgewatch.scraper.pipelines.JsonLinesPipeline": 300}  # default {}
EXTENSIONS = {"pledgewatch.scraper.fixture_site.RecorderExtension": 500}  # default {}; on with PLEDGEWATCH_RECORD_DIR
FEED_EXPORT_ENCODING = "utf-8"  # default None (ASCII escapes)
PLEDGEWATCH_OUT = None  # pledgewatch: path of the JSON Lines run file
PLEDGEWATCH_SOURCE = "live"  # pledgewatch: "live" or "replay:<dir>", copied to the crawl record
PLEDGEWATCH_RECORD_DIR = None  # pledgewatch: record responses as a fixture site here
PLEDGEWATCH_OFFLINE = False  # pledgewatch: replay mode: loopback only (scraper/offline.py)

LOG_LEVEL = "INFO"  # default "DEBUG"
