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


def load_findings(db, run_id: int, column: str | None = None) -> list[dict]:
    """Every finding of the run (optionally one column's), evidence parsed into `ev`."""
    if "findings" not in db.table_names():
        return []
    sql = "select * from findings where run_id = ?"
    params: list[Any] = [run_id]
    if column is not None:
        sql += " and coalesce(column_name, '') = ?"
        params.append(column)
    rows = list(db.query(sql + " order by rule, url, page_url, id", params))
    for row in rows:
        ev = store.loads(row.get("evidence"), {})
        row["ev"] = ev if isinstance(ev, dict) else {"value": ev}
        row["fingerprint"] = fingerprint_of(row)
    return rows


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
