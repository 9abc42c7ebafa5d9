"""One pipeline run: crawl → ingest → diff → report → e-mail, under the run lock.

:func:`run_once` is the only entry point, used alike by ``pledgewatch run``
(cron) and by the scheduler, so both behave identically. Each stage commits on
its own and in order, which is what makes the run safe to kill at any moment:

* before ingest commits, nothing but the lock row exists; the next start finds
  the lock stale and records the attempt as interrupted;
* ingest is one transaction, so a run's data is all there or not at all;
* a run whose ``report_dir`` is still empty was never reported, and the next
  report is computed from the last *reported* run, so editors miss nothing.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from pledgewatch.etl.ingest import IngestResult

from pledgewatch import aborts, health, housekeeping, lock, mailing
from pledgewatch.aborts import RunInterrupted
from pledgewatch.config import Config
from pledgewatch.core.errors import InputError, PledgewatchError
from pledgewatch.core.values import ChangeSet
from pledgewatch.delivery import dispatch
from pledgewatch.logs import crawl_log_settings
from pledgewatch.progress import CrawlWatcher, Progress
from pledgewatch.storage import runlog
from pledgewatch.storage.db import Database, open_database
from pledgewatch.storage.faults import fault_of
from pledgewatch.storage.identity import database_id, short_id
from pledgewatch.storage.types import utcnow

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL = 0, 1, 3


@dataclass(frozen=True, slots=True)
class RunOutcome:
    """What a finished run did; the CLI prints it and turns it into an exit code."""

    run_id: int
    from_run: int | None
    complete: bool
    suspect: bool
    pages_ok: int
    pages_failed: int
    counts: dict[str, int]
    report_dir: Path
    email_status: str
    email_ok: bool
    health: health.Verdict
    site: str = ""  # the published site's index, or why publishing failed; "" when off
    plan: str = ""  # what the crawl was planned to read (docs/crawling.md)

    @property
    def exit_code(self) -> int:
        """0, 3 for a partial crawl, 1 when e-mail was left unsent (the report is written)."""
        if not self.email_ok:
            return EXIT_FAILED
        return EXIT_OK if self.complete else EXIT_PARTIAL

    def summary(self) -> str:
        changes = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in self.counts.items())
        crawl = "complete" if self.complete else "PARTIAL (removals held)"
        since = f"since run {self.from_run}" if self.from_run else "first run (baseline)"
        return "\n".join([
            f"run {self.run_id}: crawl {crawl}, {self.pages_ok} pages ok, {self.pages_failed} failed",
            *([f"crawl plan: {self.plan}"] if self.plan else []),
            f"changes {since}: {changes}",
            f"report: {self.report_dir}",
            f"e-mail: {self.email_status}",
            f"source health: {self.health.status} ({self.health.reason})",
            *([f"site: {self.site}"] if self.site else []),
        ])


@dataclass(slots=True)
class _Attempt:
    """Where a run got to, so a failure is recorded against the right stage."""

    config: Config
    replay: Path | None
    progress: Progress | None
    stop: threading.Event | None
    mail: bool = True  # False: a dry run (`run --no-mail`), nothing queued or sent
    stage: str = "start"
    crawl_file: Path | None = field(default=None)
    plan_file: Path | None = field(default=None)
    plan: str = ""  # the plan in words, for the run's summary

    @property
    def source(self) -> str:
        return f"replay:{self.replay}" if self.replay else "live"

    def check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise RunInterrupted(f"stopped by request before {self.stage}")


def run_once(
    config: Config,
    *,
    replay: Path | None = None,
    progress: Progress | None = None,
    stop: threading.Event | None = None,
    mail: bool = True,
) -> RunOutcome:
    """Run the whole pipeline once; raises ``RunLocked`` at once if another run is going.

    ``mail=False`` is a dry run for trying a config: the run is stored and its report
    written, but no e-mail or alert is queued and the run is not marked as reported, so
    the next run still tells editors about its changes.
    """
    attempt = _Attempt(config, replay or config.crawl.replay, progress, stop, mail)
    _check_replay(attempt.replay)
    factory = open_database(config.database.url)
    try:
        lease = lock.acquire(
            factory,
            stale_after=timedelta(seconds=config.lock.stale_after_seconds),
            heartbeat=timedelta(seconds=config.lock.heartbeat_seconds),
            on_stale=aborts.record_dead_run,
        )
        with lease:
            return _guarded(factory, attempt, lease)
    finally:
        factory.dispose()


def _guarded(factory: Database, attempt: _Attempt, lease: lock.RunLease) -> RunOutcome:
    try:
        return _stages(factory, attempt)
    except BaseException as error:  # incl. KeyboardInterrupt: record, then let it propagate
        fault = fault_of(error, factory.engine.url)  # a full disk: said as FILE: reason
        aborts.record_abort(
            factory, attempt.config, started_at=lease.holder.acquired_at, stage=attempt.stage,
            source=attempt.source, stopped=attempt.stop is not None and attempt.stop.is_set(),
            error=fault or error,
        )
        if fault is not None and fault is not error:
            raise fault from error
        raise


def _check_replay(replay: Path | None) -> None:
    """A bad ``--replay`` folder is the user's input error: refuse it before writing anything."""
    if replay is None:
        return
    from pledgewatch.scraper.fixture_site import load_site

    load_site(replay)


