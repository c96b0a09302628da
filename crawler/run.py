"""Run one crawl: `crawl(db, run_id, start_url, profile, ...) -> stats`.

Why a child process. Scrapy runs on the Twisted reactor, which can be started once per
Python process and never restarted; the CLI, the tests and `xxgk batch` call `crawl()`
several times. Running each crawl in `python -m crawler.run` gives every crawl a fresh
reactor (asyncio), isolates signal handling (the child sits in its own session, so a
terminal Ctrl-C reaches only the parent, which forwards exactly one SIGINT: Scrapy's
graceful shutdown, pipelines flushed, nothing crawled is lost) and returns all of the
crawl's memory to the system when it ends. The cost is about a second of start-up.

Protocol: the parent writes one JSON object (the job) to the child's stdin; the child
writes JSON lines to its stdout: `{"progress": {...}}` every second and a final
`{"result": {...}}`. The child writes the rows itself (SQLite, WAL); the parent only
writes `runs.stats` at the end. Child log output (Scrapy, level ERROR) goes to a
temporary file whose tail is quoted if the child fails, and kept in the stats
(`log_errors`, `log_tail`) if errors were logged in a crawl that ended.

Pending requests wait on disk (Scrapy's JOBDIR disk queue, crawler.settings): with
`--job-dir DIR` in DIR/scrapy, else in a private directory the parent makes for this crawl
(`job["queue_dir"]`, under TMPDIR) and removes when the child has ended.

`crawl_here(...)` is the same crawl in the calling process (the child's body), for
debugging; it can run once per process.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from crawler.linkcheck import host_of
from crawler.settings import settings_from_profile

# After the SIGINT is forwarded: a second one (Scrapy's forced stop) after this many
# seconds, SIGKILL after twice as long.
STOP_GRACE = 30.0


def _db_path(db: Any) -> str:
    """File path of a sqlite_utils.Database, a sqlite3.Connection or a path."""
    if isinstance(db, (str, Path)):
        return str(db)
    conn = getattr(db, "conn", db)
    if isinstance(conn, sqlite3.Connection):
        for _, name, path in conn.execute("PRAGMA database_list").fetchall():
            if name == "main" and path:
                return path
    raise ValueError("crawl() needs a database stored in a file (not :memory:)")


def crawl(
    db: Any,
    run_id: int,
    start_url: str,
    profile: dict,
    *,
    max_pages: int | None = None,
    concurrency: int | None = None,
    delay: float | None = None,
    ignore_robots: bool = False,
    job_dir: str | Path | None = None,
    on_progress: Callable[[dict], None] | None = None,
    resume: bool = False,
    pass_fds: tuple[int, ...] = (),
    previous_run: int | None = None,
    full: bool = False,
) -> dict:
    """Crawl `start_url` into run `run_id` of `db`; return the crawl counters.

    Blocks until the crawl ends. `on_progress(dict)` receives `pages`, `queued`,
    `links_checked`, `errors`, `skipped`, `rate` (pages/s), `elapsed` about once a second.
    KeyboardInterrupt (or an `on_progress` raising it) stops the crawl cleanly: rows already
    read are written and the stats say `"interrupted": True`; nothing is raised.
    `resume`: the run already holds rows of a killed crawl; continue it (crawler.resume).
    `pass_fds`: descriptors the child keeps open (the job directory's lock).
    `previous_run`: an incremental re-audit against that run (crawler.incremental);
    `full`: no result of another run is reused (not even the external-link cache).
    """
    path = _db_path(db)
    job = {
        "db_path": path,
        "run_id": run_id,
        "resume": bool(resume),
        "previous_run": None if full else previous_run,
        "full": bool(full),
        "start_url": start_url,
        "profile": dict(profile),
        "overrides": {"max_pages": max_pages, "concurrency": concurrency, "delay": delay,
                      "ignore_robots": ignore_robots, "job_dir": str(job_dir) if job_dir else None},
        "queue_dir": None,
    }
    if not job_dir and disk_queue_wanted():
        job["queue_dir"] = new_queue_dir()
    try:
        result = _run_child(job, on_progress, pass_fds)
    finally:
        if job["queue_dir"]:
            shutil.rmtree(job["queue_dir"], ignore_errors=True)
    _write_stats(db, path, run_id, result)
    return result


def _run_child(job: dict, on_progress: Callable[[dict], None] | None, pass_fds: tuple[int, ...]) -> dict:
    """Start `python -m crawler.run` with `job`, relay its progress, return its result."""
    log = tempfile.TemporaryFile(mode="w+b")
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[1])
    env["PYTHONPATH"] = root + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    argv = [sys.executable, "-m", "crawler.run"]
    if os.environ.get("XXGK_CRAWL_PROFILE"):  # bench/README.md: profile the crawl child
        argv[1:1] = ["-m", "cProfile", "-o", os.environ["XXGK_CRAWL_PROFILE"]]
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
        env=env, start_new_session=True, pass_fds=pass_fds,
    )
    proc.stdin.write(json.dumps(job, ensure_ascii=False).encode("utf-8"))
    proc.stdin.close()

    result: dict | None = None
    interrupted = False
    timers: list[threading.Timer] = []

    def stop() -> None:
        nonlocal interrupted
        if interrupted:
            _signal(proc, signal.SIGINT)
            return
        interrupted = True
        _signal(proc, signal.SIGINT)
        for delay_s, sig in ((STOP_GRACE, signal.SIGINT), (2 * STOP_GRACE, signal.SIGKILL)):
            timer = threading.Timer(delay_s, _signal, (proc, sig))
            timer.daemon = True
            timer.start()
            timers.append(timer)

    while True:
        try:
            line = proc.stdout.readline()
            if not line:
                break
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "progress" in message and on_progress is not None and not interrupted:
                on_progress(message["progress"])
            elif "result" in message:
                result = message["result"]
        except KeyboardInterrupt:
            stop()
    while True:
        try:
            proc.wait()
            break
        except KeyboardInterrupt:
            stop()
    for timer in timers:
        timer.cancel()

    if result is None:
        log.seek(0)
        tail = log.read()[-3000:].decode("utf-8", "replace")
        log.close()
        if interrupted:
            result = {"interrupted": True}
        else:
            raise RuntimeError(f"the crawler process failed (exit {proc.returncode}): {tail.strip()}")
    else:
        if result.get("log_errors"):  # the crawl went on, but say what went wrong
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - 2000))
            result["log_tail"] = log.read().decode("utf-8", "replace")
        log.close()
    if interrupted:
        result["interrupted"] = True
    return result


QUEUE_PREFIX = "xxgk-queue-"


def disk_queue_wanted() -> bool:
    """Pending requests on disk (crawler.settings `XXGK_DISK_QUEUE`; environment variable
    `XXGK_DISK_QUEUE=0` / `1` wins)."""
    from crawler import settings

    flag = settings.env_flag("XXGK_DISK_QUEUE")
    return bool(settings.XXGK_DISK_QUEUE) if flag is None else flag


def new_queue_dir() -> str:
    """A fresh private directory for one crawl's disk queue (Scrapy's JOBDIR), in the system's
    temporary directory (`TMPDIR`). Always new, so a crawl never resumes from an old queue;
    the parent removes it when the child has ended, the child when it ends. Directories left
    by crawls whose parent process is gone (both killed with SIGKILL) are removed here."""
    base = Path(tempfile.gettempdir())
    try:
        stale = [d for d in base.glob(QUEUE_PREFIX + "*") if d.is_dir()]
    except OSError:
        stale = []
    for old in stale:
        pid = old.name[len(QUEUE_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not _alive(int(pid)) and time.time() - old.stat().st_mtime > 600:
            shutil.rmtree(old, ignore_errors=True)
    return tempfile.mkdtemp(prefix=f"{QUEUE_PREFIX}{os.getpid()}-")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process
        return True
    return True


def _signal(proc: subprocess.Popen, sig: int) -> None:
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
        except ProcessLookupError:
            pass


def _write_stats(db: Any, path: str, run_id: int, stats: dict) -> None:
    text = json.dumps(stats, ensure_ascii=False, sort_keys=True, default=str)
    conn = getattr(db, "conn", db) if not isinstance(db, (str, Path)) else sqlite3.connect(path, timeout=30)
    try:
        with conn:
            conn.execute("UPDATE runs SET stats = ? WHERE id = ?", [text, run_id])
    finally:
        if isinstance(db, (str, Path)):
            conn.close()


# ---------------------------------------------------------------------------- the child


def external_cache(db_path: str, run_id: int, scope_hosts: set[str], hours: float) -> dict[str, dict]:
    """Good results (ok / redirect) of external targets checked within `hours`, latest first.

    Broken results are never reused: a failure is re-checked every run, so `fail_count`
    counts real consecutive failures.
    """
    if hours <= 0:
        return {}
    since = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    conn = sqlite3.connect(db_path, timeout=30)
    try:
        rows = conn.execute(
            "SELECT url, outcome, status, final_url, method, chain, error, elapsed, attempts, checked_at, "
            "reason, content_type, run_id FROM targets WHERE run_id != ? AND checked_at >= ? "
            "AND outcome IN ('ok', 'redirect') ORDER BY checked_at",
            [run_id, since],
        ).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        conn.close()
    cache = {}
    for row in rows:
        url = row[0]
        if host_of(url) in scope_hosts:
            continue
        try:
            chain = json.loads(row[5] or "[]")
        except ValueError:
            chain = []
        cache[url] = {"outcome": row[1], "status": row[2], "final_url": row[3], "method": row[4],
                      "chain": chain, "error": row[6], "elapsed": row[7], "attempts": 0,
                      "checked_at": row[9], "reason": row[10], "content_type": row[11], "reused_from": row[12]}
    return cache


def crawl_here(job: dict, emit: Callable[[dict], None] | None = None) -> dict:
    """The crawl in this process (starts the reactor: once per process)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.portal import PortalSpider
    from crawler.spiders.scope import Scope

    profile = job["profile"]
    overrides = job.get("overrides") or {}
    settings = settings_from_profile(profile, overrides)
    settings.update(XXGK_DB_PATH=job["db_path"], XXGK_RUN_ID=job["run_id"])
    if overrides.get("job_dir"):
        # Scrapy's disk queue (memory stays flat on big sites) lives in DIR/scrapy. It is
        # emptied at every start: a resumed crawl rebuilds its frontier from the database
        # (crawler.resume), and Scrapy's saved queue would send those requests twice.
        jobdir = Path(overrides["job_dir"]) / "scrapy"
        shutil.rmtree(jobdir, ignore_errors=True)
        settings["JOBDIR"] = str(jobdir)
    elif job.get("queue_dir"):  # made (empty) by crawl() for this crawl only
        settings["JOBDIR"] = job["queue_dir"]
    elif "queue_dir" not in job and disk_queue_wanted():  # called directly: a queue of its own
        job = dict(job, queue_dir=new_queue_dir(), own_queue=True)
        settings["JOBDIR"] = job["queue_dir"]
    if emit is not None:
        settings["XXGK_ON_PROGRESS"] = lambda snap: emit({"progress": snap})
    scope = Scope(job["start_url"], profile.get("crawl", {}))
    hours = 0.0 if job.get("full") else float(profile.get("links", {}).get("external_cache_hours", 0) or 0)
    cache = external_cache(job["db_path"], job["run_id"], scope.hosts, hours)

    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler(PortalSpider)
    process.crawl(crawler, start_url=job["start_url"], profile=profile, run_id=job["run_id"],
                  max_pages=overrides.get("max_pages"), external_cache=cache, resume=bool(job.get("resume")),
                  previous_run=job.get("previous_run"))
    try:
        process.start()
    finally:
        if job.get("own_queue"):
            shutil.rmtree(job["queue_dir"], ignore_errors=True)
    spider = crawler.spider
    if spider is None or crawler.stats.get_value("finish_reason") is None:
        raise RuntimeError("the crawl did not start (see the log above)")
    stats = dict(getattr(spider, "final_stats", None) or getattr(spider, "counters", {}) or {})
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    stats["finish_reason"] = reason
    stats["log_errors"] = int(crawler.stats.get_value("log_count/ERROR", 0) or 0) if crawler.stats else 0
    stats["interrupted"] = bool(stats.get("interrupted")) or reason not in ("finished", None)
    if job.get("resume"):  # the pipeline counted this process's rows only
        conn = sqlite3.connect(job["db_path"], timeout=30)
        try:
            # run_links: with the links of pages answered 304, where they stand (xxgk.store)
            for key, table in (("pages", "pages"), ("links", "run_links"), ("targets", "targets")):
                stats[key] = conn.execute(f"SELECT count(*) FROM {table} WHERE run_id = ?",
                                          [job["run_id"]]).fetchone()[0]
        finally:
            conn.close()
        stats["resumed"] = True
    return stats


def _child_main() -> int:
    job = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)  # stray prints go to the log, never into the protocol
    broken = threading.Event()

    def emit(message: dict) -> None:
        if broken.is_set():
            return
        try:
            channel.write(json.dumps(message, ensure_ascii=False, default=str) + "\n")
            channel.flush()
        except (BrokenPipeError, OSError):  # the parent is gone: stop cleanly
            broken.set()
            os.kill(os.getpid(), signal.SIGINT)

    started = time.monotonic()
    try:
        stats = crawl_here(job, emit)
    finally:
        if job.get("queue_dir"):  # the parent removes it too, unless it was killed
            shutil.rmtree(job["queue_dir"], ignore_errors=True)
    stats["seconds"] = round(time.monotonic() - started, 2)
    stats["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # Linux: KiB
    emit({"result": stats})
    return 0


def leave(code: int) -> None:
    """End a crawl child whose result is delivered (pipeline closed, extraction workers
    joined, result sent): skip the interpreter's teardown of the crawl's heap, which the
    parent would wait for. Under XXGK_CRAWL_PROFILE a normal exit, so cProfile writes its file."""
    if os.environ.get("XXGK_CRAWL_PROFILE"):
        sys.exit(code)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    leave(_child_main())
