"""Run the ``listings`` spider in a child process and summarise the run file it wrote.

Twisted's reactor cannot be restarted and would tie the caller (a long-lived scheduler) to
Scrapy's process-wide state, so the crawl always runs in ``python -m scraper.crawl SPEC``.
With ``replay`` this module also serves the fixture site on 127.0.0.1 for the duration.

Replay mode relaxes politeness (:data:`REPLAY_SETTINGS`): the "site" is a local server
answering from files, so download delay, AutoThrottle and the one-request-per-site limit
would only slow tests down, and so would robots.txt's Crawl-delay; its rules are still
obeyed (fixture sites carry a robots.txt). Live mode always keeps the polite defaults of
``scraper.settings`` unless the caller overrides them.
Replay is also offline by construction (``scraper/offline.py``): requests for the live site's
hosts go to the loopback server, any other host is refused, and the crawl process refuses
every socket call that would leave the machine.

A run file the child cannot write (a full disk) comes back over a pipe as the file and its
``errno``, and is raised here as a :class:`WriteFault` naming them: the file itself is torn.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import orjson

from pledgewatch.core.errors import InputError, PledgewatchError, WriteFault
from pledgewatch.scraper import settings as _project_settings
from pledgewatch.scraper.fixture_site import FixtureServer, load_site
from pledgewatch.scraper.fixture_site.recorder import BAD_INPUT

REPLAY_SETTINGS: dict[str, Any] = {
    # The bundled sites carry Drupal's "Crawl-delay: 10"; Disallow is still obeyed.
    "PLEDGEWATCH_CRAWL_DELAY": False,
    "PLEDGEWATCH_OFFLINE": True,  # every request to the loopback server, or none (scraper/offline.py)
    "AUTOTHROTTLE_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_BACKOFF_BASE": 0.2,
    # Offline there is nothing for these to do; each costs time per request or per item.
    "CONCURRENT_ITEMS": 1,  # the pipeline is synchronous: parallel item workers only add tasks
    "REMOTE_CONTROL_ENABLED": False,  # an HTTP control server per crawl
    "MEMUSAGE_ENABLED": False,
    "DOWNLOADER_STATS": False,  # byte and status counts per response, for a stats dump
    # Re-reads the callback's source for every response: Scrapy's cache of the answer is keyed
    # by the bound method, a new object each time. A check for the spider's author, not the crawl.
    "WARN_ON_GENERATOR_RETURN_VALUE": False,
    "SPIDER_MIDDLEWARES": {
        "scrapy.spidermiddlewares.depth.DepthMiddleware": None,  # no DEPTH_LIMIT; stats only
        "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,  # a debugging aid
    },
    "DOWNLOADER_MIDDLEWARES": {
        **_project_settings.DOWNLOADER_MIDDLEWARES,
        "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware": None,  # no credentials
        "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,  # the server never compresses
        "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": None,  # loopback never goes via a proxy
    },
}

__all__ = ["REPLAY_SETTINGS", "CrawlSummary", "run_crawl", "summarize"]


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """Counts of one run file, read back from the file itself (the crawl record and lines)."""

    out: Path
    reason: str
    source: str
    pages_ok: int
    pages_failed: int
    teasers: int
    terms: int  # term records (discovery mode)
    new_terms: int

    @property
    def complete(self) -> bool:
        """The crawl ran to its end and every listing page it tried parsed."""
        return self.reason == "finished" and self.pages_failed == 0


def summarize(out: Path) -> CrawlSummary | None:
    """Count a run file's records; None when it has no crawl record (cut short)."""
    if not out.is_file():
        return None
    counts = {"teaser": 0, "term": 0, "new": 0}
    crawl: dict[str, Any] | None = None
    with out.open("rb") as lines:
        for line in lines:
            if not line.endswith(b"\n"):  # torn by a kill or a full disk: the file is cut short
                return None
            record = _loads(line)
            kind = record.get("type")
            if kind in counts:
                counts[kind] += 1
            counts["new"] += kind == "term" and bool(record.get("new"))
            crawl = record if kind == "crawl" else crawl
    if crawl is None:
        return None
    return CrawlSummary(
        out, crawl["reason"], crawl["source"], crawl["pages_ok"], crawl["pages_failed"],
        counts["teaser"], counts["term"], counts["new"],
    )