def _stages(factory: Database, attempt: _Attempt) -> RunOutcome:
    from pledgewatch.etl.ingest import ingest_run_file

    config = attempt.config
    attempt.stage = "crawl"
    attempt.check_stop()
    attempt.crawl_file = _crawl(factory, attempt)
    attempt.stage = "ingest"
    attempt.check_stop()
    log.info("ingesting %s", attempt.crawl_file)
    try:
        result = ingest_run_file(factory, attempt.crawl_file, source=attempt.source,
                                 policy=config.changes.policy())
    except InputError as error:  # our own crawl's output: a failed run (1), not bad user input (2)
        raise PledgewatchError(f"the crawl output could not be ingested: {error}") from error
    attempt.stage = "report"
    log.info("run %s ingested (%d pages ok, %d failed); writing its report",
             result.run_id, result.pages_ok, result.pages_failed)
    with _stored_but(factory, result.run_id, "its report was not written"):
        with factory() as session:
            changes = changes_since_last_report(session, result.run_id)
        report_dir = _write_report(config, changes, database_id(factory))
    site = _publish(factory, config)  # before e-mail, so the links it carries lead somewhere
    verdict = health.judge_crawl(result.pages_ok, result.pages_failed, result.teasers,
                                 config.health.max_failed_share)
    if not attempt.mail:
        return _dry_run_outcome(factory, attempt, result, changes, report_dir, verdict, site)
    not_queued = f"its report is in {report_dir}, but its e-mail was not queued"
    # Queued mail and "reported" become true together.
    with _stored_but(factory, result.run_id, not_queued), factory.begin() as session:
        transition = health.record(session, verdict, result.run_id)
        notes = mailing.enqueue(config, changes, transition, links=config.publish.links())
        runlog.record_outcome(session, result.run_id, counts=changes.counts(),
                              report_dir=str(report_dir), email_status=_queued(config))
    attempt.stage = "mail"
    log.info("report written to %s; sending e-mail", report_dir)
    with _stored_but(factory, result.run_id,
                     f"its report is in {report_dir}, but sending its e-mail failed"):
        sent = mailing.send(config, notes)
        with factory.begin() as session:
            runlog.record_outcome(session, result.run_id, email_status=sent.status)
    _discard_crawl_file(attempt)
    housekeeping.prune_old_files(config)
    return RunOutcome(
        result.run_id, changes.from_run, result.complete, result.suspect, result.pages_ok,
        result.pages_failed, changes.counts(), report_dir, sent.status, sent.ok, verdict, site,
        attempt.plan,
    )


def _dry_run_outcome(factory: Database, attempt: _Attempt, result: IngestResult,
                     changes: ChangeSet, report_dir: Path, verdict: health.Verdict,
                     site: str) -> RunOutcome:
    """The run without e-mail: counts kept, report_dir not (the next run reports these changes)."""
    status = "not sent (--no-mail)"
    with factory.begin() as session:
        runlog.record_outcome(session, result.run_id, counts=changes.counts(), email_status=status)
    _discard_crawl_file(attempt)
    return RunOutcome(
        result.run_id, changes.from_run, result.complete, result.suspect, result.pages_ok,
        result.pages_failed, changes.counts(), report_dir, status, True, verdict, site,
        attempt.plan,
    )


@contextlib.contextmanager
def _stored_but(factory: Database, run_id: int, what_failed: str) -> Iterator[None]:
    """After ingest committed, a failure must not read as if nothing was kept: say both."""
    try:
        yield
    except Exception as error:
        fault = fault_of(error, factory.engine.url)
        if fault is None:
            raise
        raise PledgewatchError(f"run {run_id} was stored, but {what_failed}: {fault}") from error


