"""A seeded model of the site and its daily changes, each change kept as the truth.

Why a model and not recorded pages: a month of a real site's changes is not available, and
scoring a crawl plan needs to know, for every day, exactly which pledge changed and how.
The model holds what the site's editors hold: pledges (title, author, date, a body of
several paragraphs whose first ~600 characters are the teaser, terms, record-only fields)
and the terms' display names. :meth:`Site.mutate` applies one day's changes and returns
them as :class:`TrueChange` values; ``render`` turns the model into pages.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tools.bench import textgen
from tools.bench.terms import Term, skewed
from tools.sim.vocab import Groups, sim_terms

PAGE_SIZE = 10  # teasers per listing page, as on the site
TRIM = 600  # the teaser shows the body's leading paragraphs up to about this many characters
KINDS = ("new", "teaser_edit", "record_only_edit", "removed", "reclassified", "term_renamed",
         "failing_page")
PLEDGE_KINDS = KINDS[:5]  # the kinds that change a pledge; the last two change none
_FIRST_SUBMITTED = datetime(2013, 12, 23, 15, 15)
_NAMES = ("Anqi ZHANG", "Camille Saadé", "Costanza Bindi", "Ace Paolo Dela Cruz", "Fatou Diallo",
          "Jean-Pierre Moreau", "Ngozi Okafor", "Sven Lindqvist", "Luis Alberto Fernández",
          "Olena Kowalczyk", "Anonymous (not verified)")
_SOURCES = ("2013 Survey Report", "GFMD 2018 - Marrakesh Summit - RT 3.2",
            "GFMD 2021-2022 – Mayors Mechanism’s Call to Local Action",
            "M&D Practices Shared within the GFMD context by Steering Group Members (2007 - 2011)")
_RECOLLECTIONS = ("GFMD 2009 - RT 2.1", "GFMD 2010 - RT 1.2", "GFMD 2014 - RT 3.1")
_RENAMES = (" (renamed)", " – revised", ": new wording")


@dataclass(slots=True)
class SimPledge:
    """One pledge as the site's editors hold it."""

    nid: int
    title: str
    author: str
    submitted: str  # ISO 8601, site-local time
    paragraphs: list[str]
    terms: set[int]  # indexes into Site.terms
    gfmd_source: list[str]
    thematic_recollection: list[str]

    @property
    def key(self) -> str:
        return f"/pfp/ppd/{self.nid}"

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """The teaser: leading whole paragraphs within :data:`TRIM` (at least the first)."""
        kept, size = [self.paragraphs[0]], len(self.paragraphs[0])
        for paragraph in self.paragraphs[1:]:
            size += 2 + len(paragraph)
            if size > TRIM:
                break
            kept.append(paragraph)
        return "\n\n".join(kept)


@dataclass(frozen=True, slots=True)
class TrueChange:
    """One change the site underwent on ``day``.

    ``key`` is the pledge's key, or for the kinds that change no pledge the renamed term's
    URL (``term_renamed``) or the failing page's URL (``failing_page``). ``added`` and
    ``removed`` are term URLs (``reclassified``); ``what`` says which field an edit touched.
    """

    day: int
    kind: str
    key: str
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    what: str = ""


@dataclass(frozen=True, slots=True)
class ChangeMix:
    """Changes per day per 1,000 pledges (a fraction becomes a chance), and the chances per day
    of a term rename and of a failing listing page."""

    new: float = 2.0
    teaser_edit: float = 3.0
    record_only_edit: float = 5.0
    removed: float = 1.0
    reclassified: float = 5.0
    term_renamed: float = 0.3
    failing_page: float = 0.3


