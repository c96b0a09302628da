"""Inspection score of a run in the national style (国办秘函〔2019〕19号; DOMAIN.md §5).

1. 单项否决 first: any veto that fires makes the verdict 不合格 and nothing else is scored.
2. Otherwise 100 points minus the deductions; each indicator loses at most its own points
   (扣完为止, its `cap`).
3. Verdict: total < `pass_mark` (60) → 不合格; otherwise 合格; above `bonus_above` (80) the
   bonus indicators would be scored too (none is automated yet; the report says so).

Rules of counting (ASSUMPTIONS, stated in the report):
- waived findings (reports/waivers.py) never cost points and never trigger a veto;
- `info` findings (e.g. link.blocked, an empty column explained by a note) never count;
- a deduction counts findings (one per page and link target, CONTRACT); with the optional
  `count_by = "url"` it counts distinct targets instead.

Every weight comes from the profile's `[scoring]` section; an indicator whose weight is not
confirmed (DOMAIN §5) is stored with `confirmed = 0` and the report says so beside the score.

`scores` rows written per run (idempotent: the run's rows are replaced):
- `veto.*`   kind `veto`: points 1 when the veto fired, else 0; max_points 1;
- `deduct.*` kind `deduction`: points lost, max_points the indicator's cap;
- `total`    kind `total`: the final score (0 when vetoed), max_points 100; note = verdict.
"""

from __future__ import annotations

from typing import Any

from . import catalogue
from . import waivers as waivers_mod
from .data import load_findings

# ============================================================================ FALLBACK
# The ONLY place with built-in scoring values. They are used when the profile has no
# `[scoring]` section, or lacks one of its keys; the report then says the weights are the
# tool's built-in placeholders. Keys read from the profile (all under `scoring.`):
#   deduction_points (100), bonus_points (30), pass_mark (60), bonus_above (80);
#   vetoes.<id>   = {label, rules, scope, min_count, confirmed, note}: fires when at least
#                   `min_count` counted findings of `rules` exist (restricted to the column
#                   classes named in `scope` when not empty);
#   deductions[]  = {id, label, rule, scope, points_each, cap, confirmed}: `points_each` per
#                   counted finding of `rule`, at most `cap` (扣完为止). scope: "all"; "home" /
#                   "other" (evidence.on_home); else a column class name (evidence.class).
# Optional, tolerated when present: deductions[].count_by = "url" (count distinct targets,
# not findings), vetoes/deductions `rule` or `rules`, scoring.count_info (info findings count).
BUILTIN_SCORING: dict[str, Any] = {
    "deduction_points": 100.0,
    "bonus_points": 30.0,
    "pass_mark": 60.0,
    "bonus_above": 80.0,
    "count_info": False,
    "vetoes": {
        "site_unreachable": {"label": "站点无法访问", "rules": ["site.unreachable"], "scope": [], "min_count": 1,
                             "confirmed": True, "note": "一次巡检只是抽样；19号要求连续 1 周监测"},
        "home_stale": {"label": "首页不更新", "rules": ["home.stale"], "scope": [], "min_count": 1,
                       "confirmed": True, "note": "2 周无更新"},
        "column_stale": {"label": "栏目不更新", "rules": ["column.stale"], "scope": ["动态要闻", "通知公告", "政策文件"],
                         "min_count": 5, "confirmed": True, "note": "动态要闻、通知公告、政策文件类栏目未按时更新 ≥ 5 个"},
        "column_empty": {"label": "栏目不更新（空白栏目）", "rules": ["column.empty"], "scope": [], "min_count": 5,
                         "confirmed": True, "note": "空白栏目 ≥ 5 个"},
        "interaction": {"label": "互动回应差", "rules": ["interaction.unanswered"], "scope": [], "min_count": 1,
                        "confirmed": True, "note": "近一年政务咨询留言超过 3 个月未答复"},
    },
    "deductions": [
        {"id": "link_broken_home", "label": "链接不可用（首页）", "rule": "link.broken", "scope": "home",
         "points_each": 1.0, "cap": 5.0, "confirmed": False},
        {"id": "link_broken_other", "label": "链接不可用（其他页面）", "rule": "link.broken", "scope": "other",
         "points_each": 0.1, "cap": 5.0, "confirmed": False},
        {"id": "policy_column_stale", "label": "政策文件栏目6个月未更新", "rule": "column.stale",
         "scope": "政策文件", "points_each": 5.0, "cap": 5.0, "confirmed": True},
    ],
}
# Vetoes of 19号 the tool cannot judge from a crawl: listed in the report as not checked.
NOT_AUTOMATED_VETOES = [
    ("安全、泄密事故等严重问题", "严重表述错误、泄露国家秘密、有害内容、挂马篡改、伪造发稿日期等，需人工核查"),
    ("服务不实用", "办事服务与办事指南要素，需人工核查"),
]
# ========================================================================== END FALLBACK


