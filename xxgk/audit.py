"""One audit, end to end: crawl -> check -> score -> report, meeting in SQLite.

The CLI (`xxgk audit`, `xxgk demo`, `xxgk batch`) calls `run_audit`; nothing here prints or
imports typer/rich, so the same function serves scripts and tests. Errors a user can fix
are raised as `AuditError` with a one-line message; the run row records them.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import gc
import ipaddress
import os
import socket
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from xxgk import __version__, store
from xxgk.profile import Profile

SHANGHAI = ZoneInfo("Asia/Shanghai")


class AuditError(Exception):
    """A start URL, profile or database the audit cannot use (exit code 2)."""


@dataclass
class AuditResult:
    run_id: int
    status: str  # completed | interrupted | failed
    db_path: Path
    report_dir: Path | None
    stats: dict = field(default_factory=dict)
    findings: int = 0
    score: dict | None = None
    error: str | None = None


def today_shanghai() -> dt.date:
    return dt.datetime.now(SHANGHAI).date()


def utcnow() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def parse_as_of(text: str | None) -> dt.date:
    if not text:
        return today_shanghai()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise AuditError(f"--as-of must be a date as YYYY-MM-DD, got {text!r}") from exc


def validate_start_url(url: str) -> str:
    """Return the URL if it can start a crawl, else raise AuditError saying what to do."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        hint = f"http://{url}" if "://" not in url else "an http:// or https:// address"
        raise AuditError(f"start URL must be http(s), got {url!r}; try {hint}")
    if not parts.hostname:
        raise AuditError(f"start URL has no host: {url!r}")
    try:
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        raise AuditError(f"start URL has a bad port: {url!r}") from exc
    return url


def resolve_start_host(url: str) -> None:
    """DNS check before anything is written to the crawl: a typo in the host fails fast."""
    host = urlsplit(url).hostname or ""
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    try:
        socket.getaddrinfo(host, None)
    except socket.gaierror as exc:
        raise AuditError(f"cannot resolve host {host!r} ({exc.strerror}); check the URL or your DNS") from exc


def start_run(db, start_url: str, as_of: dt.date, profile: Profile, settings: dict, ignore_robots: bool) -> int:
    row = {
        "start_url": start_url,
        "site": urlsplit(start_url).netloc.lower(),
        "as_of": as_of.isoformat(),
        "started_at": utcnow(),
        "status": "running",
        "profile": profile.source,
        "settings": store.dumps(settings),
        "ignore_robots": int(ignore_robots),
        "tool_version": __version__,
    }
    return db["runs"].insert(row).last_pk


def previous_complete_run(db, run_id: int) -> int | None:
    """The latest completed run of the same site before `run_id`, by the same tool version
    (an older extractor's records are not reused): what an incremental re-audit leans on."""
    run = store.get_run(db, run_id)
    row = db.execute(
        "select id from runs where site = ? and id < ? and status = 'completed' and tool_version = ? "
        "order by id desc limit 1", [run["site"], run_id, __version__]).fetchone()
    return row[0] if row else None


def finish_run(db, run_id: int, status: str, stats: dict | None = None, error: str | None = None) -> None:
    values = {"status": status, "finished_at": utcnow()}
    if stats is not None:
        values["stats"] = store.dumps(stats)
    if error is not None:
        values["error"] = error
    db["runs"].update(run_id, values)


def start_page_failure(db, run_id: int, start_url: str) -> str | None:
    """Why the start page gave nothing to crawl, or None when it was read."""
    rows = list(
        db.query(
            "select status, error, final_url from pages where run_id = ? order by rowid limit 1",
            [run_id],
        )
    )
    if not rows:
        target = list(db.query("select outcome, error, status from targets where run_id = ? and url = ?",
                               [run_id, start_url]))
        if target and target[0]["error"]:
            return f"start URL not reachable ({_short(target[0]['error'])}); check the address and that the site is up"
        return "start URL not reachable: no page was fetched; check the address and that the site is up"
    first = rows[0]
    if first["status"] is None:
        return f"start URL not reachable ({_short(first['error'])}); check the address and that the site is up"
    return None


