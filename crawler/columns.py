"""After the crawl: derive `columns` and `documents` from the stored pages (no network).

`build(db, run_id)` is idempotent: it replaces the run's columns and documents and fills
`entries.column_url`. Choices, in the order they are applied:

Columns
- **List series.** Pages of kind `list` are joined with the list pages they name in
  `pages` (createPageHTML, pageNum, index_N ...), and with pages whose URL differs only by
  the page number; each connected group is one column. Its key (`columns.url`) is the
  *first page*: the member whose URL carries no page number (`index.html`, not
  `index_3.html`; no `pageNum=2`), else the shallowest, else the shortest URL.
- **name**: the first page's `column` (breadcrumb or meta, as the extractor read it), else
  the last breadcrumb item, else meta ColumnName, else its title. **nav_names**: distinct
  anchor texts of links that point at any page of the series (how readers find it).
- **kind**: `list` (a series); `spa` when the extractor marked the list as a script shell
  (`spa` true) and found no entries; `parent` for platform pages and other pages that list
  subcolumns; `single` for a guide page or a subcolumn that is one page (not a list);
  `stub` for a page whose meta refresh or redirect leaves the portal, or a subcolumn link
  pointing off the portal (`stub_target` says where).
- **entry_count**: distinct entry URLs (titles for URL-less entries) over all pages of the
  series; **newest_date**: the latest entry date; **list_pages**: pages of the series
  crawled; **note**: the first `empty_note` found on the series (暂无信息, 本单位无此项职能 ...).
- **parent_url**: the column whose page lists this one among its `subcolumns`.
- **on_platform**: 1 when the column's URL lies under the directory of a page of kind
  `platform` (the disclosure platform, e.g. `/xxgk/`), or its breadcrumb names
  政府信息公开 / 政务公开 / 信息公开, or a parent column is on the platform.

Documents (pages of kind `document`)
- fields map: 索引号 -> index_no, 发布机构 -> publisher, 文号 -> doc_no, 有效性 -> validity,
  施行日期 -> effective, 废止日期 / 有效期至 / 有效期 -> expires; `written`/`published` from the
  record. When the page itself shows no 发布日期 but a list entry that links to it has a
  date, that date is used with `published_source = "list"` (the reader sees it there).
- **column_url**: the column (first page of the series) whose entries link to the document
  (a column's own list before a home/platform page listing it, then the shallowest, then
  the URL, so the choice never depends on crawl order); **column_name**: that column's name, else the
  document's own `column`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from urllib.parse import urlsplit

from xxgk import store

PLATFORM_WORDS = ("政府信息公开", "政务公开", "信息公开")
_PAGE_NO = re.compile(
    r"(index|default|list|column-index)[_-]\d+\.\w+$|[?&](pageNum|page|pageNo|PageIndex|currPage|cur_page|pageIndex|p)=\d+",
    re.I,
)
FIELD_MAP = {
    "索引号": "index_no",
    "发布机构": "publisher",
    "文号": "doc_no",
    "有效性": "validity",
    "施行日期": "effective",
}
EXPIRY_LABELS = ("废止日期", "有效期至", "失效日期", "有效期")


def _is_numbered(url: str) -> bool:
    m = _PAGE_NO.search(url)
    if not m:
        return False
    digits = re.findall(r"\d+", m.group(0))
    # pageNum=1 / index_0 are first pages in some CMSs; index_1 is a second page in TRS
    return not (m.group(2) and digits and int(digits[-1]) <= 1)


def _series_key(url: str) -> str:
    """URL with the page number removed: index_3.html -> index.html, pageNum=4 dropped."""
    out = re.sub(r"(index|default|list|column-index)[_-]\d+(\.\w+)$", r"\1\2", url, flags=re.I)
    out = re.sub(r"([?&])(pageNum|page|pageNo|PageIndex|currPage|cur_page|pageIndex)=\d+&?", r"\1", out, flags=re.I)
    return out.rstrip("?&")


class _UnionFind:
    def __init__(self):
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[rb] = ra


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _dir(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path or "/"
    return f"{parts.scheme}://{parts.netloc}{path.rsplit('/', 1)[0]}/"


def _name(rec: dict, row: dict) -> str | None:
    crumbs = [c for c in rec.get("breadcrumb") or [] if c]
    meta = rec.get("meta") or {}
    return (rec.get("column") or row.get("column_name") or (crumbs[-1] if crumbs else None)
            or meta.get("ColumnName") or meta.get("columnname") or rec.get("title") or row.get("title"))


# The record keys the column tree needs, for every page: a few hundred bytes of the ~25 KB
# record (links, follow lists and body text are the rest). Of `meta`, the two names _name
# reads; a document's own keys are read later, one document at a time (_DOC_KEYS). A list's
# `pages` (every page number of its series, on every page of it: 1.3 million URLs at 100,000
# pages) are read by _page_links, streamed.
_REC_KEYS = ("column", "breadcrumb", "entries", "subcolumns", "refresh", "empty_note", "title", "spa", "redirect")
_REC_PATHS = [f"'$.{k}'" for k in _REC_KEYS] + ["'$.meta.ColumnName'", "'$.meta.columnname'"]
_DOC_KEYS = ("column", "title", "fields", "meta", "published", "written", "published_source")
# The body text, read apart from the keys above (one parse of the record serves both): from
# SQLite to SQLite as text, never through a JSON array. A page answered 304 that stands on an
# earlier run (xxgk.store.STANDS) leaves it NULL: its body is that run's (xxgk.store.DOC_BODY).
_DOC_BODY = (f"CASE WHEN {store.STANDS} THEN NULL WHEN json_valid({store.RECORD}) "
             f"THEN json_extract({store.RECORD}, '$.body_text') END")
# A record SQLite cannot read counts as empty, as store.loads reads it in Python. The record is
# the page's own or the one a page answered 304 stands on (after `FROM pages p RECORD_JOIN`).
_VALID = f"CASE WHEN json_valid({store.RECORD}) THEN json_extract({store.RECORD}, {{paths}}) END"


def _load_pages(db, run_id: int) -> list[dict]:
    """The pages with the record keys the column tree needs. SQLite's JSON functions pick them
    out of the records (one json_extract of all keys: one parse per record, in C), so the large
    rest never becomes Python objects: at 20,000 pages that took ~4 s of json.loads and most
    of the memory.

    Kept small, for 100,000 pages: keys without a value are left out (`rec.get` reads None),
    equal texts (kinds, columns, titles, breadcrumbs, dates) are one object, a breadcrumb is a
    shared tuple, and a list's entries are (url or title, date) pairs, all the series needs."""
    names = ("url", "final_url", "status", "kind", "title", "column_name", "depth")
    extract = _VALID.format(paths=", ".join(_REC_PATHS))
    shared: dict = {}

    def share(v):
        """One object for equal texts (texts only: 1 and 1.0 are equal keys)."""
        return shared.setdefault(v, v) if v.__class__ is str else v

    rows = []
    for values in db.conn.execute(f"select {', '.join('p.' + n for n in names)}, {extract} from pages p "
                                  f"{store.RECORD_JOIN} where p.run_id = ?", [run_id]):
        row = dict(zip(names, values[:-1], strict=True))
        for key in ("kind", "title", "column_name"):
            row[key] = share(row[key])
        rec = {}
        if values[-1]:
            *keys, name, lower = json.loads(values[-1])
            rec = {k: v for k, v in zip(_REC_KEYS, keys, strict=True) if v is not None}
            if name is not None or lower is not None:
                rec["meta"] = {"ColumnName": name, "columnname": lower}
            if row["kind"] != "list":
                rec.pop("entries", None)  # only a list's entries make its column
            elif rec.get("entries"):
                rec["entries"] = [(e.get("url") or e.get("title"), share(e["date"]) if e.get("date") else None)
                                  for e in rec["entries"]]
            crumbs = rec.get("breadcrumb")
            if isinstance(crumbs, list) and all(c.__class__ is str for c in crumbs):
                crumbs = tuple(share(c) for c in crumbs)
                rec["breadcrumb"] = shared.setdefault(crumbs, crumbs)
            for key in ("column", "title"):
                if key in rec:
                    rec[key] = share(rec[key])
        row["rec"] = rec
        rows.append(row)
    return rows


