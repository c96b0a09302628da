"""Run-to-run comparison by finding fingerprint (rule + url + page_url + what is wrong).

Between an earlier run A and a later run B of the same site:
- new:        in B, never seen in any run of the site up to B before;
- regressed:  in B, not in A, but seen in a run before A (fixed once, back again);
- persisting: in A and in B, with `first_seen` (start of the first run that had it);
- fixed:      in A, not in B (the rows come from A).
"""

from __future__ import annotations

from xxgk import store

from .data import fingerprint_of, load_findings


def _history(db, site: str | None, upto: int) -> dict[str, list[tuple[int, str]]]:
    """fingerprint -> [(run id, run started_at)] over the site's runs with id <= upto.

    A run's (id, started_at) is one tuple for all its findings, and a fingerprint seen in one
    run holds a one-item list (no set each: ~50 MB at 120,000 findings)."""
    sql = ("select f.rule, f.url, f.page_url, f.fingerprint, r.id as run_id, r.started_at "
           "from findings f join runs r on r.id = f.run_id where r.id <= ?")
    params: list = [upto]
    if site is not None:
        sql += " and r.site = ?"
        params.append(site)
    seen: dict[str, list[tuple[int, str]]] = {}
    runs: dict[tuple, tuple[int, str]] = {}
    cursor = db.conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    for values in cursor:
        row = dict(zip(names, values, strict=True))
        run = (row["run_id"], row["started_at"] or "")
        run = runs.setdefault(run, run)
        fp = fingerprint_of(row)
        have = seen.get(fp)
        if have is None:
            seen[fp] = [run]
        elif run not in have:
            have.append(run)
    for have in seen.values():
        if len(have) > 1:
            have.sort()
    return seen


def diff_runs(db, run_a: int | None, run_b: int, findings_b: list[dict] | None = None, slim: bool = False) -> dict:
    """Compare run A (earlier; None = no earlier run) with run B. Lists hold finding rows
    (`slim`: as load_findings(slim=True) loads them)."""
    b = store.get_run(db, run_b)
    if b is None:
        raise ValueError(f"no run {run_b}")
    a = store.get_run(db, run_a) if run_a is not None else None
    if run_a is not None and a is None:
        raise ValueError(f"no run {run_a}")
    site = b.get("site")
    rows_b = findings_b if findings_b is not None else load_findings(db, run_b, slim=slim)
    rows_a = load_findings(db, run_a, slim=slim) if a else []
    fps_a = {f["fingerprint"] for f in rows_a}
    history = _history(db, site, run_b)
    new, regressed, persisting = [], [], []
    for f in rows_b:
        fp = f["fingerprint"]
        runs = history.get(fp, [])
        first = runs[0] if runs else (run_b, b.get("started_at") or "")
        f["first_seen_run"], f["first_seen_at"] = first
        f["first_seen"] = f.get("first_seen") or first[1]
        earlier = [r for r in runs if r[0] < (run_a if a else run_b)]
        if a is not None and fp in fps_a:
            f["lifecycle"] = "persisting"
            persisting.append(f)
        elif earlier:
            f["lifecycle"] = "regressed"
            regressed.append(f)
        else:
            f["lifecycle"] = "new"
            new.append(f)
    fps_b = {f["fingerprint"] for f in rows_b}
    fixed = [dict(f, lifecycle="fixed") for f in rows_a if f["fingerprint"] not in fps_b]
    return {
        "run_a": run_a, "run_b": run_b, "site": site, "baseline": a is None,
        "new": new, "regressed": regressed, "persisting": persisting, "fixed": fixed,
        "counts": {"new": len(new), "regressed": len(regressed), "persisting": len(persisting),
                   "fixed": len(fixed)},
    }


def diff_previous(db, run_id: int, findings: list[dict] | None = None, slim: bool = False) -> dict:
    """Compare a run with the previous run of the same site (baseline when there is none)."""
    return diff_runs(db, store.previous_run_id(db, run_id), run_id, findings, slim)


def format_diff(result: dict, limit: int = 50) -> str:
    """Plain-text summary for `xxgk diff`."""
    c = result["counts"]
    lines = [f"run {result['run_a']} -> {result['run_b']} ({result['site'] or ''}): "
             f"新增 {c['new']}, 复现 {c['regressed']}, 持续 {c['persisting']}, 已修复 {c['fixed']}"]
    for key, title in (("new", "新增"), ("regressed", "复现"), ("fixed", "已修复")):
        items = result[key]
        if not items:
            continue
        lines.append(f"\n{title} ({len(items)}):")
        for f in items[:limit]:
            lines.append(f"  [{f['rule']}] {f.get('url') or ''}  @ {f.get('page_url') or ''}")
        if len(items) > limit:
            lines.append(f"  … 另有 {len(items) - limit} 项")
    return "\n".join(lines)
