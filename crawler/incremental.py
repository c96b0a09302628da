"""Incremental re-audits: conditional requests against the previous run, and page rows for 304s.

The previous run (`xxgk.audit.previous_complete_run`: the latest completed run of the same
site by the same tool version) lends three things:

- validators: its 200 pages (not redirected, not cut, read without error) with an ETag or
  Last-Modified are requested with If-None-Match / If-Modified-Since and
  `Cache-Control: max-age=0`;
- on a 304 the page's row and entries are copied into the new run in SQL (`copy_pages`,
  called by the pipeline inside its batch transaction), its target row is reused, and its
  `follow`/`links` lists are followed as if the page had been read: new pages linked from an
  unchanged page are found. Its record and its links are not copied: the new row has
  `extract` NULL and `reused_from` naming the run that holds them (the run that read the
  page; `xxgk.store.STANDS` / `HOLDER` / `RECORD`), which every reader of the run follows.
  (At 20,000 pages copying them was 541 MB of records, 1.7 million link rows and ~13 s of CPU);
- link results: ok/redirect results of the portal's own targets that are not crawled as
  pages (files, images), younger than `links.internal_cache_hours`.

A changed page answers 200 and is read again; a removed one answers 404 and is reported;
a page no longer linked from anywhere is not in the new run. Broken results are never
reused, so a failure is confirmed on every run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from crawler.linkcheck import host_of
from xxgk import store

# pages columns copied as they are from the previous run's row
# (not `extract`: the reused row stands on the run that holds the record, see copy_pages)
_COPIED = ("url", "final_url", "status", "content_type", "encoding", "encoding_note", "title", "kind",
           "column_name", "published", "written", "etag", "last_modified", "content_hash", "size", "truncated",
           "error", "meta", "site_identity")


def validators(conn: sqlite3.Connection, previous_run: int) -> dict[str, tuple[str | None, str | None]]:
    """url -> (etag, last_modified) of the previous run's pages a 304 may stand for."""
    rows = conn.execute(
        "SELECT url, etag, last_modified FROM pages WHERE run_id = ? AND status = 200 AND error IS NULL "
        "AND (final_url IS NULL OR final_url = url) AND coalesce(truncated, 0) = 0 "
        "AND (extract IS NOT NULL OR reused_from IS NOT NULL) "
        "AND (etag IS NOT NULL OR last_modified IS NOT NULL)", [previous_run])
    return {url: (etag, modified) for url, etag, modified in rows}


def page_record(conn: sqlite3.Connection, previous_run: int, url: str) -> dict | None:
    """follow / link targets / encoding / kind of the previous run's page `url` (None when absent).

    The targets come from the `links` rows of the run that holds them (what the crawler
    checked, in page order: `crawler.extract_pool.link_rows`), not from the stored record's
    JSON, which is slower to read; `_targets` is what `link_targets` of the whole record gives."""
    row = conn.execute(
        f"SELECT json_extract({store.RECORD}, '$.follow'), json_extract({store.RECORD}, '$.encoding'), p.kind, "
        f"{store.HOLDER} FROM pages p {store.RECORD_JOIN} WHERE p.run_id = ? AND p.url = ? "
        f"AND {store.RECORD} IS NOT NULL", [previous_run, url]).fetchone()
    if row is None:
        return None
    follow, encoding, kind, holder = row
    targets = dict.fromkeys(u for (u,) in conn.execute(
        "SELECT url FROM links WHERE run_id = ? AND page_url = ? ORDER BY rowid", [holder, url]))
    return {"follow": json.loads(follow) if follow else [], "_targets": list(targets),
            "encoding": encoding, "kind": kind}


TARGET_FIELDS = ("url", "outcome", "status", "final_url", "method", "chain", "error", "elapsed", "attempts",
                 "checked_at", "reason", "content_type")


def target_row(conn: sqlite3.Connection, previous_run: int, url: str) -> dict | None:
    row = conn.execute(f"SELECT {', '.join(TARGET_FIELDS)} FROM targets WHERE run_id = ? AND url = ?",
                       [previous_run, url]).fetchone()
    if row is None:
        return None
    out = dict(zip(TARGET_FIELDS, row, strict=True))
    try:
        out["chain"] = json.loads(out["chain"] or "[]")
    except ValueError:
        out["chain"] = []
    return out


def internal_cache(conn: sqlite3.Connection, previous_run: int, scope_hosts: set[str], hours: float,
                   page_urls: Iterable[str] = ()) -> dict[str, dict]:
    """Good results of the previous run's in-scope targets that are not pages, checked within `hours`."""
    if hours <= 0:
        return {}
    since = (datetime.now(UTC) - timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%SZ")
    pages = set(page_urls)
    cache = {}
    rows = conn.execute(
        f"SELECT {', '.join(TARGET_FIELDS)} FROM targets WHERE run_id = ? AND checked_at >= ? "
        "AND outcome IN ('ok', 'redirect') AND url NOT IN (SELECT url FROM pages WHERE run_id = ?)",
        [previous_run, since, previous_run])
    for row in rows:
        item = dict(zip(TARGET_FIELDS, row, strict=True))
        if host_of(item["url"]) not in scope_hosts or item["url"] in pages:
            continue
        try:
            item["chain"] = json.loads(item["chain"] or "[]")
        except ValueError:
            item["chain"] = []
        item.update(attempts=0, reused_from=previous_run)
        cache[item["url"]] = item
    return cache


def copy_pages(conn: sqlite3.Connection, run_id: int, rows: list[tuple]) -> tuple[int, int]:
    """Pages answered 304 into `run_id`: rows are (url, previous_run, depth, referer, fetched_at).

    The page row is the new run's (its depth, referer and fetch time; `extract` NULL) and
    stands on the run that holds the record and links (`reused_from`: the previous run, or
    the run the previous row stood on); its list entries are copied (the columns build fills
    their column per run). Runs inside the caller's transaction. Idempotent per page: its
    links and entries in `run_id` are deleted first. Returns (pages, links the pages have).
    """
    if not rows:
        return 0, 0
    copied = ", ".join(_COPIED)
    conn.executemany(
        f"INSERT OR REPLACE INTO pages (run_id, depth, referer, fetched_at, reused_from, {copied}) "
        f"SELECT ?, ?, ?, ?, {store.HOLDER}, {copied} FROM pages p WHERE run_id = ? AND url = ?",
        [(run_id, depth, referer, fetched, prev, url) for url, prev, depth, referer, fetched in rows])
    keys = [(run_id, url) for url, *_ in rows]
    conn.executemany("DELETE FROM links WHERE run_id = ? AND page_url = ?", keys)
    conn.executemany("DELETE FROM entries WHERE run_id = ? AND list_url = ?", keys)
    conn.executemany(
        "INSERT INTO entries (run_id, column_url, list_url, title, url, date, position) "
        "SELECT ?, NULL, list_url, title, url, date, position FROM entries WHERE run_id = ? AND list_url = ? "
        "ORDER BY rowid", [(run_id, prev, url) for url, prev, *_ in rows])
    links = conn.execute(
        "SELECT count(*) FROM pages p, links l WHERE p.run_id = ? AND p.url IN (SELECT value FROM json_each(?)) "
        f"AND l.run_id = {store.HOLDER} AND l.page_url = p.url",
        [run_id, json.dumps([url for url, *_ in rows], ensure_ascii=False)]).fetchone()[0]
    return len(rows), links
