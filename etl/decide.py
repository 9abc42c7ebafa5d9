"""Decide stage: what the store believes + what a run saw -> a plan of writes. Pure.

* a version is written only when the content fingerprint changes (whitespace,
  line breaks and trims of the same text are not changes);
* a membership ends only when its term was crawled completely and no longer
  lists the pledge;
* a pledge is removed only when the run read the whole site (``run_complete``: the
  crawl finished, no page failed, every term it met was complete), every term that
  listed it was among them, for ``confirm_removals_after`` runs in a row, and the
  run would not remove too much at once (then its removals are held as suspect).
  Its own terms being complete is not enough: it may have moved to a term whose
  page failed, and then it was re-classified, not removed.

Record pages (docs/crawling.md, "What each run can prove"):

* a record read whole is a new record version when its comparison hash differs from the
  open one; a 304 or a failed read changes nothing;
* a pledge the run did not list whose record answered 404/410 is removed at once when the
  run was complete for its plan (no waiting for ``confirm_removals_after``: the site said
  so); one whose record answered 200 has *left the listings* (``UNLISTED``) in a full run,
  and is *not seen* in a cover run, which reads some terms by page 0 only and so cannot
  tell a pledge that left from one that moved to such a term;
* a cover run removes nothing without a 404/410, and its probed terms (page 0 only) never
  end a membership; they add one only to a pledge new in the run, whose first page of a
  term is where a new pledge shows (a known pledge's memberships come from complete terms).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pledgewatch.core import text
from pledgewatch.core.identity import is_title_key
from pledgewatch.core.pledges import (
    AbsenceKind,
    Pledge,
    RecordContent,
    RecordOutcome,
    RecordRead,
    StoredPledge,
    StoredVersion,
)
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.derive import fold_into_twin, pick_summary, twin_from


@dataclass(frozen=True, slots=True)
class NewVersion:
    key: str
    content: StoredVersion  # what the store will hold as the pledge's open version
    mojibake: bool
    first_page_url: str | None

    @property
    def number(self) -> int:
        return self.content.number


@dataclass(frozen=True, slots=True)
class AuthorCompleted:
    """The full name behind a truncated byline: the open version is corrected, not replaced."""

    key: str
    author: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class NewRecordVersion:
    key: str
    number: int
    content_hash: str
    content: RecordContent


@dataclass(frozen=True, slots=True)
class Absence:
    key: str
    kind: AbsenceKind
    reason: str
    absent_runs: int  # complete runs in a row without it, this one included when provable


@dataclass(slots=True)
class Plan:
    """Every write one run makes, by pledge key; :mod:`etl.write` carries it out."""

    new_pledges: list[Pledge] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)  # every pledge the run listed
    restored: list[str] = field(default_factory=list)
    versions: list[NewVersion] = field(default_factory=list)
    authors_completed: list[AuthorCompleted] = field(default_factory=list)
    joined: list[tuple[str, str]] = field(default_factory=list)  # (pledge key, term key)
    left: list[tuple[str, str]] = field(default_factory=list)
    linked: list[tuple[str, str]] = field(default_factory=list)  # (title key, its URL twin)
    absences: list[Absence] = field(default_factory=list)
    suspect: bool = False
    record_versions: list[NewRecordVersion] = field(default_factory=list)
    record_fetches: list[RecordRead] = field(default_factory=list)  # of pledges the store keeps

    @property
    def removed(self) -> list[str]:
        return [a.key for a in self.absences if a.kind is AbsenceKind.REMOVED]


NO_RECORDS: Mapping[str, RecordRead] = {}


def decide(stored: Mapping[str, StoredPledge], derived: Mapping[str, Pledge], *,
           complete_terms: frozenset[str], run_complete: bool, policy: ChangePolicy,
           records: Mapping[str, RecordRead] = NO_RECORDS,
           probed_terms: frozenset[str] = frozenset(), plan_mode: str | None = None,
           crawl_finished: bool = False) -> Plan:
    """``run_complete``: complete for its plan (``etl.completeness``); ``records``: the record
    pages the run read, by pledge key; ``plan_mode``: ``full``, ``cover`` or None (full);
    ``crawl_finished``: the crawl ran to its end (some pages may have failed)."""
    plan = Plan()
    pledges, by_title = fold_twins(stored, derived)
    plan.linked = links_to_twins(stored, by_title)
    linked = {title_key for title_key, _ in plan.linked}
    for key, pledge in pledges.items():
        state = stored.get(key)
        plan.seen.append(key)
        if state is None:
            plan.new_pledges.append(pledge)
        elif not state.present:
            plan.restored.append(key)
        decide_version(plan, pledge, state.version if state else None)
        before = frozenset(state.term_keys if state else ())
        joins = frozenset(pledge.term_keys) - before
        if state is not None:
            joins -= probed_terms
        plan.joined += [(key, term) for term in sorted(joins)]
        plan.left += [(key, term) for term in sorted(before.difference(pledge.term_keys))
                      if term in complete_terms]  # an incomplete term says nothing of its members
    present = [s for s in stored.values() if s.present and s.key not in linked]
    absent = [s for s in present if s.key not in pledges]
    decide_records(plan, stored, pledges, records)
    plan.absences = decide_absences(absent, len(present), complete_terms, run_complete, policy,
                                    records, full=plan_mode != "cover",
                                    crawl_finished=crawl_finished)
    plan.suspect = any(a.kind is AbsenceKind.HELD for a in plan.absences)
    for absence in plan.absences:
        if absence.kind is AbsenceKind.REMOVED:
            plan.left += [(absence.key, term) for term in sorted(stored[absence.key].term_keys)]
    return plan


def fold_twins(stored: Mapping[str, StoredPledge], derived: Mapping[str, Pledge]
               ) -> tuple[dict[str, Pledge], dict[str, list[str]]]:
    """Text snapshots have no URLs: a title-keyed pledge joins its URL-keyed twin when exactly
    one record has its title (several: kept apart, since a title never decides identity)."""
    by_title: dict[str, list[str]] = {}
    for key, state in stored.items():
        if not is_title_key(key):
            by_title.setdefault(state.title_key, []).append(key)
    for key, pledge in derived.items():
        if not is_title_key(key) and key not in stored:
            by_title.setdefault(pledge.title_key, []).append(key)
    folded: dict[str, Pledge] = {}
    for key, pledge in derived.items():
        twins = by_title.get(pledge.title_key, []) if is_title_key(key) else []
        if len(twins) != 1:
            folded.setdefault(key, pledge)
            continue
        known = folded.get(twins[0]) or derived.get(twins[0])
        folded[twins[0]] = fold_into_twin(known, pledge) if known else twin_from(twins[0], pledge)
    return folded, by_title


def links_to_twins(stored: Mapping[str, StoredPledge], by_title: Mapping[str, list[str]]
                   ) -> list[tuple[str, str]]:
    """Stored title-keyed pledges whose one URL-keyed twin is now known hand their identity over."""
    links = []
    for key, state in stored.items():
        twins = by_title.get(state.title_key, [])
        if is_title_key(key) and not state.is_linked and len(twins) == 1:
            links.append((key, twins[0]))
    return links


def decide_version(plan: Plan, pledge: Pledge, open_: StoredVersion | None) -> None:
    title = pledge.title or (open_.title if open_ else "")
    submitted = pledge.submitted or (open_.submitted if open_ else None)
    author = pledge.author
    if open_ is not None and (author is None or (
            text.is_truncated(author) and text.author_matches(author, open_.author))):
        author = open_.author  # unknown, or the same name cut short: carry it over
    summary = pick_summary(pledge.summaries)
    digest = text.content_hash(title, author, submitted, summary)
    if open_ is not None and open_.content_hash == digest:
        return
    if open_ is not None and author and text.is_truncated(open_.author) \
            and text.author_matches(open_.author or "", author) \
            and text.content_hash(title, open_.author, submitted, summary) == open_.content_hash:
        plan.authors_completed.append(AuthorCompleted(pledge.key, author, digest))
        return
    number = open_.number + 1 if open_ else 1
    plan.versions.append(NewVersion(
        pledge.key, StoredVersion(number, digest, title, author, submitted, summary),
        text.has_mojibake(title) or text.has_mojibake(summary),
        (pledge.first_listing_url or "")[:2000] or None))


def decide_records(plan: Plan, stored: Mapping[str, StoredPledge], pledges: Mapping[str, Pledge],
                   records: Mapping[str, RecordRead]) -> None:
    """Record reads of pledges the store keeps (known, or new in this run); a new record
    version when a read's comparison hash differs from the open one."""
    for key, read in records.items():
        state = stored.get(key)
        if state is None and key not in pledges:
            continue  # a record no listing ever showed: nothing to keep it under
        plan.record_fetches.append(read)
        if read.outcome is not RecordOutcome.READ or read.content is None:
            continue
        open_ = state.record if state else None
        digest = read.content.content_hash()
        if open_ is None or open_.content_hash != digest:
            plan.record_versions.append(NewRecordVersion(
                key, open_.number + 1 if open_ else 1, digest, read.content))