def release_memory() -> None:
    """Between the stages after the crawl: collect cycles and hand the heap a stage freed back
    to the system (glibc keeps freed memory: ~550 MB stayed resident between the stages of a
    100,000-page audit)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


def _import_stages() -> None:
    import checks  # noqa: F401
    import crawler.columns  # noqa: F401
    import reports.html  # noqa: F401
    import reports.scoring  # noqa: F401


def _short(error: str | None) -> str:
    """'refused: DownloadConnectionRefusedError: Connection was refused ...' -> 'refused'."""
    if not error:
        return "no answer"
    return error.split(":", 1)[0].strip() if ":" in error else error.strip()


def run_audit(
    start_url: str,
    *,
    db_path: str | Path,
    profile: Profile,
    as_of: dt.date,
    report_dir: str | Path | None = None,
    max_pages: int | None = None,
    concurrency: int | None = None,
    delay: float | None = None,
    ignore_robots: bool = False,
    job_dir: str | Path | None = None,
    on_progress: Callable[[dict], None] | None = None,
    full: bool = False,
    redis_url: str | None = None,
    workers: int = 2,
    redis_options: dict | None = None,
) -> AuditResult:
    """One audit. With `job_dir`, an unfinished run of the same start URL and job directory
    (killed, or interrupted) is continued instead of starting a new one (see JobDir).
    A site audited before is re-audited incrementally (conditional requests against the
    previous completed run, crawler.incremental) unless `full` or `crawl.incremental` is off.
    With `redis_url`, the crawl is shared by `workers` local worker processes (and any
    `xxgk worker` joining through that Redis), see crawler.distributed; such a crawl is full.
    `redis_options`: more keyword arguments of `crawl_distributed` (`xxgk batch --redis`)."""
    start_url = validate_start_url(start_url)
    if redis_url and job_dir:
        raise AuditError("--redis and --job-dir cannot be combined (a distributed crawl repairs itself from the run's rows)")
    db_path = Path(db_path)
    try:
        store.check_writable(db_path)
    except store.StoreError as exc:
        raise AuditError(str(exc)) from exc
    job = JobDir(job_dir) if job_dir else None
    try:
        return _run_audit(start_url, db_path=db_path, profile=profile, as_of=as_of, report_dir=report_dir,
                          max_pages=max_pages, concurrency=concurrency, delay=delay,
                          ignore_robots=ignore_robots, job=job, on_progress=on_progress, full=full,
                          redis_url=redis_url, workers=workers, redis_options=redis_options)
    finally:
        if job is not None:
            job.close()


class JobDir:
    """`--job-dir DIR`: crawl state on disk, and which run it belongs to.

    DIR/lock is held (flock) by the audit and its crawler process while they live, so two
    audits never share a job directory, and a killed one frees it. DIR/job.json names the
    database and run; the run itself is found in the database: the latest run of the same
    start URL whose settings name this directory and whose status is still `running`
    (killed) or `interrupted`. DIR/scrapy is Scrapy's JOBDIR (its disk queue).
    """

    def __init__(self, path: str | Path):
        import fcntl

        self.path = Path(path).resolve()
        try:
            self.path.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise AuditError(f"cannot use --job-dir {path}: {exc.strerror or exc}") from exc
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.fd)
            raise AuditError(f"another audit is using --job-dir {path}; wait for it to end or choose "
                             "another directory") from None

    def unfinished_run(self, db, start_url: str) -> int | None:
        rows = db.query("select id, settings from runs where start_url = ? and status in ('running', 'interrupted') "
                        "order by id desc", [start_url])
        for row in rows:
            if store.loads(row["settings"], {}).get("job_dir") == str(self.path):
                return row["id"]
        return None

    def record(self, db_path: Path, run_id: int, start_url: str) -> None:
        text = store.dumps({"db": str(Path(db_path).resolve()), "run_id": run_id, "start_url": start_url})
        (self.path / "job.json").write_text(text + "\n", encoding="utf-8")

    def close(self) -> None:
        os.close(self.fd)


def _run_audit(
    start_url: str,
    *,
    db_path: Path,
    profile: Profile,
    as_of: dt.date,
    report_dir: str | Path | None,
    max_pages: int | None,
    concurrency: int | None,
    delay: float | None,
    ignore_robots: bool,
    job: JobDir | None,
    on_progress: Callable[[dict], None] | None,
    full: bool = False,
    redis_url: str | None = None,
    workers: int = 2,
    redis_options: dict | None = None,
) -> AuditResult:

    from crawler.run import crawl

    # the stages after the crawl are imported while it runs, off the start's critical path
    threading.Thread(target=_import_stages, name="import-stages", daemon=True).start()
    db = store.open_db(db_path)
    settings = {
        "max_pages": max_pages,
        "concurrency": concurrency,
        "delay": delay,
        "ignore_robots": ignore_robots,
        "profile": dict(profile),
    }
    if full:
        settings["full"] = True
    if redis_url:
        settings["workers"] = workers
        full = True  # workers elsewhere cannot read the previous run
    resumed = job.unfinished_run(db, start_url) if job else None
    if resumed is not None:
        run_id = resumed
        db["runs"].update(run_id, {"status": "running", "finished_at": None, "error": None})
    else:
        if job is not None:
            settings["job_dir"] = str(job.path)
        run_id = start_run(db, start_url, as_of, profile, settings, ignore_robots)
    if job is not None:
        job.record(db_path, run_id, start_url)
    incremental = not full and bool(profile.get("crawl", {}).get("incremental", True))
    previous = previous_complete_run(db, run_id) if incremental else None
    try:
        resolve_start_host(start_url)
    except AuditError as exc:
        finish_run(db, run_id, "failed", error=str(exc))
        raise

    status, error = "completed", None
    try:
        if redis_url:
            from crawler.distributed import crawl_distributed

            stats = crawl_distributed(
                db, run_id, start_url, profile, redis_url=redis_url, workers=workers, max_pages=max_pages,
                concurrency=concurrency, delay=delay, ignore_robots=ignore_robots, on_progress=on_progress,
                **(redis_options or {}))
        else:
            stats = crawl(
                db, run_id, start_url, profile,
                max_pages=max_pages, concurrency=concurrency, delay=delay,
                ignore_robots=ignore_robots, job_dir=job.path if job else None, on_progress=on_progress,
                resume=resumed is not None, pass_fds=(job.fd,) if job else (),
                previous_run=previous, full=full,
            )
    except KeyboardInterrupt:
        stats, status = {"interrupted": True}, "interrupted"
    if stats.get("interrupted"):
        status = "interrupted"
    failure = start_page_failure(db, run_id, start_url)
    if failure and status == "completed":
        finish_run(db, run_id, "failed", stats, error=failure)
        raise AuditError(failure)

    result = AuditResult(run_id=run_id, status=status, db_path=db_path, report_dir=None, stats=stats)
    if status == "interrupted":
        # Keep what was crawled; rules over half a crawl would report columns as missing.
        finish_run(db, run_id, status, stats)
        db.close()
        return result
    # The crawl is complete: scoring and the report read this status.
    db["runs"].update(run_id, {"status": "completed", "finished_at": utcnow(), "stats": store.dumps(stats)})
    import checks
    from crawler import columns
    from reports import html, scoring

    try:
        columns.build(db, run_id)
        release_memory()
        result.findings = len(checks.run(db, run_id, profile, as_of))  # the rows are in the store
        release_memory()
        result.score = scoring.score_run(db, run_id, profile)
        release_memory()
        if report_dir is not None:
            result.report_dir = Path(report_dir)
            html.write_report(db, run_id, result.report_dir, profile)
    except KeyboardInterrupt:
        status = "interrupted"
    except Exception as exc:  # the crawl is kept; say what broke after it
        status, error = "failed", f"after the crawl: {exc.__class__.__name__}: {exc}"
        traceback.print_exc()
    finish_run(db, run_id, status, stats, error)
    result.status, result.error = status, error
    db.close()
    return result
