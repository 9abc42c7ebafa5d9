"""Screenshots of the demo's history site at 1200 and 400 px, into docs/.

    .venv/bin/python docs/tools/site_screenshots.py

Runs the demo into a temporary folder, serves its site on 127.0.0.1 and opens
the index and the edited pledge 13185 (its picker set to compare versions 1 and
2) in Debian's Chromium, with the same loopback-only browser the tests use.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from pledgewatch.demo import run_demo  # noqa: E402
from tests.publish.browser import chromium, serve  # noqa: E402

PAGES = {"index": "index.html", "pledge": "pledges/13185.html#compare-1-2"}
WIDTHS = (1200, 400)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        site = run_demo(Path(folder)).site_index.parent
        with serve(site) as url, chromium() as (context, watch):
            for width in WIDTHS:
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": 900})
                for name, path in PAGES.items():
                    page.goto(url + path)
                    out = ROOT / "docs" / f"site-{name}-{width}.png"
                    page.screenshot(path=str(out), full_page=True)
                    print(out.relative_to(ROOT))
                page.close()
        if watch.errors or watch.refused:
            raise SystemExit(f"console errors {watch.errors}, refused requests {watch.refused}")


if __name__ == "__main__":
    main()
