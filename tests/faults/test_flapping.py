"""A site that flaps: pledges present, absent behind a failed page, present again.

Three whole pipeline runs mail every report (``send_when_unchanged``) to aiosmtpd on
127.0.0.1; none of them may announce a removal or a restoration.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pledgewatch.pipeline import run_once
from tests.faults.app import EDITOR, load, write_config
from tests.faults.sites import HEALTH, SMALL, faulty_site
from tests.faults.truth import only_on
from tests.support.smtp_sink import SmtpSink

pytestmark = pytest.mark.timeout(180)


@pytest.mark.scenario("flapping site (present, absent behind a failed page, present): no removal or restore noise")
def test_a_pledge_that_flaps_behind_a_failed_page_is_never_reported_removed_or_restored(
    tmp_path: Path,
) -> None:
    flapped = faulty_site(tmp_path / "flapped", {HEALTH: {"status": 503}})
    with SmtpSink() as sink:
        path = write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}", smtp_port=sink.port,
                            send_when_unchanged=True)
        config = load(path)
        runs = [run_once(config, replay=site) for site in (SMALL / "before", flapped, SMALL / "before")]
    mails = sink.to(EDITOR)
    texts = [m.get_body(("plain",)).get_content() for m in mails]

    assert [r.exit_code for r in runs] == [0, 3, 0]
    assert [r.counts["removed"] + r.counts["restored"] for r in runs] == [0, 0, 0]
    assert runs[1].counts["not_seen"] == len(only_on(HEALTH))
    assert [m["Subject"] for m in mails] == [
        "gfmd.org: no changes to pledges (partial crawl)", "gfmd.org: no changes to pledges"]
    assert not [t for t in texts if "Removed pledges" in t or "Restored pledges" in t]


@pytest.mark.scenario("a partial run between two complete ones: each change is told once")
def test_what_a_partial_run_told_is_not_told_again_by_the_next_complete_run(tmp_path: Path) -> None:
    # The after site's changes arrive on a day its health page fails: that partial run tells
    # them; the next, complete run is compared with the last complete one, before the changes.
    partial = faulty_site(tmp_path / "partial", {HEALTH: {"status": 503}}, base="after")
    config = load(write_config(tmp_path, f"sqlite:///{tmp_path / 'pw.db'}"))
    runs = [run_once(config, replay=site) for site in (SMALL / "before", partial, SMALL / "after")]
    assert [r.exit_code for r in runs] == [0, 3, 0]
    told = {kind: n for kind, n in runs[1].counts.items() if n and kind != "not_seen"}
    assert told == {"new": 1, "edited": 3, "removed": 1, "reclassified": 1}
    assert runs[2].from_run == runs[0].run_id  # compared with the last complete run...
    assert not any(runs[2].counts.values())  # ...and nothing told twice
