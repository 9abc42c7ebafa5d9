"""What one run saw of each pledge, gathered line by line without parsing known text.

A pledge's sighting is the multiset of (content digest, context digest) pairs
of the teasers that listed it. When that multiset is the one the previous run
left behind, the pledge is unchanged, in content and in terms, and nothing
about it needs reading, normalizing or writing: on a quiet day that is nearly
every pledge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from pledgewatch.etl.lines import TeaserContext, content_of
from pledgewatch.etl.merge import MergedPledge, merge_sighting
from pledgewatch.etl.reader import PageChunk
from pledgewatch.etl.runfile import digest_of
from pledgewatch.storage import repo
from pledgewatch.storage.repo import PledgeState

_PAIR = 64  # characters of a (content digest, context digest) pair: two 128-bit hex digests


@dataclass(slots=True)
class Sighting:
    key: str
    first_listing_url: str | None
    # Content + context digest of each line, in order, end to end: one string per pledge costs
    # half what a list of pair strings does, and a first run at 50,000 pledges holds them all.
    lines: str = ""

    def pairs(self) -> list[str]:
        lines = self.lines
        return [lines[i : i + _PAIR] for i in range(0, len(lines), _PAIR)]

    def fingerprint(self) -> str:
        return digest_of("".join(sorted(self.pairs())).encode())

    def contents(self) -> dict[str, int]:
        """Content digest → how many lines printed it, first seen first."""
        counts: dict[str, int] = {}
        lines = self.lines
        for i in range(0, len(lines), _PAIR):
            digest = lines[i : i + 32]
            counts[digest] = counts.get(digest, 0) + 1
        return counts

    def context_digests(self) -> set[str]:
        lines = self.lines
        return {lines[i + 32 : i + _PAIR] for i in range(0, len(lines), _PAIR)}


class SightingCollector:
    """Folds teaser lines into sightings; keeps the contents and contexts this run parsed."""

    def __init__(self) -> None:
        self.parsed: dict[str, bytes] = {}  # contents no earlier run read, as JSON
        self.sightings: dict[str, Sighting] = {}
        self.contexts: dict[str, TeaserContext] = {}

    def add(self, chunk: PageChunk) -> None:
        parsed = self.parsed
        for digest, data in chunk.parsed:
            parsed[digest] = data
        for context in chunk.new_contexts:
            self.contexts[context.digest] = context
        sightings = self.sightings
        get = sightings.get
        for key, digest, context in zip(chunk.keys, chunk.contents, chunk.contexts):
            sighting = get(key)
            if sighting is None:
                if key is None:
                    continue  # neither URL nor title: nothing to identify it by
                sighting = sightings[key] = Sighting(key, chunk.listing_url)
            sighting.lines += digest + context

    def term_keys(self, sighting: Sighting) -> set[str]:
        keys = (self.contexts[d].term_key for d in sighting.context_digests())
        return {key for key in keys if key}


def changed_keys(sightings: Mapping[str, Sighting], states: Mapping[str, PledgeState]) -> set[str]:
    """The sightings that need merging: new, returning, or reading other pairs than last time.

    Title-keyed sightings (text snapshots) are always merged, and so are the URL-keyed
    pledges that share their title, since the two may be folded into one.
    """
    changed: set[str] = set()
    titles: set[str] = set()
    for key, sighting in sightings.items():
        if key.startswith("title:"):
            changed.add(key)
            titles.add(key)
            continue
        state = states.get(key)
        if state is None or not state.present or state.absent_runs \
                or state.seen_digest != sighting.fingerprint():
            changed.add(key)
    if titles:
        changed.update(key for key, state in states.items()
                       if key in sightings and state.title_key in titles)
    return changed


def merge_changed(session: Session, collector: SightingCollector,
                  states: Mapping[str, PledgeState]) -> dict[str, MergedPledge]:
    """Merged pledges for the changed sightings, reading back the contents this run skipped.

    Each content belongs to one pledge (its key comes from the content), so a pledge's
    contents are let go as soon as it is merged: on a first run, where every text is new,
    the merged pledges take the place of the parsed texts instead of joining them.
    """
    keys = changed_keys(collector.sightings, states)
    contents = collector.parsed
    counts = {key: collector.sightings[key].contents() for key in keys}
    wanted = {d for key in keys for d in counts[key] if d not in contents}
    if wanted:
        contents.update(repo.load_raw(session, wanted))
    merged: dict[str, MergedPledge] = {}
    for key, sighting in collector.sightings.items():
        if key in keys:
            merged[key] = merge_sighting(
                key, ((content_of(contents.pop(d)), n) for d, n in counts[key].items()),
                collector.term_keys(sighting), sighting.first_listing_url)
    return merged
