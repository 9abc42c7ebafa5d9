"""Many rows into one table, handed to the database driver's own executemany.

SQLAlchemy's Core executemany prepares every parameter set in Python again: on
a first run's 700,000 rows that cost more than the database's work. Here the
statement is compiled once, each column's bind processing is looked up once,
and the rows go to the driver as plain tuples (or dicts, for drivers that want
named parameters), still inside the session's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.engine import Connection

BATCH_ROWS = 5000  # rows per driver call: bounds the tuples alive at once


def insert_many(connection: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows``, which all have the keys of the first, as SQLAlchemy's insert would.

    A column left out takes its scalar default; one with a computed default is not
    supported here (no table written in bulk has one) and is refused.
    """
    if not rows:
        return
    names = list(rows[0])
    defaults = _scalar_defaults(table, names)
    columns = names + list(defaults)
    dialect = connection.dialect
    compiled = table.insert().compile(dialect=dialect, column_keys=columns)
    order = list(compiled.positiontup) if compiled.positional and compiled.positiontup else columns
    processors: dict[str, Callable[[Any], Any]] = {}
    for name in columns:
        column_type = table.c[name].type
        processor = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    if set(order) != set(columns):
        raise ValueError(f"{table.name}: the statement wants {sorted(order)}, rows give {columns}")
    fixed = {name: processors[name](value) if name in processors else value
             for name, value in defaults.items()}
    make = _tuples(order, fixed, processors) if compiled.positional else _dicts(fixed, processors)
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]
        if any(len(row) != len(names) for row in batch):
            raise ValueError(f"{table.name}: every row must have the keys {names}")
        connection.exec_driver_sql(compiled.string, [make(row) for row in batch])


def _scalar_defaults(table: Table, names: list[str]) -> dict[str, Any]:
    defaults: dict[str, Any] = {}
    for column in table.columns:
        if column.name in names or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"{table.name}.{column.name}: a computed default needs the Core insert")
        defaults[column.name] = column.default.arg
    return defaults


Row = dict[str, Any]


def _tuples(order: list[str], fixed: Row,
            processors: dict[str, Callable[[Any], Any]]) -> Callable[[Row], tuple[Any, ...]]:
    if not fixed and not processors:  # the common case: plain values in statement order
        return lambda row: tuple([row[name] for name in order])
    return lambda row: tuple([fixed[name] if name in fixed
                              else processors[name](row[name]) if name in processors
                              else row[name] for name in order])


def _dicts(fixed: Row, processors: dict[str, Callable[[Any], Any]]) -> Callable[[Row], Row]:
    def make(row: Row) -> Row:
        values = {**row, **fixed}
        for name, processor in processors.items():
            if name in row:
                values[name] = processor(row[name])
        return values

    return make