def scoring_config(profile: Any) -> dict:
    """The effective scoring settings: the profile's `[scoring]`, else the built-in fallback.

    `sources` says, per key, whether the value came from the profile or the fallback."""
    section = _get(profile, "scoring")
    section = section if isinstance(section, dict) else {}
    cfg: dict[str, Any] = {"sources": {}}
    for key in ("deduction_points", "bonus_points", "pass_mark", "bonus_above", "count_info"):
        from_profile = key in section
        cfg[key] = section[key] if from_profile else BUILTIN_SCORING[key]
        cfg["sources"][key] = "profile" if from_profile else "builtin"
    vetoes = section.get("vetoes")
    cfg["vetoes"] = _vetoes(vetoes if isinstance(vetoes, (dict, list)) else BUILTIN_SCORING["vetoes"])
    cfg["sources"]["vetoes"] = "profile" if isinstance(vetoes, (dict, list)) else "builtin"
    deductions = section.get("deductions")
    cfg["deductions"] = [_deduction(d, i) for i, d in enumerate(deductions if isinstance(deductions, list)
                                                                  else BUILTIN_SCORING["deductions"])
                         if isinstance(d, dict)]
    cfg["sources"]["deductions"] = "profile" if isinstance(deductions, list) else "builtin"
    return cfg


def _get(profile: Any, dotted: str) -> Any:
    if profile is None:
        return None
    getter = getattr(profile, "get_path", None)
    if getter:
        return getter(dotted, None)
    node = profile
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _rules_of(item: dict) -> list[str]:
    rules = item.get("rules") or item.get("rule") or []
    return [rules] if isinstance(rules, str) else list(rules)


def _vetoes(raw: dict | list) -> list[dict]:
    if isinstance(raw, list):
        raw = {str(v.get("id") or f"veto{i}"): v for i, v in enumerate(raw) if isinstance(v, dict)}
    out = []
    for vid, v in raw.items():
        if not isinstance(v, dict) or v.get("enabled") is False:
            continue
        scope = v.get("scope") or []
        vid = vid if vid.startswith("veto.") else f"veto.{vid}"
        out.append({"id": vid, "label": v.get("label") or vid, "rules": _rules_of(v),
                    "scope": [scope] if isinstance(scope, str) else list(scope),
                    "min_count": int(v.get("min_count", 1) or 1), "confirmed": bool(v.get("confirmed", False)),
                    "note": v.get("note") or ""})
    return out


def _deduction(d: dict, i: int) -> dict:
    did = str(d.get("id") or f"item{i}")
    scope = d.get("scope") or "all"
    return {"id": did if did.startswith("deduct.") else f"deduct.{did}", "label": d.get("label") or did,
            "rules": _rules_of(d), "scope": scope, "points_each": float(d.get("points_each", 0) or 0),
            "cap": float(d.get("cap", 0) or 0), "count_by": d.get("count_by") or "finding",
            "confirmed": bool(d.get("confirmed", False)), "note": d.get("note") or ""}


