"""Writing run pages, term pages and the lists (search index, A-Z) of a publish."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from pledgewatch.core.values import TermRef
from pledgewatch.etl.changes import changes_between
from pledgewatch.publish import load
from pledgewatch.publish.links import letter_path, run_path, term_path
from pledgewatch.publish.lists import LETTERS, by_letter, search_entries, term_page
from pledgewatch.publish.records import PledgeSummary, RunInfo
from pledgewatch.publish.render import SiteWriter, environment
from pledgewatch.publish.run_page import neighbours, run_page

_PAGER = re.compile(r"<!-- pager -->.*?<!-- /pager -->", re.S)


def write_run_pages(session: Session, writer: SiteWriter, hosts: frozenset[str],
                    run_ids: list[int], new_runs: list[int]) -> None:
    """A page per new run, and the "next" link of the run published before them."""
    for run_id in new_runs:
        previous, following = neighbours(run_ids, run_id)
        page = run_page(changes_between(session, None, run_id), hosts, previous, following)
        writer.page(run_path(run_id), "run.html.j2", page=page)
    if new_runs and run_ids.index(new_runs[0]) > 0:
        older = run_ids[run_ids.index(new_runs[0]) - 1]
        if not relink(writer, older, *neighbours(run_ids, older)):
            previous, following = neighbours(run_ids, older)
            page = run_page(changes_between(session, None, older), hosts, previous, following)
            writer.page(run_path(older), "run.html.j2", page=page)


def relink(writer: SiteWriter, run_id: int, previous: int | None, following: int | None) -> bool:
    """Rewrite only the previous/next links of a published run page; False if it cannot.

    A run's report never changes once published, and recomputing a baseline's
    (every pledge new) just to add a "next" link would cost more than the run did.
    """
    path = writer.out / run_path(run_id)
    try:
        html = path.read_text(encoding="utf-8")
    except OSError:
        return False
    pager = environment().get_template("_pager.html.j2").render(
        root="../", previous=previous, next=following)
    updated, found = _PAGER.subn(lambda _: f"<!-- pager -->{pager}<!-- /pager -->", html, count=1)
    if not found:
        return False
    writer.write(run_path(run_id), updated)
    return True


def write_term_pages(session: Session, writer: SiteWriter, hosts: frozenset[str],
                     runs: Mapping[int, RunInfo], terms: Mapping[int, TermRef],
                     term_ids: Iterable[int], summaries: Mapping[int, PledgeSummary]) -> int:
    count = 0
    for term_id in sorted(term_ids):
        if term_id not in terms:
            continue
        page = term_page(terms[term_id], load.term_memberships(session, term_id), summaries, runs, hosts)
        writer.page(term_path(terms[term_id].key), "term.html.j2", page=page)
        count += 1
    return count


def write_lists(writer: SiteWriter, summaries: Mapping[int, PledgeSummary]) -> None:
    """The search page, its index, and one A-Z page per letter."""
    groups = by_letter(summaries.values())
    letters = [(letter, len(groups[letter])) for letter in LETTERS]
    writer.script_data("search-index.js", "PLEDGEWATCH_SEARCH",
                       {"format": 1, "pledges": search_entries(summaries.values())})
    writer.page("search.html", "search.html.j2", letters=letters, total=len(summaries))
    for letter, pledges in groups.items():
        label = "titles not starting with a letter" if letter == "other" else letter.upper()
        writer.page(letter_path(letter), "letter.html.j2", letter=letter, label=label,
                    letters=letters, pledges=pledges)
