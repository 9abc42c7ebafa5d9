"""atheris harness: ``python tests/faults/fuzz_parse.py -runs=N [libFuzzer options]``.

Feeds mutated listing pages (seeded from ``fixtures/seeds``) to the HTML and text parsers;
exits non-zero on the first input that raises anything but ``InputError``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

with atheris.instrument_imports():
    from tests.faults.fuzz_targets import parse_any


def one_input(data: bytes) -> None:
    parse_any(data, "html" if data[:1] == b"<" else "auto")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
