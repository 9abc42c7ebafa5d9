"""A seeded, site-shaped workload: N crawl runs of P pledges plus the truth of every change.

Why generated and not recorded: the benchmark must scale to 50,000 pledges (the
site has ~1,500) and must know, for every run transition, exactly which pledges
were added, edited, removed or re-classified and which only changed whitespace.

Each run is written three ways:

* ``run-NN.jsonl`` — the crawl output pledgewatch ingests, in the record format of
  ``scraper.items`` (one teaser per pledge per term page, ten per page, newest
  first, so adding pledges shifts teasers between pages; a page record after each
  page's teasers; a final ``crawl`` record);
* ``snapshot-NN.json`` — one pre-normalized object per pledge
  ``{id, title, author, summary, terms}`` (whitespace folded, terms sorted), the
  input the peers get in their best configuration;
* ``raw-snapshot-NN.json`` — the same with the text as published (noise included),
  the peers' default input.

``truth-NN.json`` says what changed from run NN-1 to NN. ``unchanged-NN.jsonl``
(runs after the last) re-crawl the final state: nothing in them is a change. Lines are streamed to
disk; only the pledges' current state (a few hundred bytes each) stays in memory.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tools.bench import textgen
from tools.bench.terms import SITE, Term, TermGroups, build_terms, pick_terms, term_groups

GENERATOR_VERSION = "2"
PAGE_SIZE = 10
PARSER_VERSION = "bench-workload"
_BASE_TIME = datetime(2025, 1, 6, 2, 0, tzinfo=UTC)
_FIRST_SUBMITTED = datetime(2013, 12, 23, 15, 15)
_AUTHORS_FIRST = ("Anqi", "Camille", "Costanza", "Ace Paolo", "Charlotte", "Maria", "Jean-Pierre",
                  "Fatou", "Luis Alberto", "Ngozi", "Sven", "Aiko", "Rahul", "Olena", "Tomás")
_AUTHORS_LAST = ("ZHANG", "Saadé", "Bindi", "Dela Cruz", "Moreau", "Okafor", "Lindqvist",
                 "Fernández", "Tanaka", "Diallo", "Kowalczyk", "Ramírez-Castillo", "Haddad")
TRUNCATE_AT = 14  # Drupal shows 14 characters plus "…" for long usernames


@dataclass(frozen=True, slots=True)
class ChangeMix:
    """Shares of the present pledges that change in one run (the issue's mix)."""

    summary_edited: float = 0.01
    title_edited: float = 0.005
    new: float = 0.005
    removed: float = 0.003
    reclassified: float = 0.02
    noise: float = 0.05


@dataclass(slots=True)
class Pledge:
    """One pledge's current state; text is canonical (noise is applied per run)."""

    nid: int
    title: str
    author: str
    submitted: str
    summary: str
    contributor: int  # term index never removed by re-classification
    terms: set[int]

    @property
    def key(self) -> str:
        return f"/pfp/ppd/{self.nid}"


@dataclass(slots=True)
class Truth:
    """What changed from ``from_run`` to ``to_run``; keys are record paths."""

    from_run: int | None
    to_run: int
    new: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    edited: dict[str, list[str]] = field(default_factory=dict)  # key -> changed fields
    reclassified: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    noise: list[str] = field(default_factory=list)  # published text differs in whitespace only

    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "removed": len(self.removed), "edited": len(self.edited),
                "reclassified": len(self.reclassified), "noise": len(self.noise)}


def key_of(nid: int) -> str:
    return f"/pfp/ppd/{nid}"


def _author(rng: random.Random) -> str:
    if rng.random() < 0.05:
        return "Anonymous (not verified)"
    return f"{rng.choice(('Ms.', 'Mr.', ''))} {rng.choice(_AUTHORS_FIRST)} {rng.choice(_AUTHORS_LAST)}".strip()


def truncated(author: str) -> str | None:
    """The byline Drupal prints for a long name, or None when the name is short enough."""
    return author[:TRUNCATE_AT] + "…" if len(author) > TRUNCATE_AT + 1 else None


