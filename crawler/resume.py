"""Resume a killed crawl from what its run already stored (no Scrapy disk state needed).

Scrapy's JOBDIR keeps the request queue only when the crawl stops cleanly; after `kill -9`
it is gone or stale, and the spider's own state (URLs seen, trap counters, delayed
retries, soft-404 fingerprints) was never in it. So a resumed crawl rebuilds its state
from the run's rows, which the pipeline writes in whole transactions:

- a page is *done* when it has a `pages` row and a `targets` row for its URL. A page row
  without its target row (the target was parked for a soft-404 probe, or in the next
  batch) is deleted with its `links` and `entries` and fetched again, so no row is
  written twice;
- URLs seen as pages: every done page, its `final_url` and the in-scope hops of its
  chain (the destinations a redirecting page claimed); targets with a result are not
  checked again; `skipped` rows keep their URLs skipped;
- the frontier: the `follow` and `links` lists of every done page (from `pages.extract`, or
  the record a page answered 304 stands on) are replayed through the spider's normal
  `_follow`, which requests exactly what is not done yet (requests in flight at the kill,
  delayed retries, pages never reached).

Trap counters are restored from the done pages; soft-404 fingerprints are probed again.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator

from xxgk import store

# skipped.reason values that come from Scope.admit (the URL is never fetched as a page)
ADMIT_REASONS = ("ignored", "trap_query", "trap_depth", "trap_pattern", "max_pages")

_ORPHANS = ("SELECT url FROM pages WHERE run_id = :run AND url NOT IN "
            "(SELECT url FROM targets WHERE run_id = :run)")


def drop_unfinished_pages(conn: sqlite3.Connection, run_id: int) -> int:
    """Delete page rows (and their links/entries) whose target row never came; return how many."""
    with conn:
        urls = [r[0] for r in conn.execute(_ORPHANS, {"run": run_id})]
        for i in range(0, len(urls), 500):
            chunk = urls[i:i + 500]
            marks = ",".join("?" * len(chunk))
            for table, column in (("links", "page_url"), ("entries", "list_url"), ("pages", "url")):
                conn.execute(f"DELETE FROM {table} WHERE run_id = ? AND {column} IN ({marks})", [run_id, *chunk])
    return len(urls)


def done_pages(conn: sqlite3.Connection, run_id: int) -> Iterator[tuple[str, str | None, int | None, str | None]]:
    """(url, final_url, depth, redirect) of the stored pages, in the order they were written."""
    yield from conn.execute(
        f"SELECT p.url, p.final_url, p.depth, json_extract({store.RECORD}, '$.redirect') FROM pages p "
        f"{store.RECORD_JOIN} WHERE p.run_id = ? ORDER BY p.rowid", [run_id])


def targets(conn: sqlite3.Connection, run_id: int) -> Iterator[tuple[str, list]]:
    """(url, chain) of every target with a result."""
    for url, chain in conn.execute("SELECT url, chain FROM targets WHERE run_id = ?", [run_id]):
        try:
            hops = json.loads(chain or "[]")
        except ValueError:
            hops = []
        yield url, hops


def skipped(conn: sqlite3.Connection, run_id: int) -> Iterator[tuple[str, str]]:
    yield from conn.execute("SELECT url, reason FROM skipped WHERE run_id = ? ORDER BY rowid", [run_id])


def frontier(conn: sqlite3.Connection, run_id: int) -> Iterator[tuple[str, int, dict]]:
    """(page url, depth, record with follow/links/encoding) of every stored page with an extraction
    (its own, or the one a page answered 304 stands on, xxgk.store.RECORD)."""
    record = store.RECORD
    rows = conn.execute(
        f"SELECT p.url, p.depth, json_extract({record}, '$.follow'), json_extract({record}, '$.links'), "
        f"json_extract({record}, '$.encoding') FROM pages p {store.RECORD_JOIN} WHERE p.run_id = ? "
        f"AND {record} IS NOT NULL AND json_valid({record}) ORDER BY p.rowid", [run_id])
    for url, depth, follow, links, encoding in rows:
        if not follow and not links:
            continue
        record = {"follow": json.loads(follow) if follow else [],
                  "links": json.loads(links) if links else [],
                  "encoding": encoding}
        yield url, depth or 0, record
