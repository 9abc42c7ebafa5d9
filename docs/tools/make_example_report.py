"""Write docs/example-report.{html,txt} from a hand-built change set of seed-like pledges.

    .venv/bin/python docs/tools/make_example_report.py

Then ``docs/tools/screenshot_report.sh`` renders the HTML to docs/example-report.png.
The pledges are the site's own (texts from the saved listing pages, trimmed); the
changes between "run 41" and "run 42" are invented to show every section.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

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
from pledgewatch.report.render import render_report

SITE = "https://gfmd.org"
DOCS = Path(__file__).resolve().parents[1]


def term(path: str, name: str, vocabulary: str) -> TermRef:
    return TermRef(key=f"{SITE}/{path}", name=name, vocabulary=vocabulary, url=f"{SITE}/{path}")


GOAL_11 = term("2030-agenda-migration-relevant-and-related-targets/goal-11-sustainable-cities-and-communities",
               "Goal 11: Sustainable cities and communities", "2030 Agenda")
MAYORS = term("contributors/mayors-local-and-regional-governments",
              "Mayors, Local and Regional Governments", "Contributors")
SUBNATIONAL = term("geographical-relevance/subnational", "Subnational", "Geographical relevance")
OBJECTIVE_16 = term("gcm-thematic-clusters/objective-16-empower-migrants-and-societies-realize-full-inclusion-and-social",
                    "Objective 16: Empower migrants and societies to realize full inclusion and social cohesion",
                    "GCM")
DIASPORA = term("pfp/ppd/diaspora-empowerment", "Diaspora empowerment", "Themes")


def pledge(nid: int, title: str, author: str, summary: str, *terms: TermRef) -> PledgeView:
    return PledgeView(key=f"/pfp/ppd/{nid}", url=f"{SITE}/pfp/ppd/{nid}", title=title,
                      author=author, submitted=None, summary=summary, terms=tuple(sorted(terms)))


SAN_JOSE = pledge(
    13240,
    "Welcoming San José Plan 2.0: Moving toward Civic, Economic, Linguistic, and Social Inclusion 2021-2024",
    "Ms. Anqi ZHANG",
    "This action was submitted through the GFMD Mayors Mechanism Call to Local Action for Migrants "
    "and Refugees.\nThe Welcoming San José Plan is a community-derived set of 23 strategies across "
    "four core pillars which aim to facilitate and accelerate immigrant inclusion in civic, economic, "
    "linguistic, and social aspects of life in San José.",
    GOAL_11, MAYORS, SUBNATIONAL)
MONTREAL = pledge(
    13305,
    "Montreal Inclusive at Work",
    "Ms. Anqi ZHANG",
    "The City of Montreal is recognised as a metropolis of immigration. However, it is structurally "
    "lagging behind in the professional integration of newcomers. In response to this challenge, in "
    "2019 the City of Montreal launched “Montreal Inclusive at Work”, an innovative initiative to "
    "promote the professional integration of immigrants.",
    GOAL_11, MAYORS, OBJECTIVE_16)
SFAX = pledge(
    13198,
    "SFAX - Multi-stakeholder cooperation projects to ensure migrant access to services amidst COVID-19",
    "Ms. Anqi ZHANG",
    "This action was submitted through the GFMD Mayors Mechanism Call to Local Action for Migrants "
    "and Refugees.\nIn Sfax, an underestimated number of migrants were in need of information and "
    "access to health and social services when the epidemic of COVID-19 started.",
    GOAL_11, MAYORS, SUBNATIONAL)
DIASDEV = pledge(
    13412,
    "Framework for Diaspora's Engagement in Humanitarian Assistance",
    "Anonymous (not verified)",
    "The International Organization for Migration is pleased to announce the publication of a note "
    "for the project, ìConsolidating and Operationalizing a Framework for Diaspora's Engagement in "
    "Humanitarian Assistance - Phase II.î",
    GOAL_11, DIASPORA)
M4SD = pledge(
    13077,
    "Making Migration Work for Sustainable Development (M4SD) – IOM-UNDP joint global programme",
    "Ms. Anqi ZHANG",
    "The joint IOM-UNDP global programme supports governments to integrate migration into local and "
    "national development planning.",
    OBJECTIVE_16)


def example_changes() -> ChangeSet:
    montreal_after = replace(
        MONTREAL, version=2,
        title="Montréal Inclusive au Travail 2022-2024",
        summary=MONTREAL.summary.replace("in 2019 the City of Montreal launched", "in 2022 the City "
                                         "of Montréal renewed").replace("an innovative initiative",
                                                                        "a three-year initiative"))
    edited = Edited(MONTREAL, montreal_after, (
        FieldChange("title", MONTREAL.title, montreal_after.title),
        FieldChange("summary", MONTREAL.summary, montreal_after.summary)))
    sfax_after = replace(SFAX, terms=tuple(sorted((GOAL_11, MAYORS, OBJECTIVE_16))))
    return ChangeSet(
        from_run=41, to_run=42, complete=True,
        new=(SAN_JOSE, DIASDEV),
        edited=(edited,),
        removed=(M4SD,),
        reclassified=(Reclassified(sfax_after, terms_added=(OBJECTIVE_16,), terms_removed=(SUBNATIONAL,)),),
        not_seen=(NotSeen(replace(M4SD, key="/pfp/ppd/13080", url=f"{SITE}/pfp/ppd/13080",
                                  title="National Remittance Plan (Senegal/Mexico/France)"),
                          "its only listing page (Member States, page 7) failed; held for one more run"),),
        health=CrawlHealth(pages_fetched=212, pages_failed=1, held_removals=1, failed_pages=(
            FailedPage(f"{SITE}/contributors/member-states?page=7", 503, "HTTP 503"),)),
        from_finished_at="2025-11-19T06:04:12+00:00",
        to_finished_at="2025-11-20T06:03:55+00:00",
    )


def main() -> None:
    report = render_report(example_changes())
    (DOCS / "example-report.html").write_text(report.html, encoding="utf-8")
    (DOCS / "example-report.txt").write_text(report.text, encoding="utf-8")
    print(report.subject)


if __name__ == "__main__":
    main()