def _in_scope(scope: str | list, f: dict) -> bool:
    """Does the finding fall in `scope`: all / home / other, or column class name(s)?"""
    names = [scope] if isinstance(scope, str) else list(scope)
    if not names or names == ["all"]:
        return True
    ev = f.get("ev") or {}
    if names == ["home"]:
        return bool(ev.get("on_home"))
    if names == ["other"]:
        return not ev.get("on_home")
    cls = str(ev.get("class") or "")
    if cls:
        return cls in names
    column = f.get("column_name") or ""
    return any(name and name in column for name in names)


def _select(findings: list[dict], rules: list[str], scope) -> list[dict]:
    return [f for f in findings if f["rule"] in rules and _in_scope(scope, f)]


def _deduct(item: dict, chosen: list[dict]) -> tuple[float, int]:
    """(points lost before the cap, units counted)."""
    units = len({f.get("url") or "" for f in chosen}) if item["count_by"] == "url" else len(chosen)
    return round(units * item["points_each"], 4), units


def _band(total: float, cfg: dict) -> str:
    if total < cfg["pass_mark"]:
        return "不合格"
    if total > cfg["bonus_above"]:
        return f"合格（高于 {cfg['bonus_above']:g} 分，应另计加分指标）"
    return "合格"


def score_findings(findings: list[dict], profile: Any, waived: dict | None = None) -> dict:
    """The score of a list of findings (already loaded, `ev` parsed); writes nothing."""
    cfg = scoring_config(profile)
    waived = waived or {}
    counted = [f for f in findings if f.get("id") not in waived
               and (cfg["count_info"] or (f.get("severity") or "") != "info")]
    vetoes = []
    for v in cfg["vetoes"]:
        chosen = _select(counted, v["rules"], v["scope"])
        known = [catalogue.is_known(r) for r in v["rules"]]
        vetoes.append({**v, "count": len(chosen), "fired": len(chosen) >= v["min_count"],
                       "implemented": not any(k is False for k in known),
                       "fingerprints": [f["fingerprint"] for f in chosen[:50]]})
    deductions = []
    for d in cfg["deductions"]:
        chosen = _select(counted, d["rules"], d["scope"])
        lost, units = _deduct(d, chosen)
        points = min(lost, d["cap"]) if d["cap"] > 0 else lost
        known = [catalogue.is_known(r) for r in d["rules"]]
        deductions.append({**d, "count": len(chosen), "units": units, "raw_points": lost,
                           "points": round(points, 2), "capped": d["cap"] > 0 and lost > d["cap"],
                           "implemented": not any(k is False for k in known)})
    scored_rules = {r for item in cfg["vetoes"] + cfg["deductions"] for r in item["rules"]}
    unscored: dict[str, int] = {}
    for f in counted:
        if f["rule"] not in scored_rules:
            unscored[f["rule"]] = unscored.get(f["rule"], 0) + 1
    fired = [v for v in vetoes if v["fired"]]
    lost_total = round(sum(d["points"] for d in deductions), 2)
    max_points = float(cfg["deduction_points"])
    if fired:
        total, verdict, band = 0.0, "不合格", "不合格（单项否决）"
    else:
        total = round(max(0.0, max_points - lost_total), 2)
        band = _band(total, cfg)
        verdict = "不合格" if total < cfg["pass_mark"] else "合格"
    # What the result actually rests on: the fired vetoes, or else the deductions that cost points.
    if fired:
        unconfirmed = [v for v in fired if not v["confirmed"]]
    else:
        unconfirmed = [d for d in deductions if not d["confirmed"] and d["points"] > 0]
    placeholders = [d["id"] for d in deductions if not d["confirmed"]] + \
                   [v["id"] for v in vetoes if not v["confirmed"]]
    builtin = [k for k, src in cfg["sources"].items() if src == "builtin" and k in ("vetoes", "deductions")]
    return {
        "total": total, "max_points": max_points, "verdict": verdict, "band": band,
        "vetoed": bool(fired), "vetoes": vetoes, "vetoes_fired": fired, "deductions": deductions,
        "points_lost": lost_total, "pass_mark": cfg["pass_mark"], "bonus_above": cfg["bonus_above"],
        "unconfirmed": bool(unconfirmed), "unconfirmed_items": [x["id"] for x in unconfirmed],
        "placeholders": placeholders, "builtin_weights": builtin, "sources": cfg["sources"],
        "waived_count": len(waived), "counted_findings": len(counted),
        "not_automated_vetoes": [{"label": a, "note": b} for a, b in NOT_AUTOMATED_VETOES],
        "official": not unconfirmed and not builtin, "unscored_rules": unscored,
        "bonus_points": cfg["bonus_points"],
    }