def shows_truncated(nid: int, term: int, contributor: int) -> bool:
    """Stable per (pledge, term page): some pages cut the byline, the contributor page never."""
    return term != contributor and (nid * 31 + term) % 3 == 0


def byline_after(nid: int, term: int) -> bool:
    return (nid + term) % 5 == 0


class Workload:
    """The evolving site: pledges, terms and the per-run published text."""

    def __init__(self, pledges: int, seed: int, mix: ChangeMix) -> None:
        self.rng = random.Random(seed)
        self.mix = mix
        self.terms: list[Term] = build_terms()
        self.groups: TermGroups = term_groups(self.terms)
        self.pledges: dict[int, Pledge] = {}
        self.next_nid = 1000
        self.noisy: dict[int, tuple[str, str]] = {}  # nid -> (title, summary) as published now
        for _ in range(pledges):
            self._add_pledge()

    def _add_pledge(self) -> Pledge:
        rng = self.rng
        nid = self.next_nid
        self.next_nid += rng.randint(1, 3)  # nids are shared with other content types
        submitted = _FIRST_SUBMITTED + timedelta(hours=6 * nid)
        contributor, terms = pick_terms(rng, self.groups)
        pledge = Pledge(nid, textgen.title(rng), _author(rng), submitted.isoformat() + "+01:00",
                        textgen.summary(rng), contributor, set(terms))
        self.pledges[nid] = pledge
        return pledge

    def published(self, pledge: Pledge) -> tuple[str, str]:
        """(title, summary) as this run's pages print them."""
        return self.noisy.get(pledge.nid, (pledge.title, pledge.summary))

    def first_truth(self) -> Truth:
        return Truth(None, 1, new=[p.key for p in self.pledges.values()])

    def advance(self, to_run: int) -> Truth:
        """Apply one run's change mix; return what changed, as the ground truth."""
        rng, mix = self.rng, self.mix
        before = {nid: self.published(p) for nid, p in self.pledges.items()}
        present = sorted(self.pledges)
        n = len(present)
        sizes = [round(n * share) for share in
                 (mix.summary_edited, mix.title_edited, mix.removed, mix.reclassified, mix.noise)]
        picked = rng.sample(present, sum(sizes))
        cuts, start = [], 0
        for size in sizes:
            cuts.append(picked[start:start + size])
            start += size
        summary_edits, title_edits, removals, reclassifications, noise = cuts
        truth = Truth(to_run - 1, to_run)

        for nid in summary_edits:
            p = self.pledges[nid]
            p.summary = textgen.edit_summary(rng, p.summary)
            truth.edited[p.key] = ["summary"]
        for nid in title_edits:
            p = self.pledges[nid]
            p.title = textgen.edit_title(rng, p.title)
            truth.edited[p.key] = ["title"]
        for nid in removals:
            truth.removed.append(key_of(nid))
            del self.pledges[nid]
        for nid in reclassifications:
            p = self.pledges[nid]
            truth.reclassified[p.key] = self._reclassify(p)
        for _ in range(round(n * mix.new)):
            truth.new.append(self._add_pledge().key)

        self.noisy = {}
        for nid in noise:
            p = self.pledges[nid]
            if rng.random() < 0.8:
                self.noisy[nid] = (p.title, textgen.whitespace_noise(rng, p.summary))
            else:
                self.noisy[nid] = (textgen.whitespace_noise(rng, p.title), p.summary)
        for nid, old in before.items():
            still = self.pledges.get(nid)
            if still is None or still.key in truth.edited:
                continue
            if self.published(still) != old:
                truth.noise.append(still.key)
        truth.noise.sort()
        truth.removed.sort()
        return truth

    def _reclassify(self, p: Pledge) -> dict[str, list[str]]:
        rng, pool = self.rng, self.groups.reclassifiable
        removable = sorted(t for t in p.terms if t in pool)
        action = rng.random()
        added: list[int] = []
        removed: list[int] = []
        if (action < 0.4 or len(removable) < 2) or action >= 0.7:
            candidates = [t for t in pool if t not in p.terms]
            added.append(rng.choice(candidates))
        if action >= 0.4 and len(removable) >= 2:
            removed.append(rng.choice(removable))
        p.terms.difference_update(removed)
        p.terms.update(added)
        return {"added": sorted(self.terms[t].url for t in added),
                "removed": sorted(self.terms[t].url for t in removed)}


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def listing_url(term: Term, page: int) -> str:
    return term.url if page == 0 else f"{term.url}?page={page}"


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def crawl_lines(work: Workload, run: int) -> Iterator[str]:
    """The run's JSON Lines, term by term and page by page, as the spider emits them."""
    members: list[list[int]] = [[] for _ in work.terms]
    for nid in sorted(work.pledges, reverse=True):  # newest first on every term page
        for t in work.pledges[nid].terms:
            members[t].append(nid)
    started = _BASE_TIME + timedelta(days=7 * (run - 1))
    clock = started
    heads: dict[int, tuple[str, str, str]] = {}  # nid -> encoded (head, author, tail)
    pages_ok = 0
    for t, term in enumerate(work.terms):
        nids = members[t]
        last_page = max(0, (len(nids) - 1) // PAGE_SIZE)
        term_enc = f',"term":{_dumps(term.name)},"term_url":{_dumps(term.url)}'
        vocab_enc = _dumps(term.vocabulary)
        for page in range(last_page + 1):
            url = listing_url(term, page)
            chunk = nids[page * PAGE_SIZE:(page + 1) * PAGE_SIZE]
            lines = []
            for position, nid in enumerate(chunk):
                p = work.pledges[nid]
                enc = heads.get(nid)
                if enc is None:
                    title, summary = work.published(p)
                    enc = (f'{{"url":"{SITE}/pfp/ppd/{nid}","title":{_dumps(title)},"author":',
                           _dumps(p.author),
                           f',"submitted":"{p.submitted}","summary":{_dumps(summary)}')
                    heads[nid] = enc
                cut = truncated(p.author) if shows_truncated(nid, t, p.contributor) else None
                lines.append(
                    f'{enc[0]}{_dumps(cut) if cut else enc[1]}{enc[2]}{term_enc}'
                    f',"listing_url":"{url}","position":{position},"page":{page}'
                    f',"vocabulary":{vocab_enc}'
                    f',"author_position":"{"after" if byline_after(nid, t) else "before"}"'
                    f',"author_truncated":{"true" if cut else "false"},"type":"teaser"}}\n')
            yield from lines
            clock += timedelta(seconds=1)
            pages_ok += 1
            yield _dumps({
                "url": url, "status": 200, "term": term.name, "teasers": len(chunk), "ok": True,
                "error": None, "term_url": term.url, "vocabulary": term.vocabulary, "page": page,
                "last_page": last_page,
                "next_url": listing_url(term, page + 1) if page < last_page else None,
                "empty_term": not chunk,
                "digest": hashlib.sha256("".join(lines).encode("utf-8")).hexdigest(),
                "fetched_at": _iso(clock), "etag": None, "last_modified": None,
                "not_modified": False, "depth": "all", "type": "page",
            }) + "\n"
    yield _dumps({
        "started": _iso(started), "finished": _iso(clock), "reason": "finished", "source": "live",
        "parser_version": PARSER_VERSION, "start_urls": [t.url for t in work.terms],
        "pages_ok": pages_ok, "pages_failed": 0, "plan": None, "type": "crawl",
    }) + "\n"


def snapshot_rows(work: Workload, *, normalized: bool) -> Iterator[dict[str, Any]]:
    """One object per present pledge, by id; what the peers load for one run."""
    fold = textgen.folded if normalized else (lambda s: s)
    for nid in sorted(work.pledges):
        p = work.pledges[nid]
        title, summary = work.published(p)
        yield {"id": p.key, "title": fold(title), "author": fold(p.author), "summary": fold(summary),
               "terms": sorted(work.terms[t].url for t in p.terms)}


def _write_lines(path: Path, lines: Iterator[str]) -> int:
    count = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as handle:
        for line in lines:
            handle.write(line)
            count += 1
    return count


def _write_snapshot(path: Path, rows: Iterator[dict[str, Any]]) -> None:
    """A JSON array with one object per line, so git stores and diffs it line by line."""
    with path.open("w", encoding="utf-8", buffering=1 << 20) as handle:
        handle.write("[\n")
        for i, row in enumerate(rows):
            handle.write(("" if i == 0 else ",\n") + _dumps(row))
        handle.write("\n]\n")


@dataclass(frozen=True, slots=True)
class RunFiles:
    run: int
    crawl: Path
    snapshot: Path
    raw_snapshot: Path
    truth: Path


def run_files(out: Path, run: int) -> RunFiles:
    return RunFiles(run, out / f"run-{run:02d}.jsonl", out / f"snapshot-{run:02d}.json",
                    out / f"raw-snapshot-{run:02d}.json", out / f"truth-{run:02d}.json")


@dataclass(frozen=True, slots=True)
class WorkloadFiles:
    """Everything one workload wrote: the changing runs, then the unchanged re-crawls."""

    folder: Path
    runs: list[RunFiles]
    unchanged: list[Path]  # later crawls of the final state: same content, new timestamps


def generate(out: Path, *, pledges: int, runs: int, unchanged: int = 10, seed: int = 1,
             mix: ChangeMix | None = None) -> WorkloadFiles:
    """Write all runs under ``out``; reuse them when a manifest says they match.

    The unchanged re-crawls differ from the last run only in their fetch times, as a
    real crawl of an unchanged site would; byte-identical files would be skipped by
    any ingest that de-duplicates its input, which is not what they measure.
    """
    mix = mix or ChangeMix()
    params = {"generator_version": GENERATOR_VERSION, "pledges": pledges, "runs": runs,
              "unchanged": unchanged, "seed": seed, "mix": asdict(mix)}
    manifest = out / "workload.json"
    files = WorkloadFiles(out, [run_files(out, run) for run in range(1, runs + 1)],
                          [out / f"unchanged-{run:02d}.jsonl"
                           for run in range(runs + 1, runs + unchanged + 1)])
    written = all(f.crawl.exists() and f.truth.exists() for f in files.runs) and \
        all(p.exists() for p in files.unchanged)
    if written and manifest.exists() and json.loads(manifest.read_text()).get("params") == params:
        return files
    out.mkdir(parents=True, exist_ok=True)
    manifest.unlink(missing_ok=True)
    work = Workload(pledges, seed, mix)
    summary: list[dict[str, Any]] = []
    for f in files.runs:
        truth = work.first_truth() if f.run == 1 else work.advance(f.run)
        lines = _write_lines(f.crawl, crawl_lines(work, f.run))
        _write_snapshot(f.snapshot, snapshot_rows(work, normalized=True))
        _write_snapshot(f.raw_snapshot, snapshot_rows(work, normalized=False))
        f.truth.write_text(_dumps(asdict(truth)) + "\n", encoding="utf-8")
        summary.append({"run": f.run, "pledges": len(work.pledges), "lines": lines,
                        "bytes": f.crawl.stat().st_size, **truth.counts()})
    for number, path in enumerate(files.unchanged, start=runs + 1):
        _write_lines(path, crawl_lines(work, number))
    manifest.write_text(json.dumps({"params": params, "runs": summary}, indent=1) + "\n")
    return files


def load_truth(path: Path) -> Truth:
    data = json.loads(path.read_text(encoding="utf-8"))
    return Truth(**data)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--unchanged", type=int, default=10,
                        help="re-crawls of the final state to write after the runs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None,
                        help="output folder (default: tools/bench/out/workload-P-seedS)")
    args = parser.parse_args(argv)
    out = args.out or Path("tools/bench/out") / f"workload-{args.pledges}-seed{args.seed}"
    generate(out, pledges=args.pledges, runs=args.runs, unchanged=args.unchanged, seed=args.seed)
    print((out / "workload.json").read_text())


if __name__ == "__main__":
    main()
