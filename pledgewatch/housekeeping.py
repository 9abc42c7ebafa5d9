"""Old report folders and sent messages deleted after each run and each ``outbox flush``.

Without it ``report.dir`` and ``outbox/sent`` grow by a few files a day for
ever. A failure to delete is logged and never fails the run: the run's own
work is already done and the next run tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pledgewatch.config import Config
from pledgewatch.delivery.retention import prune_sent
from pledgewatch.report.retention import prune_report_folders

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Pruned:
    report_folders: list[Path] = field(default_factory=list)
    sent_messages: list[Path] = field(default_factory=list)

    def describe(self) -> str:
        return (f"{len(self.report_folders)} old report folder(s) and "
                f"{len(self.sent_messages)} old sent message(s) deleted")


def prune_old_files(config: Config, now: datetime | None = None) -> Pruned:
    """Apply ``report.keep_runs`` and ``outbox.keep_sent_days``; errors are only logged."""
    try:
        pruned = Pruned(prune_report_folders(config.report.dir, config.report.keep_runs),
                        prune_sent(config.mail.outbox_dir, config.outbox.keep_sent_days, now))
    except OSError as error:
        log.warning("old files were not all deleted (the next run tries again): %s", error)
        return Pruned()
    if pruned.report_folders or pruned.sent_messages:
        log.info("retention: %s", pruned.describe())
    return pruned
