"""Rules over one stored run: `run(db, run_id, profile, as_of)` writes that run's findings.

Rules read the store, the profile and `as_of` only: no clock, no network. Running twice gives
the same rows (the run's findings are replaced). Each finding carries a `fingerprint` (rule,
url, page_url and what is wrong), and `first_seen` / `fail_count` carried over from the
previous run of the same site.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from xxgk import store

from .context import Context, Finding

__all__ = ["run", "evaluate", "fingerprint", "Context", "Finding"]


def fingerprint(rule: str, url: str | None, page_url: str | None, what: str) -> str:
    text = "\x1f".join([rule, url or "", page_url or "", what or ""])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]


def evaluate(ctx: Context) -> list[Finding]:
    """Every registered rule, in registry order (calendar.missing last)."""
    return list(_found(ctx))


def _found(ctx: Context):
    from .registry import RULES

    for rule in RULES:
        for finding in rule.func(ctx):
            if finding.severity is None:
                finding.severity = rule.severity
            yield finding


def run(db, run_id: int, profile, as_of: dt.date, calendar=None) -> list[dict]:
    """Run every rule on `run_id`, replace its findings and return them as rows."""
    ctx = Context(db, run_id, profile, as_of, calendar)
    run_row = ctx.run
    started = run_row.get("started_at") or run_row.get("as_of") or as_of.isoformat()
    previous = {}
    prev_id = store.previous_run_id(db, run_id)
    if prev_id is not None:
        for fp, first_seen, fail_count in db.conn.execute(
                "select fingerprint, first_seen, fail_count from findings where run_id = ?", [prev_id]):
            previous[fp] = (first_seen, fail_count)
    names = ("run_id", "rule", "severity", "url", "page_url", "column_name", "message", "evidence", "fingerprint",
             "first_seen", "fail_count")
    rows, seen = [], set()
    # Each finding becomes its row as the rules yield it: the Finding and its evidence dict do
    # not all stay in memory beside the rows (20,000 findings at 20,000 pages). A row is a
    # tuple while the run's context is held (a dict is ~300 bytes more: ~35 MB at 120,000).
    for f in _found(ctx):
        fp = fingerprint(f.rule, f.url, f.page_url, f.key)
        if fp in seen:
            continue  # the same thing reported twice by one rule
        seen.add(fp)
        prev = previous.get(fp)
        rows.append((
            run_id, f.rule, f.severity, f.url, f.page_url, f.column_name, f.message, store.dumps(f.evidence), fp,
            (prev[0] if prev and prev[0] else started),
            (prev[1] or 0) + 1 if prev else 1,
        ))
    ctx = f = previous = seen = None  # the run's pages, documents and caches: not needed to write the rows
    rows.sort(key=lambda r: (r[1], r[3] or "", r[4] or "", r[8]))
    with db.conn:
        db.execute("delete from findings where run_id = ?", [run_id])
        if rows:  # one executemany: sqlite_utils' insert_all costs ~1 s more for 20,000 rows
            db.conn.executemany(
                f"insert into findings ({', '.join(names)}) values ({', '.join('?' * len(names))})", rows)
    return [dict(zip(names, r, strict=True)) for r in rows]
