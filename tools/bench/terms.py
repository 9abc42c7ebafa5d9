"""A synthetic term set shaped like the site's vocabularies.

Real prefixes and name forms (``Goal N: …``, ``Objective N: …``, contributor types,
geographical relevance, themes and countries under ``pfp/ppd/``, chairmanships),
so a crawl file built on them exercises the same URL shapes the scraper emits.
Term pages differ a lot in size on the site (one contributor term has 450+
records), so :func:`pick_terms` draws with a skew, not uniformly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

SITE = "https://gfmd.org"

_SDG = (
    "End poverty", "Zero hunger", "Good health and well being", "Quality education",
    "Gender equality", "Clean water and sanitation", "Affordable and clean energy",
    "Decent work and economic growth", "Industry, innovation and infrastructure",
    "Reduced inequalities", "Sustainable cities and communities",
    "Responsible consumption and production", "Climate action", "Life below water",
    "Life on land", "Peace, justice and strong institutions", "Partnerships for the goals",
)
_CONTRIBUTORS = (
    "Member States", "International Organizations", "Mayors, Local and Regional Governments",
    "Civil Society", "Private Sector / Business", "Academia", "Youth", "Observers",
)
_GEO = ("Global", "Regional", "National", "Subnational")
_THEMES = (
    "Capacity Building", "Cities and Municipalities", "Civil Society",
    "Climate Change and Disaster Displacement", "Diaspora", "Discrimination and Xenophobia",
    "Diversity, Inclusiveness and Social Cohesion", "Local Development",
    "Mainstreaming Migration into Development Planning", "Migrant Protection and Assistance",
    "Migrants in Vulnerable Situations", "Migration Governance",
    "Migration, Trade and Investments", "Policy Coherence", "Sustainable Development",
    "Migration and Family", "Migration and Entrepreneurship", "Migration and Education",
    "Migration and Health", "Diaspora Empowerment and Engagement", "Labour Migration",
    "Remittances", "Return and Reintegration", "Data and Evidence", "Gender and Migration",
)
_COUNTRIES = (
    "Egypt", "Morocco", "Senegal", "Mexico", "France", "Philippines", "Ecuador", "Germany",
    "Switzerland", "Bangladesh", "Ghana", "Kenya", "Colombia", "Canada", "Italy", "Turkey",
    "Jordan", "Sri Lanka", "Nepal", "Brazil", "Portugal", "Belgium", "Sweden", "Uganda",
    "Ethiopia", "Tunisia", "Spain", "Argentina", "Chile", "Peru", "Indonesia", "Viet Nam",
)
_CHAIRS = (
    "Belgium 2007", "Philippines 2008", "Greece 2009", "Mexico 2010", "Switzerland 2011",
    "Mauritius 2012", "Sweden 2013-2014", "Turkey 2014-2015", "Bangladesh 2016",
    "Germany-Morocco 2017-2018", "Ecuador 2019", "UAE 2020", "France 2022-2023",
)
_STOP = {"the", "in", "to", "for", "of", "that", "and"}


@dataclass(frozen=True, slots=True)
class Term:
    """One term listing: its name, vocabulary prefix and canonical page-0 URL."""

    name: str
    vocabulary: str
    url: str


def _slug(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return "-".join(w for w in words if w not in _STOP or w == "and")[:100].rstrip("-")


def build_terms() -> list[Term]:
    """All terms, in a fixed order (the order a crawl visits them)."""
    groups: list[tuple[str, list[str]]] = [
        ("2030-agenda-migration-relevant-and-related-targets",
         [f"Goal {i}: {name}" for i, name in enumerate(_SDG, start=1)]),
        ("gcm-objectives", [f"Objective {i}: Objective {i} of the Global Compact" for i in range(1, 24)]),
        ("contributors", list(_CONTRIBUTORS)),
        ("geographical-relevance", list(_GEO)),
        ("pfp/ppd", list(_THEMES) + list(_COUNTRIES)),
        ("chairmanship", list(_CHAIRS)),
    ]
    terms = []
    for prefix, names in groups:
        vocabulary = prefix.split("/")[0]
        for name in names:
            terms.append(Term(name, vocabulary, f"{SITE}/{prefix}/{_slug(name)}"))
    return terms


@dataclass(frozen=True, slots=True)
class TermGroups:
    """Indexes into the term list, by the role a term plays in a pledge's classification."""

    sdg: tuple[int, ...]
    gcm: tuple[int, ...]
    contributors: tuple[int, ...]
    geo: tuple[int, ...]
    themes: tuple[int, ...]
    countries: tuple[int, ...]
    chairs: tuple[int, ...]

    @property
    def reclassifiable(self) -> tuple[int, ...]:
        """Terms an editor adds or removes; a pledge's contributor and scope never change."""
        return self.sdg + self.gcm + self.themes + self.countries


def term_groups(terms: list[Term]) -> TermGroups:
    def where(prefix: str, names: tuple[str, ...] | None = None) -> tuple[int, ...]:
        return tuple(
            i for i, t in enumerate(terms)
            if t.url.startswith(f"{SITE}/{prefix}/") and (names is None or t.name in names)
        )

    return TermGroups(
        sdg=where("2030-agenda-migration-relevant-and-related-targets"),
        gcm=where("gcm-objectives"),
        contributors=where("contributors"),
        geo=where("geographical-relevance"),
        themes=where("pfp/ppd", _THEMES),
        countries=where("pfp/ppd", _COUNTRIES),
        chairs=where("chairmanship"),
    )


def skewed(rng: random.Random, choices: tuple[int, ...]) -> int:
    """A Zipf-like pick: the first terms of a group are much larger than the last."""
    n = len(choices)
    return choices[min(n - 1, int(n * rng.random() ** 2.2))]


def pick_terms(rng: random.Random, groups: TermGroups) -> tuple[int, list[int]]:
    """(contributor term, all terms) for a new pledge: 8 terms on average, as on the site."""
    contributor = skewed(rng, groups.contributors)
    chosen = {contributor, skewed(rng, groups.geo)}
    for group, count in ((groups.sdg, 2), (groups.gcm, 2), (groups.themes, 1)):
        while sum(1 for t in chosen if t in group) < count:
            chosen.add(skewed(rng, group))
    extra = rng.random()
    pool = groups.countries if extra < 0.4 else groups.chairs if extra < 0.6 else groups.themes
    chosen.add(skewed(rng, pool))
    return contributor, sorted(chosen)
