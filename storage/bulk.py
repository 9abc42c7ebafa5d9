"""Many rows into one table, handed to the database driver's own executemany.

SQLAlchemy's Core executemany prepares every parameter set in Python again, and
the ORM's bulk update more so: on a first run's 700,000 rows that cost more than
the database's work. Here the statement is compiled once, each column's bind
processing is looked up once, and the rows go to the driver as plain tuples (or
dicts, for drivers that take named parameters), inside the session's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, bindparam
from sqlalchemy.engine import Compiled, Connection

BATCH_ROWS = 5000  # rows per driver call: bounds the parameter sets alive at once

Row = dict[str, Any]


def insert_many(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Insert ``rows``, which all have the keys of the first, as SQLAlchemy's insert would.

    A column left out takes its scalar default; one with a computed default is not
    supported here (no table written in bulk has one) and is refused.
    """
    if not rows:
        return
    names = list(rows[0])
    defaults = _scalar_defaults(table, names)
    columns = names + list(defaults)
    compiled = table.insert().compile(dialect=connection.dialect, column_keys=columns)
    _execute(connection, table, compiled, {name: name for name in columns}, names, defaults, rows)


def update_many(connection: Connection, table: Table, rows: Sequence[Row]) -> None:
    """Set the other columns of each row where the table's ``id`` is the row's ``id``."""
    if not rows:
        return
    names = list(rows[0])
    if "id" not in names or len(names) < 2:
        raise ValueError(f"{table.name}: rows to update need an 'id' and a column to set")
    values = {name: bindparam(f"new_{name}") for name in names if name != "id"}
    statement = table.update().where(table.c.id == bindparam("row_id")).values(values)
    binds = {"row_id": "id", **{f"new_{name}": name for name in values}}
    _execute(connection, table, statement.compile(dialect=connection.dialect), binds, names, {},
             rows)


def _execute(connection: Connection, table: Table, compiled: Compiled, binds: dict[str, str],
             names: list[str], defaults: Row, rows: Sequence[Row]) -> None:
    """``binds``: the statement's parameter names → the columns their values are for."""
    dialect = connection.dialect
    order = list(compiled.positiontup or ()) if compiled.positional else list(binds)
    if set(order) != set(binds):
        raise ValueError(f"{table.name}: the statement wants {sorted(order)}, rows give {names}")
    processors: dict[str, Callable[[Any], Any]] = {}
    for column in set(binds.values()):
        processor = table.c[column].type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[column] = processor
    fixed = {name: processors[name](value) if name in processors else value
             for name, value in defaults.items()}
    value_of = _values([binds[bind] for bind in order], fixed, processors)
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start : start + BATCH_ROWS]
        if any(len(row) != len(names) for row in batch):
            raise ValueError(f"{table.name}: every row must have the keys {names}")
        params: list[Any] = [value_of(row) for row in batch]
        if not compiled.positional:
            params = [dict(zip(order, values, strict=True)) for values in params]
        connection.exec_driver_sql(compiled.string, params)


def _scalar_defaults(table: Table, names: list[str]) -> Row:
    defaults: Row = {}
    for column in table.columns:
        if column.name in names or column.default is None:
            continue
        if not column.default.is_scalar:
            raise ValueError(f"{table.name}.{column.name}: a computed default needs the Core insert")
        defaults[column.name] = column.default.arg
    return defaults


def _values(columns: list[str], fixed: Row,
            processors: dict[str, Callable[[Any], Any]]) -> Callable[[Row], tuple[Any, ...]]:
    """A row's values in the statement's order, processed for the driver."""
    if not fixed and not processors:  # the common case: plain values
        return lambda row: tuple([row[name] for name in columns])
    return lambda row: tuple([fixed[name] if name in fixed
                              else processors[name](row[name]) if name in processors
                              else row[name] for name in columns])