def _loads(line: bytes) -> Any:
    """``json.loads`` of one UTF-8 run-file line; orjson first, it reads a 2,000-page run in
    a fraction of the time. What it refuses (NaN, integers beyond 64 bits, lone surrogates,
    anything broken) goes to ``json`` as before, to be read or to fail the same way."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return json.loads(line.decode("utf-8"))


@dataclass(frozen=True, slots=True)
class _Spec:
    """What the child process needs; JSON on its command line."""

    out: str
    spider_args: dict[str, Any]
    settings: dict[str, Any]
    fault_fd: int | None = None  # where the child reports a run file it could not write

    def to_argv(self) -> list[str]:
        spec = {"out": self.out, "spider_args": self.spider_args, "settings": self.settings,
                "fault_fd": self.fault_fd}
        return [sys.executable, "-m", "pledgewatch.scraper.crawl", json.dumps(spec)]


def run_crawl(
    out: Path,
    *,
    replay: Path | FixtureServer | None = None,
    start_urls: Sequence[str] | None = None,
    discover: bool = False,
    settings: Mapping[str, Any] | None = None,
    record_dir: Path | None = None,
    terms_file: Path | None = None,
    timeout: float | None = None,
    plan: Path | None = None,
) -> CrawlSummary:
    """Crawl (live, or ``replay`` a fixture site) into ``out`` and return its summary.

    ``replay`` is a fixture site folder (served for the crawl) or a server already running
    (its :attr:`~FixtureServer.log` then shows what the crawl asked for, and when).
    ``start_urls`` default to the fixture site's terms in replay mode and to ``KNOWN_TERMS``
    live. Raises :class:`InputError` for a bad fixture site or terms file (nothing crawled),
    and :class:`PledgewatchError` when the crawl ended without its crawl record.
    ``plan``: a crawl plan file (``core.crawl_plan``); the spider then reads its terms, at
    their depths, with conditional requests.
    """
    spider_args: dict[str, Any] = {"discover": "1" if discover else "0"}
    if plan is not None:
        from pledgewatch.core.crawl_plan import read_plan

        read_plan(plan)  # fail early, in this process
        spider_args["plan"] = str(plan)
    if terms_file is not None:
        from pledgewatch.scraper.terms import load_terms_file

        load_terms_file(terms_file)  # fail early, in this process, with the file's line number
        spider_args["terms_file"] = str(terms_file)
    child_settings: dict[str, Any] = {"PLEDGEWATCH_SOURCE": "live"}
    if record_dir is not None:
        child_settings["PLEDGEWATCH_RECORD_DIR"] = str(record_dir)
    if replay is None:
        if start_urls:
            spider_args["terms"] = list(start_urls)
        child_settings.update(settings or {})
        return _run(_Spec(str(out), spider_args, child_settings), timeout)
    site = replay.site if isinstance(replay, FixtureServer) else load_site(replay)
    spider_args["terms"] = list(start_urls or site.terms)
    child_settings.update(REPLAY_SETTINGS, PLEDGEWATCH_SOURCE=f"replay:{site.root}")
    child_settings.update(settings or {})
    if isinstance(replay, FixtureServer):
        spider_args["base_url"] = replay.url
        return _run(_Spec(str(out), spider_args, child_settings), timeout)
    with FixtureServer(site) as server:
        spider_args["base_url"] = server.url
        return _run(_Spec(str(out), spider_args, child_settings), timeout)


def _run(spec: _Spec, timeout: float | None) -> CrawlSummary:
    root = str(Path(__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")])),
           "PLEDGEWATCH_CRAWL_PARENT": str(os.getpid())}
    faults, fault_fd = os.pipe()
    try:
        spec = _Spec(spec.out, spec.spider_args, spec.settings, fault_fd)
        done = subprocess.run(spec.to_argv(), env=env, timeout=timeout, check=False, pass_fds=(fault_fd,))
    except subprocess.TimeoutExpired:
        raise PledgewatchError(f"crawl did not finish within {timeout} s; {spec.out} is partial") from None
    finally:
        os.close(fault_fd)
        with os.fdopen(faults, "rb") as reader:
            fault = reader.read()
    if fault:
        raise _run_file_fault(json.loads(fault))
    summary = summarize(Path(spec.out))
    if summary is None:
        raise PledgewatchError(
            f"crawl exited with code {done.returncode} before writing its crawl record; "
            f"{spec.out} is incomplete (see the log above)"
        )
    if summary.reason.startswith(BAD_INPUT):  # the recorder refused a body path
        raise InputError(summary.reason.removeprefix(BAD_INPUT))
    return summary


def _run_file_fault(report: dict[str, Any]) -> WriteFault:
    """The child's report of its run file's OSError, as the error this process raises."""
    error = OSError(report["errno"], report["error"]) if report.get("errno") else OSError(report["error"])
    return WriteFault.from_os_error(error, report["file"])


def _report_fault(fault_fd: int | None, crawler: Any) -> bool:
    """In the child: send the pipeline's run-file error (if any) to the parent; True if sent."""
    from pledgewatch.scraper.pipelines import RUN_FILE_ERROR

    fault = crawler.stats.get_value(RUN_FILE_ERROR) if crawler.stats else None
    if fault is None or fault_fd is None:
        return False
    os.write(fault_fd, json.dumps(fault).encode("utf-8"))
    return True


