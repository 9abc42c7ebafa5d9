"""The month's figures as Markdown tables (plain enough to print as they are).

Per plan: one row per day (requests, bytes, minutes at the polite delay) and one row per
change kind (share detected, delay in days); then false changes, the comparison of the plans'
requests and the issue's goals, each said met or not.
"""

from __future__ import annotations

from argparse import Namespace
from typing import TYPE_CHECKING

from tools.sim.site import KINDS, PLEDGE_KINDS

if TYPE_CHECKING:
    from tools.sim.results import PlanResult
    from tools.sim.score import Score

POLITE = 1.0  # seconds between requests by default (scraper/settings.py)
CRAWL_DELAY = 10.0  # robots.txt's Crawl-delay on the site


def markdown(results: list[PlanResult], args: Namespace) -> str:
    out = [f"# A simulated month: {args.pledges} pledges, {args.days} days, seed {args.seed}", ""]
    for result in results:
        out += _plan(result)
    out += _comparison(results)
    return "\n".join(out) + "\n"


text = markdown


def _plan(result: PlanResult) -> list[str]:
    s = result.score
    out = [f"## plan {result.plan}" + (f" ({result.note})" if result.note else ""), "",
           f"{len(result.days)} runs in {result.seconds / 60:.1f} min of machine time.", "",
           "| day | complete | listing pages | requests | records | 304 | KB | min @1 s | min @10 s "
           "| true changes | reported |",
           "|---:|:---:|---:|---:|---:|---:|---:|---:|---:|---|---|"]
    for d in result.days:
        kinds = [c.kind for c in d.changes]
        true = ", ".join(f"{kinds.count(k)} {k}" for k in KINDS if k in kinds) or \
            ("baseline" if d.day == 0 else "none")
        reported = ", ".join(f"{len(v)} {k}" for k, v in d.report.entries.items() if v) or "-"
        f = d.fetches
        out.append(f"| {d.day} | {'yes' if d.complete else 'no'} | {d.pages} | {f.requests} | {f.records} | "
                   f"{f.not_modified} | {f.bytes // 1024} | {f.minutes(POLITE):.0f} | "
                   f"{f.minutes(CRAWL_DELAY):.0f} | {true} | {reported} |")
    out += ["", "| change | true | detected | delay (days): same day / max / mean | missed |",
            "|---|---:|---:|---|---|"]
    for kind in KINDS:
        total, delays = s.total(kind), s.delays[kind]
        share = s.share(kind)
        shown = "-" if share is None or kind not in PLEDGE_KINDS else f"{share:.0%}"
        spread = (f"{delays.count(0)} / {max(delays)} / {sum(delays) / len(delays):.1f}"
                  if delays else "-")
        missed = ", ".join(f"{c.key} (day {c.day})" for c in s.missed[kind][:5]) \
            if kind in PLEDGE_KINDS else "(changes no pledge)"
        if len(s.missed[kind]) > 5 and kind in PLEDGE_KINDS:
            missed += f", … {len(s.missed[kind]) - 5} more"
        out.append(f"| {kind} | {total} | {shown} | {spread} | {missed or '-'} |")
    out += ["", f"False changes (never happened): {len(s.false)}" +
            "".join(f"\n- day {day}: {kind} {key}" for day, kind, key in s.false[:20]),
            "", f"Told again (a true change already told, repeated or in parts): {len(s.told_again)}" +
            "".join(f"\n- day {day}: {kind} {key}" for day, kind, key in s.told_again[:10]), "",
            f"Absences noted (not seen): {s.notes}", ""]
    return out


def _comparison(results: list[PlanResult]) -> list[str]:
    by_plan = {r.plan: r for r in results}
    out = ["## goals", ""]
    if "full" in by_plan and "cover" in by_plan:
        full, cover = by_plan["full"].mean_requests(), by_plan["cover"].mean_requests()
        share = cover / full if full else 0.0
        out.append(f"- cover's requests per day are {share:.0%} of full's "
                   f"({cover:.0f} vs {full:.0f}): {'met' if share <= 0.25 else 'NOT met'} (<= 25 %)")
    for result in results:
        s, last = result.score, result.days[-1].day
        same_day = all(max(s.delays[k], default=0) == 0 and not s.missed[k]
                       for k in ("new", "teaser_edit", "removed"))
        records = _within(s, "record_only_edit", result.max_age_days, last)
        moved = _within(s, "reclassified", result.full_every_days, last)
        out += [f"- {result.plan}: new, teaser edits and removals on the day: {_met(same_day)}; "
                f"record-only edits within {result.max_age_days} days: {_met(records)}; "
                f"re-classifications within {result.full_every_days} days: {_met(moved)}; "
                f"0 false changes: {_met(not s.false)}"]
    return out


def _within(s: Score, kind: str, days: int, last: int) -> bool:
    """Every change of ``kind`` found within ``days``; one not found yet is late only when
    its time was up by the last day."""
    late = [change for change in s.missed[kind] if last - change.day >= days]
    return max(s.delays[kind], default=0) <= days and not late


def _met(ok: bool) -> str:
    return "met" if ok else "NOT met"