def _page_links(db, run_id: int):
    """(list page url, a page of its series it names) of the run's list pages, streamed."""
    return db.conn.execute(
        f"SELECT p.url, value FROM pages p {store.RECORD_JOIN} "
        f"JOIN json_each(CASE WHEN json_valid({store.RECORD}) THEN {store.RECORD} END, '$.pages') "
        "WHERE p.run_id = ? AND p.kind = 'list'", [run_id])


def build(db, run_id: int) -> dict:
    """Derive the run's `columns` and `documents`; return counts."""
    pages = [p for p in _load_pages(db, run_id) if not _home_alias(p)]
    by_url = {p["url"]: p for p in pages}
    for p in pages:
        if p["final_url"] and p["final_url"] not in by_url:
            by_url[p["final_url"]] = p
    portal_hosts = {_host(p["url"]) for p in pages}

    columns: dict[str, dict] = {}
    series_of: dict[str, str] = {}  # page url -> column url

    # ---- list series
    lists = [p for p in pages if p["kind"] == "list"]
    uf = _UnionFind()
    by_key: dict[str, str] = {}
    for p in lists:
        uf.find(p["url"])
        key = _series_key(p["url"])
        if key in by_key:
            uf.union(by_key[key], p["url"])
        else:
            by_key[key] = p["url"]
    for url, other in _page_links(db, run_id):  # the series' own page links (the partition is the same in any order)
        q = by_url.get(other)
        if q is not None and q["kind"] == "list" and url in uf.parent:
            uf.union(url, q["url"])
    groups: dict[str, list[dict]] = defaultdict(list)
    for p in lists:
        groups[uf.find(p["url"])].append(p)

    for members in groups.values():
        first = min(members, key=lambda p: (_is_numbered(p["url"]), p["depth"] if p["depth"] is not None else 1e9,
                                            len(p["url"]), p["url"]))
        entries, dates, note, spa = set(), [], None, False
        for p in members:
            series_of[p["url"]] = first["url"]
            if p["final_url"]:
                series_of.setdefault(p["final_url"], first["url"])
            for key, date in p["rec"].get("entries") or ():
                entries.add(key)
                if date:
                    dates.append(date)
            note = note or p["rec"].get("empty_note")
            spa = spa or bool(p["rec"].get("spa"))
        columns[first["url"]] = {
            "url": first["url"], "name": _name(first["rec"], first), "kind": "spa" if spa and not entries else "list",
            "entry_count": len(entries), "newest_date": max(dates) if dates else None,
            "list_pages": len(members), "note": note, "stub_target": None, "parent_url": None,
            "_rec": first["rec"], "_members": [m["url"] for m in members],
        }

    # ---- parents, singles, stubs
    parent_of: dict[str, str] = {}
    parent_rank: dict[str, tuple] = {}
    for p in pages:
        subs = p["rec"].get("subcolumns") or []
        if p["kind"] == "platform" or (subs and p["kind"] != "list"):
            key = series_of.get(p["url"], p["url"])
            if key not in columns:
                columns[key] = _column(p, "parent")
        for sub in subs:
            url = sub.get("url")
            if not url:
                continue
            # the parent is the shallowest other page listing it (not itself, not a page of
            # its own series): the same answer whatever order the crawl stored the pages in
            lister = series_of.get(p["url"], p["url"])
            rank = (p["depth"] if p["depth"] is not None else 1e9, p["url"])
            if series_of.get(url, url) != lister and (url not in parent_of or rank < parent_rank[url]):
                parent_of[url], parent_rank[url] = lister, rank
            target = by_url.get(url)
            key = series_of.get(url, url)
            if key in columns:
                continue
            if target is None:
                if _host(url) and _host(url) not in portal_hosts:
                    columns[url] = {"url": url, "name": sub.get("title"), "kind": "stub", "entry_count": 0,
                                    "newest_date": None, "list_pages": 0, "note": None, "stub_target": url,
                                    "parent_url": None, "_rec": {}, "_members": [url]}
                continue
            off = _off_portal(target, portal_hosts)
            if off:
                columns[url] = dict(_column(target, "stub", sub.get("title")), stub_target=off)
            elif target["kind"] == "platform" or target["rec"].get("subcolumns"):
                columns[url] = _column(target, "parent", sub.get("title"))  # a parent found from above
            elif target["kind"] != "list":
                columns[url] = _column(target, "single", sub.get("title"))
    for p in pages:
        key = series_of.get(p["url"], p["url"])
        if key in columns:
            continue
        off = _off_portal(p, portal_hosts)
        if off:
            columns[key] = dict(_column(p, "stub"), stub_target=off)
        elif p["kind"] == "guide":
            columns[key] = _column(p, "single")

    # ---- parent links, platform membership, nav names
    prefixes = {_dir(p["url"]) for p in pages if p["kind"] == "platform"}
    for key, col in columns.items():
        parent = None
        for member in col["_members"]:
            parent = parent or parent_of.get(member)
        if parent and parent != key:
            col["parent_url"] = series_of.get(parent, parent)
    texts = _link_texts(db, run_id, {url for col in columns.values() for url in col["_members"]})
    for col in columns.values():
        col["on_platform"] = _on_platform(col, columns, prefixes)
        col["nav_names"] = _nav_names(texts, col["_members"])

    # ---- entries.column_url
    with db.conn:
        db.conn.execute("DELETE FROM columns WHERE run_id = ?", [run_id])
        rows = [(series_of.get(url), run_id, url) for url in {p["url"] for p in lists}]
        db.conn.executemany("UPDATE entries SET column_url = ? WHERE run_id = ? AND list_url = ?", rows)
        db.conn.executemany(
            "INSERT OR REPLACE INTO columns (run_id, url, name, parent_url, nav_names, kind, entry_count, "
            "newest_date, list_pages, note, stub_target, on_platform) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            [(run_id, c["url"], c["name"], c["parent_url"], json.dumps(c["nav_names"], ensure_ascii=False),
              c["kind"], c["entry_count"], c["newest_date"], c["list_pages"], c["note"], c["stub_target"],
              1 if c["on_platform"] else 0) for c in columns.values()],
        )
    documents = _documents(db, run_id, pages, columns)
    return {"columns": len(columns), "documents": documents}


