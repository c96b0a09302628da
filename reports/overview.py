"""The many-site overview: every site's latest run with score, verdict, veto items, counts and
trend, linking to each site's own report (`xxgk batch`).

`write_overview(db, out_dir)` reads what is stored (runs, scores, findings); with
`write_reports=True` it also writes each site's latest report into `out_dir/<site>/` (and so
scores it), which is what a batch audit wants.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from xxgk import store

from . import html, scoring


def _latest_runs(db) -> list[dict]:
    return list(db.query(
        "select * from runs r where r.id = (select max(id) from runs r2 where r2.site = r.site "
        "and r2.status != 'failed') or (r.id = (select max(id) from runs r3 where r3.site = r.site) "
        "and not exists (select 1 from runs r4 where r4.site = r.site and r4.status != 'failed')) "
        "order by r.site"))


def _batch_entry(run: dict) -> dict:
    """The sites-file entry (`xxgk batch`) the run was made for, if any."""
    return (store.loads(run.get("stats"), {}) or {}).get("batch") or {}


def site_summaries(db, report_href: Callable[[dict], str] | None = None) -> list[dict]:
    """One row per site: its latest usable run, score, verdict, vetoes fired, counts and trend."""
    href = report_href or (lambda run: f"{html.slug(run.get('site') or str(run['id']))}/index.html")
    out = []
    for run in _latest_runs(db):
        scores = scoring.stored_scores(db, run["id"])
        total = scores.get("total")
        vetoes = [s["label"] for s in scores.values() if s["kind"] == "veto" and (s["points"] or 0) > 0]
        sev = dict(db.execute("select severity, count(*) from findings where run_id = ? group by severity",
                              [run["id"]]).fetchall())
        trend = [{"id": r[0], "as_of": r[1], "score": r[2]} for r in db.execute(
            "select r.id, r.as_of, s.points from runs r left join scores s on s.run_id = r.id and "
            "s.indicator = 'total' where r.site = ? order by r.id desc limit 10", [run["site"]]).fetchall()][::-1]
        scored = [t["score"] for t in trend if t["score"] is not None]
        delta = round(scored[-1] - scored[-2], 2) if len(scored) >= 2 else None
        note = (total or {}).get("note") or ""
        out.append({
            "site": run.get("site") or "", "name": _batch_entry(run).get("name") or html.site_name(db, run),
            "owner": _batch_entry(run).get("owner") or "", "body_type": _batch_entry(run).get("body_type") or "", "run": run, "score": total["points"] if total else None,
            "verdict": ("不合格" if note.startswith("不合格") else "合格") if total else
                       ("无法评分" if run.get("status") == "failed" else "未评分"),
            "note": note, "official": bool(total and total.get("confirmed")), "vetoes": vetoes,
            "error": sev.get("error", 0), "warning": sev.get("warning", 0), "info": sev.get("info", 0),
            "findings": sum(sev.values()), "trend": trend, "delta": delta, "href": href(run),
            "spark": html._sparkline([{"score": t["score"]} for t in trend]),
        })
    return out


def write_overview(db, out_dir: str | Path, report_href: Callable[[dict], str] | None = None,
                   write_reports: bool = False, profile_for: Callable[[dict], Any] | None = None,
                   title: str = "政务公开巡检总览") -> Path:
    """Write `out_dir/index.html`; optionally each site's latest report into `out_dir/<site>/`.

    `profile_for(run)` gives the profile to score a site's report with (default: the run's own);
    `report_href(run)` the link from the overview to a site's report."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if write_reports:
        for run in _latest_runs(db):
            target = out / html.slug(run.get("site") or str(run["id"]))
            html.write_report(db, run["id"], target, profile_for(run) if profile_for else None)
    sites = site_summaries(db, report_href)
    index = out / "index.html"
    env = html._env()
    index.write_text(env.get_template("overview.html").render(
        title=title, sites=sites, failing=sum(1 for s in sites if s["verdict"] == "不合格"),
        unofficial=any(s["score"] is not None and not s["official"] for s in sites)), encoding="utf-8")
    return index
