"""``pledgewatch demo``: the whole pipeline offline, on the bundled ``small`` fixture sites.

Two runs against a fresh SQLite database in the output folder: the ``before``
site is the baseline, the ``after`` site the changes an editor would be sent.
No network, no config, no e-mail: the report is written to disk and named.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pledgewatch.config import (
    Config,
    CrawlConfig,
    DatabaseConfig,
    MailConfig,
    PublishConfig,
    ReportConfig,
)
from pledgewatch.core.errors import PledgewatchError
from pledgewatch.pipeline import RunOutcome, run_once
from pledgewatch.progress import Progress

SITES = Path(__file__).resolve().parent.parent / "fixtures" / "sites" / "small"
DEFAULT_OUT = Path("pledgewatch-demo")


@dataclass(frozen=True, slots=True)
class DemoResult:
    before: RunOutcome
    after: RunOutcome

    @property
    def report_files(self) -> list[Path]:
        return sorted(self.after.report_dir.glob(f"run-{self.after.run_id}.*"))

    @property
    def site_index(self) -> Path:
        return Path(self.after.site)


def demo_config(out: Path) -> Config:
    """Everything under ``out``; nothing read from the environment or a config file. Both
    snapshots are read whole (``plan = "full"``), so the report shows every kind of change."""
    return Config(
        database=DatabaseConfig(url=f"sqlite:///{out / 'demo.db'}"),
        crawl=CrawlConfig(runs_dir=out / "runs", plan="full"),
        report=ReportConfig(dir=out / "reports", feed=out / "reports" / "feed.atom"),
        mail=MailConfig(outbox_dir=out / "outbox"),
        publish=PublishConfig(enabled=True, out=out / "site"),
    )


def run_demo(out: Path, progress: Progress | None = None, sites: Path = SITES) -> DemoResult:
    before, after = sites / "before", sites / "after"
    if not (before.is_dir() and after.is_dir()):
        raise PledgewatchError(
            f"the demo fixture sites are missing ({sites}); run the demo from a clone of the repository"
        )
    out.mkdir(parents=True, exist_ok=True)
    _fresh_database(out / "demo.db")
    config = demo_config(out)
    first = run_once(config, replay=before, progress=progress)
    second = run_once(config, replay=after, progress=progress)
    return DemoResult(first, second)


def _fresh_database(path: Path) -> None:
    """A demo always starts from nothing, so its report is always the same one."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
