"""The static HTML report of one run: overview, fix list per column, per-rule pages, catalogue.

Self-contained (inline CSS and a small inline script, no CDN, works from file://), zh-CN,
printable. Jinja2 with autoescaping on: crawled text (titles, anchor text, URLs, evidence) is
only ever output through `{{ }}` and never marked safe; crawled URLs become links only for
http/https (`safe_href`), everything else is shown as text.

Large runs stay fast: findings about one link target are grouped into one item (one broken
footer link on 1,000 pages is one thing to fix, its pages listed beneath), and every list page
holds at most `PAGE_ITEMS` items, with further pages `…-p2.html`, `…-p3.html`.

Files written into `out_dir`: index.html (overview), col-N.html (fix list per column),
rule-<id>.html (per rule), rules.html (catalogue), changes.html (new / regressed / fixed since
the previous run), skipped.html (what was not checked), findings.csv / .json / .xlsx.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from xxgk import store

from . import catalogue, diff, export, scoring
from . import waivers as waivers_mod
from .catalogue import SEVERITY_ORDER, SEVERITY_ZH
from .data import element_of, is_link_rule, load_findings

SCOPE_ZH = {"home": "首页", "other": "首页以外的页面", "all": "全部页面"}
PAGE_ITEMS = 200  # items (grouped findings) per list page
PAGES_LISTED = 100  # pages listed under one grouped item before "… N more"
CHANGES_LISTED = 1000  # rows per list on changes.html
SKIPPED_LISTED = 200  # URLs listed per skip reason
SITEWIDE = "（多个栏目共有：页面模板中的链接）"
NO_COLUMN = "（未归属栏目）"

SKIP_REASONS_ZH = {
    "robots": "robots.txt 禁止抓取", "trap_depth": "超过链接深度上限", "trap_pattern": "同类页面过多（疑似无限页面）",
    "trap_query": "查询参数变体过多", "max_pages": "达到页面数上限", "offsite": "站外页面（只检查链接，不抓取）",
    "size_cap": "超过页面大小上限", "scheme": "非 http(s) 链接", "ignored": "按配置忽略",
}
OUTCOMES_ZH = {
    "ok": "正常", "redirect": "经重定向可用", "http_status": "HTTP 错误", "dns": "域名无法解析", "refused": "连接被拒绝",
    "reset": "连接被重置", "tls": "TLS/证书错误", "timeout": "超时", "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多", "soft_404": "软 404（错误页）", "blocked": "被访问防护拦截（未判断）",
    "not_checked": "未检查", "ignored": "按配置忽略",
}
UNJUDGED_OUTCOMES = ("blocked", "timeout", "not_checked", "ignored")
LIFECYCLE_ZH = {"new": "新增", "regressed": "复现", "persisting": "持续", "fixed": "已修复"}
STATUS_ZH = {"completed": "已完成", "running": "进行中", "interrupted": "已中断", "failed": "失败"}


# ------------------------------------------------------------------------- filters
_CTRL = re.compile(r"[\x00-\x20\x7f]")


def safe_href(url: Any) -> str | None:
    """`url` when it is an absolute http(s) URL, else None (javascript:, data:, relative...)."""
    if not isinstance(url, str) or not url:
        return None
    return _safe_href(url)


@lru_cache(maxsize=65536)  # every item is shown twice (its column's page, its rule's page)
def _safe_href(url: str) -> str | None:
    cleaned = _CTRL.sub("", url)
    try:
        parts = urlsplit(cleaned)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return cleaned


# The three snippets every item row repeats (a link, a severity, its flags), as functions:
# at 20,000 findings the same Jinja macros took ~2 s of the report. Output is the same markup
# (values escaped as `{{ }}` escapes them); templates call them as before.
def link(url: Any, text: Any = None) -> Markup:
    label = escape(text if text else url)
    href = safe_href(url)
    if href:
        return Markup(f'<a class="url" href="{escape(href)}" rel="noopener noreferrer nofollow" '
                      f'target="_blank">{label}</a>')
    return Markup(f'<span class="url">{label}</span>')


def sev(s: Any) -> Markup:
    return Markup(f'<span class="sev sev-{escape(s or "info")}">{escape(SEVERITY_ZH.get(s, s or ""))}</span>')


def flags(it: dict) -> Markup:
    out = []
    if it.get("new"):
        out.append(' <span class="tag tag-new">新增</span>')
    if it.get("regressed"):
        out.append(' <span class="tag tag-regressed">复现</span>')
    w = it.get("waived")
    if w:
        out.append(f' <span class="tag tag-waived" title="{escape(w["reason"])}（{escape(w["author"])}，至 '
                   f'{escape(w["expires"])}）">已豁免·{escape(w["kind_zh"])}</span>')
    if it.get("partly_waived"):
        out.append(' <span class="tag tag-waived">部分豁免</span>')
    return Markup("".join(out))


def pretty_json(value: Any) -> str:
    """Evidence as indented JSON text (a plain str: autoescaping applies)."""
    if isinstance(value, str):
        value = store.loads(value, value)
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True, default=str)


def local_time(stamp: Any) -> str:
    """'2026-11-23T04:29:07+00:00' -> '2026-11-23 12:29:07' (Beijing time, as inspectors read it)."""
    if not stamp:
        return ""
    try:
        when = dt.datetime.fromisoformat(str(stamp).replace("Z", "+00:00"))
    except ValueError:
        return str(stamp)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M:%S")


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text or "x")[:80] or "x"


def _static(name: str) -> str:
    return (Path(__file__).parent / "templates" / name).read_text(encoding="utf-8")


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_href"] = safe_href
    env.filters["pretty_json"] = pretty_json
    env.filters["slug"] = slug
    env.filters["local_time"] = local_time
    env.filters["sev_zh"] = lambda s: SEVERITY_ZH.get(s, s or "")
    env.filters["num"] = lambda x: "" if x is None else (f"{x:g}" if isinstance(x, float) else str(x))
    env.globals.update(link=link, sev=sev, flags=flags)
    env.globals["LIFECYCLE_ZH"] = LIFECYCLE_ZH
    env.globals["STATUS_ZH"] = STATUS_ZH
    env.globals["SCOPE_ZH"] = SCOPE_ZH
    env.filters["rule_title"] = lambda rule_id: catalogue.rule_info(rule_id).get("title_zh") or rule_id
    # Our own static code (never crawled text), pinned by hash in the page's CSP: an injected
    # script or event handler would not run even if escaping ever failed.
    css, js = _static("_style.css"), _static("_script.js")
    env.globals.update(style_css=Markup(css), script_js=Markup(js),
                       csp=f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
                           "img-src data:; base-uri 'none'; form-action 'none'")
    return env


# ------------------------------------------------------------------------- grouping
class _Page(tuple):
    """A page listed under an item, (url, column), read as `p["url"]` / `p["column"]`: a
    tuple, not a dict (~20 MB less at 120,000 items)."""

    __slots__ = ()
    _KEYS = {"url": 0, "column": 1}

    def __getitem__(self, key):
        return tuple.__getitem__(self, self._KEYS[key] if key.__class__ is str else key)


def _item(findings: list[dict], rule: dict) -> dict:
    """One thing to fix: one finding, or every finding about one link target."""
    first = findings[0]
    elements, seen = [], set()
    for f in findings:
        el = element_of(f)
        if el and el not in seen:
            seen.add(el)
            elements.append(el)
    pages = sorted({(f.get("page_url") or "", f.get("column_name") or "") for f in findings})
    states = {f.get("lifecycle") for f in findings}
    waived = [f.get("waiver") for f in findings if f.get("waiver")]
    return {
        "rule": first["rule"], "rule_title": rule.get("title_zh") or first["rule"],
        "severity": min((f.get("severity") or "info" for f in findings), key=lambda s: SEVERITY_ORDER.get(s, 9)),
        "message": first.get("message") or "", "url": first.get("url") or "", "elements": elements[:5],
        "more_elements": max(0, len(elements) - 5), "pages": [_Page(p) for p in pages[:PAGES_LISTED]],
        "page_count": len(pages), "more_pages": max(0, len(pages) - PAGES_LISTED),
        "count": len(findings), "new": "new" in states, "regressed": "regressed" in states,
        "first_seen": min((f.get("first_seen") or "" for f in findings), default=""),
        "waived": waived[0] if waived and len(waived) == len(findings) else None,
        "partly_waived": bool(waived) and len(waived) < len(findings),
        "evidence": first.get("evidence"), "fingerprint": first["fingerprint"],
        "columns": sorted({c for _, c in pages if c}),
    }


def group_items(findings: list[dict]) -> list[dict]:
    """Findings as items: link findings grouped by (rule, target), others one item each."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for f in findings:
        key = (f["rule"], f.get("url") or "") if is_link_rule(f["rule"]) else (f["rule"], f["id"] or id(f))
        groups[key].append(f)
    items = [_item(fs, catalogue.rule_info(fs[0]["rule"])) for fs in groups.values()]
    items.sort(key=lambda it: (SEVERITY_ORDER.get(it["severity"], 9), it["rule"], -it["page_count"], it["url"]))
    return items


