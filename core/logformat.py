"""The one log line format, for pledgewatch's own process and the crawl's child process alike.

Log files are read with grep and tail; a record split over lines (a traceback, Scrapy's
settings dump) loses its time and level on all but the first, so every record is one line.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

from pledgewatch.core.redact import redact

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class OneLineFormatter(logging.Formatter):
    """One line per record, tracebacks included, with every remembered secret masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record)).replace("\r", "").replace("\n", " | ")


def one_line_handler(file: Path | None = None) -> logging.Handler:
    """A handler appending to ``file`` (its folder made) or writing to standard error."""
    if file is None:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(file, encoding="utf-8")
    handler.setFormatter(OneLineFormatter(LOG_FORMAT))
    return handler
