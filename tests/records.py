"""Records fixtures for the rule tests: a run's rows written straight into a temp database."""

from __future__ import annotations

import datetime as dt
import json

from checks.context import Context
from xxgk import store
from xxgk.profile import load_profile

SITE = "http://gov.test"


class Records:
    """A temp audit database with one run (more with `new_run`) and row helpers."""

    def __init__(self, tmp_path, run_id: int = 1, as_of: str = "2026-03-20", start_url: str = SITE + "/"):
        self.db = store.open_db(tmp_path / "a.sqlite")
        self.run_id = run_id
        self.start_url = start_url
        self.new_run(run_id, as_of, start_url)

    def new_run(self, run_id: int, as_of: str = "2026-03-20", start_url: str | None = None,
                started_at: str | None = None) -> int:
        start_url = start_url or self.start_url
        self.db["runs"].insert({
            "id": run_id, "start_url": start_url, "site": start_url.split("/")[2], "as_of": as_of,
            "started_at": started_at or f"{as_of}T01:00:00Z", "finished_at": f"{as_of}T02:00:00Z",
            "status": "completed", "profile": "default",
        })
        self.run_id = run_id
        return run_id

    def _insert(self, table: str, row: dict) -> dict:
        row = {"run_id": self.run_id, **row}
        for k, v in list(row.items()):
            if isinstance(v, (dict, list)):
                row[k] = json.dumps(v, ensure_ascii=False)
        self.db[table].insert(row, alter=False)
        return row

    def page(self, url: str, kind: str = "other", **kw) -> dict:
        return self._insert("pages", {"url": url, "final_url": url, "status": 200, "kind": kind, **kw})

    def link(self, page_url: str, url: str, text: str = "", tag: str = "a", attribute: str = "href",
             internal: int = 1) -> dict:
        return self._insert("links", {"page_url": page_url, "url": url, "text": text, "tag": tag,
                                      "attribute": attribute, "internal": internal})

    def target(self, url: str, outcome: str = "ok", status: int | None = 200, **kw) -> dict:
        return self._insert("targets", {"url": url, "outcome": outcome, "status": status, **kw})

    def column(self, url: str, name: str, kind: str = "list", on_platform: int | None = 1, **kw) -> dict:
        return self._insert("columns", {"url": url, "name": name, "kind": kind, "on_platform": on_platform, **kw})

    def entry(self, column_url: str, title: str, url: str, date: str | None, position: int = 0, **kw) -> dict:
        return self._insert("entries", {"column_url": column_url, "list_url": kw.pop("list_url", column_url),
                                        "title": title, "url": url, "date": date, "position": position, **kw})

    def document(self, url: str, title: str = "文件", column_url: str | None = None, **kw) -> dict:
        kw.setdefault("published_source", "table" if kw.get("published") else None)
        return self._insert("documents", {"url": url, "title": title, "column_url": column_url, **kw})

    def context(self, as_of: str | dt.date = "2026-03-20", profile=None, calendar=None) -> Context:
        day = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
        return Context(self.db, self.run_id, profile if profile is not None else load_profile(), day, calendar)

    def findings(self, rule: str | None = None, run_id: int | None = None) -> list[dict]:
        sql, params = "select * from findings where run_id = ?", [run_id or self.run_id]
        if rule:
            sql += " and rule = ?"
            params.append(rule)
        return list(self.db.query(sql + " order by id", params))


def run_rule(records: Records, func, as_of: str = "2026-03-20", profile=None, calendar=None) -> list:
    """The findings one rule function yields on the records."""
    return list(func(records.context(as_of, profile, calendar)))


def platform(records: Records) -> str:
    """A platform index page and the column that holds documents: returns the column URL."""
    records.page(SITE + "/zwgk/", "platform", title="政务公开")
    records.column(SITE + "/zwgk/tzgg/", "通知公告", parent_url=SITE + "/zwgk/")
    return SITE + "/zwgk/tzgg/"
