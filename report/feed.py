"""An Atom feed of pledge changes, for editors who prefer a feed reader to e-mail.

One entry per changed pledge per run. Entry ids are derived from the site, the
database, the run, the kind of change and the pledge key, so writing the same run twice
replaces its entries instead of duplicating them. The feed keeps the newest
``max_entries`` entries (200 by default): older ones drop off the end. The baseline
run adds no entries: it lists every pledge, which is no news, and a first feed reader
would otherwise get hundreds of "New:" items. ElementTree escapes all text; entry
content is the same escaped HTML fragment the e-mail uses.
"""

from __future__ import annotations

import logging
import os
import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

from pledgewatch.core import clock
from pledgewatch.core.values import ChangeSet
from pledgewatch.report.render import environment
from pledgewatch.report.safety import clean_line, site_hosts
from pledgewatch.report.view import Entry, ReportViewBuilder

ATOM = "http://www.w3.org/2005/Atom"
ET.register_namespace("", ATOM)
FEED_KINDS = {"new": "New", "edited": "Edited", "reclassified": "Re-classified",
              "removed": "Removed", "restored": "Restored", "unlisted": "Left the listings"}
MAX_ENTRIES = 200
log = logging.getLogger(__name__)


def update_feed(
    feed_path: Path,
    changes: ChangeSet,
    *,
    site_name: str = "gfmd.org",
    max_entries: int = MAX_ENTRIES,
    now: datetime | None = None,
    links: object | None = None,
    database_id: str = "",
    self_url: str | None = None,
) -> Path:
    """Add this run's changes to the feed at ``feed_path`` (created if missing).

    ``links``: as for :func:`report.render.render_report`, links to the published history site.
    ``database_id`` keeps run 2 of one database from replacing run 2 of another.
    ``self_url``: where readers fetch the feed, for its ``rel="self"`` link (RFC 4287 §4.2.7).
    """
    updated = _timestamp(changes.to_finished_at, now)
    fresh = [] if changes.from_run is None else \
        [entry_element(e, changes, site_name, updated, links, database_id)
         for e in _entries(changes, site_name)]
    if not fresh and feed_path.exists():
        return feed_path
    fresh_ids = {_id_of(e) for e in fresh}
    kept = [e for e in _existing_entries(feed_path) if _id_of(e) not in fresh_ids]
    feed = feed_element(site_name, updated, (fresh + kept)[:max_entries], self_url)
    _write_atomically(feed_path, ET.tostring(feed, encoding="utf-8", xml_declaration=True))
    return feed_path


def entry_id(site_name: str, to_run: int, kind: str, key: str, database_id: str = "") -> str:
    """Stable across rewrites: the same change of the same run always has the same id."""
    run = f"{database_id}:{to_run}" if database_id else str(to_run)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pledgewatch:{site_name}:{run}:{kind}:{key}"))


def entry_element(entry: Entry, changes: ChangeSet, site_name: str, updated: str,
                  links: object | None = None, database_id: str = "") -> ET.Element:
    element = ET.Element(f"{{{ATOM}}}entry")
    _child(element, "id", entry_id(site_name, changes.to_run, entry.kind, entry.pledge.key, database_id))
    _child(element, "title", f"{FEED_KINDS[entry.kind]}: {clean_line(entry.pledge.title, 200)}")
    _child(element, "updated", updated)
    if entry.pledge.url:
        ET.SubElement(element, f"{{{ATOM}}}link", {"rel": "alternate", "href": entry.pledge.url})
    html = environment().get_template("feed_entry.html.j2").render(entry=entry, links=links)
    _child(element, "content", html.strip(), type="html")
    return element


def feed_element(site_name: str, updated: str, entries: list[ET.Element],
                 self_url: str | None = None) -> ET.Element:
    feed = ET.Element(f"{{{ATOM}}}feed")
    _child(feed, "id", "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"pledgewatch:{site_name}")))
    _child(feed, "title", f"{site_name}: pledge changes")
    _child(feed, "updated", updated)
    if self_url:
        ET.SubElement(feed, f"{{{ATOM}}}link",
                      {"rel": "self", "type": "application/atom+xml", "href": self_url})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _child(author, "name", "pledgewatch")
    _child(feed, "generator", "pledgewatch")
    feed.extend(entries)
    ET.indent(feed)
    return feed


def feed_self_url(feed_url: str, base_url: str, feed_path: Path) -> str | None:
    """The feed's own address: ``report.feed_url`` when set, else the feed's file name under
    ``publish.base_url`` (the feed served beside the history site), else unknown."""
    if feed_url:
        return feed_url
    if base_url:
        return base_url.rstrip("/") + "/" + feed_path.name
    return None


def _entries(changes: ChangeSet, site_name: str) -> list[Entry]:
    by_kind = ReportViewBuilder(site_hosts(site_name)).entries(changes)
    return [entry for kind in FEED_KINDS for entry in by_kind[kind]]


def _existing_entries(feed_path: Path) -> list[ET.Element]:
    """Entries already in the feed; an unreadable feed is set aside, not lost."""
    if not feed_path.exists():
        return []
    try:
        root = ET.parse(feed_path).getroot()
    except ET.ParseError as error:
        aside = feed_path.with_name(feed_path.name + ".unreadable")
        log.warning("feed %s is not valid XML (%s); moved to %s", feed_path, error, aside)
        feed_path.replace(aside)
        return []
    return root.findall(f"{{{ATOM}}}entry")


def _id_of(entry: ET.Element) -> str:
    return entry.findtext(f"{{{ATOM}}}id", default="")


def _child(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    child = ET.SubElement(parent, f"{{{ATOM}}}{name}", attributes)
    child.text = text
    return child


def _timestamp(finished_at: str | None, now: datetime | None) -> str:
    """RFC 3339 time of the run (its finish time when known)."""
    if finished_at:
        try:
            moment = datetime.fromisoformat(finished_at)
        except ValueError:
            moment = None
        if moment is not None:
            return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).isoformat()
    return (now or clock.now()).isoformat(timespec="seconds")


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