def _column_of(item: dict) -> str:
    if len(item["columns"]) > 1:
        return SITEWIDE
    return item["columns"][0] if item["columns"] else NO_COLUMN


def _sections(items: list[dict]) -> list[dict]:
    """Consecutive items of one rule under one heading (fix and basis shown once)."""
    out: list[dict] = []
    for it in items:
        if not out or out[-1]["rule"]["id"] != it["rule"]:
            out.append({"rule": catalogue.rule_info(it["rule"]), "items": []})
        out[-1]["items"].append(it)
    return out


def _paginate(items: list[dict], base: str) -> list[tuple[str, list[dict]]]:
    """Pages of at most PAGE_ITEMS items, numbered across pages (copies: items are shared)."""
    items = [dict(it, n=i + 1) for i, it in enumerate(items)]
    chunks = [items[i:i + PAGE_ITEMS] for i in range(0, len(items), PAGE_ITEMS)] or [[]]
    return [(f"{base}.html" if n == 0 else f"{base}-p{n + 1}.html", chunk) for n, chunk in enumerate(chunks)]


# ------------------------------------------------------------------------- data
def _trend(db, run: dict) -> list[dict]:
    rows = list(db.query(
        "select r.id, r.as_of, r.status, r.started_at, s.points as score, s.note as score_note, "
        "(select count(*) from findings f where f.run_id = r.id) as findings "
        "from runs r left join scores s on s.run_id = r.id and s.indicator = 'total' "
        "where r.site = ? and r.id <= ? order by r.id desc limit 20", [run.get("site"), run["id"]]))
    rows.reverse()
    return rows


