"""Fixture sites: recorded responses in a hand-editable directory, a loopback server, a recorder.

Layout of a fixture site directory::

    site.json                                   manifest: origin + one object per response
    robots.txt                                  served at /robots.txt
    pages/<vocabulary>/<term>/page-<N>.html     listing page ?page=N
    pages/pfp/ppd/<nid>.html                    record pages (discovery mode)

See ``fixtures/README.md`` for the manifest fields.
"""

from pledgewatch.scraper.fixture_site.manifest import (
    DEFAULT_ORIGIN,
    MANIFEST,
    Entry,
    FixtureSite,
    body_path,
    load_site,
    lookup_key,
    write_manifest,
)
from pledgewatch.scraper.fixture_site.recorder import (
    RECORD_SETTING,
    RecorderExtension,
    SiteRecorder,
)
from pledgewatch.scraper.fixture_site.server import LOOPBACK, FixtureServer

__all__ = [
    "DEFAULT_ORIGIN",
    "LOOPBACK",
    "MANIFEST",
    "RECORD_SETTING",
    "Entry",
    "FixtureServer",
    "FixtureSite",
    "RecorderExtension",
    "SiteRecorder",
    "body_path",
    "load_site",
    "lookup_key",
    "write_manifest",
]
