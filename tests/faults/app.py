"""Configuration for whole-pipeline scenarios: a TOML file for ``pledgewatch run``/``schedule``
subprocesses, or the same values loaded in-process for ``run_once``."""

from __future__ import annotations

from pathlib import Path

from pledgewatch.config import Config
from pledgewatch.config_resolve import load_config

EDITOR = "editor@example.org"


def write_config(folder: Path, db_url: str, *, smtp_port: int | None = None, cron: str = "0 6 * * *",
                 send_when_unchanged: bool = False, smtp_user: str = "") -> Path:
    """A config whose every path is under ``folder``; mail goes to 127.0.0.1 when a port is given."""
    mail = f'outbox_dir = "{folder / "outbox"}"\n'
    if smtp_port is not None:
        mail += (f'smtp_host = "127.0.0.1"\nsmtp_port = {smtp_port}\ntimeout_seconds = 5\n'
                 f'smtp_user = "{smtp_user}"\n'
                 f'send_when_unchanged = {str(send_when_unchanged).lower()}\n'
                 f'[[mail.recipients]]\naddress = "{EDITOR}"\n')
    path = folder / "pledgewatch.toml"
    path.write_text(
        f'[database]\nurl = "{db_url}"\n'
        f'[crawl]\nruns_dir = "{folder / "runs"}"\ntimeout_seconds = 120\nplan = "full"\n'
        f'[report]\ndir = "{folder / "reports"}"\n'
        f'[schedule]\ncron = "{cron}"\n'
        f"[mail]\n{mail}",
        encoding="utf-8",
    )
    return path


def load(path: Path, **env: str) -> Config:
    return load_config(path, env)