def _sparkline(trend: list[dict]) -> dict | None:
    points = [(i, r["score"]) for i, r in enumerate(trend) if r["score"] is not None]
    if len(points) < 2:
        return None
    w, h, n = 240, 48, max(len(trend) - 1, 1)
    coords = [(round(4 + i * (w - 8) / n, 1), round(h - 4 - (s / 100.0) * (h - 8), 1)) for i, s in points]
    return {"w": w, "h": h, "points": " ".join(f"{x},{y}" for x, y in coords), "dots": coords}


def _not_checked(db, run_id: int, run: dict) -> dict:
    tables = db.table_names()
    skipped = []
    if "skipped" in tables:
        for reason, n in db.execute("select reason, count(*) from skipped where run_id = ? group by reason "
                                    "order by count(*) desc", [run_id]).fetchall():
            skipped.append({"reason": reason, "label": SKIP_REASONS_ZH.get(reason, reason), "count": n})
    outcomes = []
    if "targets" in tables:
        for outcome, n in db.execute("select outcome, count(*) from targets where run_id = ? group by outcome "
                                     "order by count(*) desc", [run_id]).fetchall():
            outcomes.append({"outcome": outcome, "label": OUTCOMES_ZH.get(outcome, outcome), "count": n,
                             "unjudged": outcome in UNJUDGED_OUTCOMES})
    failed_pages = 0
    if "pages" in tables:
        failed_pages = db.execute("select count(*) from pages where run_id = ? and (status is null or error is not "
                                  "null and error != '')", [run_id]).fetchone()[0]
    stats = store.loads(run.get("stats"), {}) or {}
    return {"skipped": skipped, "skipped_total": sum(s["count"] for s in skipped), "outcomes": outcomes,
            "unjudged_total": sum(o["count"] for o in outcomes if o["unjudged"]), "failed_pages": failed_pages,
            "stats": stats if isinstance(stats, dict) else {}, "interrupted": run.get("status") != "completed"}


