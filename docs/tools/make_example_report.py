"""Write docs/example-report.{html,txt,png} from a real replayed demo run.

    .venv/bin/python docs/tools/make_example_report.py [--no-screenshot]

The report is the one ``pledgewatch demo`` writes for its second run (the ``after``
fixture site against the ``before`` baseline): nothing in it is set by hand, so the
example shows exactly what the pipeline prints. The PNG is taken by headless Chromium
(``docs/tools/screenshot_report.sh``, Debian's ``chromium``). The test suite checks that
the checked-in files match a fresh run, dates aside.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pledgewatch.demo import DemoResult, run_demo

DOCS = Path(__file__).resolve().parents[1]
SCREENSHOT = Path(__file__).resolve().parent / "screenshot_report.sh"
SCREENSHOT_HEIGHT = "2150"  # px: the whole report at 760 px wide
# Run times change with every run; everything else in the example must not.
_RUN_DATES = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4}(?:, \d\d:\d\d UTC)?")


def example_reports(result: DemoResult) -> dict[str, Path]:
    """The demo's report files that become the example, by suffix."""
    stem = result.after.report_dir / f"run-{result.after.run_id}"
    return {suffix: stem.with_suffix(f".{suffix}") for suffix in ("html", "txt")}


def without_run_dates(text: str) -> str:
    """Report text with the days and times of runs masked, for comparing two demo runs."""
    return _RUN_DATES.sub("DATE", text)


def write_example(docs: Path = DOCS, *, screenshot: bool = True) -> list[Path]:
    with tempfile.TemporaryDirectory() as work:
        reports = example_reports(run_demo(Path(work)))
        written = [Path(shutil.copyfile(path, docs / f"example-report.{suffix}"))
                   for suffix, path in reports.items()]
    if screenshot:
        png = docs / "example-report.png"
        subprocess.run(["sh", str(SCREENSHOT), str(docs / "example-report.html"), str(png)],
                       check=True, stdout=subprocess.DEVNULL,
                       env={**os.environ, "HEIGHT": SCREENSHOT_HEIGHT})
        written.append(png)
    return written


def main() -> None:
    for path in write_example(screenshot="--no-screenshot" not in sys.argv[1:]):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
