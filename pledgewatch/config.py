"""The application's configuration: the schema (sections, keys, defaults) and its checks.

Every command resolves it the same way, through :func:`pledgewatch.config_resolve.resolve_config`
(called by the CLI; ``load_config`` beside it is its short form), and the frozen
:class:`Config` is passed down; nothing below the CLI reads ``os.environ``. Precedence is command-line flags >
environment > file > defaults, and every default works offline, so no file is needed.

Every key can be overridden by ``PLEDGEWATCH_<SECTION>_<KEY>`` (for example
``PLEDGEWATCH_MAIL_SMTP_HOST``); ``PLEDGEWATCH_DB`` sets the database URL and
``PLEDGEWATCH_SMTP_PASSWORD`` is the only place the SMTP password is read from,
so it never sits in a file that may be committed or world-readable.

A section is a frozen dataclass listed in :class:`Config`; its keys get their environment
name, provenance (``config show``) and, for ``Path`` fields, anchoring to the config file's
folder without further code. Checks of values go in :func:`check_values`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pledgewatch.config_notify import (
    NotifyConfig,
    OutboxConfig,
    check_channels,
)
from pledgewatch.core.errors import ConfigError, InputError
from pledgewatch.core.policy import ChangePolicy
from pledgewatch.publish.links import SiteLinks, check_base_url
from pledgewatch.storage.defaults import DEFAULT_DB_URL

ENV_PREFIX = "PLEDGEWATCH_"
PASSWORD_ENV = "PLEDGEWATCH_SMTP_PASSWORD"
# Environment names that do not follow the PLEDGEWATCH_<SECTION>_<KEY> pattern.
ENV_ALIASES = {"PLEDGEWATCH_DB": "database.url", PASSWORD_ENV: "mail.smtp_password"}
# Keys that may only come from the environment (never from the file).
ENV_ONLY = {"mail.smtp_password"}
# PLEDGEWATCH_* variables read elsewhere than the config: never reported as misspelled keys.
ENV_ELSEWHERE = {
    "PLEDGEWATCH_CONFIG",  # the config file (the CLI's --config)
    "PLEDGEWATCH_CONTACT_URL",  # the crawler's User-Agent (scraper/settings.py)
    "PLEDGEWATCH_NETWORK_GUARD",  # the crawl's loopback guard log (scraper/offline.py)
    "PLEDGEWATCH_CRAWL_PARENT",  # set by the crawl's parent for its child (scraper/crawl.py)
    "PLEDGEWATCH_NOW",  # the clock's override (core/clock.py)
}
ENV_ELSEWHERE_PREFIXES = ("PLEDGEWATCH_TEST_",)  # the test suite's own switches
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SECURITY_MODES = ("none", "starttls", "tls", "ssl")  # ssl: another name for tls
CRAWL_PLANS = ("full", "cover")  # core.crawl_plan.MODES


@dataclass(frozen=True, slots=True)
class DatabaseConfig:
    url: str = DEFAULT_DB_URL


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    replay: Path | None = None  # a fixture site served on 127.0.0.1 instead of the live site
    start_urls: tuple[str, ...] = ()  # term listings to crawl; empty: the spider's own list
    discover: bool = False  # also follow record pages to find terms not yet known
    runs_dir: Path = Path("var/runs")  # where crawl output (JSON Lines) is written
    keep_files: bool = False  # keep crawl files after ingest (the database keeps the raw input)
    timeout_seconds: int = 4 * 3600  # a crawl still running after this is stopped and fails
    log_level: str = "WARNING"  # Scrapy's own logging in the crawl process
    plan: str = "cover"  # full: every term read whole; cover: see docs/crawling.md
    full_every_days: int = 7  # in cover mode, every term is still read whole this often


@dataclass(frozen=True, slots=True)
class RecordsConfig:
    max_age_days: int = 7  # a record page not read for this long is read again


@dataclass(frozen=True, slots=True)
class ChangesConfig:
    confirm_removals_after: int = 1
    max_removal_share: float = 0.10

    def policy(self) -> ChangePolicy:
        return ChangePolicy(self.confirm_removals_after, self.max_removal_share)


@dataclass(frozen=True, slots=True)
class ReportConfig:
    dir: Path = Path("var/reports")  # one sub-folder per run: run-N-<database id>
    site_name: str = "gfmd.org"
    feed: Path | None = None  # an Atom feed file to update after each run; unset: no feed
    feed_url: str = ""  # where readers fetch the feed (its rel="self"); default: base_url + name
    keep_runs: int = 365  # report folders of this many newest runs are kept; 0: all


@dataclass(frozen=True, slots=True)
class PublishConfig:
    enabled: bool = False  # publish the history site after every stored run
    out: Path = Path("var/site")  # the site's folder: serve it, share it or sync it as it is
    base_url: str = ""  # where the site is served; reports link runs and pledges to it when set

    def links(self) -> SiteLinks | None:
        """What reports are given to link to the site, when its address is known."""
        return SiteLinks(self.base_url) if self.base_url else None


@dataclass(frozen=True, slots=True)
class RecipientConfig:
    """An editor; with vocabularies or terms set, they only hear about pledges under those."""

    address: str
    vocabularies: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MailConfig:
    smtp_host: str = ""  # empty: no e-mail; reports are only written to disk
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = field(default="", repr=False)  # from PLEDGEWATCH_SMTP_PASSWORD only
    security: str = "none"  # none | starttls | tls (SMTPS; also "ssl")
    timeout_seconds: float = 30.0
    sender: str = "pledgewatch@localhost"
    recipients: tuple[RecipientConfig, ...] = ()
    outbox_dir: Path = Path("var/outbox")  # unsent messages wait here for the next run
    send_when_unchanged: bool = False  # also mail a report when nothing changed

    @property
    def enabled(self) -> bool:
        return bool(self.smtp_host and self.recipients)


@dataclass(frozen=True, slots=True)
class ScheduleConfig:
    cron: str = "0 6 * * *"  # five-field crontab expression
    timezone: str = "UTC"
    misfire_grace_seconds: int = 3600  # a run missed by less than this still runs, once


@dataclass(frozen=True, slots=True)
class LockConfig:
    heartbeat_seconds: int = 30
    stale_after_seconds: int = 900  # a lock not refreshed for this long belongs to a dead run


@dataclass(frozen=True, slots=True)
class HealthConfig:
    max_failed_share: float = 0.2  # more failed listing pages than this share: source broken
    alert_to: tuple[str, ...] = ()  # addresses or channel names; empty: every recipient
    stale_after_hours: int = 48  # `status` exits 3 when no complete run is this recent


@dataclass(frozen=True, slots=True)
class LogConfig:
    level: str = "INFO"  # pledgewatch's own log; -q is WARNING, -v is DEBUG
    file: Path | None = None  # append log lines here instead of standard error


@dataclass(frozen=True, slots=True)
class Config:
    database: DatabaseConfig = DatabaseConfig()
    crawl: CrawlConfig = CrawlConfig()
    records: RecordsConfig = RecordsConfig()
    changes: ChangesConfig = ChangesConfig()
    report: ReportConfig = ReportConfig()
    publish: PublishConfig = PublishConfig()
    mail: MailConfig = MailConfig()
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    notify: NotifyConfig = field(default_factory=NotifyConfig)
    schedule: ScheduleConfig = ScheduleConfig()
    lock: LockConfig = LockConfig()
    health: HealthConfig = HealthConfig()
    log: LogConfig = LogConfig()


def check_values(config: Config) -> None:
    """Refuse values of the right type that still cannot work, before anything is written."""
    _require(config.mail.security in SECURITY_MODES, "mail.security",
             f"must be one of {', '.join(SECURITY_MODES)}, got {config.mail.security!r}")
    _require(0 < config.mail.smtp_port < 65536, "mail.smtp_port", "must be a TCP port (1-65535)")
    _require(config.mail.timeout_seconds > 0, "mail.timeout_seconds", "must be positive")
    _require(0 < config.health.max_failed_share <= 1, "health.max_failed_share",
             "must be in (0, 1]")
    for key, level in (("crawl.log_level", config.crawl.log_level), ("log.level", config.log.level)):
        _require(level in LOG_LEVELS, key, f"must be one of {', '.join(LOG_LEVELS)}, got {level!r}")
    _require(config.health.stale_after_hours > 0, "health.stale_after_hours", "must be positive")
    _require(config.crawl.timeout_seconds > 0, "crawl.timeout_seconds", "must be positive")
    _require(config.crawl.plan in CRAWL_PLANS, "crawl.plan",
             f"must be one of {', '.join(CRAWL_PLANS)}, got {config.crawl.plan!r}")
    _require(config.crawl.full_every_days > 0, "crawl.full_every_days", "must be positive")
    _require(config.records.max_age_days > 0, "records.max_age_days", "must be positive")
    _require(config.lock.heartbeat_seconds > 0, "lock.heartbeat_seconds", "must be positive")
    _require(config.lock.stale_after_seconds > 2 * config.lock.heartbeat_seconds,
             "lock.stale_after_seconds", "must be more than twice lock.heartbeat_seconds")
    _require(config.report.keep_runs >= 0, "report.keep_runs", "must be 0 (keep all) or more")
    _require(config.outbox.keep_sent_days >= 0, "outbox.keep_sent_days",
             "must be 0 (keep all) or more")
    check_channels(config.notify)
    _require(config.schedule.misfire_grace_seconds > 0, "schedule.misfire_grace_seconds",
             "must be positive")
    if config.publish.base_url:
        try:
            check_base_url(config.publish.base_url)
        except InputError as error:
            raise ConfigError(f"publish.base_url: {error}") from None
    try:
        config.changes.policy()
    except ValueError as error:
        raise ConfigError(f"changes.{error}") from None
    check_schedule(config.schedule)
    check_recipient_filters(config.mail.recipients)


def check_recipient_filters(recipients: tuple[RecipientConfig, ...]) -> None:
    """A recipient's filter that names no real vocabulary or term would silence their mail."""
    from pledgewatch.report.filter_names import check_filter, project_names

    known = project_names()
    for index, recipient in enumerate(recipients):
        try:
            check_filter(recipient.vocabularies, recipient.terms, known)
        except InputError as error:
            raise ConfigError(f"mail.recipients[{index}] ({recipient.address}): {error}") from None


def check_schedule(schedule: ScheduleConfig) -> None:
    from apscheduler.triggers.cron import CronTrigger

    try:
        zone = ZoneInfo(schedule.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"schedule.timezone: unknown time zone {schedule.timezone!r}") from None
    try:
        CronTrigger.from_crontab(schedule.cron, timezone=zone)
    except ValueError as error:
        raise ConfigError(f"schedule.cron: {schedule.cron!r} is not a crontab expression "
                          f"(minute hour day month weekday): {error}") from None


def _require(ok: bool, key: str, message: str) -> None:
    if not ok:
        raise ConfigError(f"{key}: {message}")