def _skipped_lists(db, run_id: int) -> list[dict]:
    if "skipped" not in db.table_names():
        return []
    out = []
    for (reason,) in db.execute("select distinct reason from skipped where run_id = ? order by reason", [run_id]):
        rows = list(db.query("select url, detail, page_url from skipped where run_id = ? and reason = ? "
                             "order by url limit ?", [run_id, reason, SKIPPED_LISTED]))
        total = db.execute("select count(*) from skipped where run_id = ? and reason = ?", [run_id, reason]).fetchone()[0]
        out.append({"reason": reason, "label": SKIP_REASONS_ZH.get(reason, reason), "rows": rows, "total": total})
    return out


def _rule_counts(findings: list[dict], items: list[dict]) -> list[dict]:
    counts: dict[str, Counter] = defaultdict(Counter)
    for f in findings:
        c = counts[f["rule"]]
        c[f.get("severity") or "info"] += 1
        c["total"] += 1
        if f.get("lifecycle") in ("new", "regressed"):
            c["new"] += 1
        if f.get("waiver"):
            c["waived"] += 1
    item_counts = Counter(it["rule"] for it in items)
    rows = []
    for rule_id, c in counts.items():
        info = catalogue.rule_info(rule_id)
        rows.append({"id": rule_id, "title": info["title_zh"], "known": info["known"], "error": c["error"],
                     "warning": c["warning"], "info": c["info"], "total": c["total"], "new": c["new"],
                     "waived": c["waived"], "items": item_counts[rule_id], "file": f"rule-{slug(rule_id)}.html",
                     "severity": info.get("severity")})
    rows.sort(key=lambda r: (-r["error"], -r["warning"], -r["total"], r["id"]))
    return rows


def site_name(db, run: dict) -> str:
    """The portal's name as a reader sees it: the home page's title (else the start page's)."""
    if "pages" not in db.table_names():
        return ""
    row = db.execute("select title from pages where run_id = ? and title is not null and title != '' "
                     "order by (kind = 'home') desc, (url = ?) desc, depth limit 1",
                     [run["id"], run.get("start_url")]).fetchone()
    return (row[0] or "").strip()[:80] if row else ""


def _resolve_profile(profile: Any, run: dict) -> Any:
    if profile is not None:
        return profile
    try:
        from xxgk.profile import load_profile

        name = (run.get("profile") or "").removeprefix("bundled:") or None
        return load_profile(name)
    except Exception:
        try:
            from xxgk.profile import load_profile

            return load_profile(None)
        except Exception:
            return None