def score_run(db, run_id: int, profile: Any = None, waivers: Any = None,
              findings: list[dict] | None = None) -> dict:
    """Score the run, replace its rows in `scores`, and return the score with its breakdown.

    `waivers`: a list of Waiver, a waiver file path, or None for the profile's `waivers.file`.
    A failed run is not scored (its rows are removed, `total` is None, verdict 无法评分); an
    interrupted run is scored with a note that only the crawled part counts."""
    run = db.execute("select as_of, status from runs where id = ?", [run_id]).fetchone()
    as_of, status = (run[0], run[1]) if run else (None, None)
    findings = load_findings(db, run_id, slim=True) if findings is None else findings
    wv = waivers_mod.resolve(waivers, profile)
    waived = waivers_mod.waived_findings(findings, wv, as_of)
    result = score_findings(findings, profile, waived)
    result["run_id"] = run_id
    result["as_of"] = as_of
    result["partial"] = status not in ("completed", "failed", None)
    if status == "failed":
        result.update(total=None, verdict="无法评分", band="巡检失败，无法评分", vetoed=False, vetoes_fired=[],
                      unconfirmed=False, official=False)
        with db.conn:
            db.execute("delete from scores where run_id = ?", [run_id])
        return result
    if result["partial"]:
        result["band"] += "（巡检未完成，只反映已抓取的部分）"
    rows = []
    for v in result["vetoes"]:
        note = (f"否决：{v['count']} 项（阈值 {v['min_count']}）" if v["fired"]
                else f"未触发：{v['count']} 项（阈值 {v['min_count']}）")
        if not v["implemented"]:
            note += "；规则未实现，未检查"
        rows.append({"run_id": run_id, "indicator": v["id"], "label": v["label"], "kind": "veto",
                     "points": 1.0 if v["fired"] else 0.0, "max_points": 1.0, "evidence_count": v["count"],
                     "confirmed": int(v["confirmed"]), "note": note})
    for d in result["deductions"]:
        note = f"{d['units']} × {d['points_each']:g}" + ("（按不同地址计）" if d["count_by"] == "url" else "")
        if d["capped"]:
            note += f"，扣完为止（上限 {d['cap']:g}）"
        if not d["confirmed"]:
            note += "；分值未经确认（占位）"
        if not d["implemented"]:
            note += "；规则未实现，未检查"
        rows.append({"run_id": run_id, "indicator": d["id"], "label": d["label"], "kind": "deduction",
                     "points": d["points"], "max_points": d["cap"], "evidence_count": d["count"],
                     "confirmed": int(d["confirmed"]), "note": note})
    total_note = result["band"]
    if result["vetoed"]:
        total_note += "：" + "、".join(v["label"] for v in result["vetoes_fired"])
    if result["unconfirmed"] or result["builtin_weights"]:
        total_note += "；含未经确认的分值，非官方评分"
    rows.append({"run_id": run_id, "indicator": "total", "label": "总分", "kind": "total",
                 "points": result["total"], "max_points": result["max_points"],
                 "evidence_count": result["counted_findings"], "confirmed": int(result["official"]),
                 "note": total_note})
    with db.conn:
        db.execute("delete from scores where run_id = ?", [run_id])
        db["scores"].insert_all(rows, alter=False)
    return result


def stored_scores(db, run_id: int) -> dict[str, dict]:
    """The run's rows of `scores` by indicator (empty when the run was never scored)."""
    return {r["indicator"]: r for r in db.query("select * from scores where run_id = ?", [run_id])}
