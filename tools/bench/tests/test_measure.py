"""The benchmark's peak memory counts every process a command runs at once."""

from __future__ import annotations

import sys

from tools.bench.measure import run

HOLD = """
import os, time
block = bytearray({mb} << 20)
for i in range(0, len(block), 4096):
    block[i] = 1  # touch every page: resident, not just reserved
{fork}
time.sleep(0.6)
"""


def test_one_process_reports_its_own_peak() -> None:
    measured = run([sys.executable, "-c", HOLD.format(mb=120, fork="")]).check("one process")
    assert 120 <= measured.peak_mb < 200


def test_two_processes_holding_memory_at_once_count_both() -> None:
    # The child touches its own copy of the block, so each process holds 120 MB of its own.
    fork = "pid = os.fork()\nfor i in range(0, len(block), 4096):\n    block[i] = 2\n" \
           "time.sleep(1.5)\nif pid: os.waitpid(pid, 0)\nelse: os._exit(0)"
    measured = run([sys.executable, "-c", HOLD.format(mb=120, fork=fork)]).check("two processes")
    assert measured.peak_mb >= 240
