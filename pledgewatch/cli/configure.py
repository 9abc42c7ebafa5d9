"""``pledgewatch config show`` and ``config check``: the effective configuration, and whether it holds."""

from __future__ import annotations

from pathlib import Path

import click

from pledgewatch.cli import config_options, main, resolve


@main.group("config")
def config_group() -> None:
    """Show or check the configuration every command resolves (flags, environment, file, defaults)."""


@config_group.command("show")
@config_options
def config_show(config_path: Path | None, db_url: str | None) -> None:
    """Print every key's effective value and where it came from (passwords masked).

    Origins: flag, env VARIABLE, file PATH:LINE, default. Relative paths from the
    file and the defaults are shown resolved against the config file's folder.
    """
    from pledgewatch.config_resolve import effective_values

    resolved = resolve(config_path, **{"database.url": db_url})
    rows = effective_values(resolved)
    width = max(len(f"{key} = {value}") for key, value, _ in rows)
    click.echo(f"# config file: {resolved.path or 'none'}")
    for key, value, origin in rows:
        click.echo(f"{f'{key} = {value}':<{width}}  # {origin}")


@config_group.command("check")
@config_options
def config_check(config_path: Path | None, db_url: str | None) -> None:
    """Validate the configuration: exit 0 when it holds, 2 with the offending key when not.

    Reads only: no database, folder or file is created.
    """
    resolved = resolve(config_path, **{"database.url": db_url})
    click.echo(f"config ok ({resolved.path or 'no config file'})")
