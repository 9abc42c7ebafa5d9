"""The ``pledgewatch`` command: a click group whose verbs live in sibling modules.

Each module registers its commands on :data:`main`; this one only owns the error
handling, so every verb maps errors to the same exit codes:

====  ==========================================================
0     success
1     the job failed (see the message)
2     bad input: malformed file, config, argument or database URL; nothing written
3     ``run`` only: success, but the crawl was partial (some pages failed)
4     ``run`` only: another run holds the lock
====  ==========================================================
"""

from __future__ import annotations

import importlib
import logging
import sys
from typing import Any

import click
from sqlalchemy.exc import SQLAlchemyError

from pledgewatch import __version__
from pledgewatch.core.errors import PledgewatchError, RunSelectionError, WriteFault
from pledgewatch.core.redact import redact

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 4

# Modules whose import registers commands on ``main``; one per area of the pipeline.
COMMAND_MODULES = ("parse", "crawl", "records", "reports", "exports", "runs", "publish",
                   "delivery")


class PledgewatchGroup(click.Group):
    """Turns library errors into a one-line message and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PledgewatchError as error:
            if ctx.meta.get("pledgewatch.debug"):
                raise
            _fail(ctx, _worded(error), error.exit_code)
        except OSError as error:
            # The disk failed under us (full, read-only, gone): name the file and why.
            if ctx.meta.get("pledgewatch.debug"):
                raise
            _fail(ctx, str(WriteFault.from_os_error(error)), EXIT_FAILED)
        except SQLAlchemyError as error:
            # The database failed under us (lost server): the open transaction rolled back.
            if ctx.meta.get("pledgewatch.debug"):
                raise
            reason = getattr(error, "orig", None) or error
            first_line = (str(reason).strip().splitlines() or [""])[0]
            _fail(ctx, f"{type(reason).__name__}: {first_line} (the transaction in progress was "
                       "rolled back; --debug shows the traceback)", EXIT_FAILED)


def _fail(ctx: click.Context, message: str, code: int) -> None:
    """One line on stderr, with any secret (a database password) masked, then exit."""
    click.echo(f"error: {redact(message)}", err=True)
    ctx.exit(code)


class RedactingFormatter(logging.Formatter):
    """Log lines (tracebacks included) with every remembered secret masked."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def _worded(error: PledgewatchError) -> str:
    """An error in the command line's words: a run selection names the option it came from."""
    if isinstance(error, RunSelectionError):
        return f"--{error.role} {error.value}: {error.problem}"
    return str(error)


@click.group(cls=PledgewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(__version__, prog_name="pledgewatch")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Watch gfmd.org's Policy and Practice database and report what changed."""
    ctx.meta["pledgewatch.debug"] = debug
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, stream=sys.stderr)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    # Schema checks run on every command; their progress is noise unless debugging.
    logging.getLogger("alembic").setLevel(logging.DEBUG if debug else logging.WARNING)


db_option = click.option(
    "--db",
    "db_url",
    envvar="PLEDGEWATCH_DB",
    default=None,
    metavar="URL",
    help="Database URL (default: sqlite:///var/pledgewatch.db; env PLEDGEWATCH_DB).",
)


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"pledgewatch.cli.{_name}")
    except ModuleNotFoundError as missing:  # a module not written yet
        if missing.name != f"pledgewatch.cli.{_name}":
            raise
