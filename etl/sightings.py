"""What one run saw of each pledge, gathered line by line without parsing known text.

A pledge's sighting is the multiset of (content digest, context digest) pairs
of the teasers that listed it. When that multiset is the one the previous run
left behind, the pledge is unchanged, in content and in terms, and nothing
about it needs reading, normalizing or writing: on a quiet day that is nearly
every pledge.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from etl import normalize as nz
from etl.lines import TeaserContent, TeaserContext, TeaserLine, content_of
from etl.merge import MergedPledge, merge_sighting, record_key, term_key
from etl.runfile import digest_of
from storage import repo
from storage.repo import PledgeState


@dataclass(slots=True)
class Sighting:
    key: str
    pairs: list[str] = field(default_factory=list)  # content + context digest, per teaser line
    contents: dict[str, int] = field(default_factory=dict)  # content digest → lines, first seen first
    term_keys: set[str] = field(default_factory=set)
    first_listing_url: str | None = None

    def fingerprint(self) -> str:
        return digest_of("".join(sorted(self.pairs)).encode())


class SightingCollector:
    """Folds teaser lines into sightings; keeps the contents this run parsed."""

    def __init__(self, known_keys: Mapping[str, str]) -> None:
        self.known_keys = known_keys  # content digest → pledge key, from the previous run
        self.parsed: dict[str, TeaserContent] = {}
        self.keys: dict[str, str | None] = {}  # this run's new content digests → pledge key
        self.sightings: dict[str, Sighting] = {}
        self._term_keys: dict[str, str | None] = {}  # context digest → term key

    def add(self, line: TeaserLine) -> None:
        digest = line.content_digest
        key = self.known_keys.get(digest)
        if key is None:
            key = self._key_of_new(line)
            if key is None:
                return  # neither URL nor title: nothing to identify it by
        sighting = self.sightings.get(key)
        if sighting is None:
            sighting = self.sightings[key] = Sighting(key, first_listing_url=line.listing_url)
        context = line.context
        sighting.pairs.append(digest + context.digest)
        sighting.contents[digest] = sighting.contents.get(digest, 0) + 1
        tkey = self.term_key_of(context)
        if tkey:
            sighting.term_keys.add(tkey)

    def _key_of_new(self, line: TeaserLine) -> str | None:
        digest = line.content_digest
        if digest in self.keys:
            return self.keys[digest]
        content = line.content
        assert content is not None, "the reader parses every content it has not seen checked"
        self.parsed[digest] = content
        key = record_key(content.url)
        if key is None:
            title = nz.clean_title(content.title)
            key = nz.title_key(title) if title else None
        self.keys[digest] = key
        return key

    def term_key_of(self, context: TeaserContext) -> str | None:
        tkey = self._term_keys.get(context.digest, "")
        if tkey == "":
            tkey = self._term_keys[context.digest] = term_key(context.term_url, context.term)
        return tkey


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
    """Merged pledges for the changed sightings, reading back the contents this run skipped."""
    keys = changed_keys(collector.sightings, states)
    contents: dict[str, TeaserContent] = collector.parsed
    wanted = {d for key in keys for d in collector.sightings[key].contents if d not in contents}
    if wanted:
        contents = dict(contents)
        contents.update((d, content_of(data)) for d, data in repo.load_raw(session, wanted).items())
    merged: dict[str, MergedPledge] = {}
    for key, sighting in collector.sightings.items():
        if key in keys:
            merged[key] = merge_sighting(
                key, ((contents[d], n) for d, n in sighting.contents.items()),
                sighting.term_keys, sighting.first_listing_url)
    return merged
