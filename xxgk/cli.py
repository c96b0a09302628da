"""The `xxgk` command: a thin typer skin over the stages (crawler, checks, reports).

Exit codes: 0 the command completed (an audit completed, whatever it found);
2 a usage error, an unusable start URL, profile or database; 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from xxgk import __version__

app = typer.Typer(
    name="xxgk",
    help="xxgk-audit: 政府网站与政府信息公开平台合规巡检（错链断链、规范性文件时效、栏目、发布及时性）。",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)
rules_app = typer.Typer(help="The rule catalogue: every rule's id, legal basis and fix hint.", no_args_is_help=False)
profiles_app = typer.Typer(help="Bundled and user profiles (thresholds, categories, keywords).", no_args_is_help=True)
sample_app = typer.Typer(help="The bundled sample portal.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(profiles_app, name="profiles")
app.add_typer(sample_app, name="sample")

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _fail(message: str, code: int = EXIT_USAGE) -> typer.Exit:
    typer.echo(f"xxgk: {message}", err=True)
    return typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xxgk-audit {__version__}")
        raise typer.Exit()


@app.callback()
def main_callback(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
) -> None:
    """Crawl a government portal, check it against the disclosure rules, score and report it."""


def _load_profile(name: str | None, overrides: dict | None = None):
    from xxgk.profile import ProfileError, load_profile

    try:
        return load_profile(name, overrides)
    except ProfileError as exc:
        raise _fail(str(exc)) from exc


def _open_db(path: Path, must_exist: bool = True):
    from xxgk import store

    if must_exist and not path.exists():
        raise _fail(f"no database at {path}; run `xxgk audit URL --db {path}` first")
    try:
        return store.open_db(path)
    except store.StoreError as exc:
        raise _fail(str(exc)) from exc


def _pick_run(db, run: int | None) -> int:
    from xxgk import store

    run_id = run if run is not None else store.latest_run_id(db)
    if run_id is None or store.get_run(db, run_id) is None:
        raise _fail("no such run in the database" if run is not None else "the database holds no run yet")
    return run_id


@app.command()
def audit(
    url: str = typer.Argument(..., help="Start URL of the portal (home page or disclosure platform)."),
    profile: str = typer.Option(None, "--profile", "-p", help="Bundled profile name or path of a .toml file."),
    db: Path = typer.Option(Path("xxgk-audit.sqlite"), "--db", help="SQLite file; every run is kept."),
    report: Path = typer.Option(None, "--report", help="Write the HTML report into this directory."),
    as_of: str = typer.Option(None, "--as-of", help="Audit reference date YYYY-MM-DD (default: today, Asia/Shanghai)."),
    max_pages: int = typer.Option(None, "--max-pages", min=1, help="Stop after this many pages."),
    concurrency: int = typer.Option(None, "--concurrency", min=1, help="Concurrent requests (profile: crawl.concurrency)."),
    delay: float = typer.Option(None, "--delay", min=0.0, help="Seconds between requests to one host."),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Do not obey robots.txt (recorded in the run)."),
    job_dir: Path = typer.Option(None, "--job-dir", help="Keep crawl state here so a killed audit can resume."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress display or summary (for cron)."),
    full: bool = typer.Option(False, "--full", help="Fetch and check everything again (no incremental re-audit)."),
    redis: str = typer.Option(None, "--redis", help="Share the crawl through Redis, e.g. redis://HOST:6379/0 "
                              "(`xxgk worker --redis ...` processes may join)."),
    workers: int = typer.Option(2, "--workers", min=0, help="With --redis: local worker processes (0: only joined ones)."),
) -> None:
    """Crawl URL, run every rule, write SQLite at --db and an HTML report under --report."""
    from xxgk.audit import AuditError, parse_as_of, run_audit
    from xxgk.progress import Progress, print_summary

    try:
        day = parse_as_of(as_of)
    except AuditError as exc:
        raise _fail(str(exc)) from exc
    prof = _load_profile(profile)
    progress = Progress(enabled=not quiet)
    try:
        with progress:
            result = run_audit(
                url, db_path=db, profile=prof, as_of=day, report_dir=report, max_pages=max_pages,
                concurrency=concurrency, delay=delay, ignore_robots=ignore_robots, job_dir=job_dir,
                on_progress=progress.update, full=full, redis_url=redis, workers=workers,
            )
    except AuditError as exc:
        raise _fail(str(exc)) from exc
    except KeyboardInterrupt:
        raise _fail("interrupted", EXIT_INTERRUPTED) from None
    if not quiet:
        print_summary(result)
    if result.status == "interrupted":
        raise _fail(f"interrupted; what was crawled is kept as run {result.run_id} in {db}", EXIT_INTERRUPTED)
    if result.status == "failed":
        raise _fail(result.error or "the audit failed", 1)


@app.command()
def extract(
    file: Path = typer.Argument(..., help="A saved page: the bytes as served."),
    url: str = typer.Option(..., "--url", help="The URL the page was fetched from."),
    header: list[str] = typer.Option(None, "--header", "-H", help="A response header 'Name: value' (e.g. Content-Type)."),
    full: bool = typer.Option(False, "--full", help="Also print the extras the crawler uses (follow, meta, body_text...)."),
) -> None:
    """Print what the crawler reads from one saved page, as one JSON object."""
    from crawler.extract import extract_page

    try:
        body = file.read_bytes()
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    headers = {}
    for item in header or []:
        name, _, value = item.partition(":")
        headers[name.strip()] = value.strip()
    record = extract_page(body, url, headers or None)
    if not full:
        keep = ("kind", "title", "column", "published", "written", "fields", "site", "links", "entries", "pages")
        record = {k: record.get(k) for k in keep}
    typer.echo(json.dumps(record, ensure_ascii=False, indent=2))


@app.command()
def check(
    db: Path = typer.Option(..., "--db", help="The audit database."),
    run: int = typer.Option(None, "--run", help="Run id (default: the latest)."),
    profile: str = typer.Option(None, "--profile", "-p", help="Profile name or .toml path (default: the run's)."),
    as_of: str = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default: the run's)."),
) -> None:
    """Re-run the rules on a stored crawl, without the network; replaces that run's findings."""
    import checks
    from xxgk import store
    from xxgk.audit import AuditError, parse_as_of

    database = _open_db(db)
    run_id = _pick_run(database, run)
    row = store.get_run(database, run_id)
    prof_name = profile or (row["profile"] or "").removeprefix("bundled:") or None
    prof = _load_profile(prof_name)
    try:
        day = parse_as_of(as_of or row["as_of"])
    except AuditError as exc:
        raise _fail(str(exc)) from exc
    found = checks.run(database, run_id, prof, day)
    try:
        from reports import scoring

        scoring.score_run(database, run_id, prof)
    except ImportError:
        pass
    counts: dict[str, int] = {}
    for f in found:
        counts[f["rule"]] = counts.get(f["rule"], 0) + 1
    typer.echo(f"run {run_id}: {len(found)} findings" + "".join(f"\n  {k}: {v}" for k, v in sorted(counts.items())))