def _home_alias(p: dict) -> bool:
    """A deep link redirected to the home page (`/ztzl/2020/` -> `/`): the home page under another
    URL, not a column of its own (the start page itself is depth 0 and always kept)."""
    final = p.get("final_url")
    return bool(final and final != p["url"] and p["kind"] == "home" and (p.get("depth") or 0) > 0)


def _column(p: dict, kind: str, nav_title: str | None = None) -> dict:
    return {"url": p["url"], "name": _name(p["rec"], p) or nav_title, "kind": kind, "entry_count": 0,
            "newest_date": None, "list_pages": 0, "note": p["rec"].get("empty_note"), "stub_target": None,
            "parent_url": None, "_rec": p["rec"], "_members": [p["url"]]}


def _off_portal(p: dict, portal_hosts: set[str]) -> str | None:
    """Where a page sends its reader off the portal (meta refresh or HTTP redirect), or None."""
    for target in (p["rec"].get("refresh"), p["rec"].get("redirect"), p["final_url"]):
        if target and _host(target) and _host(target) not in portal_hosts:
            return target
    return None


def _on_platform(col: dict, columns: dict, prefixes: set[str], depth: int = 0) -> bool:
    if any(col["url"].startswith(prefix) for prefix in prefixes):
        return True
    crumbs = " ".join(col["_rec"].get("breadcrumb") or [])
    if any(word in crumbs for word in PLATFORM_WORDS):
        return True
    parent = columns.get(col.get("parent_url") or "")
    if parent is not None and depth < 20 and parent is not col:
        return _on_platform(parent, columns, prefixes, depth + 1)
    return False


