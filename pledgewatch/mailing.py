"""The application's side of e-mail and channels: config and health state as delivery's plain values.

:mod:`pledgewatch.delivery` knows nothing of :class:`Config` or of the health
state machine; this module builds its :class:`MailSettings` (e-mail recipients
and chat channels) from the config and words a health transition as an
:class:`Alert`, then hands both over.
"""

from __future__ import annotations

from pledgewatch import health
from pledgewatch.config import Config, MailConfig
from pledgewatch.core.errors import ConfigError
from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery import dispatch
from pledgewatch.delivery.channels import Channel
from pledgewatch.delivery.dispatch import Alert, Delivery, MailSettings
from pledgewatch.delivery.mail import Recipient, SmtpSettings
from pledgewatch.delivery.outbox import DeliveryResult, PendingMessage, everything_pending
from pledgewatch.delivery.probe import ProbeResult, send_probes


def mail_settings(config: Config) -> MailSettings:
    mail = config.mail
    return MailSettings(
        smtp=smtp_settings(mail),
        recipients=tuple(Recipient(r.address, r.vocabularies, r.terms) for r in mail.recipients),
        outbox_dir=mail.outbox_dir,
        site_name=config.report.site_name,
        send_when_unchanged=mail.send_when_unchanged,
        alert_to=config.health.alert_to,
        channels=channels(config),
    )


def channels(config: Config) -> tuple[Channel, ...]:
    """The configured channels, URLs already resolved from ``url_env`` by the config."""
    notify = config.notify
    return tuple(Channel(name, c.url, c.vocabularies, c.terms)
                 for name, c in zip(notify.names(), notify.channels, strict=True))


def smtp_settings(mail: MailConfig) -> SmtpSettings:
    """The server settings; the password was read from the environment by the config."""
    return SmtpSettings(host=mail.smtp_host, port=mail.smtp_port, security=mail.security,
                        user=mail.smtp_user, timeout=mail.timeout_seconds, sender=mail.sender,
                        password=mail.smtp_password)


def health_alert(transition: health.Transition | None, site_name: str) -> Alert | None:
    if transition is None:
        return None
    subject, body = health.alert_text(transition, site_name)
    return Alert(transition.status, subject, body)


def deliver(config: Config, changes: ChangeSet | None,
            transition: health.Transition | None) -> Delivery:
    """Queue this run's report and any health alert, then send (see :func:`dispatch.deliver`)."""
    alert = health_alert(transition, config.report.site_name)
    return dispatch.deliver(mail_settings(config), changes, alert)


def enqueue(config: Config, changes: ChangeSet | None,
            transition: health.Transition | None, links: object | None = None) -> list[str]:
    alert = health_alert(transition, config.report.site_name)
    return dispatch.enqueue(mail_settings(config), changes, alert, links=links)


def send(config: Config, notes: list[str]) -> Delivery:
    return dispatch.send(mail_settings(config), notes)


def flush(config: Config) -> DeliveryResult:
    """``outbox flush``: send what waits, as a run would, without running."""
    settings = mail_settings(config)
    if not settings.enabled:
        raise ConfigError(f"nothing can be sent: delivery is {dispatch.OFF}")
    return dispatch.flush_all(settings)


def send_test_messages(config: Config, wanted: str | None) -> list[ProbeResult]:
    """``notify test``: a test message to one recipient or channel, or to all, right now."""
    return send_probes(mail_settings(config), wanted)


def pending(config: Config) -> list[PendingMessage]:
    """``outbox list``: what waits; building the settings first teaches redaction the URLs."""
    return everything_pending(mail_settings(config).outbox_dir)
