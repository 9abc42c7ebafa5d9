"""Scoring against the truth: what counts as a false change and a missed removal."""

from __future__ import annotations

from tools.bench.score import Reported, Score
from tools.bench.workload import Truth


def test_false_changes_noise_and_missed_removals() -> None:
    truth = Truth(1, 2, new=["/pfp/ppd/9"], removed=["/pfp/ppd/3"],
                  edited={"/pfp/ppd/1": ["summary"]},
                  reclassified={"/pfp/ppd/2": {"added": ["t"], "removed": []}},
                  noise=["/pfp/ppd/4"])
    score = Score()
    score.add(truth, Reported(changed={"/pfp/ppd/9", "/pfp/ppd/1", "/pfp/ppd/4", "/pfp/ppd/5"}))
    assert score.as_dict() == {
        "transitions": 1, "true_changes": 3, "false_changes": 2, "noise_reported": 1,
        "missed_changes": 1, "removals": 1, "missed_removals": 1, "false_removals": 0,
    }


def test_unchanged_recrawl_has_no_true_changes() -> None:
    score = Score()
    score.add(None, Reported(changed={"/pfp/ppd/1"}, removed={"/pfp/ppd/2"}))
    assert (score.false_changes, score.false_removals, score.true_changes) == (1, 1, 0)
