"""Wall time and peak memory of one command, with a time limit.

Peak memory is the larger of two figures. One is the kernel's ``ru_maxrss`` of
the finished child: the largest resident set of the child or of any descendant it
waited for (git-history's ``git`` helpers, dbt's adapters), exact and free. The
command runs under GNU ``time``, a tiny process, because a child forked straight
from this (larger) Python process inherits the parent's resident-set high-water
mark and would report it. The other is the memory of the whole process tree,
sampled every :data:`SAMPLE_SECONDS` or more: a command that works in two
processes at once (``pledgewatch ingest`` reading ahead) uses both at the same time. Each
process counts its proportional set size (``Pss``): a page two processes share
counts half in each, so a forked child's copy of its parent is not counted twice.

Reading ``Pss`` walks the page tables: about 5 ms for a 400 MB process
(``python -m tools.bench.measure`` prints it). Sampled every 50 ms that would take
about an eighth of a core from a command that keeps both cores busy, so the
interval grows with the cost of a sample (:data:`SAMPLE_SHARE`), and the sampler
never takes more than 2 % of a core.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

GNU_TIME = shutil.which("time", path="/usr/bin:/bin")
SAMPLE_SECONDS = 0.05
SAMPLE_SHARE = 0.02  # of one core, at most, spent reading the tree's memory


@dataclass(frozen=True, slots=True)
class Measured:
    """One command's cost; ``timed_out`` means ``seconds`` is only a lower bound."""

    seconds: float
    peak_mb: float
    cpu_seconds: float | None  # user + system CPU of the command and its waited children
    returncode: int | None
    timed_out: bool
    stdout: str
    stderr: str

    def check(self, what: str) -> Measured:
        if self.timed_out or self.returncode != 0:
            status = "timed out" if self.timed_out else f"exit {self.returncode}"
            raise RuntimeError(f"{what} failed ({status}):\n{self.stderr[-2000:]}{self.stdout[-1000:]}")
        return self


def run(cmd: Sequence[str | Path], *, cwd: Path | None = None, timeout: float | None = None,
        env: Mapping[str, str] | None = None) -> Measured:
    """Run ``cmd`` to its end (or kill its process group at ``timeout``) and measure it.

    Output goes to unnamed temporary files, not pipes, so a chatty child never
    blocks on a full pipe while we wait for it.
    """
    argv = [str(c) for c in cmd]
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        if GNU_TIME:
            argv = [GNU_TIME, "-q", "-f", "%M %U %S", "-o", rss.name, *argv]
        return _wait(argv, cwd, timeout, env, Path(rss.name) if GNU_TIME else None)


def _wait(argv: list[str], cwd: Path | None, timeout: float | None,
          env: Mapping[str, str] | None, rss_file: Path | None) -> Measured:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err,
                                env=dict(env) if env is not None else None, start_new_session=True)
        timed_out = False
        hwm_kb = tree_peak_kb = 0
        sampled, interval = started, SAMPLE_SECONDS
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() - sampled >= interval:
                sampled = time.perf_counter()
                tree_peak_kb = max(tree_peak_kb, _tree_rss_kb(proc.pid))
                interval = max(SAMPLE_SECONDS, (time.perf_counter() - sampled) / SAMPLE_SHARE)
            if timeout is not None and time.perf_counter() - started > timeout:
                hwm_kb = _tree_hwm_kb(proc.pid)
                os.killpg(proc.pid, signal.SIGKILL)
                timed_out = True
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        texts = []
        for handle in (out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
    peak_kb = hwm_kb if timed_out else usage.ru_maxrss
    cpu: float | None = usage.ru_utime + usage.ru_stime
    if rss_file is not None and not timed_out:
        reported = rss_file.read_text().strip().splitlines()
        fields = reported[-1].split() if reported else []
        if len(fields) == 3 and fields[0].isdigit():
            peak_kb, cpu = int(fields[0]), float(fields[1]) + float(fields[2])
    peak_kb = max(peak_kb, tree_peak_kb)
    return Measured(seconds, peak_kb / 1024, None if timed_out else cpu, None if timed_out else proc.returncode,
                    timed_out, texts[0], texts[1])


def _tree_hwm_kb(pid: int) -> int:
    """The largest VmHWM in a live process tree (used when a run is killed at its limit)."""
    return max((_status_kb(p, "VmHWM:") for p in _tree(pid) if p != pid), default=0)


def _tree_rss_kb(pid: int) -> int:
    """The proportional resident sets of a live process tree, summed (``time`` left out)."""
    return sum(_pss_kb(p) for p in _tree(pid) if p != pid or not GNU_TIME)


def _pss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return _status_kb(pid, "VmRSS:")  # no smaps_rollup (kernels before 4.14): errs high


def _tree(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return found


def _status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_size(*paths: Path) -> int:
    """Bytes on disk under the given files or folders (a database and its side files)."""
    total = 0
    for path in paths:
        if path.is_file():
            total += path.stat().st_size
        elif path.is_dir():
            total += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
    return total


def sample_cost_ms(megabytes: int, samples: int = 50) -> float:
    """Milliseconds one ``Pss`` reading takes for a process holding ``megabytes`` of its own."""
    hold = (f"block = bytearray({megabytes} << 20)\n"
            "for i in range(0, len(block), 4096): block[i] = 1\n"
            "print(flush=True)\nimport sys; sys.stdin.read()")
    with subprocess.Popen([sys.executable, "-c", hold], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stdin is not None
        proc.stdout.readline()  # the memory is touched
        started = time.perf_counter()
        for _ in range(samples):
            _pss_kb(proc.pid)
        took = (time.perf_counter() - started) / samples
        proc.stdin.close()
    return took * 1000


if __name__ == "__main__":
    for size in (100, 400):
        print(f"reading Pss of a process holding {size} MB: {sample_cost_ms(size):.1f} ms")
