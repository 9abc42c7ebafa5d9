"""Logging for every command: one format, one line per record, quiet libraries.

A crontab line mails whatever the command prints, so the level decides what an operator
reads each morning: ``-q`` (WARNING) leaves only what needs attention. Scrapy, APScheduler
and Alembic narrate their start-up at INFO; they stay at WARNING unless the level is DEBUG
(``-v``). The crawl runs in a child process and gets the same level and file through
:func:`crawl_log_settings`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pledgewatch.core.errors import ConfigError
from pledgewatch.core.logformat import LOG_FORMAT, one_line_handler

# Libraries whose INFO lines are start-up chatter for an operator.
CHATTY_LOGGERS = ("scrapy", "apscheduler", "alembic", "twisted", "filelock", "asyncio")


def configure_logging(level: str, file: Path | None = None) -> None:
    """Send log records at ``level`` and above to ``file`` (appended) or standard error.

    Called again when the config has been resolved: the handler installed before is replaced.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "pledgewatch", False)]:
        root.removeHandler(old)
        old.close()
    handler = _handler(file)
    handler.pledgewatch = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    library_level = logging.DEBUG if level == "DEBUG" else logging.WARNING
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(library_level)


def _handler(file: Path | None) -> logging.Handler:
    try:
        return one_line_handler(file)
    except OSError as error:
        raise ConfigError(f"log.file: cannot write {file}: {error.strerror or error}") from None


def crawl_log_settings(level: str, crawl_level: str, file: Path | None) -> dict[str, Any]:
    """Scrapy settings that give the crawl process the parent's level, format and file."""
    quietest = max(logging.getLevelName(level), logging.getLevelName(crawl_level))
    settings: dict[str, Any] = {
        "LOG_LEVEL": "DEBUG" if level == "DEBUG" else logging.getLevelName(quietest),
        "LOG_FORMAT": LOG_FORMAT,  # the child logs through core.logformat's one-line handler
    }
    if file is not None:
        settings.update(LOG_FILE=str(file), LOG_FILE_APPEND=True)
    return settings
