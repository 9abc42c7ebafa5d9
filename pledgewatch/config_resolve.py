"""The one resolver every command uses: flags > ``PLEDGEWATCH_*`` environment > file > defaults.

Before this module each command read its own mix of ``--db``, ``--config`` and the
environment, so ``history`` could read another database than ``run``. Now the CLI hands
every command's flags to :func:`resolve_config` and nothing else decides.

Relative paths written in a config file, and the relative defaults (``var/...``), are taken
from the file's folder, so a crontab line works from any working directory. Without a file,
they are relative to the working directory; flags and environment values always are.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pledgewatch.config import (
    ENV_ALIASES,
    ENV_ELSEWHERE,
    ENV_ELSEWHERE_PREFIXES,
    ENV_ONLY,
    ENV_PREFIX,
    PASSWORD_ENV,
    Config,
    check_values,
)
from pledgewatch.config_notify import with_channel_urls
from pledgewatch.config_parse import build_config, env_name, field_types, key_lines, read_toml
from pledgewatch.core.errors import ConfigError
from pledgewatch.core.redact import MASK, redact

# A SQLite URL naming a relative file: sqlite:///var/pledgewatch.db (four slashes is absolute).
_RELATIVE_SQLITE = re.compile(
    r"^(?P<head>sqlite(\+\w+)?:///)(?P<path>(?!/)(?!:memory:)(?!file:)[^?]+)(?P<tail>\?.*)?$"
)


@dataclass(frozen=True, slots=True)
class ResolvedConfig:
    """The configuration and, per dotted key, where its value came from."""

    config: Config
    origins: dict[str, str]  # "flag", "env NAME", "file PATH:LINE", "default"
    path: Path | None


def resolve_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> ResolvedConfig:
    """Build the configuration, or raise ``ConfigError`` naming the offending key or variable.

    ``overrides`` holds command-line flags as dotted keys (``{"crawl.replay": path}``);
    ``None`` values are ignored so unset flags fall through to the layers below.
    """
    env = dict(env or {})
    check_env_names(env)
    file_values = read_toml(path, env_only=ENV_ONLY, password_env=PASSWORD_ENV) if path else {}
    origins: dict[str, str] = {}
    config = build_config(
        Config,
        file_values=file_values,
        env=env,
        overrides={k: v for k, v in (overrides or {}).items() if v is not None},
        env_prefix=ENV_PREFIX,
        env_aliases=ENV_ALIASES,
        origins=origins,
    )
    if path is not None:
        config = anchor_paths(config, origins, path.resolve().parent)
        lines = key_lines(path.read_text(encoding="utf-8", errors="replace"))
        origins = {key: _file_origin(origin, path, lines.get(key)) for key, origin in origins.items()}
    config = replace(config, notify=with_channel_urls(config.notify, env))
    check_values(config)
    return ResolvedConfig(config, origins, path)


def check_env_names(env: Mapping[str, str]) -> None:
    """A misspelled ``PLEDGEWATCH_*`` variable is refused like a misspelled key in the file."""
    known = known_env_names()
    for name in sorted(env):
        if not name.startswith(ENV_PREFIX) or name in known or name.startswith(ENV_ELSEWHERE_PREFIXES):
            continue
        close = difflib.get_close_matches(name, sorted(known), n=1)
        hint = f"; did you mean {close[0]}?" if close else "; `pledgewatch config show` lists the keys"
        raise ConfigError(f"{name}: unknown environment variable{hint}")


def known_env_names() -> set[str]:
    names = set(ENV_ALIASES) | ENV_ELSEWHERE
    for section, section_cls in field_types(Config).items():
        names.update(env_name(ENV_PREFIX, f"{section}.{key}") for key in field_types(section_cls))
    return names


def anchor_paths(config: Config, origins: Mapping[str, str], folder: Path) -> Config:
    """Relative paths from the file or the defaults, taken from the file's ``folder``."""
    sections = {}
    for section, section_cls in field_types(Config).items():
        current = getattr(config, section)
        changes = {}
        for key, _kind in field_types(section_cls).items():
            if origins.get(f"{section}.{key}") not in ("file", "default"):
                continue
            value = getattr(current, key)
            if isinstance(value, Path) and not value.is_absolute():
                changes[key] = folder / value
            elif f"{section}.{key}" == "database.url":
                changes[key] = anchor_sqlite_url(value, folder)  # type: ignore[assignment]
        sections[section] = dataclasses.replace(current, **changes) if changes else current
    return Config(**sections)


def anchor_sqlite_url(url: str, folder: Path) -> str:
    match = _RELATIVE_SQLITE.match(url)
    if not match:
        return url
    return f"{match['head']}{folder / match['path']}{match['tail'] or ''}"


def _file_origin(origin: str, path: Path, line: int | None) -> str:
    if origin != "file":
        return origin
    return f"file {path}:{line}" if line else f"file {path}"


def effective_values(resolved: ResolvedConfig) -> list[tuple[str, str, str]]:
    """``(dotted key, value as TOML, origin)`` for every key, secrets masked, in schema order."""
    rows = []
    for section, section_cls in field_types(Config).items():
        for key in field_types(section_cls):
            dotted = f"{section}.{key}"
            value = getattr(getattr(resolved.config, section), key)
            rows.append((dotted, shown_value(dotted, value), resolved.origins.get(dotted, "default")))
    return rows


def shown_value(dotted: str, value: Any) -> str:
    """A value written as in the TOML file; passwords (alone or inside a URL) as ``***``."""
    if "password" in dotted:
        return f'"{MASK}"' if value else '""'
    if dotted == "database.url":
        from pledgewatch.storage.urls import shown_url

        try:
            value = shown_url(value)
        except Exception:  # a URL no parser accepts is refused later; still never shown whole
            from pledgewatch.core.redact import mask_url_password

            value = mask_url_password(value)
    return redact(_toml(value))


def _toml(value: Any) -> str:
    if value is None:
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    if dataclasses.is_dataclass(value):
        fields = (f"{f.name} = {_toml(getattr(value, f.name))}" for f in dataclasses.fields(value))
        return "{ " + ", ".join(fields) + " }"
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


def load_config(
    path: Path | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """The resolved configuration alone, without where each value came from."""
    return resolve_config(path, env, overrides).config
