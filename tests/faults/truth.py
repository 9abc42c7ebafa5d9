"""What really changed between ``small/before`` and ``small/after``, read from the generator
of those sites (``fixtures/tools/build_small_site.py``), and a plain summary of a ChangeSet
in the same shape to compare it with."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from pledgewatch.core.values import ChangeSet

SITE = "https://gfmd.org"
_GENERATOR = Path(__file__).resolve().parents[2] / "fixtures" / "tools" / "build_small_site.py"


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("build_small_site", _GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


_g = _generator()
_TERM_URL = {t.path: SITE + t.path for t in _g.TERMS_BEFORE}
_GOAL_11 = next(u for p, u in _TERM_URL.items() if "goal-11" in p)
_OBJECTIVE_16 = next(u for p, u in _TERM_URL.items() if "objective-16" in p)


def key(index: int) -> str:
    return f"/pfp/ppd/{_g.nid_of(index)}"


TRUE_CHANGES: dict[str, Any] = {
    "new": [key(_g.NEW)],
    "edited": {key(_g.EDITED_SUMMARY): ["summary"], key(_g.EDITED_TITLE): ["title"]},
    "removed": [key(_g.REMOVED)],
    "reclassified": {key(_g.RECLASSIFIED): {"added": [_OBJECTIVE_16], "dropped": [_GOAL_11]}},
    "restored": [],
}
NOTHING: dict[str, Any] = {"new": [], "edited": {}, "removed": [], "reclassified": {}, "restored": []}


def only_on(term_url: str) -> list[str]:
    """Keys of the ``before`` pledges listed under ``term_url`` and under no other term."""
    (term,) = [t for t in _g.TERMS_BEFORE if SITE + t.path == term_url]
    others = set().union(*(t.members for t in _g.TERMS_BEFORE if t is not term))
    return sorted(key(i) for i in term.members - others)


def summary(changes: ChangeSet) -> dict[str, Any]:
    """The keys of what a change set reports, in the shape of :data:`TRUE_CHANGES`."""
    return {
        "new": sorted(p.key for p in changes.new),
        "edited": {e.after.key: sorted(c.field for c in e.changes) for e in changes.edited},
        "removed": sorted(p.key for p in changes.removed),
        "reclassified": {
            r.pledge.key: {"added": sorted(t.key for t in r.terms_added),
                           "dropped": sorted(t.key for t in r.terms_removed)}
            for r in changes.reclassified
        },
        "restored": sorted(p.key for p in changes.restored),
    }
