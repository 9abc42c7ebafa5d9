"""The ``pledgewatch`` command: a click group whose verbs live in sibling modules.

Each module registers its commands on :data:`main`; this one only owns the error
handling, so every verb maps errors to the same exit codes:

====  ==========================================================
0     success
1     the job failed (see the message)
2     bad input: malformed file, config, argument or database URL; nothing written
3     ``run`` only: success, but the crawl was partial (some pages failed)
4     ``run`` only: another run holds the lock
141   standard output was closed early (``| head``): nothing more is said
====  ==========================================================
"""

from __future__ import annotations

import importlib
import io
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pledgewatch import __version__
from pledgewatch.config import LOG_LEVELS, Config
from pledgewatch.config_resolve import ResolvedConfig, resolve_config
from pledgewatch.core.errors import PledgewatchError, RunSelectionError, WriteFault
from pledgewatch.core.redact import redact
from pledgewatch.logs import configure_logging

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT, EXIT_PARTIAL, EXIT_LOCKED = 0, 1, 2, 3, 4
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what the shell reports for any tool cut off by `| head`

# Modules whose import registers commands on ``main``; one per area of the pipeline.
COMMAND_MODULES = ("parse", "crawl", "records", "reports", "exports", "runs", "publish",
                   "delivery", "configure")


class PledgewatchGroup(click.Group):
    """Turns library errors into a one-line message and a documented exit code."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError:
            # `pledgewatch history KEY | head -1`: the reader has all it wanted.
            _silence_stdout()
            ctx.exit(EXIT_BROKEN_PIPE)
        except PledgewatchError as error:
            if ctx.meta.get("pledgewatch.debug"):
                raise
            _fail(ctx, _worded(error), error.exit_code)
        except OSError as error:
            # The disk failed under us (full, read-only, gone): name the file and why.
            if ctx.meta.get("pledgewatch.debug"):
                raise
            _fail(ctx, str(WriteFault.from_os_error(error)), EXIT_FAILED)
        except Exception as error:
            # The database failed under us (lost server): the open transaction rolled back.
            if ctx.meta.get("pledgewatch.debug") or not _is_database_error(error):
                raise
            reason = getattr(error, "orig", None) or error
            first_line = (str(reason).strip().splitlines() or [""])[0]
            _fail(ctx, f"{type(reason).__name__}: {first_line} (the transaction in progress was "
                       "rolled back; --debug shows the traceback)", EXIT_FAILED)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """Each command's whole first sentence, wrapped rather than cut short with "..."."""
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=1000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _silence_stdout() -> None:
    """Point standard output at /dev/null so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (a test runner)
        pass


def _fail(ctx: click.Context, message: str, code: int) -> None:
    """One line on stderr, with any secret (a database password) masked, then exit."""
    click.echo(f"error: {redact(message)}", err=True)
    ctx.exit(code)


def _is_database_error(error: Exception) -> bool:
    """A SQLAlchemy error, without importing SQLAlchemy for a command that never used it:
    ``--help`` and friends start faster."""
    if "sqlalchemy" not in sys.modules:
        return False
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(error, SQLAlchemyError)


def _worded(error: PledgewatchError) -> str:
    """An error in the command line's words: a run selection names the option it came from."""
    if isinstance(error, RunSelectionError):
        return f"--{error.role} {error.value}: {error.problem}"
    return str(error)


_CONFIG_HELP = ("TOML config file (see pledgewatch.example.toml; env PLEDGEWATCH_CONFIG). "
                "Without one, defaults and PLEDGEWATCH_* variables apply.")


@click.group(cls=PledgewatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              envvar="PLEDGEWATCH_CONFIG", default=None, metavar="FILE", help=_CONFIG_HELP)
@click.option("-q", "--quiet", is_flag=True, help="Log warnings and errors only (log.level WARNING); "
              "`run` prints nothing when it succeeds.")
@click.option("-v", "--verbose", is_flag=True, help="Log debug lines, Scrapy's and APScheduler's too.")
@click.option("--log-level", type=click.Choice(LOG_LEVELS, case_sensitive=False), default=None,
              help="Log level (default: log.level, INFO).")
@click.option("--log-file", type=click.Path(path_type=Path, dir_okay=False), default=None,
              metavar="FILE", help="Append log lines to FILE instead of standard error (log.file).")
@click.option("--debug", is_flag=True, help="Show tracebacks and debug logs.")
@click.version_option(__version__, prog_name="pledgewatch")
@click.pass_context
def main(ctx: click.Context, config_path: Path | None, quiet: bool, verbose: bool,
         log_level: str | None, log_file: Path | None, debug: bool) -> None:
    """Watch gfmd.org's Policy and Practice database and report what changed."""
    ctx.meta["pledgewatch.debug"] = debug
    ctx.meta["pledgewatch.config_path"] = config_path
    if quiet and verbose:
        raise click.UsageError("-q and -v contradict each other; choose one")
    level = _flag_level(quiet, verbose or debug, log_level)
    ctx.meta["pledgewatch.log_flags"] = {"log.level": level, "log.file": log_file}
    try:
        configure_logging(level or "INFO", log_file)
    except PledgewatchError as error:
        _fail(ctx, str(error), error.exit_code)


def _flag_level(quiet: bool, verbose: bool, log_level: str | None) -> str | None:
    """--log-level names the level; otherwise -v is DEBUG and -q WARNING."""
    if log_level:
        return log_level.upper()
    if verbose:
        return "DEBUG"
    return "WARNING" if quiet else None


def config_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--config FILE`` and ``--db URL``: every command that reads the database takes both."""
    command = click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                           default=None, metavar="FILE", help=_CONFIG_HELP)(command)
    return db_option(command)


db_option = click.option(
    "--db",
    "db_url",
    default=None,
    metavar="URL",
    help="Database URL (default: database.url, sqlite:///var/pledgewatch.db; "
    "env PLEDGEWATCH_DB or PLEDGEWATCH_DATABASE_URL).",
)


def resolve(config_path: Path | None, **flags: Any) -> ResolvedConfig:
    """The command's flags, the global options and the environment, through the one resolver.

    The environment is read here and nowhere below the CLI; logging is set up again from
    the resolved ``[log]`` section, so a config file's level applies from here on.
    """
    ctx = click.get_current_context()
    path = config_path or ctx.meta.get("pledgewatch.config_path")
    resolved = resolve_config(path, os.environ, {**ctx.meta.get("pledgewatch.log_flags", {}), **flags})
    configure_logging(resolved.config.log.level, resolved.config.log.file)
    return resolved


def load(config_path: Path | None, **flags: Any) -> Config:
    """The configuration for a command (see :func:`resolve`)."""
    return resolve(config_path, **flags).config


def database_url(config_path: Path | None, db_url: str | None) -> str:
    """The database a command reads: ``--db``, then the environment, the file, the default."""
    return load(config_path, **{"database.url": db_url}).database.url


for _name in COMMAND_MODULES:
    try:
        importlib.import_module(f"pledgewatch.cli.{_name}")
    except ModuleNotFoundError as missing:  # a module not written yet
        if missing.name != f"pledgewatch.cli.{_name}":
            raise