@dataclass(slots=True)
class Site:
    """The whole site on one day; :meth:`mutate` moves it to the next."""

    terms: list[Term]
    groups: Groups
    names: list[str]  # each term's display name today
    pledges: dict[int, SimPledge] = field(default_factory=dict)
    gone: dict[int, int] = field(default_factory=dict)  # removed nid -> its record's status
    failing: set[str] = field(default_factory=set)  # listing page URLs answering 500 today
    next_nid: int = 1000

    @classmethod
    def generate(cls, pledges: int, rng: random.Random, per_group: int | None = None) -> Site:
        """``pledges`` pledges on the site's terms (``per_group``: see :func:`sim_terms`)."""
        terms, groups = sim_terms(per_group)
        site = cls(terms, groups, [t.name for t in terms])
        for _ in range(pledges):
            site.add_pledge(rng)
        return site

    def add_pledge(self, rng: random.Random) -> SimPledge:
        nid = self.next_nid
        self.next_nid += rng.randint(1, 3)  # node ids are shared with other content types
        submitted = _FIRST_SUBMITTED + timedelta(hours=6 * (nid - 1000))
        pledge = SimPledge(nid, textgen.title(rng), rng.choice(_NAMES), submitted.isoformat() + "+01:00",
                           _paragraphs(rng), self._pick_terms(rng),
                           [rng.choice(_SOURCES)], rng.sample(_RECOLLECTIONS, rng.randint(0, 2)))
        self.pledges[nid] = pledge
        return pledge

    def _pick_terms(self, rng: random.Random) -> set[int]:
        """About 10 to 20 terms: one or two contributors, a scope, a chair, and skewed topic picks."""
        g = self.groups
        chosen = {skewed(rng, g.contributors), skewed(rng, g.geo), skewed(rng, g.chairs)}
        if rng.random() < 0.2:
            chosen.add(skewed(rng, g.contributors))
        for group, low, high in ((g.sdg, 1, 4), (g.gcm, 1, 4), (g.clusters, 1, 2),
                                 (g.themes, 1, 3), (g.countries, 1, 3)):
            wanted = min(rng.randint(low, high), len(group))
            while sum(1 for t in chosen if t in group) < wanted:
                chosen.add(skewed(rng, group))
        pool = g.themes + g.countries
        while len(chosen) < min(10, len(set(pool) | chosen)):
            chosen.add(skewed(rng, pool))
        return chosen

    def members(self) -> list[list[int]]:
        """Each term's pledges, newest (highest nid) first, as every listing orders them."""
        out: list[list[int]] = [[] for _ in self.terms]
        for nid in sorted(self.pledges, reverse=True):
            for t in self.pledges[nid].terms:
                out[t].append(nid)
        return out

    def page_urls(self) -> list[str]:
        urls = []
        for term, nids in zip(self.terms, self.members(), strict=True):
            last = max(0, (len(nids) - 1) // PAGE_SIZE)
            urls += [page_url(term.url, page) for page in range(last + 1)]
        return urls

    def mutate(self, day: int, rng: random.Random, mix: ChangeMix) -> list[TrueChange]:
        """Apply one day's changes; return them. A pledge changes in one way a day at most."""
        self.failing.clear()  # yesterday's fault was transient
        n = len(self.pledges)
        counts = {kind: _count(rng, getattr(mix, kind) * n / 1000)
                  for kind in ("teaser_edit", "record_only_edit", "removed", "reclassified")}
        picked = rng.sample(sorted(self.pledges), min(n, sum(counts.values())))
        changes: list[TrueChange] = []
        for kind, size in counts.items():
            chunk, picked = picked[:size], picked[size:]
            changes += [getattr(self, f"_{kind}")(day, rng, self.pledges[nid]) for nid in chunk]
        for _ in range(_count(rng, mix.new * n / 1000)):
            changes.append(TrueChange(day, "new", self.add_pledge(rng).key))
        if rng.random() < mix.term_renamed:
            changes.append(self._rename(day, rng))
        if rng.random() < mix.failing_page:
            url = rng.choice(self.page_urls())
            self.failing.add(url)
            changes.append(TrueChange(day, "failing_page", url))
        return changes

    def _teaser_edit(self, day: int, rng: random.Random, p: SimPledge) -> TrueChange:
        if rng.random() < 0.4:
            p.title = textgen.edit_title(rng, p.title)
            return TrueChange(day, "teaser_edit", p.key, what="title")
        before, first = textgen.folded(p.summary), p.paragraphs[0]
        while textgen.folded(p.summary) == before:  # an added paragraph may fall past the trim
            p.paragraphs[0:1] = [textgen.edit_summary(rng, first).replace("\n\n", " ")]
        return TrueChange(day, "teaser_edit", p.key, what="summary")

    def _record_only_edit(self, day: int, rng: random.Random, p: SimPledge) -> TrueChange:
        if rng.random() < 0.3:
            p.gfmd_source = [*p.gfmd_source, rng.choice(_SOURCES)]
            return TrueChange(day, "record_only_edit", p.key, what="gfmd_source")
        teaser = p.summary
        p.paragraphs[-1:] = textgen.edit_summary(rng, p.paragraphs[-1]).split("\n\n")
        assert p.summary == teaser, "an edit past the trim must leave the teaser alone"
        return TrueChange(day, "record_only_edit", p.key, what="body")

    def _removed(self, day: int, rng: random.Random, p: SimPledge) -> TrueChange:
        del self.pledges[p.nid]
        self.gone[p.nid] = 404 if p.nid % 2 else 410
        return TrueChange(day, "removed", p.key, what=str(self.gone[p.nid]))

    def _reclassified(self, day: int, rng: random.Random, p: SimPledge) -> TrueChange:
        movable = sorted(set(self.groups.reclassifiable) & p.terms)
        joinable = sorted(set(self.groups.reclassifiable) - p.terms)
        left = rng.choice(movable) if movable and (len(p.terms) > 10 or not joinable) else None
        joined = rng.choice(joinable) if joinable else None  # none: a pledge in every such term
        if joined is not None:
            p.terms.add(joined)
        if left is not None:
            p.terms.discard(left)
        return TrueChange(day, "reclassified", p.key,
                          added=() if joined is None else (self.terms[joined].url,),
                          removed=() if left is None else (self.terms[left].url,))

    def _rename(self, day: int, rng: random.Random) -> TrueChange:
        t = rng.randrange(len(self.terms))
        self.names[t] = self.terms[t].name + rng.choice(_RENAMES)
        return TrueChange(day, "term_renamed", self.terms[t].url, what=self.names[t])


def page_url(term_url: str, page: int) -> str:
    return term_url if page == 0 else f"{term_url}?page={page}"


def _paragraphs(rng: random.Random) -> list[str]:
    """A body of at least two paragraphs past the teaser's trim."""
    paragraphs: list[str] = []
    while True:
        paragraphs += textgen.summary(rng).split("\n\n")
        probe = SimPledge(0, "", "", "", paragraphs, set(), [], [])
        if len(paragraphs) - probe.summary.count("\n\n") - 1 >= 2:
            return paragraphs


def _count(rng: random.Random, expected: float) -> int:
    """``expected`` as a whole number: its fraction is the chance of one more."""
    whole = int(expected)
    return whole + (rng.random() < expected - whole)
