"""Compare one run's merged pledges with the database's belief, and write only differences.

* a version is written only when the content fingerprint changes;
* a membership ends only when its term was crawled completely and no longer lists the pledge;
* a pledge is removed only when every term that listed it was complete, for
  ``confirm_removals_after`` runs in a row, and the run is not suspect.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from pledgewatch.core import text as nz
from pledgewatch.etl.merge import MergedPledge
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.etl.sightings import Sighting
from pledgewatch.storage import repo
from pledgewatch.storage.models import Absence, Membership, Pledge, PledgeVersion, Presence


@dataclass(slots=True)
class ApplyResult:
    pledges: int = 0  # distinct pledges the run saw
    new_pledges: int = 0
    new_versions: int = 0
    removed: int = 0
    restored: int = 0
    suspect: bool = False


@dataclass(slots=True)
class _Writes:
    versions: list[dict] = field(default_factory=list)
    closed_versions: list[int] = field(default_factory=list)
    raw_hashes: list[dict] = field(default_factory=list)  # same content, new raw text
    memberships: list[dict] = field(default_factory=list)
    closed_memberships: list[int] = field(default_factory=list)
    presences: list[dict] = field(default_factory=list)
    absences: list[dict] = field(default_factory=list)
    sightings: list[dict] = field(default_factory=list)  # what each re-read pledge's run read
    versions_written: int = 0


def apply_pledges(session: Session, run_id: int, sightings: Mapping[str, Sighting],
                  merged: Mapping[str, MergedPledge], states: dict[str, repo.PledgeState],
                  term_ids: Mapping[str, int], *, tallies_complete: set[int], run_complete: bool,
                  policy: ChangePolicy) -> ApplyResult:
    """``merged`` holds the changed sightings only; every other sighting is as last time."""
    folded, by_title, absorbed = _fold_into_twins(merged, states)
    seen_keys = [k for k in sightings if k not in merged] + list(folded)
    result, writes = ApplyResult(pledges=len(seen_keys)), _Writes()
    ids = _ensure_pledges(session, run_id, seen_keys, folded, states, result, writes)
    _link_title_pledges(session, run_id, states, by_title, ids)
    seen = set(ids.values())
    absent = [s.id for s in states.values() if s.present and s.id not in seen]
    changed_ids = [ids[key] for key in folded]
    versions = repo.load_open_versions(session, changed_ids)
    members = repo.load_open_memberships(session, changed_ids + absent)
    for key, pledge in folded.items():
        pledge_id = ids[key]
        _apply_version(run_id, pledge_id, pledge, versions.get(pledge_id), writes, session)
        now = {term_ids[t] for t in pledge.term_keys if t in term_ids}
        kept = _apply_memberships(run_id, pledge_id, now, members.get(pledge_id, {}),
                                  tallies_complete, writes)
        _write_early(session, writes)
        sighting = sightings.get(key)
        exact = sighting is not None and not kept and key not in absorbed
        writes.sightings.append({
            "id": pledge_id, "content_digests": list(sighting.contents()) if sighting else None,
            "seen_digest": sighting.fingerprint() if exact else None})
    _apply_absences(session, run_id, states, seen, members, tallies_complete, run_complete,
                    policy, result, writes)
    _write(session, run_id, writes)
    result.new_versions = writes.versions_written
    return result


def _write_early(session: Session, writes: _Writes, *, all_left: bool = False) -> None:
    """A first run makes a version, ~8 memberships and a sighting per pledge: written as they
    come, so that what waits in memory stays small."""
    if all_left or len(writes.memberships) >= 20_000:
        repo.insert_rows(session, Membership, writes.memberships)
        writes.memberships.clear()
    if all_left or len(writes.versions) >= 5_000:
        repo.insert_rows(session, PledgeVersion, writes.versions)
        writes.versions_written += len(writes.versions)
        writes.versions.clear()
    if all_left or len(writes.sightings) >= 5_000:
        repo.update_rows(session, Pledge, writes.sightings)
        writes.sightings.clear()


def _fold_into_twins(merged: Mapping[str, MergedPledge], states: dict[str, repo.PledgeState]
                     ) -> tuple[dict[str, MergedPledge], dict[str, list[str]], set[str]]:
    """Text snapshots have no URLs: a title-keyed pledge joins its URL-keyed twin when one exists."""
    by_title: dict[str, list[str]] = {}
    for key, state in states.items():
        if key.startswith("/"):
            by_title.setdefault(state.title_key, []).append(key)
    for key, pledge in merged.items():
        if key.startswith("/") and key not in states:
            by_title.setdefault(pledge.title_key, []).append(key)
    folded: dict[str, MergedPledge] = {}
    absorbed: set[str] = set()
    for key, pledge in merged.items():
        twins = by_title.get(pledge.title_key, []) if key.startswith("title:") else []
        if len(twins) != 1:  # no twin, or several records share the title: keep it apart
            folded.setdefault(key, pledge)
            continue
        target = folded.get(twins[0]) or merged.get(twins[0])
        if target is None:
            target = MergedPledge(twins[0], None, pledge.title_key, title=pledge.title)
        target.term_keys = tuple(sorted({*target.term_keys, *pledge.term_keys}))
        target.raw_summaries.update(pledge.raw_summaries)
        target.author = target.author or pledge.author
        folded[twins[0]] = target
        absorbed.add(twins[0])
    return folded, by_title, absorbed


def _link_title_pledges(session: Session, run_id: int, states: dict[str, repo.PledgeState],
                        by_title: dict[str, list[str]], ids: Mapping[str, int]) -> None:
    """A title-keyed pledge whose URL-keyed twin is known hands its identity over to it."""
    for key, state in states.items():
        twins = by_title.get(state.title_key, [])
        if not key.startswith("title:") or state.twin_id is not None or len(twins) != 1:
            continue
        twin_id = ids.get(twins[0]) or (states[twins[0]].id if twins[0] in states else None)
        if twin_id is None:
            continue
        session.execute(update(Pledge).where(Pledge.id == state.id)
                        .values(twin_id=twin_id, present=False))
        repo.close_presences(session, [state.id], run_id)
        session.execute(update(Membership).where(Membership.pledge_id == state.id,
                                                 Membership.to_run.is_(None)).values(to_run=run_id))
        state.present, state.twin_id = False, twin_id


def _ensure_pledges(session: Session, run_id: int, keys: Iterable[str],
                    merged: Mapping[str, MergedPledge], states: dict[str, repo.PledgeState],
                    result: ApplyResult, writes: _Writes) -> dict[str, int]:
    ids: dict[str, int] = {}
    new_rows = []
    for key in keys:
        state = states.get(key)
        if state is None:
            pledge = merged[key]  # a new pledge is always a changed sighting
            new_rows.append({"key": key[:2000], "url": pledge.url, "title_key": pledge.title_key[:2000],
                             "first_run": run_id, "present": True, "absent_runs": 0})
            continue
        ids[key] = state.id
        if not state.present:
            result.restored += 1
            writes.presences.append({"pledge_id": state.id, "from_run": run_id})
        if not state.present or state.absent_runs:
            session.execute(update(Pledge).where(Pledge.id == state.id)
                            .values(present=True, absent_runs=0))
    for chunk in repo.batched(new_rows, 5000):
        inserted = session.execute(
            Pledge.__table__.insert().returning(Pledge.id, Pledge.key), list(chunk))
        for pledge_id, key in inserted:
            ids[key] = pledge_id
            writes.presences.append({"pledge_id": pledge_id, "from_run": run_id})
    result.new_pledges = len(new_rows)
    return ids


def _apply_version(run_id: int, pledge_id: int, pledge: MergedPledge, open_: repo.OpenVersion | None,
                   writes: _Writes, session: Session) -> None:
    raw_hash = pledge.raw_fingerprint()
    if open_ is not None and open_.raw_hash == raw_hash:
        return  # word for word what the last run read
    title = pledge.title or (open_.title if open_ else "")
    submitted = pledge.submitted or (open_.submitted if open_ else None)
    author = pledge.author
    if open_ is not None:
        if author is None or (nz.is_truncated(author) and nz.author_matches(author, open_.author)):
            author = open_.author  # unknown, or the same name cut short: carry it over
    summary = pledge.summary()
    digest = nz.content_hash(title, author, submitted, summary)
    if open_ is not None and open_.content_hash == digest:
        writes.raw_hashes.append({"id": open_.id, "raw_hash": raw_hash})
        return
    if open_ is not None and nz.is_truncated(open_.author) and nz.author_matches(open_.author, author) \
            and nz.content_hash(title, open_.author, submitted, summary) == open_.content_hash:
        # The full name behind a truncated byline: the same author, now known in full.
        session.execute(update(PledgeVersion).where(PledgeVersion.id == open_.id)
                        .values(author=author, content_hash=digest, raw_hash=raw_hash))
        return
    if open_ is not None:
        writes.closed_versions.append(open_.id)
    writes.versions.append({
        "pledge_id": pledge_id, "number": open_.number + 1 if open_ else 1, "content_hash": digest,
        "raw_hash": raw_hash,
        "title": title, "author": author, "submitted": submitted, "summary": summary,
        "mojibake": nz.looks_mojibaked(title) or nz.looks_mojibaked(summary),
        "from_run": run_id, "first_page_url": (pledge.first_page_url or "")[:2000] or None})


def _apply_memberships(run_id: int, pledge_id: int, now: set[int], before: dict[int, int],
                       complete_terms: set[int], writes: _Writes) -> bool:
    """Open and close memberships; True when one was kept open though not seen."""
    kept = False
    for term_id in now - before.keys():
        writes.memberships.append({"pledge_id": pledge_id, "term_id": term_id, "from_run": run_id})
    for term_id, membership_id in before.items():
        if term_id in now:
            continue
        if term_id in complete_terms:  # an incomplete term says nothing about its members
            writes.closed_memberships.append(membership_id)
        else:
            kept = True
    return kept


def _apply_absences(session: Session, run_id: int, states: dict[str, repo.PledgeState],
                    seen: set[int], members: dict[int, dict[int, int]], complete_terms: set[int],
                    run_complete: bool, policy: ChangePolicy, result: ApplyResult,
                    writes: _Writes) -> None:
    present = [s for s in states.values() if s.present and s.id not in seen]
    candidates = []
    for state in present:
        terms = members.get(state.id, {})
        incomplete = terms.keys() - complete_terms
        provable = not incomplete if terms else run_complete
        if not provable:
            reason = f"not seen: {len(incomplete) or 'its'} term(s) not crawled completely"
            writes.absences.append({"run_id": run_id, "pledge_id": state.id, "provable": False,
                                    "reason": reason})
            continue
        state.absent_runs += 1
        session.execute(update(Pledge).where(Pledge.id == state.id)
                        .values(absent_runs=state.absent_runs))
        if state.absent_runs >= policy.confirm_removals_after:
            candidates.append(state)
        else:
            writes.absences.append({"run_id": run_id, "pledge_id": state.id, "provable": True,
                                    "reason": f"absent {state.absent_runs} of "
                                              f"{policy.confirm_removals_after} runs needed"})
    present_total = sum(1 for s in states.values() if s.present)
    if len(candidates) >= policy.min_suspect_removals \
            and len(candidates) > policy.max_removal_share * present_total:
        result.suspect = True
        share = f"{len(candidates)} of {present_total} pledges"
        for state in candidates:
            writes.absences.append({"run_id": run_id, "pledge_id": state.id, "provable": True,
                                    "reason": f"held: this run would remove {share}"})
        return
    _remove(session, run_id, candidates, members, writes)
    result.removed = len(candidates)


def _remove(session: Session, run_id: int, removed: list[repo.PledgeState],
            members: dict[int, dict[int, int]], writes: _Writes) -> None:
    ids = [s.id for s in removed]
    for chunk in repo.batched(ids):
        session.execute(update(Pledge).where(Pledge.id.in_(chunk)).values(present=False))
    repo.close_presences(session, ids, run_id)
    for state in removed:
        writes.absences.append({"run_id": run_id, "pledge_id": state.id, "provable": True,
                                "reason": "removed"})
        writes.closed_memberships.extend(members.get(state.id, {}).values())


def _write(session: Session, run_id: int, writes: _Writes) -> None:
    repo.close_rows(session, PledgeVersion, writes.closed_versions, run_id)
    repo.update_rows(session, PledgeVersion, writes.raw_hashes)
    repo.close_rows(session, Membership, writes.closed_memberships, run_id)
    _write_early(session, writes, all_left=True)
    repo.insert_rows(session, Presence, writes.presences)
    repo.insert_rows(session, Absence, writes.absences)
