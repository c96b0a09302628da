"""Many sites, one database: `xxgk batch sites.toml` audits each site in turn, then writes
the overview page (every site's score, verdict, vetoes, counts and trend) with each site's
own report beside it.

sites.toml:

    [[site]]
    name = "示例市人民政府"            # shown in the overview
    url = "https://www.example.gov.cn/"
    body_type = "政府门户网站"          # or 部门网站 ...
    profile = "default"                # bundled name or a .toml path (relative to this file)
    owner = "市政府办公室"              # who answers for the site

With `redis_url` (`xxgk batch --redis URL`) the sites are crawled by `xxgk worker`
processes (and `workers` local ones): every site is announced at once as an exclusive job
(crawler.distributed: one worker at a time takes a site, in the order of the file; a killed
worker's site is taken again by the next free worker and what it had claimed but not
delivered is fetched by the resume pass). This process stays the single writer, as for
`xxgk audit --redis`: one thread per site writes the rows its worker sends, then builds
columns, runs the rules and scores that site; the per-site reports and the overview are
written at the end, as for a local batch.
"""

from __future__ import annotations

import datetime as dt
import threading
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xxgk import store
from xxgk.audit import AuditError, run_audit
from xxgk.profile import load_profile


class BatchError(Exception):
    """A sites file that cannot be used; the message names the file and the entry."""


@dataclass
class SiteEntry:
    name: str
    url: str
    body_type: str = ""
    profile: str = "default"
    owner: str = ""


def load_sites(path: str | Path) -> list[SiteEntry]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BatchError(f"cannot read {path}: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise BatchError(f"{path}: not valid TOML: {exc}") from exc
    items = data.get("site")
    if not isinstance(items, list) or not items:
        raise BatchError(f"{path}: no [[site]] tables")
    known = set(SiteEntry.__dataclass_fields__)
    out = []
    for i, item in enumerate(items):
        unknown = set(item) - known
        if unknown:
            raise BatchError(f"{path}: site {i + 1}: unknown key(s) {', '.join(sorted(unknown))} (known: {', '.join(sorted(known))})")
        if not item.get("url"):
            raise BatchError(f"{path}: site {i + 1} has no url")
        prof = str(item.get("profile") or "default")
        if prof.endswith(".toml") and not Path(prof).is_absolute():
            prof = str((path.parent / prof).resolve())
        out.append(SiteEntry(name=str(item.get("name") or item["url"]), url=str(item["url"]),
                             body_type=str(item.get("body_type") or ""), profile=prof,
                             owner=str(item.get("owner") or "")))
    return out


def run_batch(entries: list[SiteEntry], *, db_path: str | Path, out_dir: str | Path, as_of: dt.date,
              concurrency: int | None = None, delay: float | None = None, max_pages: int | None = None,
              echo: Callable[[str], None] | None = None, redis_url: str | None = None,
              workers: int = 0) -> Path:
    """Audit every site (a site that fails is recorded and the batch goes on); write the overview.

    `redis_url`: the sites are crawled by workers through Redis (see the module docstring);
    `workers`: local worker processes started for the batch (0: only `xxgk worker` ones)."""
    from reports.overview import write_overview

    say = echo or (lambda _msg: None)
    out = Path(out_dir)
    if redis_url:
        results = _audit_through_redis(entries, db_path=db_path, as_of=as_of, concurrency=concurrency, delay=delay,
                                       max_pages=max_pages, say=say, redis_url=redis_url, workers=workers)
    else:
        results = []
        for entry in entries:
            say(f"auditing {entry.name} ({entry.url}) with profile {entry.profile}")
            results.append(_audit(entry, db_path, as_of, concurrency, delay, max_pages))
            _site_done(entry, results[-1], db_path, out, say)
    if redis_url:
        for entry, result in zip(entries, results, strict=True):
            _site_done(entry, result, db_path, out, say, named=True)
    db = store.open_db(db_path)
    try:
        return write_overview(db, out)
    finally:
        db.close()


def _audit(entry: SiteEntry, db_path, as_of, concurrency, delay, max_pages, **redis):
    """run_audit of one site: its AuditResult, or the AuditError that stopped it."""
    try:
        return run_audit(entry.url, db_path=db_path, profile=load_profile(entry.profile), as_of=as_of,
                         max_pages=max_pages, concurrency=concurrency, delay=delay, **redis)
    except AuditError as exc:
        return exc


def _site_done(entry: SiteEntry, result, db_path, out: Path, say: Callable[[str], None], named: bool = False) -> None:
    """Say how the site's audit ended; record its batch entry on the run; write its report."""
    from reports import html

    name = f"{entry.name}: " if named else ""
    if isinstance(result, AuditError):
        say(f"  {name}failed: {result}")
        return
    say(f"  {name}run {result.run_id}: {result.status}, {result.findings} findings")
    db = store.open_db(db_path)
    try:
        run = store.get_run(db, result.run_id)
        stats = store.loads(run["stats"], {}) or {}
        db["runs"].update(result.run_id, {"stats": store.dumps({**stats, "batch": entry.__dict__})})
        html.write_report(db, result.run_id, out / html.slug(run["site"]), load_profile(entry.profile))
    finally:
        db.close()


def _audit_through_redis(entries: list[SiteEntry], *, db_path, as_of, concurrency, delay, max_pages,
                         say: Callable[[str], None], redis_url: str, workers: int) -> list:
    """Every site at once as an exclusive job in Redis; one thread per site coordinates it
    (writes its rows, then columns, rules, score). Results in the order of `entries`."""
    import subprocess
    import time
    import uuid

    from crawler.distributed import connect, spawn_loop_worker

    r = connect(redis_url)
    r.ping()
    store.open_db(db_path).close()  # create / upgrade the file once, before the threads open it
    batch = f"xxgk:batch:{uuid.uuid4().hex[:12]}"  # local workers run while this key exists
    r.set(batch, 1)
    procs = [spawn_loop_worker(redis_url, batch, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True) for _ in range(workers)]
    stop = threading.Event()
    results: list = [None] * len(entries)
    created = time.time()
    announced = [threading.Event() for _ in entries]  # runs and jobs are made in the order of the file

    def one(i: int, entry: SiteEntry) -> None:
        try:
            while i and not announced[i - 1].wait(0.5):
                pass
            results[i] = _audit(entry, db_path, as_of, concurrency, delay, max_pages, redis_url=redis_url, workers=0,
                                redis_options={"exclusive": True, "order": [created, i], "stop": stop,
                                               "announced": announced[i]})
        finally:
            announced[i].set()  # also when this site failed before its crawl

    threads = []
    say(f"{len(entries)} sites queued in Redis for the workers ({workers} local)")
    try:
        for i, entry in enumerate(entries):
            thread = threading.Thread(target=one, args=(i, entry), name=f"site-{i}", daemon=True)
            thread.start()
            threads.append(thread)
        for thread in threads:
            while thread.is_alive():
                thread.join(0.5)
    except KeyboardInterrupt:
        stop.set()  # every site's crawl stops as on Ctrl-C (its worker too); the threads end
        for thread in threads:
            thread.join()
        raise
    finally:
        r.delete(batch)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    return results
