"""``notify test``, ``outbox list`` and ``outbox flush``: trying and unblocking delivery by hand.

Every line printed here goes through :func:`redact`: a channel's URL carries its
token, and an error text from a service might quote it.
"""

from __future__ import annotations

from pathlib import Path

import click

from pledgewatch.cli import EXIT_FAILED, EXIT_OK, config_options, load, main
from pledgewatch.core.redact import redact


def _say(line: str) -> None:
    click.echo(redact(line))


@main.group()
def notify() -> None:
    """Try the notification set-up: e-mail recipients and chat or webhook channels."""


@notify.command("test")
@click.argument("recipient", required=False, metavar="[RECIPIENT]")
@config_options
@click.pass_context
def notify_test(ctx: click.Context, recipient: str | None, config_path: Path | None, db_url: str | None) -> None:
    """Send a test message now to RECIPIENT (an address or channel name), or to all.

    \b
    Prints one line per recipient: sent, or NOT sent and why. The message does
    not go through the outbox, so a failed test is never retried by a run.
    Exit codes: 0 all sent, 1 any not sent, 2 no such recipient or invalid config.
    """
    from pledgewatch.mailing import send_test_messages

    results = send_test_messages(load(config_path, **{"database.url": db_url}), recipient)
    for result in results:
        _say(f"{result.target}: {'sent' if result.ok else 'NOT sent: ' + result.detail}")
    ctx.exit(EXIT_OK if all(result.ok for result in results) else EXIT_FAILED)


@main.group()
def outbox() -> None:
    """The e-mails and channel notes waiting to be sent (mail.outbox_dir)."""


@outbox.command("list")
@config_options
def outbox_list(config_path: Path | None, db_url: str | None) -> None:
    """List what waits to be sent: recipient (channels masked), attempts, last error."""
    from pledgewatch.mailing import pending

    config = load(config_path, **{"database.url": db_url})
    waiting = pending(config)
    if not waiting:
        _say(f"nothing waiting in {config.mail.outbox_dir}")
        return
    _say(f"{len(waiting)} waiting in {config.mail.outbox_dir}:")
    for message in waiting:
        error = f"; last error: {message.last_error}" if message.last_error else ""
        _say(f"  {message.name}  to {message.recipient}  attempts {message.attempts}{error}")


@outbox.command("flush")
@config_options
@click.pass_context
def outbox_flush(ctx: click.Context, config_path: Path | None, db_url: str | None) -> None:
    """Send what waits now, then delete old sent messages and report folders.

    \b
    Exit codes: 0 everything sent, 1 some messages are still waiting (they stay
    for the next run or flush), 2 invalid config or no delivery configured.
    """
    from pledgewatch.housekeeping import prune_old_files
    from pledgewatch.mailing import flush

    config = load(config_path, **{"database.url": db_url})
    result = flush(config)
    _say(f"{len(result.sent)} sent, {len(result.failed)} NOT sent (kept in the outbox)")
    for message in result.failed:
        _say(f"  {message.name}  to {message.recipient}: {message.last_error}")
    _say(prune_old_files(config).describe())
    ctx.exit(EXIT_OK if result.ok else EXIT_FAILED)