def _die_with_parent() -> None:
    """A crawl whose parent was killed (SIGKILL of ``pledgewatch run``) stops too.

    Linux only (prctl PR_SET_PDEATHSIG); elsewhere the crawl simply runs to its end.
    """
    parent = os.environ.get("PLEDGEWATCH_CRAWL_PARENT")
    if not parent or not sys.platform.startswith("linux"):
        return
    import ctypes
    import signal

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: nobody is left to read a tidy ending
    if os.getppid() != int(parent):  # the parent died before the call above took effect
        os._exit(1)


def _child(argv: list[str]) -> int:
    """Entry point of the child process: one crawl, then exit."""
    # Imported here, near the bottom of the stack, rather than by Scrapy during engine start:
    # its TLS module builds deprecated aliases that read every frame of the call stack
    # (inspect.stack), which is three times deeper there (~0.1 s of each crawl's start).
    import scrapy.core.downloader.handlers.http11  # noqa: F401
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from pledgewatch.scraper.offline import GUARD_ENV, OFFLINE_SETTING, install_loopback_guard
    from pledgewatch.scraper.spiders.listings import ListingsSpider

    if len(argv) != 1:
        print("usage: python -m scraper.crawl SPEC_JSON", file=sys.stderr)
        return 2
    _die_with_parent()
    spec = json.loads(argv[0])
    settings = Settings()
    settings.setmodule("pledgewatch.scraper.settings", priority="project")
    settings.update({**spec["settings"], "PLEDGEWATCH_OUT": spec["out"]}, priority="cmdline")
    _log_one_line(settings)
    guard_log = os.environ.get(GUARD_ENV)
    if settings.getbool(OFFLINE_SETTING) or guard_log:
        install_loopback_guard(Path(guard_log) if guard_log else None)
    try:
        process = CrawlerProcess(settings)
        crawler = process.create_crawler(ListingsSpider)
        process.crawl(crawler, **spec["spider_args"])
        # Scrapy sets its own loggers to DEBUG and filters by LOG_LEVEL only in its handler,
        # after building a record per response and per item; drop those records up front.
        logging.getLogger("scrapy").setLevel(settings.get("LOG_LEVEL"))
        process.start()
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 1 if _report_fault(spec.get("fault_fd"), crawler) else 0


def _log_one_line(settings: Any) -> None:
    """The parent's log format, one line per record, in place of Scrapy's own handler.

    Scrapy's handler writes multi-line records (its settings and stats dumps) in its own
    format; with ``LOG_ENABLED`` off and no ``LOG_FILE`` it installs none, and this one takes
    its place.
    """
    from pledgewatch.core.logformat import one_line_handler

    file = settings.get("LOG_FILE")
    handler = one_line_handler(Path(file) if file else None)
    handler.setLevel(settings.get("LOG_LEVEL"))
    logging.getLogger().addHandler(handler)
    logging.getLogger().setLevel(settings.get("LOG_LEVEL"))
    settings.set("LOG_ENABLED", False, priority="cmdline")
    settings.set("LOG_FILE", None, priority="cmdline")  # Scrapy would open a handler of its own


def _exit_now(code: int) -> NoReturn:
    """End the child without the interpreter's teardown.

    When the crawl has ended its output is complete: the pipeline closed the run file (and a
    recorder wrote its manifest) as the spider closed. Unwinding the thousands of objects of
    Scrapy's and Twisted's modules one by one would add ~0.3 s to every crawl; only the log
    handlers and standard streams still hold anything, so they are flushed first.
    """
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    _exit_now(_child(sys.argv[1:]))
