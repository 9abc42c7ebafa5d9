"""``pledgewatch schedule``: a long-running APScheduler 3 process calling the same ``run_once``.

* The job lives in the application's own database (``SQLAlchemyJobStore``, table
  ``apscheduler_jobs``), so a restart knows when the next run was due, and a run
  missed while the scheduler was down still happens, once (``coalesce``), if it
  is less than ``misfire_grace_seconds`` late.
* Never two runs at once: one worker thread, ``max_instances=1``, and the run
  lock in the database against a cron ``pledgewatch run`` or another host.
* SIGTERM/SIGINT: no new run starts; a run in progress stops at its next safe
  point (its crawl is asked to stop too) and is recorded as interrupted, or
  finishes if it is already writing. A second signal exits at once; the next
  start then records that run as interrupted through its stale lock.

The job store holds only a reference to :func:`scheduled_run`, never the config
(which may carry the SMTP password): the running process supplies it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MAX_INSTANCES,
    EVENT_JOB_MISSED,
    EVENT_SCHEDULER_STARTED,
    JobEvent,
    SchedulerEvent,
)
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine, column, inspect, select, table

from pledgewatch.config import Config
from pledgewatch.core.errors import PledgewatchError, RunLocked
from pledgewatch.heartbeat import Heartbeat
from pledgewatch.progress import LogProgress
from pledgewatch.storage.db import Database, open_database
from pledgewatch.storage.models import State

log = logging.getLogger(__name__)

JOB_ID = "pledgewatch-run"
JOBS_TABLE = "apscheduler_jobs"
TRIGGER_STATE_KEY = "schedule.trigger"
_jobs = table(JOBS_TABLE, column("id"), column("next_run_time"))
_active: Scheduler | None = None  # the scheduler of this process, for the job to call back


def scheduled_run() -> None:
    """The job the store refers to by name; runs the pipeline for this process's scheduler."""
    if _active is None:
        log.error("scheduled run fired outside `pledgewatch schedule`; ignored")
        return
    _active.run_job()


class Scheduler:
    def __init__(self, config: Config, *, replay: Path | None = None) -> None:
        self.config, self.replay = config, replay
        self.stop = threading.Event()  # asks a run in progress to stop at its next safe point
        self.idle = threading.Event()
        self.idle.set()
        self.factory: Database = open_database(config.database.url)
        self.zone = ZoneInfo(config.schedule.timezone)
        self.trigger = CronTrigger.from_crontab(config.schedule.cron, timezone=self.zone)
        self.scheduler = self._build()

    @property
    def engine(self) -> Engine:
        return self.factory.engine

    def _build(self) -> BlockingScheduler:
        scheduler = BlockingScheduler(
            timezone=self.zone,
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine, tablename=JOBS_TABLE)},
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": self.config.schedule.misfire_grace_seconds,
            },
        )
        options: dict[str, Any] = {}
        kept = self._kept_next_run_time()
        if kept is not None:
            options["next_run_time"] = kept
        scheduler.add_job(f"{__name__}:scheduled_run", self.trigger, id=JOB_ID,
                          name="pledgewatch run", replace_existing=True, **options)
        scheduler.add_listener(self._on_event, EVENT_SCHEDULER_STARTED | EVENT_JOB_EXECUTED
                               | EVENT_JOB_ERROR | EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        return scheduler

    def _kept_next_run_time(self) -> datetime | None:
        """The stored due time, if the schedule is unchanged: a run missed while down is kept.

        Re-adding the job would otherwise recompute its next run from now and
        silently drop the one that was missed.
        """
        wanted = {"cron": self.config.schedule.cron, "timezone": self.config.schedule.timezone}
        with self.factory.begin() as session:
            row = session.get(State, TRIGGER_STATE_KEY)
            unchanged = row is not None and row.value == wanted
            if row is None:
                session.add(State(key=TRIGGER_STATE_KEY, value=wanted))
            else:
                row.value = wanted
        return next_run_time(self.engine) if unchanged else None

    def serve(self) -> None:
        """Block until SIGTERM/SIGINT, running the pipeline on schedule."""
        global _active
        _active = self
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            with Heartbeat(self.factory):
                self.scheduler.start()
                if not self.idle.is_set():
                    log.info("waiting for the run in progress to stop")
                self.idle.wait()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            _active = None
            self.engine.dispose()
        log.info("scheduler stopped")

    def run_job(self) -> None:
        from pledgewatch.pipeline import run_once

        if self.stop.is_set():
            return
        self.idle.clear()
        try:
            outcome = run_once(self.config, replay=self.replay, progress=LogProgress(),
                               stop=self.stop)
            log.info("run finished:\n%s", outcome.summary())
        except RunLocked as error:
            log.warning("scheduled run skipped: %s", error)
        except PledgewatchError as error:
            if self.stop.is_set():
                log.info("run stopped and recorded as interrupted (%s)", error)
            else:
                log.error("scheduled run failed: %s", error)
        except Exception:
            log.exception("scheduled run failed")
        finally:
            self.idle.set()

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        name = signal.Signals(signum).name
        if self.stop.is_set():
            log.warning("%s again: leaving now; the run in progress will be recorded as "
                        "interrupted at the next start", name)
            os._exit(128 + signum)
        log.info("%s received: stopping (send it again to leave at once)", name)
        self.stop.set()
        if not self.idle.is_set():
            terminate_children()
        threading.Thread(target=self.scheduler.shutdown, kwargs={"wait": False}).start()

    def _on_event(self, event: SchedulerEvent) -> None:
        if isinstance(event, JobEvent) and event.code == EVENT_JOB_MISSED:
            log.warning("a run due at %s was missed by more than %s s; skipped",
                        event.scheduled_run_time, self.config.schedule.misfire_grace_seconds)
        elif event.code == EVENT_JOB_MAX_INSTANCES:
            log.warning("a run was due while the previous one was still going; skipped")
        job = self.scheduler.get_job(JOB_ID)
        if job is None or job.next_run_time is None or self.stop.is_set():
            return
        due = job.next_run_time
        when = f"now (due at {due.isoformat()})" if due <= datetime.now(UTC) else due.isoformat()
        log.info("next run at %s (cron %r, %s)", when, self.config.schedule.cron,
                 self.config.schedule.timezone)


def next_run_time(engine: Engine) -> datetime | None:
    """When the scheduler will next run the pipeline, from its job store; None if unscheduled."""
    if not inspect(engine).has_table(JOBS_TABLE):
        return None
    with engine.connect() as connection:
        stamp = connection.scalar(select(_jobs.c.next_run_time).where(_jobs.c.id == JOB_ID))
    return datetime.fromtimestamp(stamp, UTC) if stamp is not None else None


def terminate_children() -> None:
    """Pass the stop on to our child processes (the crawl), as a terminal or systemd would."""
    me = os.getpid()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[-1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            pid = int(stat.parent.name)
            log.info("asking crawl process %s to stop", pid)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
