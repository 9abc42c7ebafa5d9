"""Errors the CLI turns into messages and exit codes (see ``pledgewatch.cli``).

Each says what is wrong and, where it can, what to do next. Tracebacks are only
shown with ``--debug``.
"""

from __future__ import annotations

import os


class PledgewatchError(Exception):
    """Base class; exit code 1 (the job failed)."""

    exit_code = 1


class InputError(PledgewatchError):
    """Bad input from the user: a malformed file, config or argument. Exit code 2, nothing written."""

    exit_code = 2


class UnreadableInput(InputError):
    """A saved page or run file that cannot be read as text (binary, empty, wrong encoding)."""


class ConfigError(InputError):
    """An invalid configuration file or environment variable; the message names the key."""


class DatabaseError(InputError):
    """The database URL is invalid or unreachable."""


class WriteFault(PledgewatchError):
    """A file or the database could not be written: a full disk or a failing device.

    The machine's fault, not the input's, so exit code 1 even while a database is
    being opened. Carries the file and the reason so the message names both.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason

    @classmethod
    def from_os_error(cls, error: OSError, path: object = None) -> WriteFault:
        """``[Errno 28] No space left on device: 'x'`` as ``x: no space left on device``."""
        reason = os.strerror(error.errno) if error.errno else str(error)
        return cls(str(path or error.filename or "?"), reason[:1].lower() + reason[1:])


class RunLocked(PledgewatchError):
    """Another run holds the run lock."""

    exit_code = 4


class RunSelectionError(InputError):
    """A run named by a command's option (``role``: "from", "to", "at") that no ingested run
    answers, or a pair of runs in the wrong order. It carries data: the CLI words it with
    its own option names."""

    def __init__(self, role: str, value: object, problem: str) -> None:
        super().__init__(f"{role} {value}: {problem}")
        self.role, self.value, self.problem = role, value, problem
