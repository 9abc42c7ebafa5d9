"""Report e-mail against a real SMTP server on 127.0.0.1: content, filters, and nothing lost."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from pledgewatch.core.errors import ConfigError
from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery.mail import Recipient, SmtpSettings
from pledgewatch.delivery.outbox import DeliveryError, flush, pending_messages, queue
from tests.support.sample_changes import M4SD, OBJECTIVE_16, WELCOMING, sample_changes
from tests.support.smtp_sink import USER, SmtpSink, free_port, self_signed_context

SENDER = "pledgewatch@example.org"
ALICE, BOB = "alice@example.org", "bob@example.org"
NOW = datetime(2025, 11, 20, 6, 5, tzinfo=UTC)


@pytest.fixture
def sink():
    with SmtpSink() as server:
        yield server


@pytest.fixture
def outbox(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


def settings(port: int, **more) -> SmtpSettings:
    return SmtpSettings(host="127.0.0.1", port=port, security="none", sender=SENDER, **more)


def send(changes, recipients, outbox, port, **queue_options):
    queue(changes, recipients, outbox, sender=SENDER, now=NOW, **queue_options)
    return flush(outbox, settings(port))


def test_the_message_has_subject_text_and_html_parts(sink, outbox):
    result = send(sample_changes(), [Recipient(ALICE)], outbox, sink.port)
    assert result.ok and len(result.sent) == 1
    (message,) = sink.to(ALICE)
    assert message["Subject"] == "gfmd.org: 1 new, 1 edited, 1 removed, 1 re-classified pledges"
    assert (message["From"], message["To"]) == (SENDER, ALICE)
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "NEW PLEDGES (1)" in text and "Welcoming San José" in text
    assert '<a href="https://gfmd.org/pfp/ppd/13001"' in html
    assert message["Message-ID"].endswith("@example.org>")


def test_scraped_markup_arrives_escaped_in_the_html_part(sink, outbox):
    hostile = replace(WELCOMING, title='<script>alert(1)</script>', url="javascript:alert(1)")
    send(ChangeSet(from_run=1, to_run=2, complete=True, new=(hostile,)), [Recipient(ALICE)],
         outbox, sink.port)
    (message,) = sink.to(ALICE)
    html = message.get_body(("html",)).get_content()
    assert "<script" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:" not in html
    assert "<script>alert(1)</script>" in message.get_body(("plain",)).get_content()


def test_each_recipient_gets_only_what_they_follow(sink, outbox):
    recipients = [Recipient(ALICE), Recipient(BOB, vocabularies=("GCM",)),
                  Recipient("carol@example.org", terms=("Goal 6: Clean water and sanitation",))]
    send(sample_changes(), recipients, outbox, sink.port)
    assert len(sink.to(ALICE)) == 1 and sink.to("carol@example.org") == []
    (bobs,) = sink.to(BOB)
    assert bobs["Subject"] == "gfmd.org: 0 new, 1 edited, 0 removed pledge"
    text = bobs.get_body(("plain",)).get_content()
    assert M4SD.title.split(" (")[0] in text and "Welcoming San José" not in text
    assert OBJECTIVE_16.name.split(":")[0] in text


def test_nothing_changed_sends_nothing(sink, outbox):
    result = send(ChangeSet(from_run=1, to_run=2, complete=True), [Recipient(ALICE)], outbox,
                  sink.port)
    assert result.ok and result.sent == () and sink.received == []


def test_nothing_changed_is_mailed_when_configured(sink, outbox):
    send(ChangeSet(from_run=1, to_run=2, complete=True), [Recipient(ALICE)], outbox, sink.port,
         send_when_unchanged=True)
    assert sink.to(ALICE)[0]["Subject"] == "gfmd.org: no changes to pledges"


def test_a_refused_connection_keeps_the_message_and_says_why(outbox):
    queue(sample_changes(), [Recipient(ALICE)], outbox, sender=SENDER)
    result = flush(outbox, settings(free_port(), timeout=5))
    assert not result.ok and result.failed[0].recipient == ALICE
    assert "ConnectionRefusedError" in result.failed[0].last_error
    (pending,) = pending_messages(outbox)
    assert pending.attempts == 1 and pending.last_error == result.failed[0].last_error
    with pytest.raises(DeliveryError) as raised:
        result.check()
    assert raised.value.exit_code == 1 and "kept in the outbox" in str(raised.value)


def test_refused_auth_keeps_messages_and_a_later_retry_sends_each_once(outbox, monkeypatch):
    recipients = [Recipient(ALICE), Recipient(BOB)]
    queue(sample_changes(), recipients, outbox, sender=SENDER)
    with SmtpSink(password="right") as server:
        wrong = flush(outbox, settings(server.port, user=USER), environ={"PLEDGEWATCH_SMTP_PASSWORD": "wrong"})
        assert len(wrong.failed) == 2 and "SMTP 535" in wrong.failed[0].last_error
        assert server.received == []
        right = {"PLEDGEWATCH_SMTP_PASSWORD": "right"}
        assert len(flush(outbox, settings(server.port, user=USER), environ=right).sent) == 2
        assert flush(outbox, settings(server.port, user=USER), environ=right).sent == ()
        assert sorted(r.rcpt_tos[0] for r in server.received) == [ALICE, BOB]


def test_a_connection_closed_mid_message_keeps_the_rest_for_later(sink, outbox):
    queue(sample_changes(), [Recipient(ALICE), Recipient(BOB)], outbox, sender=SENDER)
    sink.script = ["accept", "drop"]
    first = flush(outbox, settings(sink.port))
    assert len(first.sent) == 1 and len(first.failed) == 1
    assert "SMTPServerDisconnected" in first.failed[0].last_error
    second = flush(outbox, settings(sink.port))
    assert len(second.sent) == 1 and second.ok
    assert flush(outbox, settings(sink.port)).sent == ()
    assert sorted(r.rcpt_tos[0] for r in sink.received) == [ALICE, BOB]


def test_a_refused_recipient_does_not_hold_back_the_others(sink, outbox):
    sink.rejected.add(ALICE)
    result = send(sample_changes(), [Recipient(ALICE), Recipient(BOB)], outbox, sink.port)
    assert [f.recipient for f in result.failed] == [ALICE] and len(result.sent) == 1
    assert "550" in result.failed[0].last_error and len(sink.to(BOB)) == 1


def test_queueing_the_same_run_twice_sends_once(sink, outbox):
    send(sample_changes(), [Recipient(ALICE)], outbox, sink.port)
    send(sample_changes(), [Recipient(ALICE)], outbox, sink.port)
    assert len(sink.received) == 1


def test_starttls_with_login_delivers_and_an_untrusted_certificate_is_refused(outbox, tmp_path):
    context, cert_file = self_signed_context(tmp_path)
    queue(sample_changes(), [Recipient(ALICE)], outbox, sender=SENDER)
    env = {"PLEDGEWATCH_SMTP_PASSWORD": "right"}
    with SmtpSink(password="right", tls_context=context) as server:
        untrusted = SmtpSettings(host="127.0.0.1", port=server.port, security="starttls",
                                 user=USER, sender=SENDER, timeout=5)
        refused = flush(outbox, untrusted, environ=env)
        assert "CERTIFICATE_VERIFY_FAILED" in refused.failed[0].last_error
        trusted = replace(untrusted, ca_file=str(cert_file))
        assert flush(outbox, trusted, environ=env).ok
        assert len(server.to(ALICE)) == 1


def test_the_password_comes_only_from_the_environment_and_is_never_shown():
    smtp = SmtpSettings(host="mail.example.org", user=USER, password_env="MAIL_PW")
    assert smtp.resolve_password({"MAIL_PW": "hunter2"}) == "hunter2"
    assert "hunter2" not in repr(replace(smtp, password="hunter2"))


def test_ssl_is_accepted_as_a_name_for_tls_and_unknown_modes_are_refused():
    assert SmtpSettings(host="x", security="ssl").security == "tls"
    with pytest.raises(ConfigError, match=r"mail\.security"):
        SmtpSettings(host="x", security="plain")


def test_a_password_is_never_sent_unencrypted_to_a_remote_host(outbox):
    queue(sample_changes(), [Recipient(ALICE)], outbox, sender=SENDER)
    smtp = SmtpSettings(host="mail.example.org", security="none", user=USER)
    with pytest.raises(ConfigError, match="unencrypted"):
        flush(outbox, smtp, environ={})
