"""The app hands delivery plain values: settings from the config, alerts worded from health transitions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pledgewatch.config import Config, HealthConfig, MailConfig, RecipientConfig, ReportConfig
from pledgewatch.health import Transition
from pledgewatch.mailing import health_alert, mail_settings


def test_mail_settings_carry_server_recipients_filters_and_alert_addresses(tmp_path: Path):
    config = Config(
        report=ReportConfig(site_name="example.org"),
        mail=MailConfig(smtp_host="127.0.0.1", smtp_port=2525, smtp_user="pw",
                        smtp_password="s3cret", security="starttls", timeout_seconds=7,
                        sender="watch@example.org", outbox_dir=tmp_path / "outbox",
                        send_when_unchanged=True,
                        recipients=(RecipientConfig("a@example.org", vocabularies=("GCM",)),)),
        health=HealthConfig(alert_to=("desk@example.org",)),
    )
    mail = mail_settings(config)
    assert (mail.smtp.host, mail.smtp.port, mail.smtp.security, mail.smtp.user) == \
        ("127.0.0.1", 2525, "starttls", "pw")
    assert (mail.smtp.timeout, mail.smtp.sender, mail.smtp.password) == \
        (7, "watch@example.org", "s3cret")
    assert "s3cret" not in repr(mail)
    assert [(r.address, r.vocabularies) for r in mail.recipients] == [("a@example.org", ("GCM",))]
    assert (mail.outbox_dir, mail.site_name, mail.send_when_unchanged) == \
        (tmp_path / "outbox", "example.org", True)
    assert mail.enabled and mail.alert_addresses == ["desk@example.org"]


def test_without_a_host_mail_is_off():
    config = Config(mail=MailConfig(recipients=(RecipientConfig("a@example.org"),)))
    assert not mail_settings(config).enabled


def test_a_transition_becomes_an_alert_worded_for_the_site():
    broke = Transition("broken", "no teasers found", datetime(2026, 3, 1, 6, 0, tzinfo=UTC), 4)
    alert = health_alert(broke, "gfmd.org")
    assert alert is not None and alert.status == "broken"
    assert alert.subject == "[gfmd.org] source broken: pledge changes are not being tracked"
    assert alert.body.startswith("The last run (run 4) could not read gfmd.org properly: "
                                 "no teasers found.")
    assert health_alert(None, "gfmd.org") is None