def _queued(config: Config) -> str:
    """The delivery status until the outbox is flushed; never "queued" when delivery is off."""
    return "queued" if mailing.mail_settings(config).enabled else dispatch.OFF


def _crawl(factory: Database, attempt: _Attempt) -> Path:
    from pledgewatch.crawl_planning import plan_run
    from pledgewatch.scraper.crawl import run_crawl

    config = attempt.config
    out = config.crawl.runs_dir / f"crawl-{utcnow():%Y%m%dT%H%M%S%fZ}.jsonl"
    out.parent.mkdir(parents=True, exist_ok=True)
    attempt.plan_file = out.with_suffix(".plan.json")
    attempt.plan = plan_run(factory, config, attempt.replay, attempt.plan_file)
    log.info("crawling %s into %s; plan: %s", attempt.source, out, attempt.plan)
    watching = CrawlWatcher(out, attempt.progress) if attempt.progress else nullcontext()
    with watching:
        run_crawl(out, replay=attempt.replay, start_urls=config.crawl.start_urls or None,
                  discover=config.crawl.discover, timeout=config.crawl.timeout_seconds,
                  settings=crawl_log_settings(config.log.level, config.crawl.log_level,
                                              config.log.file), plan=attempt.plan_file)
    return out


def changes_since_last_report(session: Session, run_id: int) -> ChangeSet:
    """Changes up to ``run_id`` since the last run editors were told about, each told once.

    Normally that is the previous complete run. If that one was never reported
    (the process died after its ingest), go back to the last reported complete
    run so the changes it found are not lost. The reports of partial runs in between
    told some of these changes already: those are left out (:func:`etl.compare.untold`).
    """
    from pledgewatch.etl.changes import changes_between
    from pledgewatch.etl.compare import untold

    changes = changes_between(session, None, run_id)
    if changes.from_run is not None and not runlog.is_reported(session, changes.from_run):
        baseline = runlog.last_reported_run(session, before=changes.from_run)
        if baseline is not None:
            log.info("run %s was never reported; reporting changes since run %s",
                     changes.from_run, baseline)
            changes = changes_between(session, baseline, run_id)
    if changes.from_run is None:
        return changes
    between = runlog.reported_runs_between(session, changes.from_run, run_id)
    return untold(changes, [changes_between(session, changes.from_run, run) for run in between])


def _write_report(config: Config, changes: ChangeSet, database: str) -> Path:
    """Files keyed by run and database id: another database's run 2 never replaces this one's."""
    from pledgewatch.report.render import render_report, write_report_files

    directory = config.report.dir / f"run-{changes.to_run}-{short_id(database)}"
    links = config.publish.links()
    report = render_report(changes, site_name=config.report.site_name, links=links)
    with _naming(directory):
        write_report_files(report, changes, directory)
    if config.report.feed is not None:
        from pledgewatch.report.feed import feed_self_url, update_feed

        self_url = feed_self_url(config.report.feed_url, config.publish.base_url, config.report.feed)
        with _naming(config.report.feed):
            update_feed(config.report.feed, changes, site_name=config.report.site_name,
                        links=links, database_id=database, self_url=self_url)
    return directory


@contextlib.contextmanager
def _naming(path: Path) -> Iterator[None]:
    """A failed ``write()`` (a full disk) names no file; say which one was being written."""
    try:
        yield
    except OSError as error:
        if error.filename is None:
            error.filename = str(path)
        raise


def _publish(factory: Database, config: Config) -> str:
    """Bring the history site up to this run; a failure is logged and shown, never fatal.

    The run is stored and reported either way, and the next publish catches up:
    it starts from the last run the site was published for.
    """
    if not config.publish.enabled:
        return ""
    from sqlalchemy.exc import SQLAlchemyError

    from pledgewatch.publish.build import publish_site

    try:
        with factory() as session:
            result = publish_site(session, config.publish.out, site_name=config.report.site_name,
                                  base_url=config.publish.base_url)
    except (PledgewatchError, OSError, SQLAlchemyError) as error:
        log.error("publishing the site into %s failed: %s", config.publish.out, error)
        return f"NOT published ({type(error).__name__}: {error})"
    log.info("site published: %d files written into %s", result.files, config.publish.out)
    return str(result.index)


def _discard_crawl_file(attempt: _Attempt) -> None:
    """The database keeps the raw input; the file only matters when something went wrong."""
    if attempt.crawl_file is not None and not attempt.config.crawl.keep_files:
        attempt.crawl_file.unlink(missing_ok=True)
        if attempt.plan_file is not None:
            attempt.plan_file.unlink(missing_ok=True)
