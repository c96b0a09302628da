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
"""

from __future__ import annotations

import datetime as dt
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
              echo: Callable[[str], None] | None = None) -> Path:
    """Audit every site (a site that fails is recorded and the batch goes on); write the overview."""
    from reports import html
    from reports.overview import write_overview

    say = echo or (lambda _msg: None)
    out = Path(out_dir)
    for entry in entries:
        say(f"auditing {entry.name} ({entry.url}) with profile {entry.profile}")
        try:
            result = run_audit(entry.url, db_path=db_path, profile=load_profile(entry.profile), as_of=as_of,
                               max_pages=max_pages, concurrency=concurrency, delay=delay)
            say(f"  run {result.run_id}: {result.status}, {result.findings} findings")
        except AuditError as exc:
            say(f"  failed: {exc}")
            continue
        db = store.open_db(db_path)
        try:
            run = store.get_run(db, result.run_id)
            stats = store.loads(run["stats"], {}) or {}
            db["runs"].update(result.run_id, {"stats": store.dumps({**stats, "batch": entry.__dict__})})
            html.write_report(db, result.run_id, out / html.slug(run["site"]), load_profile(entry.profile))
        finally:
            db.close()
    db = store.open_db(db_path)
    try:
        return write_overview(db, out)
    finally:
        db.close()
