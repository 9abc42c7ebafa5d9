"""Writing the site's files: templates with autoescape, written atomically.

Every page is written to a temporary name and renamed, so a web server or an
editor's browser never sees half a page while a run publishes.
"""

from __future__ import annotations

import json
import os
import shutil
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from pledgewatch.publish import links
from pledgewatch.publish.reporting import DELETE, INSERT, readable_time

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = ("site.css", "print.css", "compare.js", "search.js")


@cache
def environment() -> Environment:
    env = Environment(loader=PackageLoader("pledgewatch.publish", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.globals.update(DELETE=DELETE, INSERT=INSERT, pledge_path=links.pledge_path,
                       term_path=links.term_path, run_path=links.run_path,
                       letter_path=links.letter_path)
    env.filters["moment"] = readable_time
    return env


class SiteWriter:
    """Renders pages into ``out``; counts what it wrote, for the publish summary."""

    def __init__(self, out: Path, site_name: str, base_url: str = "") -> None:
        self.out = out
        self.site_name = site_name
        self.base_url = links.check_base_url(base_url) if base_url else ""
        self.written = 0

    def page(self, path: str, template: str, **context: Any) -> None:
        """Render ``template`` to ``path`` (relative to the site root, '/'-separated)."""
        root = "../" * path.count("/")
        html = environment().get_template(template).render(
            root=root, site_name=self.site_name, canonical=self.base_url + path if self.base_url else "",
            **context)
        self.write(path, html)

    def script_data(self, path: str, variable: str, data: Any) -> None:
        """JSON assigned to a global: a ``<script src>`` loads it from ``file://`` too, fetch would not."""
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        # "</" cannot end the script early, and U+2028/9 are not line breaks in JS strings.
        text = text.replace("</", "<\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
        self.write(path, f"window.{variable} = {text};\n")

    def write(self, path: str, text: str) -> None:
        target = self.out / path
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(f".{target.name}.tmp")
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
        self.written += 1

    def static(self) -> None:
        folder = self.out / "static"
        folder.mkdir(parents=True, exist_ok=True)
        for name in STATIC_FILES:
            shutil.copyfile(STATIC / name, folder / name)
            self.written += 1
