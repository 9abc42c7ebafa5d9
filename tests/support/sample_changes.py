"""Hand-built ChangeSets with seed-like pledges, for report, feed and mail tests."""

from __future__ import annotations

from dataclasses import replace

from pledgewatch.core.values import (
    ChangeSet,
    CrawlHealth,
    Edited,
    FailedPage,
    FieldChange,
    NotSeen,
    PledgeView,
    Reclassified,
    TermRef,
)

SITE = "https://gfmd.org"
GOAL_11 = TermRef(
    key=f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-11-sustainable-cities-and-communities",
    name="Goal 11: Sustainable cities and communities",
    vocabulary="2030 Agenda",
    url=f"{SITE}/2030-agenda-migration-relevant-and-related-targets/goal-11-sustainable-cities-and-communities",
)
MAYORS = TermRef(
    key=f"{SITE}/contributors/mayors-local-and-regional-governments",
    name="Mayors, Local and Regional Governments",
    vocabulary="Contributors",
    url=f"{SITE}/contributors/mayors-local-and-regional-governments",
)
SUBNATIONAL = TermRef(
    key=f"{SITE}/geographical-relevance/subnational",
    name="Subnational",
    vocabulary="Geographical relevance",
    url=f"{SITE}/geographical-relevance/subnational",
)
OBJECTIVE_16 = TermRef(
    key=f"{SITE}/gcm-thematic-clusters/objective-16-empower-migrants-and-societies-realize-full-inclusion-and-social",
    name="Objective 16: Empower migrants and societies to realize full inclusion and social cohesion",
    vocabulary="GCM",
    url=f"{SITE}/gcm-thematic-clusters/objective-16-empower-migrants-and-societies-realize-full-inclusion-and-social",
)


def pledge(nid: int, title: str, *, summary: str = "", terms: tuple[TermRef, ...] = (), **more: object) -> PledgeView:
    """A pledge keyed and linked like the site's records."""
    fields: dict[str, object] = {"author": "Ms. Anqi ZHANG", "submitted": None} | more
    return PledgeView(
        key=f"/pfp/ppd/{nid}",
        url=f"{SITE}/pfp/ppd/{nid}",
        title=title,
        summary=summary or f"Summary of pledge {nid}.",
        terms=tuple(sorted(terms)),
        **fields,  # type: ignore[arg-type]
    )


WELCOMING = pledge(
    13001,
    "Welcoming San José",
    summary="The City of San José commits to “welcoming” newcomers through its Office of Immigrant Affairs.",
    terms=(GOAL_11, MAYORS),
    author="Mr. Camille Saadé",
)
M4SD = pledge(
    13002,
    "Making Migration Work for Sustainable Development (M4SD) – IOM-UNDP joint global programme",
    terms=(OBJECTIVE_16,),
)
SFAX = pledge(13003, "SFAX: a city for all", terms=(SUBNATIONAL, MAYORS), author="Costanza Bindi")


def edited(before: PledgeView, **after: str | None) -> Edited:
    new = replace(before, version=before.version + 1, **after)  # type: ignore[arg-type]
    changes = tuple(FieldChange(f, getattr(before, f), getattr(new, f)) for f in after)
    return Edited(before=before, after=new, changes=changes)


def sample_changes(**overrides: object) -> ChangeSet:
    """One change of every kind, from a complete run."""
    values: dict[str, object] = {
        "from_run": 11,
        "to_run": 12,
        "complete": True,
        "new": (WELCOMING,),
        "edited": (
            edited(M4SD, summary="Summary of pledge 13002, now with a second phase in Senegal."),
        ),
        "removed": (SFAX,),
        "reclassified": (Reclassified(WELCOMING, terms_added=(SUBNATIONAL,), terms_removed=(MAYORS,)),),
        "health": CrawlHealth(pages_fetched=40, pages_failed=1, held_removals=2,
                              failed_pages=(FailedPage(f"{SITE}/contributors/x?page=3", 503, "Service Unavailable"),)),
        "to_finished_at": "2025-11-20T06:04:00+00:00",
    }
    return ChangeSet(**(values | overrides))  # type: ignore[arg-type]


def absent(view: PledgeView, reason: str = "not on any listing page fetched") -> NotSeen:
    return NotSeen(view, reason)
