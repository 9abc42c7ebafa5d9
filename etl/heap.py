"""Handing freed memory back to the system between runs.

A first run holds every pledge's text at once; once it is stored, CPython frees
those objects but glibc's allocator keeps the pages, and the process stays at
its first-run size for every run after. ``malloc_trim`` returns the free pages
in the middle of the heap too. The reading child trims after each file for the
same reason. Elsewhere (another C library, no ``ctypes``) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim():  # noqa: ANN202 - a ctypes function, or None
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        return None


def give_back_freed_memory() -> None:
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
