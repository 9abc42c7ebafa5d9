"""The simulated site's terms: about 300, in the real vocabularies of ``scraper/terms.py``.

The benchmark's term set (``tools.bench.terms``: SDG goals, GCM objectives, contributor types,
geographical relevance, themes, a few dozen countries, chairmanships) is the core; the site
also has the GCM thematic cluster areas and a country term for most of the world, which is
what makes its ~2,000 listing pages: many small terms of one page each, a few very large ones.
"""

from __future__ import annotations

from dataclasses import dataclass

from tools.bench.terms import SITE, Term, _slug, build_terms, term_groups

_MORE_COUNTRIES = (
    "Afghanistan", "Albania", "Algeria", "Angola", "Armenia", "Australia", "Austria",
    "Azerbaijan", "Bahrain", "Belarus", "Belize", "Benin", "Bhutan", "Bolivia",
    "Bosnia and Herzegovina", "Botswana", "Bulgaria", "Burkina Faso", "Burundi", "Cabo Verde",
    "Cambodia", "Cameroon", "Central African Republic", "Chad", "China", "Comoros", "Congo",
    "Costa Rica", "Côte d’Ivoire", "Croatia", "Cuba", "Cyprus", "Czechia", "Denmark",
    "Djibouti", "Dominica", "Dominican Republic", "El Salvador", "Eritrea", "Estonia",
    "Eswatini", "Fiji", "Finland", "Gabon", "Gambia", "Georgia", "Greece", "Guatemala",
    "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hungary", "Iceland", "India",
    "Iran", "Iraq", "Ireland", "Israel", "Jamaica", "Japan", "Kazakhstan", "Kiribati", "Kuwait",
    "Kyrgyzstan", "Lao PDR", "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Lithuania",
    "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives", "Mali", "Malta", "Mauritania",
    "Mauritius", "Moldova", "Mongolia", "Montenegro", "Mozambique", "Myanmar", "Namibia",
    "Netherlands", "New Zealand", "Nicaragua", "Niger", "Nigeria", "North Macedonia", "Norway",
    "Oman", "Pakistan", "Palestine", "Panama", "Papua New Guinea", "Paraguay", "Poland", "Qatar",
    "Republic of Korea", "Romania", "Russian Federation", "Rwanda", "Samoa", "Saudi Arabia",
    "Serbia", "Seychelles", "Sierra Leone", "Singapore", "Slovakia", "Slovenia", "Somalia",
    "South Africa", "South Sudan", "Sudan", "Suriname", "Syria", "Tajikistan", "Tanzania",
    "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Turkmenistan", "Tuvalu",
    "Ukraine", "United Arab Emirates", "United Kingdom", "United States", "Uruguay",
    "Uzbekistan", "Vanuatu", "Venezuela", "Yemen", "Zambia", "Zimbabwe", "Africa", "Asia",
    "Europe", "Latin America and the Caribbean", "Oceania", "Global",
)
_CLUSTERS = tuple(f"Objective {i}: Objective {i} of the Global Compact (cluster area)"
                  for i in range(1, 24))


@dataclass(frozen=True, slots=True)
class Groups:
    """Indexes into :func:`sim_terms` by the role a term plays in a pledge's classification."""

    sdg: tuple[int, ...]
    gcm: tuple[int, ...]
    clusters: tuple[int, ...]
    contributors: tuple[int, ...]
    geo: tuple[int, ...]
    themes: tuple[int, ...]
    countries: tuple[int, ...]
    chairs: tuple[int, ...]

    @property
    def reclassifiable(self) -> tuple[int, ...]:
        """Terms an editor adds or removes; a pledge's contributor, scope and chair stay."""
        return self.sdg + self.gcm + self.clusters + self.themes + self.countries


def sim_terms(per_group: int | None = None) -> tuple[list[Term], Groups]:
    """Every term in crawl order, and the groups; the same list on every call.

    ``per_group`` keeps only the first (largest) terms of each group: a site of a few dozen
    pledges then has terms of the real site's sizes, not hundreds of one-pledge terms.
    """
    base = build_terms()
    bench = term_groups(base)
    clusters = [Term(name, "gcm-thematic-clusters", f"{SITE}/gcm-thematic-clusters/{_slug(name)}")
                for name in _CLUSTERS]
    countries = [Term(name, "pfp", f"{SITE}/pfp/ppd/{_slug(name)}") for name in _MORE_COUNTRIES]
    terms = base + clusters + countries
    first_cluster, first_country = len(base), len(base) + len(clusters)
    groups = Groups(
        sdg=bench.sdg, gcm=bench.gcm, clusters=tuple(range(first_cluster, first_country)),
        contributors=bench.contributors, geo=bench.geo, themes=bench.themes,
        countries=bench.countries + tuple(range(first_country, len(terms))), chairs=bench.chairs,
    )
    if per_group is None:
        return terms, groups
    kept = sorted(i for name in Groups.__slots__ for i in getattr(groups, name)[:per_group])
    index = {old: new for new, old in enumerate(kept)}
    return [terms[i] for i in kept], Groups(**{
        name: tuple(index[i] for i in getattr(groups, name)[:per_group]) for name in Groups.__slots__})
