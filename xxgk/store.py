"""The SQLite store where the three stages meet: crawl -> check -> report.

One database file keeps every run's history. The crawler writes `runs`, `pages`, `links`,
`targets`, `columns`, `entries`, `documents` and `skipped`; the checks write `findings`
(and `not_checked` notes); reports read everything. Schema changes are ordered migrations
recorded in `_migrations`, so an older audit file upgrades in place; a file written by a
newer version of the tool is refused with a clear message.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlite_utils

SCHEMA_VERSION = 3


class StoreError(Exception):
    """A database that cannot be used: unwritable, not SQLite, or from a newer version."""


def _v1(db: sqlite_utils.Database) -> None:
    db["runs"].create(
        {
            "id": int,
            "start_url": str,
            "site": str,  # host of the start URL: runs of the same site are compared
            "as_of": str,  # YYYY-MM-DD
            "started_at": str,  # ISO 8601 UTC
            "finished_at": str,
            "status": str,  # running | completed | interrupted | failed
            "profile": str,  # profile name or path
            "settings": str,  # JSON: the effective settings after the precedence ladder
            "ignore_robots": int,
            "error": str,  # why a failed run failed, in one line
            "tool_version": str,
            "stats": str,  # JSON: crawl counters (pages, requests, skipped by reason, ...)
        },
        pk="id",
    )
    db["pages"].create(
        {
            "run_id": int,
            "url": str,  # the URL as requested
            "final_url": str,  # after redirects
            "status": int,  # HTTP status; NULL when no answer (see error)
            "content_type": str,
            "encoding": str,
            "encoding_note": str,  # e.g. "header utf-8 but bytes gbk"
            "title": str,
            "kind": str,  # home | platform | guide | list | document | error | other | attachment
            "column_name": str,
            "published": str,
            "written": str,
            "depth": int,
            "referer": str,
            "fetched_at": str,
            "etag": str,
            "last_modified": str,
            "content_hash": str,
            "size": int,
            "truncated": int,  # body cut at the size cap
            "error": str,
            "meta": str,  # JSON: the page's <meta name=...> tags
            "site_identity": str,  # JSON: {"site_id_code", "icp", "police_record", "badge"}
            "extract": str,  # JSON: the full extraction record (as `xxgk extract` prints it); NULL on a
            #                  page answered 304 that stands on an earlier run (see STANDS below)
        },
        pk=("run_id", "url"),
    )
    db["links"].create(
        {
            "run_id": int,
            "page_url": str,
            "url": str,  # absolute, fragment removed: the target as fetched
            "tag": str,
            "attribute": str,
            "text": str,  # anchor text or alt text
            "internal": int,  # 1 when the target is on the portal's own hosts
        },
    )
    # Each distinct link target is checked once per run; findings fan out from here.
    db["targets"].create(
        {
            "run_id": int,
            "url": str,
            "outcome": str,  # ok | redirect | http_status | dns | refused | reset | tls | timeout
            #                  | redirect_loop | too_many_redirects | soft_404 | blocked
            #                  | not_checked | ignored
            "status": int,
            "final_url": str,
            "method": str,  # HEAD, GET, HEAD+GET
            "chain": str,  # JSON list of {url, status}
            "error": str,
            "elapsed": float,
            "attempts": int,
            "checked_at": str,
            "reason": str,  # human-readable reason quoted in findings
            "content_type": str,
            "reused_from": int,  # run id a cached result came from, else NULL
        },
        pk=("run_id", "url"),
    )
    db["columns"].create(
        {
            "run_id": int,
            "url": str,  # the column's first list page
            "name": str,
            "parent_url": str,
            "nav_names": str,  # JSON list of the anchor texts that lead to it
            "kind": str,  # list | parent | single | stub | spa
            "entry_count": int,
            "newest_date": str,
            "list_pages": int,
            "note": str,  # 暂无信息 / 本单位无此项职能 text when shown
            "stub_target": str,  # meta-refresh / redirect target off the portal
            "on_platform": int,  # 1 when the column is part of the disclosure platform
        },
        pk=("run_id", "url"),
    )
    db["entries"].create(
        {
            "run_id": int,
            "column_url": str,
            "list_url": str,
            "title": str,
            "url": str,
            "date": str,
            "position": int,
        },
    )
    db["documents"].create(
        {
            "run_id": int,
            "url": str,
            "column_name": str,
            "column_url": str,  # the list page that lists it, if any
            "title": str,
            "index_no": str,  # 索引号
            "publisher": str,  # 发布机构
            "doc_no": str,  # 文号
            "written": str,  # 成文日期 YYYY-MM-DD
            "published": str,  # 发布日期 YYYY-MM-DD
            "published_source": str,  # table | line | meta | list
            "validity": str,  # 有效性 text as shown
            "effective": str,  # 施行日期 text
            "expires": str,  # 废止日期 / 有效期至 text
            "fields": str,  # JSON: canonical label -> value
            "meta": str,  # JSON
            "body_text": str,  # main text, capped; rules look for repeal decisions here
        },
        pk=("run_id", "url"),
    )
    # What the crawl chose not to fetch, and why: reported as "not checked".
    db["skipped"].create(
        {
            "run_id": int,
            "url": str,
            "reason": str,  # robots | trap_depth | trap_pattern | trap_query | max_pages | offsite
            #                 | size_cap | scheme | ignored
            "detail": str,
            "page_url": str,
        },
    )
    db["findings"].create(
        {
            "id": int,
            "run_id": int,
            "rule": str,
            "severity": str,  # error | warning | info
            "url": str,
            "page_url": str,
            "column_name": str,
            "message": str,
            "evidence": str,  # JSON
            "fingerprint": str,
            "first_seen": str,  # run start of the first run that had this fingerprint
            "fail_count": int,  # consecutive runs with this fingerprint, this one included
        },
        pk="id",
    )
    # Inspection score per indicator (reports/scoring); assessment teams import this table.
    db["scores"].create(
        {
            "run_id": int,
            "indicator": str,  # e.g. veto.home_stale, deduct.link_broken, total
            "label": str,  # Chinese name of the indicator
            "kind": str,  # veto | deduction | bonus | total
            "points": float,  # points lost (deduction) / gained (bonus) / final (total)
            "max_points": float,
            "evidence_count": int,
            "confirmed": int,  # 0 when the weight is an unconfirmed placeholder (DOMAIN §5)
            "note": str,
        },
        pk=("run_id", "indicator"),
    )
    db["pages"].create_index(["run_id", "kind"])
    db["links"].create_index(["run_id", "url"])
    db["links"].create_index(["run_id", "page_url"])
    db["entries"].create_index(["run_id", "column_url"])
    db["entries"].create_index(["run_id", "url"])
    db["documents"].create_index(["run_id", "column_url"])
    db["findings"].create_index(["run_id", "rule"])
    db["findings"].create_index(["fingerprint"])
    db["skipped"].create_index(["run_id", "reason"])
    db["runs"].create_index(["site", "started_at"])


def _v2(db: sqlite_utils.Database) -> None:
    """Incremental re-audits: a page answered 304 reuses the stored extraction of a run."""
    # on a page answered 304: the run whose row was copied; since v3 the run holding its record and links
    db["pages"].add_column("reused_from", int)
    db["entries"].create_index(["run_id", "list_url"])


def _v3(db: sqlite_utils.Database) -> None:
    """A page answered 304 no longer copies its record and links: it stands on the run that
    holds them (see STANDS / HOLDER below). `run_links`: every run's link occurrences, its
    own rows and those its reused pages stand on."""
    db.execute(f"""CREATE VIEW IF NOT EXISTS run_links AS
        SELECT p.run_id AS run_id, l.page_url AS page_url, l.url AS url, l.tag AS tag,
               l.attribute AS attribute, l.text AS text, l.internal AS internal
        FROM pages p JOIN links l ON l.run_id = {HOLDER} AND l.page_url = p.url""")


# Ordered schema history: index i upgrades version i to i + 1.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_v1, _v2, _v3]

# A page answered 304 in an incremental re-audit (crawler.incremental) stands on an earlier
# run: its `pages` row is the run's own (depth, referer, fetched_at, title, kind ...), but its
# `extract` is NULL and `reused_from` names the run that holds its record and its `links`
# rows (rows copied by earlier versions, with `extract` set, are the run's own). SQL on a
# `pages` row aliased `p`:
STANDS = "(p.extract IS NULL AND p.reused_from IS NOT NULL)"
HOLDER = f"(CASE WHEN {STANDS} THEN p.reused_from ELSE p.run_id END)"  # the run with its links
# The record of `p` wherever it is: with RECORD_JOIN after `FROM pages p`, RECORD is the text.
RECORD_JOIN = "LEFT JOIN pages h ON p.extract IS NULL AND h.run_id = p.reused_from AND h.url = p.url"
RECORD = "coalesce(p.extract, h.extract)"
# A document's body text, on `documents` aliased `d` (DOC_BODY after `FROM documents d
# DOC_BODY_JOIN`): its own; for a page standing on run H, H's (its `documents` row, or its
# record's where H has none). crawler.columns leaves `body_text` NULL on those: 260 MB a
# re-audit of 20,000 pages not written again.
DOC_BODY_JOIN = ("LEFT JOIN pages p ON p.run_id = d.run_id AND p.url = d.url "
                 f"LEFT JOIN pages h ON {STANDS} AND h.run_id = p.reused_from AND h.url = p.url "
                 "LEFT JOIN documents hd ON hd.run_id = h.run_id AND hd.url = h.url")
DOC_BODY = ("CASE WHEN h.url IS NULL THEN d.body_text ELSE coalesce(hd.body_text, CASE WHEN json_valid(h.extract) "
            "THEN json_extract(h.extract, '$.body_text') END) END")
# The links of run R's pages that stand on run H: `links where run_id = H and ` this (params R, H).
# (`+page_url`: the IN list never drives the query through the page_url index.)
STANDING_ON = ("+page_url IN (SELECT p.url FROM pages p WHERE p.run_id = ? AND p.reused_from = ? "
               f"AND {STANDS})")


def link_sources(conn: sqlite3.Connection, run_id: int) -> list[tuple[int, str, list]]:
    """Where the links of run `run_id` are, as (run, SQL condition to add with AND, its
    parameters): its own rows, and for each run H its pages answered 304 stand on, the rows
    of H that `STANDING_ON` keeps. When every page of H with links stands on H in this run
    (an unchanged re-audit), all of H's rows are the run's and the condition is left out: a
    probe per row (1.7 million at 20,000 pages) saved."""
    sources: list[tuple[int, str, list]] = [(run_id, "", [])]
    for (holder,) in conn.execute(
            f"SELECT DISTINCT p.reused_from FROM pages p WHERE p.run_id = ? AND {STANDS} ORDER BY 1", [run_id]):
        partly = conn.execute(
            "SELECT 1 FROM pages hp WHERE hp.run_id = :h AND NOT EXISTS (SELECT 1 FROM pages p WHERE "
            f"p.run_id = :r AND p.url = hp.url AND p.reused_from = :h AND {STANDS}) AND EXISTS "
            "(SELECT 1 FROM links l WHERE l.run_id = :h AND l.page_url = hp.url) LIMIT 1",
            {"h": holder, "r": run_id}).fetchone()
        sources.append((holder, f"{STANDING_ON}", [run_id, holder]) if partly else (holder, "", []))
    return sources


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating or upgrading) the audit database at `path`."""
    path = Path(path)
    if path.exists() and path.is_dir():
        raise StoreError(f"{path} is a directory, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"cannot open database {path}: {exc}") from exc
    db = sqlite_utils.Database(conn)
    try:
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not an xxgk-audit database: {exc}") from exc
    return db


def check_writable(path: str | Path) -> None:
    """Fail before any request is sent when the database cannot be written."""
    db = open_db(path)
    try:
        with db.conn:
            db.execute("CREATE TABLE IF NOT EXISTS _write_probe (x)")
            db.execute("DROP TABLE _write_probe")
    except sqlite3.Error as exc:
        raise StoreError(f"cannot write database {path}: {exc}") from exc
    finally:
        db.close()


def schema_version(db: sqlite_utils.Database) -> int:
    if "_migrations" not in db.table_names():
        return 0
    row = db.execute("select max(version) from _migrations").fetchone()
    return row[0] or 0


def migrate(db: sqlite_utils.Database) -> None:
    current = schema_version(db)
    if current == 0 and "runs" in db.table_names():
        raise StoreError("this database has a `runs` table but no schema history; not an xxgk-audit file")
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"database schema version {current} is newer than this xxgk-audit understands "
            f"({SCHEMA_VERSION}); upgrade xxgk-audit"
        )
    for version in range(current, SCHEMA_VERSION):
        with db.conn:
            MIGRATIONS[version](db)
            db["_migrations"].insert({"version": version + 1}, pk="version")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def loads(text: str | None, default: Any = None) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default


def insert_rows(db: sqlite_utils.Database, table: str, rows: Iterable[dict], replace: bool = False) -> None:
    """Batch insert; `replace` makes writes idempotent on the table's primary key."""
    rows = list(rows)
    if rows:
        db[table].insert_all(rows, batch_size=500, replace=replace, alter=False)


def latest_run_id(db: sqlite_utils.Database, site: str | None = None) -> int | None:
    sql = "select id from runs"
    params: list[Any] = []
    if site:
        sql += " where site = ?"
        params.append(site)
    row = db.execute(sql + " order by id desc limit 1", params).fetchone()
    return row[0] if row else None


def get_run(db: sqlite_utils.Database, run_id: int) -> dict | None:
    rows = list(db.query("select * from runs where id = ?", [run_id]))
    return rows[0] if rows else None


def previous_run_id(db: sqlite_utils.Database, run_id: int) -> int | None:
    """The run of the same site just before `run_id` (any status but failed)."""
    run = get_run(db, run_id)
    if not run:
        return None
    row = db.execute(
        "select id from runs where site = ? and id < ? and status != 'failed' order by id desc limit 1",
        [run["site"], run_id],
    ).fetchone()
    return row[0] if row else None
