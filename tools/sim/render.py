"""Write one day of the simulated site as a fixture site (``fixtures/README.md``).

Only files whose bytes changed are rewritten, and files no longer served are deleted: an
unchanged page keeps its bytes and its modification time, so a server that derives ``ETag``
and ``Last-Modified`` from the file answers a conditional request for it with 304, as the
real site would. Listing pages are the product's own markup (``scraper.render``); record
pages go through :func:`record_page_html`, the one place their markup is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pledgewatch.scraper.fixture_site import Entry, body_path, write_manifest
from pledgewatch.scraper.parsing.record_page import RecordPage
from pledgewatch.scraper.render import RenderTeaser, render_listing, render_record_page
from tools.bench.terms import SITE
from tools.sim.site import PAGE_SIZE, SimPledge, Site, page_url

MARKUPS = ("d7", "d10")

ROBOTS = """\
User-agent: *
Crawl-delay: 10
Disallow: /admin/
Disallow: /user/login/
"""
TID_BASE = 100  # term ids are invented: the index in the term list plus this


@dataclass(frozen=True, slots=True)
class Written:
    """What writing one day did to the folder, and how big the served bodies are."""

    written: int
    kept: int
    deleted: int
    sizes: dict[str, int]  # lookup path (``/pfp/ppd/1000``, ``/x/y?page=2``) -> body bytes


def record_fields(site: Site, pledge: SimPledge) -> dict[str, object]:
    """A record page's fields, named as ``scraper.parsing.record_page.RecordPage`` names them."""
    terms = sorted(pledge.terms)
    countries = set(site.groups.countries)
    return {
        "url": f"{SITE}{pledge.key}",
        "title": pledge.title,
        "date_shared": _date_shared(pledge.submitted),
        "body": pledge.body,
        "countries": tuple(site.names[t] for t in terms if t in countries),
        "terms": tuple((site.terms[t].url, site.names[t]) for t in terms),
        "gfmd_source": tuple(pledge.gfmd_source),
        "thematic_recollection": tuple(pledge.thematic_recollection),
    }


def record_page_html(fields: dict[str, object], markup: str = "d7") -> str:
    """The HTML of a record page, in the product's renderer (the parser's round trip is tested)."""
    return render_record_page(RecordPage(**fields), markup=markup)  # type: ignore[arg-type]


def _date_shared(submitted: str) -> str:
    """Drupal 7's long date format, ``Monday, December 23, 2013 - 15:15``."""
    moment = datetime.fromisoformat(submitted)
    return f"{moment:%A, %B} {moment.day}, {moment:%Y - %H:%M}"


def site_files(site: Site) -> tuple[list[Entry], dict[str, str]]:
    """The day's manifest entries and every body file's text, by its path in the folder."""
    files = {"robots.txt": ROBOTS}
    entries = [Entry(url=f"{SITE}/robots.txt", body="robots.txt")]
    for t, (term, nids) in enumerate(zip(site.terms, site.members(), strict=True)):
        last = max(0, (len(nids) - 1) // PAGE_SIZE)
        for page in range(last + 1):
            teasers = [_teaser(site.pledges[nid]) for nid in nids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]]
            url = page_url(term.url, page)
            path = body_path(url)
            files[path] = render_listing(site.names[t], term.url, TID_BASE + t, page, last, teasers)
            failing = url in site.failing
            entries.append(Entry(url=url, status=500 if failing else 200,
                                 body=None if failing else path,
                                 note="a transient fault" if failing else None))
    for nid in sorted(site.pledges):
        url = f"{SITE}/pfp/ppd/{nid}"
        path = body_path(url)
        # Both markups the parser reads, alternating, so neither is the only one tried.
        files[path] = record_page_html(record_fields(site, site.pledges[nid]), MARKUPS[nid % 2])
        entries.append(Entry(url=url, body=path))
    # A removed record answers 404 (no entry: the server's default) or 410 Gone.
    entries += [Entry(url=f"{SITE}/pfp/ppd/{nid}", status=410, note="removed")
                for nid, status in sorted(site.gone.items()) if status == 410]
    return entries, files


def _teaser(p: SimPledge) -> RenderTeaser:
    return RenderTeaser(p.nid, p.title, p.author, p.summary, submitted=p.submitted)


def write_site(site: Site, root: Path, description: str = "") -> Written:
    """Bring ``root`` to the site as it is today, touching only files that changed."""
    entries, files = site_files(site)
    root.mkdir(parents=True, exist_ok=True)
    written = kept = 0
    for relative, text in files.items():
        target = root / relative
        data = text.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            kept += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    stale = [p for p in (root / "pages").rglob("*.html")
             if p.relative_to(root).as_posix() not in files]
    for path in stale:
        path.unlink()
    write_manifest(root, entries, description or "a simulated site (tools/sim)", SITE,
                   [t.url for t in site.terms])
    sizes = {_lookup(e.url): len(files[e.body].encode("utf-8")) if e.body else 0 for e in entries}
    return Written(written, kept, len(stale), sizes)


def _lookup(url: str) -> str:
    return url.removeprefix(SITE)
