"""Turning TOML tables, environment strings and flags into the typed config dataclasses.

Kept apart from :mod:`pledgewatch.config` so that the schema reads as a list of
keys and defaults, while the checking lives here. Every error names the dotted
key (``mail.smtp_port``) and where the bad value came from.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pledgewatch.core.errors import ConfigError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def read_toml(path: Path, *, env_only: set[str], password_env: str) -> dict[str, Any]:
    """The file's tables, refusing a missing file, bad syntax and secrets written in it."""
    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} not found") from None
    except IsADirectoryError:
        raise ConfigError(f"config file {path} is a directory") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"config file {path} is not valid TOML: {error}") from None
    for dotted in env_only:
        section, key = dotted.split(".")
        if isinstance(values.get(section), dict) and key in values[section]:
            raise ConfigError(
                f"{dotted}: not allowed in the config file {path}; "
                f"set the environment variable {password_env} instead"
            )
    return values


def env_name(prefix: str, dotted: str) -> str:
    return prefix + dotted.replace(".", "_").upper()


def build_config(
    cls: type[Any],
    *,
    file_values: Mapping[str, Any],
    env: Mapping[str, str],
    overrides: Mapping[str, Any],
    env_prefix: str,
    env_aliases: Mapping[str, str],
    origins: dict[str, str] | None = None,
) -> Any:
    """One instance of ``cls`` (sections of dataclasses), layer by layer.

    ``origins``, when given, is filled with where each dotted key's value came from:
    ``flag``, ``env NAME``, ``file`` or ``default``.
    """
    sections = _hints(cls)
    _reject_unknown(file_values, sections, "", "in the config file")
    env_by_key = {dotted: name for name, dotted in env_aliases.items()}
    built = {}
    for section, section_cls in sections.items():
        table = file_values.get(section, {})
        if not isinstance(table, dict):
            raise ConfigError(f"{section}: expected a table ([{section}]), got {table!r}")
        _reject_unknown(table, _hints(section_cls), f"{section}.", "in the config file")
        values = {}
        for key, kind in _hints(section_cls).items():
            dotted = f"{section}.{key}"
            names = [n for n in (env_by_key.get(dotted), env_name(env_prefix, dotted)) if n]
            found, origin = _pick(dotted, kind, overrides, env, names, table)
            if found is not _UNSET:
                values[key] = found
            if origins is not None:
                origins[dotted] = origin
        built[section] = section_cls(**values)
    return cls(**built)


_UNSET = object()


def _pick(
    dotted: str,
    kind: Any,
    overrides: Mapping[str, Any],
    env: Mapping[str, str],
    env_names: list[str],
    table: Mapping[str, Any],
) -> tuple[Any, str]:
    if dotted in overrides:
        return convert(dotted, overrides[dotted], kind, "from the command line"), "flag"
    for name in env_names:
        if name in env:
            value = convert(dotted, from_env_text(dotted, env[name], kind, name), kind, name)
            return value, f"env {name}"
    key = dotted.split(".", 1)[1]
    if key in table:
        return convert(dotted, table[key], kind, "in the config file"), "file"
    return _UNSET, "default"


def key_lines(text: str) -> dict[str, int]:
    """The line of each ``section.key`` (and ``[[section.key]]`` table) in a TOML text.

    TOML parsers do not report positions; this reads only what a config file holds
    (``[section]`` headers and ``key = value`` lines), which is enough to point at a value.
    """
    lines: dict[str, int] = {}
    section = ""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("[["):
            section = line.strip("[] ")
            lines.setdefault(section, number)
        elif line.startswith("["):
            section = line.strip("[] ")
        elif "=" in line and not line.startswith("#") and section.count(".") == 0:
            key = line.split("=", 1)[0].strip().strip('"')
            lines.setdefault(f"{section}.{key}", number)
    return lines


def field_types(cls: type[Any]) -> dict[str, Any]:
    """The dataclass's fields and their resolved types, in definition order."""
    return _hints(cls)


def _hints(cls: type[Any]) -> dict[str, Any]:
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in typing.get_type_hints(cls).items() if k in names}


def _reject_unknown(values: Mapping[str, Any], known: Mapping[str, Any], prefix: str, where: str) -> None:
    for key in values:
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f"; did you mean {prefix}{close[0]}?" if close else f"; known: {', '.join(known)}"
            raise ConfigError(f"{prefix}{key}: unknown key {where}{hint}")


def from_env_text(dotted: str, text: str, kind: Any, name: str) -> Any:
    """An environment string read as the key's type: booleans, numbers, comma lists."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if kind is bool:
        lowered = text.strip().lower()
        if lowered in _TRUE | _FALSE:
            return lowered in _TRUE
        raise ConfigError(f"{dotted}: {name}={text!r} is not a boolean (use true or false)")
    if kind in (int, float):
        try:
            return kind(text.strip())
        except ValueError:
            raise ConfigError(f"{dotted}: {name}={text!r} is not a number") from None
    if origin is tuple:
        items = [item.strip() for item in text.split(",") if item.strip()]
        if dataclasses.is_dataclass(args[0]):
            return [{dataclasses.fields(args[0])[0].name: item} for item in items]
        return items
    return text


def convert(dotted: str, value: Any, kind: Any, where: str) -> Any:
    """``value`` checked against the field type ``kind``; paths and tuples are built here."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (types.UnionType, typing.Union) and type(None) in args:
        if value is None or value == "":
            return None
        return convert(dotted, value, next(a for a in args if a is not type(None)), where)
    if origin is tuple:
        return _convert_tuple(dotted, value, args[0], where)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _convert_table(dotted, value, kind, where)
    if kind is Path:
        if isinstance(value, Path) or (isinstance(value, str) and value):
            return Path(value)
        raise _wrong(dotted, value, "a path", where)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if kind is int and isinstance(value, bool):
        raise _wrong(dotted, value, "an integer", where)
    if isinstance(value, kind):
        return value
    raise _wrong(dotted, value, _describe(kind), where)


def _convert_tuple(dotted: str, value: Any, item_kind: Any, where: str) -> tuple[Any, ...]:
    if not isinstance(value, (list, tuple)):
        raise _wrong(dotted, value, "a list", where)
    return tuple(convert(f"{dotted}[{i}]", item, item_kind, where) for i, item in enumerate(value))


def _convert_table(dotted: str, value: Any, kind: type[Any], where: str) -> Any:
    if not isinstance(value, dict):
        raise _wrong(dotted, value, "a table", where)
    hints = _hints(kind)
    _reject_unknown(value, hints, f"{dotted}.", where)
    required = [f.name for f in dataclasses.fields(kind) if f.default is dataclasses.MISSING]
    for name in required:
        if name not in value:
            raise ConfigError(f"{dotted}.{name}: missing {where}")
    return kind(**{k: convert(f"{dotted}.{k}", v, hints[k], where) for k, v in value.items()})


def _describe(kind: Any) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(
        kind, getattr(kind, "__name__", str(kind))
    )


def _wrong(dotted: str, value: Any, expected: str, where: str) -> ConfigError:
    return ConfigError(f"{dotted}: expected {expected} {where}, got {value!r}")