# ------------------------------------------------------------------------- writing
def write_report(db, run_id: int, out_dir: str | Path, profile: Any = None, waivers: Any = None,
                 exports: tuple[str, ...] = ("csv", "json", "xlsx")) -> Path:
    """Write the run's report into `out_dir` and return the path of index.html.

    `profile`: the scoring profile (default: the run's own); `waivers`: a list, a waiver file
    path, or None for the profile's `waivers.file`; `exports`: which findings files to add."""
    run = store.get_run(db, run_id)
    if run is None:
        raise ValueError(f"no run {run_id} in the database")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    profile = _resolve_profile(profile, run)
    env = _env()

    findings = load_findings(db, run_id, slim=True)
    wv = waivers_mod.resolve(waivers, profile)
    waived = waivers_mod.waived_findings(findings, wv, run.get("as_of"))
    change = diff.diff_previous(db, run_id, findings)  # sets f["lifecycle"], f["first_seen"]
    for f in findings:
        w = waived.get(f.get("id"))
        f["waiver"] = w.as_dict() if w else None
        if change["baseline"]:
            f["lifecycle"] = None
    score = scoring.score_run(db, run_id, profile, wv, findings)
    items = group_items(findings)

    by_column: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        by_column[_column_of(it)].append(it)
    col_names = sorted(by_column, key=lambda c: (c != SITEWIDE, c == NO_COLUMN, -len(by_column[c]), c))
    columns = []
    for i, name in enumerate(col_names, start=1):
        its = by_column[name]
        columns.append({"name": name, "file": f"col-{i}.html", "base": f"col-{i}", "items": its,
                        "findings": sum(it["count"] for it in its), "new": sum(1 for it in its if it["new"]),
                        "error": sum(1 for it in its if it["severity"] == "error"),
                        "sitewide": name == SITEWIDE})
    rule_rows = _rule_counts(findings, items)
    severity = Counter(f.get("severity") or "info" for f in findings)
    waiver_rows = []
    for w in wv:
        matched = sum(1 for f in findings if w.matches(f))
        waiver_rows.append({**w.as_dict(), "active": w.active(run.get("as_of")), "matched": matched})

    common = {"run": run, "site": run.get("site") or "", "site_name": site_name(db, run), "score": score,
              "generated_by": run.get("tool_version")}
    lifecycle = {f["fingerprint"]: f["lifecycle"] for f in findings if f.get("lifecycle")}
    written_exports = _write_exports(db, run_id, out, exports, wv, profile, lifecycle)
    trend = _trend(db, run)
    index = out / "index.html"
    index.write_text(env.get_template("index.html").render(
        **common, page="index", title="巡检概览", columns=columns, rules=rule_rows, severity=severity,
        total_findings=len(findings), total_items=len(items), change=change, trend=trend,
        spark=_sparkline(trend), not_checked=_not_checked(db, run_id, run), waivers=waiver_rows,
        exports=written_exports, registry=catalogue.registry_available(), SITEWIDE=SITEWIDE), encoding="utf-8")

    for col in columns:
        pages = _paginate(col["items"], col["base"])
        for n, (fname, chunk) in enumerate(pages):
            (out / fname).write_text(env.get_template("items.html").render(
                **common, page="column", title=f"栏目整改清单：{col['name']}", heading=col["name"], kind="column",
                column=col, sections=_sections(chunk), pager=_pager(pages, n), show_evidence=False,
                total=len(col["items"])), encoding="utf-8")

    items_by_rule: dict[str, list[dict]] = defaultdict(list)
    for it in items:
        items_by_rule[it["rule"]].append(it)
    for row in rule_rows:
        pages = _paginate(items_by_rule[row["id"]], row["file"][:-5])
        for n, (fname, chunk) in enumerate(pages):
            (out / fname).write_text(env.get_template("items.html").render(
                **common, page="rule", title=f"规则：{row['title']}", heading=row["title"], kind="rule",
                rule=catalogue.rule_info(row["id"]), counts=row, sections=_sections(chunk), pager=_pager(pages, n),
                show_evidence=True, total=len(items_by_rule[row["id"]])), encoding="utf-8")

    counts_by_rule = {r["id"]: r for r in rule_rows}
    known_ids = {r["id"] for r in catalogue.all_rules()}
    (out / "rules.html").write_text(env.get_template("rules.html").render(
        **common, page="rules", title="规则目录", rules=catalogue.all_rules(), counts=counts_by_rule,
        unknown=[r for r in rule_rows if r["id"] not in known_ids], slug=slug), encoding="utf-8")

    (out / "changes.html").write_text(env.get_template("changes.html").render(
        **common, page="changes", title="与上次巡检对比", change=change, limit=CHANGES_LISTED), encoding="utf-8")
    (out / "skipped.html").write_text(env.get_template("skipped.html").render(
        **common, page="skipped", title="未检查的内容", not_checked=_not_checked(db, run_id, run),
        lists=_skipped_lists(db, run_id), limit=SKIPPED_LISTED), encoding="utf-8")
    return index


def _pager(pages: list[tuple[str, list]], current: int) -> dict | None:
    if len(pages) < 2:
        return None
    return {"pages": [{"n": i + 1, "file": f, "current": i == current} for i, (f, _) in enumerate(pages)],
            "prev": pages[current - 1][0] if current > 0 else None,
            "next": pages[current + 1][0] if current + 1 < len(pages) else None}


def _write_exports(db, run_id: int, out: Path, formats: tuple[str, ...], wv, profile, lifecycle: dict) -> list[dict]:
    """The findings files, written in one pass over the findings read from a cursor (no list
    of all rows)."""
    done = []
    formats = tuple(fmt for fmt in formats if fmt in ("csv", "json", "xlsx"))
    if not formats:
        return done
    rows = export.iter_rows(db, run_id, waivers=wv, profile=profile, lifecycle=lifecycle)
    total = db.execute("select count(*) from findings where run_id = ?", [run_id]).fetchone()[0] \
        if "findings" in db.table_names() else 0
    paths = {fmt: out / f"findings.{fmt}" for fmt in formats}
    export.write_files(rows, paths, by_column=total <= 5000)
    for fmt in formats:
        done.append({"format": fmt.upper(), "file": paths[fmt].name, "size": paths[fmt].stat().st_size})
    return done
