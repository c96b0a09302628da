"""Reading one run's findings for the reports: parsed evidence, fingerprints, elements."""

from __future__ import annotations

import hashlib
from typing import Any

from xxgk import store

LINK_RULES_PREFIX = "link."


def fingerprint_of(finding: dict) -> str:
    """The stored fingerprint, or (for rows written without one) rule + url + page_url hashed."""
    fp = finding.get("fingerprint")
    if fp:
        return fp
    raw = "\x1f".join(str(finding.get(k) or "") for k in ("rule", "url", "page_url"))
    return "h:" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:16]


# The evidence keys the reports read besides the evidence text: element_of's and the
# scoring scope's (on_home, class).
EV_KEYS = ("text", "tag", "attribute", "title", "category", "class", "on_home")


def load_findings(db, run_id: int, column: str | None = None, slim: bool = False) -> list[dict]:
    """Every finding of the run (optionally one column's), evidence parsed into `ev`.

    `slim`: `ev` holds only EV_KEYS (None when it has none of them) and repeated texts (rule,
    severity, column, first_seen; page_url when it equals url) are one object each: a third
    of the memory (100,000 findings took ~330 MB as full rows)."""
    if "findings" not in db.table_names():
        return []
    sql = "select * from findings where run_id = ?"
    params: list[Any] = [run_id]
    if column is not None:
        sql += " and coalesce(column_name, '') = ?"
        params.append(column)
    if not slim:
        rows = list(db.query(sql + " order by rule, url, page_url, id", params))
        for row in rows:
            ev = store.loads(row.get("evidence"), {})
            row["ev"] = ev if isinstance(ev, dict) else {"value": ev}
            row["fingerprint"] = fingerprint_of(row)
        return rows
    cursor = db.conn.execute(sql + " order by rule, url, page_url, id", params)
    names = [d[0] for d in cursor.description]
    shared: dict = {}
    share = shared.setdefault
    repeated = [i for i, n in enumerate(names) if n in ("run_id", "rule", "severity", "column_name", "first_seen")]
    rows = []
    for values in cursor:
        if repeated:
            values = list(values)
            for i in repeated:
                v = values[i]
                if v.__class__ is str:  # texts only: 1 and 1.0 are equal keys
                    values[i] = share(v, v)
        row = dict(zip(names, values, strict=True))
        if row.get("page_url") is not None and row["page_url"] == row.get("url"):
            row["page_url"] = row["url"]
        row["ev"] = slim_ev(row.get("evidence"))
        row["fingerprint"] = fingerprint_of(row)
        rows.append(row)
    return rows


def slim_ev(evidence: Any) -> dict | None:
    """The EV_KEYS of a finding's evidence (JSON text), or None when it has none."""
    ev = store.loads(evidence, {})
    if not isinstance(ev, dict) or not ev:
        return None
    out = {k: ev[k] for k in EV_KEYS if k in ev}
    return out or None


def element_of(finding: dict) -> str:
    """The element at fault as a webmaster finds it: anchor text and tag for links."""
    ev = finding.get("ev") or {}
    text = (ev.get("text") or "").strip()
    tag = ev.get("tag")
    if text and tag:
        return f"<{tag}> {text}"
    if text:
        return text
    if tag:
        return f"<{tag}>" + (f" {ev.get('attribute')}" if ev.get("attribute") else "")
    for key in ("title", "category", "class"):
        if ev.get(key):
            return str(ev[key])
    return ""


def is_link_rule(rule: str | None) -> bool:
    return bool(rule) and rule.startswith(LINK_RULES_PREFIX)


def run_label(run: dict) -> str:
    return f"#{run['id']} {run.get('as_of') or ''}".strip()
