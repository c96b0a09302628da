"""Helpers for report, scoring and export tests: a temp store with runs and findings inserted
directly (no crawl, no checks)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from xxgk import store

XSS_TITLE = "<script>alert(1)</script>"
XSS_ANCHOR = '"><img src=x onerror=alert(1)>'


def make_db(tmp_path: Path, name: str = "audit.sqlite"):
    return store.open_db(tmp_path / name)


def add_run(db, site: str = "www.example.gov.cn", as_of: str = "2026-11-20", status: str = "completed",
            started_at: str | None = None, stats: dict | None = None, profile: str = "bundled:default") -> int:
    n = (db.execute("select count(*) from runs").fetchone()[0] or 0) + 1
    row = {"start_url": f"https://{site}/", "site": site, "as_of": as_of,
           "started_at": started_at or f"2026-11-{n:02d}T08:00:00Z",
           "finished_at": started_at or f"2026-11-{n:02d}T09:00:00Z", "status": status, "profile": profile,
           "settings": "{}", "stats": json.dumps(stats or {}), "tool_version": "test"}
    return db["runs"].insert(row).last_pk


def fp(rule: str, url: str, page_url: str | None = None, key: str = "") -> str:
    return hashlib.sha1(f"{rule}|{url}|{page_url or ''}|{key}".encode()).hexdigest()[:20]


def add_finding(db, run_id: int, rule: str, url: str, page_url: str | None = None, column_name: str | None = None,
                message: str = "问题", severity: str = "error", evidence: dict | None = None,
                fingerprint: str | None = None) -> int:
    row = {"run_id": run_id, "rule": rule, "severity": severity, "url": url, "page_url": page_url or url,
           "column_name": column_name, "message": message,
           "evidence": json.dumps(evidence or {}, ensure_ascii=False),
           "fingerprint": fingerprint or fp(rule, url, page_url or url)}
    return db["findings"].insert(row).last_pk


def add_broken_link(db, run_id: int, target: str, pages: list[str], text: str = "失效链接", column: str | None = None,
                    on_home: bool = False, status: int = 404) -> None:
    """One broken target linked from many pages: one finding per (page_url, url)."""
    for page in pages:
        add_finding(db, run_id, "link.broken", target, page, column_name=column,
                    message=f"“{text}”不可用：HTTP {status}",
                    evidence={"tag": "a", "text": text, "status": status, "outcome": "http_status",
                              "on_home": on_home, "pages_with_link": len(pages)})


def add_skipped(db, run_id: int, reason: str, n: int = 1) -> None:
    db["skipped"].insert_all([{"run_id": run_id, "url": f"https://x/{reason}/{i}", "reason": reason,
                               "detail": "", "page_url": "https://x/"} for i in range(n)])


def add_target(db, run_id: int, url: str, outcome: str) -> None:
    db["targets"].insert({"run_id": run_id, "url": url, "outcome": outcome, "status": None}, replace=True)


def add_column(db, run_id: int, url: str, name: str) -> None:
    db["columns"].insert({"run_id": run_id, "url": url, "name": name, "kind": "list", "entry_count": 3},
                         replace=True)