def _link_texts(db, run_id: int, urls: set[str]) -> dict[str, dict[str, int]]:
    """url -> {anchor text: rowid of its first link} of the run's links to `urls` (blank texts
    left out). The menus link every column from every page (~1 million of 1.7 million links at
    20,000 pages): one sequential read of the run's rows (its rowid range) costs a third of
    looking each up through the (run_id, url) index. The links of pages answered 304 are
    read where they are (the run they stand on, xxgk.store.link_sources); their rowids are
    older than the run's own, as if stored first."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    wanted = json.dumps(sorted(urls), ensure_ascii=False)
    sources = [(run, f" AND {cond}" if cond else "", params) for run, cond, params in store.link_sources(db.conn, run_id)]
    for holder, where, params in sources:
        lo, hi = db.conn.execute("SELECT min(rowid), max(rowid) FROM links WHERE run_id = ?", [holder]).fetchone()
        if lo is None:
            continue
        for url, text, first in db.conn.execute(
            "SELECT url, text, min(rowid) FROM links NOT INDEXED WHERE rowid BETWEEN ? AND ? AND run_id = ? "
            f"AND url IN (SELECT value FROM json_each(?)) AND text IS NOT NULL AND trim(text) != ''{where} "
            "GROUP BY url, text", [lo, hi, holder, wanted, *params],
        ):
            seen = out[url]
            if text not in seen or first < seen[text]:
                seen[text] = first
    return out


def _nav_names(texts: dict[str, dict[str, int]], urls: list[str]) -> list[str]:
    """The first 20 distinct anchor texts (whitespace folded) of the links to a column's pages,
    in the order names were always listed: the pages in groups of 200, in each group by URL,
    then by the order the links were stored (what a per-group DISTINCT query through the
    (run_id, url) index returned)."""
    names: list[str] = []
    for chunk in range(0, len(urls), 200):
        seen: dict[str, None] = {}
        for url in sorted(set(urls[chunk: chunk + 200])):
            first = texts.get(url) or {}
            for text in sorted(first, key=first.get):
                seen.setdefault(text, None)
        for text in seen:
            text = " ".join(text.split())
            if text and text not in names:
                names.append(text)
    return names[:20]


def _documents(db, run_id: int, pages: list[dict], columns: dict) -> int:
    # doc url -> (rank, column url, entry date). The rank prefers a column's own list over a
    # home or platform page that also lists the document (latest-news blocks), then the
    # shallowest list, then the URL: never the crawl order, so runs and workers agree.
    listed: dict[str, tuple[tuple, str, str | None]] = {}
    dated: dict[str, str] = {}  # doc url -> entry date of the best-ranked entry that has one
    depth_of = {p["url"]: (p["depth"] if p["depth"] is not None else 10**6) for p in pages}
    aggregate = {p["url"] for p in pages if p["kind"] in ("home", "platform")}
    best_dated: dict[str, tuple] = {}
    for url, column_url, list_url, date in db.execute(
        "SELECT url, column_url, list_url, date FROM entries WHERE run_id = ? AND url IS NOT NULL", [run_id]
    ):
        col = column_url or list_url
        rank = (list_url in aggregate or col in aggregate, depth_of.get(list_url, 10**6), col or "")
        if url not in listed or rank < listed[url][0]:
            listed[url] = (rank, col, date)
        if date and (url not in best_dated or rank < best_dated[url]):
            best_dated[url], dated[url] = rank, date
    listed = {u: (r, c, d or dated.get(u)) for u, (r, c, d) in listed.items()}
    kept = {p["url"] for p in pages if p["kind"] == "document"}

    def rows(record_sql: str):
        """Document rows, one page record read at a time (its body text goes from SQLite to
        SQLite through this loop, never all in memory)."""
        cursor = db.conn.execute(
            f"SELECT p.url, p.final_url, p.title, p.column_name, {record_sql}, {_DOC_BODY} FROM pages p "
            f"{store.RECORD_JOIN} WHERE p.run_id = ? AND p.kind = 'document' ORDER BY p.url", [run_id])
        for url, final_url, title, column_name, values, body in cursor:
            if url not in kept:
                continue
            rec = dict(zip(_DOC_KEYS, json.loads(values), strict=True)) if values else {}
            fields = rec.get("fields") or {}
            hit = listed.get(url) or listed.get(final_url or "")
            column_url = hit[1] if hit else None
            column = columns.get(column_url or "")
            published, source = rec.get("published"), rec.get("published_source")
            if not published and hit and hit[2]:
                published, source = hit[2], "list"
            expires = next((fields[k] for k in EXPIRY_LABELS if fields.get(k)), None)
            row = {k: fields.get(label) for label, k in FIELD_MAP.items()}
            yield (
                run_id, url, (column or {}).get("name") or rec.get("column") or column_name, column_url,
                rec.get("title") or title, row["index_no"], row["publisher"], row["doc_no"],
                rec.get("written"), published, source, row["validity"], row["effective"], expires,
                json.dumps(fields, ensure_ascii=False), json.dumps(rec.get("meta") or {}, ensure_ascii=False),
                body,
            )

    with db.conn:
        db.conn.execute("DELETE FROM documents WHERE run_id = ?", [run_id])
        count = 0
        for batch in _batches(rows(_VALID.format(paths=", ".join(f"'$.{k}'" for k in _DOC_KEYS))), 200):
            db.conn.executemany(
                "INSERT OR REPLACE INTO documents (run_id, url, column_name, column_url, title, index_no, publisher, "
                "doc_no, written, published, published_source, validity, effective, expires, fields, meta, "
                "body_text) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
            count += len(batch)
    return count


def _batches(items, size: int):
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
