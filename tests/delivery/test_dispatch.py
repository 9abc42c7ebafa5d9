"""A run's report and alerts through the outbox, from plain settings, to a real SMTP server on 127.0.0.1."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from pledgewatch.delivery.channels import Channel
from pledgewatch.delivery.dispatch import Alert, MailSettings, deliver, enqueue, queue_alert, send
from pledgewatch.delivery.mail import Recipient, SmtpSettings, address_digest
from tests.support.sample_changes import sample_changes
from tests.support.smtp_sink import SmtpSink, free_port
from tests.support.webhook_sink import WebhookSink

SENDER = "pledgewatch@example.org"
ALICE, BOB, DESK = "alice@example.org", "bob@example.org", "desk@example.org"
BROKEN = Alert("broken", "[gfmd.org] source broken", "The last run could not read gfmd.org.\n")


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


def settings(tmp_path: Path, port: int, *addresses: str, **more) -> MailSettings:
    smtp = SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER, timeout=5)
    return MailSettings(smtp=smtp, recipients=tuple(Recipient(a) for a in addresses),
                        outbox_dir=tmp_path / "outbox", **more)


def test_the_report_and_an_alert_go_out_in_one_flush(sink, tmp_path):
    result = deliver(settings(tmp_path, sink.port, ALICE), sample_changes(), BROKEN)
    assert result.ok and result.status == "2 sent"
    subjects = sorted(m["Subject"] for m in sink.to(ALICE))
    assert subjects == ["[gfmd.org] source broken",
                        "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified pledges"]


def test_alerts_go_to_alert_to_only_when_it_is_set(sink, tmp_path):
    deliver(settings(tmp_path, sink.port, ALICE, BOB, alert_to=(DESK,)), None, BROKEN)
    (alert,) = sink.to(DESK)
    assert alert["Subject"] == BROKEN.subject
    assert alert.get_content().replace("\r\n", "\n") == BROKEN.body  # CRLF on the wire
    assert alert["Auto-Submitted"] == "auto-generated"
    assert sink.to(ALICE) == [] and sink.to(BOB) == []


def test_an_alert_is_queued_per_address_named_by_status_and_time(tmp_path):
    mail = settings(tmp_path, free_port(), ALICE, BOB)
    assert queue_alert(mail, BROKEN, now=datetime(2026, 3, 1, 6, 5, 9, tzinfo=UTC)) == 2
    names = sorted(p.name for p in (tmp_path / "outbox" / "pending").iterdir())
    assert names == sorted(f"health-broken-20260301T060509--{address_digest(a)}.eml"
                           for a in (ALICE, BOB))


def test_the_first_run_is_a_baseline_and_mails_no_report(sink, tmp_path):
    mail = settings(tmp_path, sink.port, ALICE)
    notes = enqueue(mail, sample_changes(from_run=None), None)
    assert notes == ["first run is the baseline: no report mailed"]
    assert send(mail, notes).status == "0 sent; first run is the baseline: no report mailed"
    assert sink.received == []


def test_without_recipients_mail_is_off_and_nothing_is_written(tmp_path):
    mail = settings(tmp_path, free_port())
    assert enqueue(mail, sample_changes(), BROKEN) == []
    result = send(mail, [])
    assert result.ok and result.status.startswith("off (")
    assert not (tmp_path / "outbox").exists()


def test_an_unreachable_server_keeps_everything_and_says_so(tmp_path):
    result = deliver(settings(tmp_path, free_port(), ALICE), sample_changes(), BROKEN)
    assert not result.ok
    assert result.status.startswith("0 sent; 2 NOT sent, kept in the outbox (to ")
    assert len(list((tmp_path / "outbox" / "pending").glob("*.eml"))) == 2


def test_a_health_alert_carries_a_message_id_like_report_mails(sink, tmp_path):
    deliver(settings(tmp_path, sink.port, ALICE, BOB), None, BROKEN)
    ids = [m["Message-ID"].strip() for m in sink.to(ALICE) + sink.to(BOB)]  # may be folded
    assert all(i and i.startswith("<pledgewatch.health-broken-") and i.endswith("@example.org>")
               for i in ids)
    assert len(set(ids)) == 2  # one per recipient


def test_reports_and_alerts_reach_channels_through_the_same_flush(sink, tmp_path):
    with WebhookSink() as receiver:
        mail = settings(tmp_path, sink.port, ALICE, channels=(Channel("ops", receiver.url()),))
        result = deliver(mail, sample_changes(), BROKEN)
        assert result.ok and result.status == "4 sent"
        titles = sorted(post.body["title"] for post in receiver.posts)
    assert titles == ["[gfmd.org] source broken",
                      "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified pledges"]
    assert len(sink.to(ALICE)) == 2


def test_channels_alone_turn_delivery_on_and_alert_to_may_name_a_channel(tmp_path):
    with WebhookSink() as receiver:
        channels = (Channel("ops", receiver.url("ops")), Channel("desk", receiver.url("desk")))
        mail = MailSettings(smtp=SmtpSettings(host=""), recipients=(), alert_to=("ops",),
                            outbox_dir=tmp_path / "outbox", channels=channels)
        assert mail.enabled and not mail.mail_enabled
        assert deliver(mail, None, BROKEN).status == "1 sent"
    assert [post.path for post in receiver.posts] == ["/ops"]
