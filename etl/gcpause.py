"""Pausing Python's cyclic garbage collector around bulk work.

An ingest holds every pledge's state, a few objects each: millions at 50,000
pledges. The cyclic collector walks all of them on each full pass, and bulk work
triggers a pass every few hundred thousand allocations while freeing almost
nothing: reference counting frees what the work drops. Pausing it cut a quiet
5,000-pledge run by a fifth (``bench/ingest_phases.py``). The collector runs
again as soon as the work is done.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