@app.command()
def report(
    db: Path = typer.Option(..., "--db", help="The audit database."),
    out: Path = typer.Option(..., "--out", help="Directory for the HTML report."),
    run: int = typer.Option(None, "--run", help="Run id (default: the latest)."),
    profile: str = typer.Option(None, "--profile", "-p", help="Profile for scoring (default: the run's)."),
) -> None:
    """Render the HTML report of a stored run (no crawling)."""
    from reports import html
    from xxgk import store

    database = _open_db(db)
    run_id = _pick_run(database, run)
    row = store.get_run(database, run_id)
    prof = _load_profile(profile or (row["profile"] or "").removeprefix("bundled:") or None)
    index = html.write_report(database, run_id, out, prof)
    typer.echo(f"report: {index}")


@app.command()
def diff(
    run_a: int = typer.Argument(..., help="The earlier run id."),
    run_b: int = typer.Argument(..., help="The later run id."),
    db: Path = typer.Option(..., "--db", help="The audit database."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
) -> None:
    """Compare two runs: new, persisting, fixed and regressed findings."""
    from reports.diff import diff_runs, format_diff
    from xxgk import store

    database = _open_db(db)
    for run_id in (run_a, run_b):
        if store.get_run(database, run_id) is None:
            raise _fail(f"no run {run_id} in {db}")
    result = diff_runs(database, run_a, run_b)
    typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str) if as_json else format_diff(result))


@app.command()
def export(
    db: Path = typer.Option(..., "--db", help="The audit database."),
    out: Path = typer.Option(..., "--out", help="Output file (.csv, .json or .xlsx)."),
    fmt: str = typer.Option(None, "--format", help="csv | json | xlsx (default: from the file name)."),
    run: int = typer.Option(None, "--run", help="Run id (default: the latest)."),
    column: str = typer.Option(None, "--column", help="Only this column's findings (name as in the report)."),
    by_column: bool = typer.Option(False, "--by-column", help="XLSX: one sheet per column."),
    waivers: Path = typer.Option(None, "--waivers", help="Waiver file (default: the profile's waivers.file)."),
) -> None:
    """Export a run's findings for a spreadsheet (csv with BOM, json, xlsx)."""
    from reports.export import export_findings

    database = _open_db(db)
    run_id = _pick_run(database, run)
    try:
        path = export_findings(database, run_id, out, fmt=fmt, column=column, by_column=by_column,
                               waivers=str(waivers) if waivers else None, profile=_load_profile(None))
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"exported: {path}")


