"""What a rule sees: one stored run, the profile and `as_of`, with cached queries.

Rules are functions `(ctx) -> Iterable[Finding]`; they read no clock and no network. The
context loads each table of the run once and offers the joins the rules share (a document's
column, platform membership, dates).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from xxgk import store

from .calendar import CalendarMissing, WorkCalendar
from .prefilter import raw_forms
from .text import any_match, parse_date, simplify


@dataclass
class Finding:
    """One thing wrong. `key` says *what* is wrong in a way that stays the same from run to
    run (it feeds the fingerprint); `message` is the concise Chinese sentence a reader sees."""

    rule: str
    url: str
    message: str
    page_url: str | None = None
    column_name: str | None = None
    evidence: dict = field(default_factory=dict)
    key: str = ""
    severity: str | None = None  # None: the rule's registered severity


def in_json(column: str, values) -> tuple[str, list]:
    """A `links_where` condition `column IN values`: one JSON parameter, however many values."""
    return (f"[{column}] in (select value from json_each(?))",
            [json.dumps(sorted({v for v in values if v is not None}), ensure_ascii=False)])


_ROW_CLASSES: dict[tuple, type] = {}


def _row_class(names: tuple[str, ...]) -> type:
    """A tuple class with dict-style read access by column name (`row[k]`, `row.get(k)`,
    `k in row`); made from a tuple of values in C, which matters at millions of rows."""
    cls = _ROW_CLASSES.get(names)
    if cls is None:
        index = {name: i for i, name in enumerate(names)}
        item = tuple.__getitem__

        def get(self, key, default=None):
            i = index.get(key)
            return default if i is None else item(self, i)

        def __getitem__(self, key):
            if key.__class__ is str:
                if key not in index:
                    raise KeyError(key)
                return item(self, index[key])
            return item(self, key)

        def keys(self):
            return list(names)

        cls = type("Row", (tuple,), {"__slots__": (), "get": get, "__getitem__": __getitem__,
                                     "__contains__": lambda self, key: key in index, "keys": keys})
        _ROW_CLASSES[names] = cls
    return cls


def _lazy_row_class(names: tuple[str, ...], column: str, load) -> type:
    """A row class like `_row_class(names)` with one more, large column that the row does not
    hold: `row[column]` / `row.get(column)` return `load(row["url"])` (a page's extract, a
    document's body text)."""
    base = _row_class(names)
    url, item = names.index("url"), tuple.__getitem__

    def get(self, key, default=None):
        return load(item(self, url)) if key == column else base.get(self, key, default)

    def __getitem__(self, key):
        return load(item(self, url)) if key == column else base.__getitem__(self, key)

    return type("LazyRow", (base,), {"__slots__": (), "get": get, "__getitem__": __getitem__,
                                     "__contains__": lambda self, key: key == column or base.__contains__(self, key)})


class Context:
    def __init__(self, db, run_id: int, profile, as_of: dt.date, calendar: WorkCalendar | None = None):
        self.db = db
        self.run_id = run_id
        self.profile = profile if profile is not None else {}
        self.as_of = as_of
        self.calendar = calendar if calendar is not None else WorkCalendar.from_profile(self.profile)
        # year -> list of {"url", "rule", "need"} that could not be judged for lack of a calendar
        self.calendar_gaps: dict[int, list[dict]] = defaultdict(list)
        self._fields_cache: dict[tuple, dict] = {}

    # ------------------------------------------------------------------ profile
    def opt(self, dotted: str, default: Any = None) -> Any:
        node: Any = self.profile
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return default
            node = node[part]
        return node

    # ------------------------------------------------------------------ tables
    def _rows(self, table: str, names: tuple[str, ...] | None = None, cls: type | None = None,
              where: str = "", params: tuple = ()) -> list:
        """The run's rows of `table` (columns `names`, default all) as compact read-only rows
        (`row["url"]`, `row.get("date")`): a tuple each, not a dict (a third of the memory)."""
        if table not in self.db.table_names():
            return []
        names = names or tuple(self.db[table].columns_dict)
        cls = cls or _row_class(names)
        select = ", ".join(f"[{c}]" for c in names)
        new = tuple.__new__
        cursor = self.db.conn.execute(f"select {select} from [{table}] where run_id = ?{where}", [self.run_id, *params])
        # Equal texts are one object: a portal's pages repeat their kind, column, meta tags and
        # titles (at 100,000 pages ~22,000 distinct meta texts, ~17,000 titles). URLs are
        # unique and left alone; numbers too (1 and 1.0 are equal keys, and must stay apart).
        repeated = [i for i, name in enumerate(names) if name not in ("url", "id")]
        if not repeated:
            return [new(cls, row) for row in cursor]
        share = {}.setdefault
        out = []
        for row in cursor:
            values = list(row)
            for i in repeated:
                v = values[i]
                if v.__class__ is str:
                    values[i] = share(v, v)
            out.append(new(cls, values))
        return out

    @cached_property
    def run(self) -> dict:
        return store.get_run(self.db, self.run_id) or {"id": self.run_id}

    # The pages columns rules read. The others (headers, fetch times, sizes) are left in the
    # store: at 20,000 pages a row of every column costs ~60 MB.
    PAGE_COLUMNS = ("url", "final_url", "status", "kind", "title", "column_name", "published", "meta",
                    "site_identity")

    @cached_property
    def pages(self) -> dict[str, Any]:
        """url -> pages row (PAGE_COLUMNS, and `extract`). The `extract` JSON (about 25 KB a
        page; two rules read it on a few pages) is read from the store when asked for and
        remembered for that page."""
        if "pages" not in self.db.table_names():
            return {}
        have = self.db["pages"].columns_dict
        names = tuple(c for c in self.PAGE_COLUMNS if c in have)
        cls = _lazy_row_class(names, "extract", self._page_extract)
        return {p["url"]: p for p in self._rows("pages", names, cls)}

    def _page_extract(self, url: str) -> str | None:
        cache = self.__dict__.setdefault("_extracts", {})
        if url not in cache:
            row = self.db.execute(f"select {store.RECORD} from pages p {store.RECORD_JOIN} "
                                  "where p.run_id = ? and p.url = ?", [self.run_id, url]).fetchone()
            cache[url] = row[0] if row else None
        return cache[url]

    @cached_property
    def pages_by_final_url(self) -> dict[str, dict]:
        out = {}
        for p in self.pages.values():
            out.setdefault(p.get("final_url") or p["url"], p)
        return out

    @cached_property
    def _link_columns(self) -> tuple[str, ...]:
        return tuple(self.db["links"].columns_dict) if "links" in self.db.table_names() else ()

    @cached_property
    def _link_sources(self) -> list[tuple[int, str, list]]:
        """(run, extra SQL condition, its parameters) of where the run's links are: its own rows,
        and those of the runs its pages answered 304 stand on (xxgk.store.link_sources)."""
        return [(run, f" and {cond}" if cond else "", params)
                for run, cond, params in store.link_sources(self.db.conn, self.run_id)]

    def links_where(self, *conditions: tuple[str, list]) -> list:
        """The run's link occurrences that meet any of `conditions` (SQL on `links`, with its
        parameters), as rows (`link["url"]`, `link.get("text")` ...), ordered by page URL, then
        by their order on the page (the order rules saw when they read the whole table).

        20,000 pages hold ~1.7 million links, mostly the same header and footer ones, and a
        rule needs a few hundred of them (links to broken targets, links on the home page):
        each condition is one query the (run_id, url) or (run_id, page_url) index answers,
        so the rest never enters Python. Conditions are separate queries, not one OR, for
        SQLite would then walk the whole page_url index. `in_json` makes a list parameter."""
        names = self._link_columns
        if not names:
            return []
        # a row read where a page answered 304 stands on is this run's link all the same
        select = ", ".join("? as [run_id]" if c == "run_id" else f"[{c}]" for c in names)
        found: dict[int, tuple] = {}
        head = [self.run_id] if "run_id" in names else []
        for where, params in conditions:
            for holder, extra, more in self._link_sources:
                for row in self.db.conn.execute(
                        f"select rowid, {select} from links where run_id = ? and ({where}){extra}",
                        [*head, holder, *params, *more]):
                    found[row[0]] = row
        page = names.index("page_url") + 1
        cls, new = _row_class(names), tuple.__new__
        ordered = sorted(found.values(), key=lambda r: (r[page] is not None, r[page] or "", r[0]))
        return [new(cls, r[1:]) for r in ordered]

    def link_texts(self, containing: str | None = None) -> list:
        """The distinct anchor texts of the run's links (one scan inside SQLite); with
        `containing` (one ideograph), only those that may hold it once simplified (any of its
        raw forms, checks/prefilter.py), tested in SQLite too. The scan reads the table in
        rowid order over the run's rowid range (a third of the cost of visiting the rows in
        the order of an index on run_id: 1.7 million rows at 20,000 pages)."""
        if not self._link_columns:
            return []
        where, params = "", []
        if containing:
            forms = raw_forms(containing)
            where = " and (" + " or ".join(["instr(text, ?) > 0"] * len(forms)) + ")"
            params = list(forms)
        texts: dict = {}
        for holder, extra, more in self._link_sources:
            lo, hi = self.db.conn.execute("select min(rowid), max(rowid) from links where run_id = ?",
                                          [holder]).fetchone()
            if lo is None:
                continue
            sql = f"select distinct text from links not indexed where rowid between ? and ? and run_id = ?{where}{extra}"
            texts.update(dict.fromkeys(t for (t,) in self.db.conn.execute(sql, [lo, hi, holder, *params, *more])))
        return list(texts)

    def targets_with(self, outcomes) -> dict[str, Any]:
        """url -> targets row of the run's link targets with one of `outcomes` (the broken ones
        are a few hundred of the ~45,000 targets of a 20,000-page run)."""
        where, params = in_json("outcome", outcomes)
        return {t["url"]: t for t in self._rows("targets", where=f" and {where}", params=tuple(params))}

    @cached_property
    def columns(self) -> dict[str, dict]:
        return {c["url"]: c for c in self._rows("columns")}

    @cached_property
    def entries(self) -> list[dict]:
        return self._rows("entries")

    @cached_property
    def entries_by_column(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = defaultdict(list)
        for e in self.entries:
            out[e.get("column_url") or e.get("list_url") or ""].append(e)
        return out

    @cached_property
    def documents(self) -> list[dict]:
        """Document rows; `body_text` (up to 20,000 characters each) is read from the store
        whenever a rule asks for it, never kept: 20,000 documents would hold ~500 MB."""
        if "documents" not in self.db.table_names():
            return []
        names = tuple(c for c in self.db["documents"].columns_dict if c != "body_text")
        rows = self._rows("documents", names, _lazy_row_class(names, "body_text", self._body_text))
        return sorted(rows, key=lambda d: d["url"])

    def bodies(self):
        """(url, body_text) of every document, streamed (one query, nothing kept)."""
        if "documents" not in self.db.table_names():
            return iter(())
        # a page answered 304 has its body where it stands (xxgk.store.DOC_BODY)
        return self.db.conn.execute(f"select d.url, {store.DOC_BODY} from documents d {store.DOC_BODY_JOIN} "
                                    "where d.run_id = ?", [self.run_id])

    def _body_text(self, url: str) -> str | None:
        row = self.db.execute(f"select {store.DOC_BODY} from documents d {store.DOC_BODY_JOIN} "
                              "where d.run_id = ? and d.url = ?", [self.run_id, url]).fetchone()
        return row[0] if row else None

    @cached_property
    def column_of_list_page(self) -> dict[str, str]:
        """list page URL (any page of a column) -> the column's URL."""
        out = {url: url for url in self.columns}
        for e in self.entries:
            if e.get("list_url") and e.get("column_url") in self.columns:
                out.setdefault(e["list_url"], e["column_url"])
        return out

    @cached_property
    def _entry_column(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for e in self.entries:
            col = e.get("column_url")
            if e.get("url") and col in self.columns:
                out.setdefault(e["url"], col)
        return out

    def doc_column(self, doc: dict) -> dict | None:
        """The column that lists a document: its `column_url` (first or later list page),
        else the column of an entry pointing at it."""
        col_url = self.column_of_list_page.get(doc.get("column_url") or "")
        if col_url is None:
            col_url = self._entry_column.get(doc["url"])
        return self.columns.get(col_url) if col_url else None

    # ------------------------------------------------------------------ platform
    @cached_property
    def platform_flag_known(self) -> bool:
        """True when the crawler decided platform membership (some `on_platform` not NULL)."""
        return any(c.get("on_platform") is not None for c in self.columns.values())

    def _url_on_platform(self, url: str) -> bool:
        return bool(url) and any_match(self.opt("platform.url_patterns", []), url) is not None

    def column_on_platform(self, col: dict | None) -> bool:
        if col is None:
            return False
        if col.get("on_platform") is not None:
            return bool(col["on_platform"])
        # No decision stored: the URL tokens of the platform (xxgk, zwgk, gkml, ...) decide.
        seen, node = set(), col
        while node is not None and node["url"] not in seen:
            seen.add(node["url"])
            if self._url_on_platform(node["url"]) or any_match(self.opt("platform.name_patterns", []),
                                                                node.get("name") or ""):
                return True
            node = self.columns.get(node.get("parent_url") or "")
        return False

    def doc_on_platform(self, doc: dict) -> bool:
        col = self.doc_column(doc)
        if col is not None:
            return self.column_on_platform(col)
        if self.platform_flag_known:
            return False
        return self._url_on_platform(doc["url"]) or self._url_on_platform(doc.get("column_url") or "")

    def doc_disclosed(self, doc: dict) -> bool:
        """A document in a disclosure column: on the platform, or in a column (or at a URL) whose
        path carries a disclosure token (/zwgk/, /xxgk/, ...) even when the crawler placed that
        column outside the platform tree (e.g. a 市政府文件 column of the CMS's own news part),
        or a document that shows a 索引号: an entry of the 政府信息公开目录 wherever its column
        sits (a 通知公告 column of the news part, a 繁體 mirror)."""
        if self.doc_on_platform(doc):
            return True
        if self.field(doc, ("索引号",)):
            return True
        col = self.doc_column(doc)
        urls = [doc["url"], doc.get("column_url") or "", (col or {}).get("url") or ""]
        return any(self._url_on_platform(u) for u in urls if u)

    @cached_property
    def platform_pages(self) -> list[dict]:
        return sorted((p for p in self.pages.values() if p.get("kind") == "platform"), key=lambda p: p["url"])

    @cached_property
    def home_page(self) -> dict | None:
        homes = sorted((p for p in self.pages.values() if p.get("kind") == "home"), key=lambda p: p["url"])
        start = self.run.get("start_url")
        if start and start in self.pages:
            return self.pages[start]
        return homes[0] if homes else None

    @property
    def site_url(self) -> str:
        return self.run.get("start_url") or (self.home_page or {}).get("url") or ""

    # ------------------------------------------------------------------ helpers
    def date(self, text) -> dt.date | None:
        return parse_date(text, self.as_of)

    def doc_fields(self, doc: dict) -> dict:
        return store.loads(doc.get("fields"), {}) or {}

    def doc_meta(self, doc: dict) -> dict:
        meta = store.loads(doc.get("meta"), None)
        if meta is None and doc["url"] in self.pages:
            meta = store.loads(self.pages[doc["url"]].get("meta"), None)
        return meta or {}

    def field(self, doc: dict, labels) -> str | None:
        """The first non-empty value among canonical `labels` of the document's metadata table."""
        cache_key = (doc.get("url"), doc.get("fields"))
        norm = self._fields_cache.get(cache_key)
        if norm is None:
            norm = {re.sub(r"[\s:：]", "", simplify(k)): v for k, v in self.doc_fields(doc).items()}
            self._fields_cache[cache_key] = norm
        for label in labels:
            value = norm.get(label)
            if value is not None and simplify(str(value)):
                return simplify(str(value))
        return None

    def column_name_of(self, url: str | None) -> str | None:
        if not url:
            return None
        col = self.columns.get(self.column_of_list_page.get(url, ""))
        if col:
            return col.get("name")
        page = self.pages.get(url)
        return page.get("column_name") if page else None

    def workday_gap(self, year: int, rule: str, url: str, need: str) -> None:
        self.calendar_gaps[year].append({"rule": rule, "url": url, "need": need})

    def is_late(self, start: dt.date, end: dt.date, n: int, rule: str, url: str):
        """(deadline or None, ok) — ok False when the calendar does not cover the dates."""
        try:
            return self.calendar.is_late(start, end, n), True
        except CalendarMissing as exc:
            self.workday_gap(exc.year, rule, url, f"{start.isoformat()} + {n} 个工作日")
            return None, False

    def elapsed(self, start: dt.date, end: dt.date) -> int | None:
        try:
            return self.calendar.working_days_between(start, end)
        except CalendarMissing:
            return None
