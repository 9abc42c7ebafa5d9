"""Small random multi-term sites, seeded, with the ground truth of what they list.

A site has 3-5 terms of 5-25 pledges each, drawn from one pool so that pledges are shared
across terms; a term of more than ten pledges has more than one page. Its ``day1`` version
carries four true changes (a new pledge, an edited summary, a removal, a re-classification),
chosen so that no term loses more than its normal churn and no multi-page term shrinks to
one page: changes the store must take at once, not hold for a second look.

The truth is what the generator decided, never what a crawl or the ETL made of it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from pledgewatch.etl.term_crawl import normal_churn
from pledgewatch.scraper.fixture_site import Entry, body_path, write_manifest
from pledgewatch.scraper.render import RenderTeaser, render_listing

SITE = "https://gfmd.org"
PER_PAGE = 10  # Drupal's taxonomy view: ten teasers a page
ROBOTS = "User-agent: *\nDisallow: /admin/\n"
VOCABULARIES = ("contributors", "geographical-relevance", "gcm-thematic-clusters", "pfp/ppd",
                "gcm-objectives")
WORDS = ("migrant", "city", "inclusion", "health", "labour", "diaspora", "return", "skills",
         "housing", "youth", "women", "regional", "dialogue", "remittances", "climate", "rights")
AUTHORS = ("City of Lyon", "Municipality of Quito", "IOM Regional Office", "Ministry of Labour",
           "Diaspora Council", "Mayors Network", "Región de Murcia")


@dataclass(frozen=True)
class Term:
    path: str
    name: str
    tid: int

    @property
    def url(self) -> str:
        return SITE + self.path

    def page_url(self, page: int) -> str:
        return self.url + (f"?page={page}" if page else "")


@dataclass(frozen=True)
class Day:
    """One day of the site: every pledge by node id, and the node ids each term lists."""

    pledges: Mapping[int, RenderTeaser]
    members: Mapping[str, frozenset[int]]  # by term path

    def pages(self, term: Term) -> list[list[RenderTeaser]]:
        """The term's listing cut into pages, newest first as the taxonomy view sorts it."""
        listed = sorted((self.pledges[n] for n in self.members[term.path]), key=lambda t: -(t.nid or 0))
        return [listed[i:i + PER_PAGE] for i in range(0, max(len(listed), 1), PER_PAGE)]


@dataclass(frozen=True)
class TrueChanges:
    new: int
    edited: int
    removed: int
    reclassified: int
    moved_from: Term
    moved_to: Term


@dataclass(frozen=True)
class RandomSite:
    seed: int
    terms: tuple[Term, ...]
    day0: Day
    day1: Day
    changes: TrueChanges

    def truth(self) -> Counter[tuple[str, ...]]:
        """The day-1 changes as facts, one per thing an editor must be told once."""
        c = self.changes
        return Counter({("new", key(c.new)): 1, ("edited", key(c.edited), "summary"): 1,
                        ("removed", key(c.removed)): 1,
                        ("reclassified", key(c.reclassified), "added", c.moved_to.url): 1,
                        ("reclassified", key(c.reclassified), "dropped", c.moved_from.url): 1})


def key(nid: int) -> str:
    return f"/pfp/ppd/{nid}"


def random_site(seed: int) -> RandomSite:
    rng = random.Random(seed)
    terms = _terms(rng)
    sizes = [rng.randint(5, 25) for _ in terms]
    if max(sizes) <= PER_PAGE:  # at least one multi-page term
        sizes[0] = rng.randint(PER_PAGE + 1, 25)
    nids = rng.sample(range(12000, 14000), max(sizes) + rng.randint(2, 8))
    members = {t.path: frozenset(rng.sample(nids, size)) for t, size in zip(terms, sizes, strict=True)}
    listed = sorted(set().union(*members.values()))
    day0 = Day({n: _pledge(rng, n) for n in listed}, members)
    for _ in range(200):
        day1, changes = _next_day(rng, terms, day0)
        if changes.moved_to != changes.moved_from and _within_churn(terms, day0, day1):
            return RandomSite(seed, terms, day0, day1, changes)
    raise AssertionError(f"seed {seed}: no day-1 changes within the churn after 200 tries")


def _terms(rng: random.Random) -> tuple[Term, ...]:
    count = rng.randint(3, 5)
    vocabularies = rng.sample(VOCABULARIES, count)
    tids = rng.sample(range(100, 900), count)
    terms = []
    for vocabulary, tid in zip(vocabularies, tids, strict=True):
        words = rng.sample(WORDS, 2)
        terms.append(Term(f"/{vocabulary}/{'-'.join(words)}-{tid}", " and ".join(words).title(), tid))
    return tuple(terms)


def _pledge(rng: random.Random, nid: int) -> RenderTeaser:
    words = rng.sample(WORDS, 4)
    summary = (f"The {words[0]} programme supports {words[1]} and {words[2]} through "
               f"{rng.randint(2, 40)} local partners.\n\nIt reports yearly on {words[3]}.")
    return RenderTeaser(nid, f"{words[0].title()} {words[1]} pledge {nid}", rng.choice(AUTHORS),
                        summary, rng.choice(("before", "before", "after")),
                        f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:15:00+01:00")


def _next_day(rng: random.Random, terms: tuple[Term, ...], day0: Day) -> tuple[Day, TrueChanges]:
    listed = sorted(day0.pledges)
    removed, edited, moved = rng.sample(listed, 3)
    source = rng.choice([t for t in terms if moved in day0.members[t.path]])
    target = rng.choice([t for t in terms if moved not in day0.members[t.path]] or [source])
    new = max(listed) + rng.randint(1, 50)  # the newest node: top of its terms' page 0
    joins = rng.sample(terms, rng.randint(1, 2))
    members = {}
    for term in terms:
        nids = set(day0.members[term.path]) - {removed}
        nids |= {new} if term in joins else set()
        nids = nids - {moved} if term == source else nids | ({moved} if term == target else set())
        members[term.path] = frozenset(nids)
    pledges = {n: p for n, p in day0.pledges.items() if n != removed}
    pledges[edited] = replace(pledges[edited], summary=pledges[edited].summary + " Budget doubled.")
    pledges[new] = _pledge(rng, new)
    return Day(pledges, members), TrueChanges(new, edited, removed, moved, source, target)


def _within_churn(terms: tuple[Term, ...], day0: Day, day1: Day) -> bool:
    """True changes the ETL takes at once: each term loses at most its normal churn, keeps a
    pledge, and a multi-page term keeps more than one page."""
    for term in terms:
        before, after = len(day0.members[term.path]), len(day1.members[term.path])
        if after == 0 or before - after > normal_churn(before):
            return False
        if len(day0.pages(term)) > 1 and len(day1.pages(term)) == 1:
            return False
    return True


def write_site(target: Path, site: RandomSite, day: Day, label: str) -> Path:
    """The day rendered as a fixture site (``site.json`` and one body per listing page)."""
    target.mkdir(parents=True)
    (target / "robots.txt").write_text(ROBOTS, encoding="utf-8")
    entries = [Entry(url=f"{SITE}/robots.txt", body="robots.txt")]
    for term in site.terms:
        pages = day.pages(term)
        for number, chunk in enumerate(pages):
            html = render_listing(term.name, term.path, term.tid, number, len(pages) - 1, chunk)
            relative = body_path(term.page_url(number))
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            (target / relative).write_text(html, encoding="utf-8")
            entries.append(Entry(url=term.page_url(number), body=relative))
    write_manifest(target, entries, f"random site {site.seed}, {label}", SITE,
                   [t.url for t in site.terms])
    return target