UNLISTED_REASON = "left the listings; its record page is still online"


def decide_absences(absent: list[StoredPledge], present_total: int, complete_terms: frozenset[str],
                    run_complete: bool, policy: ChangePolicy,
                    records: Mapping[str, RecordRead] = NO_RECORDS, *, full: bool = True,
                    crawl_finished: bool = False) -> list[Absence]:
    """Each listed pledge the run did not see: not seen, pending, held, removed or unlisted.

    A record page gone (404/410) of a pledge the run did not list removes it at once, in a
    run complete for its plan, or in one that ran to its end with some page failed: the
    record itself is the proof, and a failed listing page elsewhere is no reason to wait.
    In such an incomplete run the record's word counts only while it is not suspect: many
    records gone at once is held, as many absences are."""
    absences, candidates, gone = [], [], []
    for state in absent:
        read = records.get(state.key)
        outcome = read.outcome if read else None
        if (run_complete or crawl_finished) and outcome is RecordOutcome.GONE:
            gone.append(Absence(state.key, AbsenceKind.REMOVED, "removed: its record page "
                                f"answered HTTP {read.status if read else ''}".rstrip(),
                                state.absent_runs + 1))
            continue
        incomplete = frozenset(state.term_keys) - complete_terms
        if incomplete or not run_complete:
            reason = f"not seen: {len(incomplete)} term(s) not crawled completely" \
                if incomplete else "not seen: the run did not read every term completely"
            absences.append(Absence(state.key, AbsenceKind.NOT_SEEN, reason, state.absent_runs))
            continue
        if outcome is not None and outcome.online:
            kind, reason = (AbsenceKind.UNLISTED, UNLISTED_REASON) if full else (
                AbsenceKind.NOT_SEEN, "not seen: its record page is online, and a cover run "
                "may have missed it on a term read by its first page only")
            absences.append(Absence(state.key, kind, reason, state.absent_runs))
            continue
        if not full:
            absences.append(Absence(state.key, AbsenceKind.NOT_SEEN, "not seen: a cover run "
                                    "proves a removal only by a record page gone (404/410)",
                                    state.absent_runs))
            continue
        runs = state.absent_runs + 1
        if runs >= policy.confirm_removals_after:
            candidates.append((state, runs))
        else:
            absences.append(Absence(state.key, AbsenceKind.PENDING, f"absent {runs} of "
                                    f"{policy.confirm_removals_after} runs needed", runs))
    if not run_complete and is_suspect(len(gone), present_total, policy):
        gone = [Absence(a.key, AbsenceKind.HELD, f"held: this incomplete run would remove "
                        f"{len(gone)} of {present_total} pledges by their record pages",
                        a.absent_runs) for a in gone]
    absences += gone
    if is_suspect(len(candidates), present_total, policy):
        share = f"{len(candidates)} of {present_total} pledges"
        return absences + [Absence(s.key, AbsenceKind.HELD, f"held: this run would remove {share}",
                                   runs) for s, runs in candidates]
    return absences + [Absence(s.key, AbsenceKind.REMOVED, "removed", runs)
                       for s, runs in candidates]


def is_suspect(removals: int, present_total: int, policy: ChangePolicy) -> bool:
    """Too many removals at once: more likely a broken crawl than a purge."""
    return removals >= policy.min_suspect_removals \
        and removals > policy.max_removal_share * present_total