@app.command()
def waive(
    file: Path = typer.Option(Path("waivers.toml"), "--file", help="The waiver file (created when missing)."),
    fingerprint: str = typer.Option(None, "--fingerprint", help="One finding's fingerprint (report, exports)."),
    rule: str = typer.Option(None, "--rule", help="Or: every finding of this rule ..."),
    url_pattern: str = typer.Option(None, "--url-pattern", help="... whose URL matches this regex."),
    reason: str = typer.Option(..., "--reason", help="Why (shown in the report)."),
    author: str = typer.Option(..., "--author", help="Who decided."),
    expires: str = typer.Option(..., "--expires", help="Last day it applies, YYYY-MM-DD."),
    kind: str = typer.Option("accepted", "--kind", help="accepted (接受) | false_alarm (误报)."),
) -> None:
    """Record a waiver: a finding accepted or judged a false alarm, with reason, author and expiry."""
    from reports.waivers import WaiverError, add_waiver

    try:
        waiver = add_waiver(file, fingerprint=fingerprint, rule=rule, url_pattern=url_pattern,
                            reason=reason, author=author, expires=expires, kind=kind)
    except (WaiverError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    typer.echo(f"waiver added to {file} (expires {waiver.expires})")


@app.command()
def batch(
    sites: Path = typer.Argument(..., help="TOML file of [[site]] tables: name, url, body_type, profile, owner."),
    db: Path = typer.Option(Path("xxgk-batch.sqlite"), "--db", help="One database for every site."),
    out: Path = typer.Option(Path("xxgk-overview"), "--out", help="Overview page and one report per site."),
    as_of: str = typer.Option(None, "--as-of", help="Reference date YYYY-MM-DD (default: today, Asia/Shanghai)."),
    concurrency: int = typer.Option(None, "--concurrency", min=1),
    delay: float = typer.Option(None, "--delay", min=0.0),
    max_pages: int = typer.Option(None, "--max-pages", min=1),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
    redis: str = typer.Option(None, "--redis", help="Queue the sites in Redis for `xxgk worker --redis ...` "
                              "processes (one site at a time each), e.g. redis://HOST:6379/0."),
    workers: int = typer.Option(0, "--workers", min=0, help="With --redis: local worker processes too."),
) -> None:
    """Audit many sites one after another into one database, then write the overview page."""
    from xxgk.audit import AuditError, parse_as_of
    from xxgk.batch import BatchError, load_sites, run_batch

    if workers and not redis:
        raise _fail("--workers needs --redis (the sites are queued there for the workers)")
    if redis:
        from crawler.distributed import connect

        try:
            connect(redis).ping()
        except Exception as exc:  # noqa: BLE001 - unreachable, bad URL
            raise _fail(f"cannot use Redis at {redis}: {exc}") from exc

    try:
        day = parse_as_of(as_of)
        entries = load_sites(sites)
    except (AuditError, BatchError) as exc:
        raise _fail(str(exc)) from exc
    for entry in entries:
        _load_profile(entry.profile)  # a wrong profile stops the batch before any request
    try:
        index = run_batch(entries, db_path=db, out_dir=out, as_of=day, concurrency=concurrency, delay=delay,
                          max_pages=max_pages, echo=None if quiet else typer.echo, redis_url=redis, workers=workers)
    except KeyboardInterrupt:
        raise _fail("interrupted", EXIT_INTERRUPTED) from None
    typer.echo(f"overview: {index}")


@app.command()
def worker(
    redis: str = typer.Option(..., "--redis", help="The Redis of the crawls to join, e.g. redis://HOST:6379/0."),
    idle_exit: float = typer.Option(None, "--idle-exit", min=0.0, help="Exit after this many seconds without a crawl "
                                    "(default: wait for ever)."),
    once: bool = typer.Option(False, "--once", help="Exit after joining one crawl."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Join the crawls announced in Redis by `xxgk audit URL --redis ...` and take the sites
    queued by `xxgk batch --redis ...` (one after another)."""
    from crawler.distributed import run_worker

    try:
        joined = run_worker(redis, idle_exit=idle_exit, once=once, echo=None if quiet else typer.echo)
    except KeyboardInterrupt:
        raise _fail("interrupted", EXIT_INTERRUPTED) from None
    except Exception as exc:  # noqa: BLE001 - redis unreachable, bad URL
        raise _fail(f"cannot use Redis at {redis}: {exc}") from exc
    if not quiet:
        typer.echo(f"joined {joined} crawl(s)")


@rules_app.callback(invoke_without_command=True)
def rules_list(ctx: typer.Context) -> None:
    """List every rule: id, severity, status and title."""
    if ctx.invoked_subcommand:
        return
    from checks.registry import RULES

    for rule in RULES:
        typer.echo(f"{rule.id:28} {rule.severity:8} {rule.status:8} {rule.title_zh}")


@rules_app.command("show")
def rules_show(rule_id: str = typer.Argument(..., help="A rule id, e.g. link.broken")) -> None:
    """Print one rule: what it checks, why (legal basis), examples, how to fix."""
    from checks import registry

    rule = registry.get(rule_id)
    if rule is None:
        raise _fail(f"unknown rule {rule_id!r}; `xxgk rules` lists them")
    typer.echo(registry.render_text(rule))


@profiles_app.command("list")
def profiles_list() -> None:
    """List the bundled profiles."""
    from xxgk.profile import bundled_names, load_profile

    for name in bundled_names():
        desc = load_profile(name).get_path("profile.description", "")
        typer.echo(f"{name:12} {desc}")


@profiles_app.command("show")
def profiles_show(name: str = typer.Argument("default", help="Bundled name or .toml path.")) -> None:
    """Print a profile's TOML text (validated first)."""
    from xxgk.profile import ProfileError, profile_text

    _load_profile(name)
    try:
        typer.echo(profile_text(name))
    except ProfileError as exc:
        raise _fail(str(exc)) from exc


@sample_app.command("serve")
def sample_serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Loopback address to bind."),
    port: int = typer.Option(8000, "--port", help="Port (0 = any free port)."),
) -> None:
    """Serve the bundled sample portal until Ctrl-C."""
    from xxgk.sample.server import serve

    if not host.startswith("127.") and host != "localhost":
        raise _fail("the sample portal binds to loopback addresses only (127.x.x.x)")
    servers, base = serve(host=host, port=port)
    typer.echo(f"sample portal on {base}/  (Ctrl-C to stop)")
    try:
        import time

        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        servers.shutdown()  # the portal and its "other site" together


@app.command()
def demo(
    out: Path = typer.Option(Path("demo-output"), "--out", help="Where audit.sqlite and report/ go."),
    sites: int = typer.Option(3, "--sites", min=1, max=3, help="Also audit the portal under N names as a batch (overview/)."),
    quiet: bool = typer.Option(False, "--quiet", "-q"),
) -> None:
    """Serve the bundled sample portal on 127.0.0.1, audit it and write the report (and a batch overview)."""
    from xxgk.audit import AuditError, run_audit
    from xxgk.progress import Progress, print_summary
    from xxgk.sample import AS_OF
    from xxgk.sample.server import serve

    servers, base = serve(host="127.0.0.1", port=0)
    out.mkdir(parents=True, exist_ok=True)
    db_path = out / "audit.sqlite"
    if db_path.exists():
        db_path.unlink()
        for extra in (out / "audit.sqlite-wal", out / "audit.sqlite-shm"):
            extra.unlink(missing_ok=True)
    progress = Progress(enabled=not quiet)
    try:
        with progress:
            result = run_audit(
                f"{base}/index.html", db_path=db_path, profile=_load_profile(None), as_of=AS_OF,
                report_dir=out / "report", concurrency=16, delay=0.0, on_progress=progress.update,
            )
    except AuditError as exc:
        raise _fail(str(exc)) from exc
    finally:
        servers.shutdown()  # the portal and its "other site" together
    if not quiet:
        print_summary(result)
    if result.status != "completed":
        raise _fail(result.error or result.status, 1)
    overview = None
    if sites > 1:
        overview = _demo_batch(out, sites, quiet)
    typer.echo(f"database: {db_path}")
    typer.echo(f"report:   {out / 'report' / 'index.html'}")
    if overview:
        typer.echo(f"overview: {overview}  ({sites} sample sites in {out / 'batch.sqlite'})")


def _demo_batch(out: Path, count: int, quiet: bool) -> Path:
    """The sample portal served under several names and profiles, audited as a batch."""
    from xxgk.batch import SiteEntry, run_batch
    from xxgk.sample import AS_OF
    from xxgk.sample.server import serve

    names = [("示例市人民政府", "default"), ("示例市人民政府（条例口径）", "national"), ("示例市某局", "default")]
    running, entries = [], []
    try:
        for i in range(count):
            name, prof = names[i % len(names)]
            servers, base = serve(host="127.0.0.1", port=0)
            running.append(servers)
            entries.append(SiteEntry(name=name, url=f"{base}/index.html", profile=prof))
        db_path = out / "batch.sqlite"
        for extra in ("", "-wal", "-shm"):
            Path(f"{db_path}{extra}").unlink(missing_ok=True)
        return run_batch(entries, db_path=db_path, out_dir=out / "overview", as_of=AS_OF, concurrency=16,
                         delay=0.0, echo=None if quiet else typer.echo)
    finally:
        for servers in running:
            servers.shutdown()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("xxgk: interrupted", err=True)
        sys.exit(EXIT_INTERRUPTED)


if __name__ == "__main__":
    main()
