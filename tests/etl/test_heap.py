"""Memory a finished run freed goes back to the system before the next run."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

HOLD_THEN_FREE = """
import sys
from pathlib import Path
from pledgewatch.etl.heap import give_back_freed_memory

def rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024

texts = [bytes(2048) + i.to_bytes(4, "big") for i in range(100_000)]  # ~200 MB, from malloc
last = texts[-1]  # the top of the heap stays in use: free() alone cannot shrink it
del texts
before = rss_mb()
give_back_freed_memory()
print(before, rss_mb())
"""


@pytest.mark.skipif(platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
                    reason="malloc_trim is glibc's")
def test_freed_texts_leave_the_process_once_given_back() -> None:
    done = subprocess.run([sys.executable, "-c", HOLD_THEN_FREE], capture_output=True, text=True,
                          check=True)
    before, after = map(int, done.stdout.split())
    assert before >= 150, "the freed texts were still counted before"
    assert after <= before - 150
