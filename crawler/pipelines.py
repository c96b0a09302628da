"""Records -> SQLite: batched writes of pages, links, entries, targets and skipped URLs.

Rows are buffered per table and written with `executemany`, one transaction per batch
(`XXGK_BATCH_ROWS` rows, or every 2 s so a killed crawl loses little), by a writer thread
(see `open_spider`), and flushed and waited for when the spider closes, whatever the
reason. `pages` and `targets` are written with INSERT OR REPLACE on their (run_id, url)
key, so a resumed crawl that fetches a URL again replaces the row instead of failing. At close, `runs.stats` receives the crawl counters.
"""

from __future__ import annotations

import json
import queue
import threading
import time

from crawler import incremental
from xxgk import store

PAGE_COLUMNS = ("run_id", "url", "final_url", "status", "content_type", "encoding", "encoding_note", "title",
                "kind", "column_name", "published", "written", "depth", "referer", "fetched_at", "etag",
                "last_modified", "content_hash", "size", "truncated", "error", "meta", "site_identity",
                "extract")
LINK_COLUMNS = ("run_id", "page_url", "url", "tag", "attribute", "text", "internal")
ENTRY_COLUMNS = ("run_id", "column_url", "list_url", "title", "url", "date", "position")
TARGET_COLUMNS = ("run_id", "url", "outcome", "status", "final_url", "method", "chain", "error", "elapsed",
                  "attempts", "checked_at", "reason", "content_type", "reused_from")
SKIPPED_COLUMNS = ("run_id", "url", "reason", "detail", "page_url")

TABLES = {
    "pages": (PAGE_COLUMNS, "INSERT OR REPLACE"),
    "links": (LINK_COLUMNS, "INSERT"),
    "entries": (ENTRY_COLUMNS, "INSERT"),
    "targets": (TARGET_COLUMNS, "INSERT OR REPLACE"),
    "skipped": (SKIPPED_COLUMNS, "INSERT"),
}


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, default=str)


def _clean_text(value, limit: int = 2000):
    if value is None:
        return None
    value = str(value)
    return value if len(value) <= limit else value[:limit]


class StorePipeline:
    def __init__(self, db_path: str, run_id: int, batch_rows: int = 500):
        self.db_path = db_path
        self.run_id = run_id
        self.batch_rows = batch_rows
        self.buffers: dict[str, list[tuple]] = {name: [] for name in TABLES}
        self.reused: list[tuple] = []  # pages answered 304: rows copied from a previous run
        self.pending = 0
        self.last_flush = time.monotonic()
        self.db = None
        self.counts = dict.fromkeys(TABLES, 0)

    @classmethod
    def from_crawler(cls, crawler):
        pipe = cls(crawler.settings.get("XXGK_DB_PATH"), crawler.settings.getint("XXGK_RUN_ID"),
                   crawler.settings.getint("XXGK_BATCH_ROWS", 500))
        pipe.crawler = crawler
        return pipe

    crawler = None

    writer: threading.Thread | None = None
    _error: BaseException | None = None

    def open_spider(self, spider=None):
        self.db = store.open_db(self.db_path)
        # The batches are written by a thread with its own connection: SQLite does its B-tree
        # work without the GIL, so the reactor keeps crawling meanwhile. At most two batches
        # wait for it (flush blocks beyond: the crawl never outruns its writes by more).
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.writer = threading.Thread(target=self._write_loop, name="xxgk-store", daemon=True)
        self.writer.start()

    def close_spider(self, spider=None):
        self.flush()
        self._drain()
        spider = spider or getattr(self.crawler, "spider", None)
        if spider is not None:
            try:
                stats = spider.crawler.stats.get_stats() if getattr(spider, "crawler", None) else {}
                stats = self.run_stats(spider, stats)
                spider.final_stats = stats
                with self.db.conn:
                    self.db.conn.execute("UPDATE runs SET stats = ? WHERE id = ?", [store.dumps(stats), self.run_id])
            except Exception as exc:  # noqa: BLE001 - stats are a courtesy; rows are already saved
                spider.logger.error("could not write runs.stats: %s", exc)
        self.db.close()

    def run_stats(self, spider, scrapy_stats: dict) -> dict:
        skipped = dict(self.db.execute(
            "SELECT reason, count(*) FROM skipped WHERE run_id = ? GROUP BY reason", [self.run_id]).fetchall())
        outcomes = dict(self.db.execute(
            "SELECT outcome, count(*) FROM targets WHERE run_id = ? GROUP BY outcome", [self.run_id]).fetchall())
        counters = dict(getattr(spider, "counters", {}))
        return {
            **counters,
            "pages": self.counts["pages"],
            "links": self.counts["links"],
            "targets": self.counts["targets"],
            "skipped": skipped,
            "outcomes": outcomes,
            # Scrapy's count, plus the HEAD checks sent beside it (crawler.quickcheck)
            "requests": scrapy_stats.get("downloader/request_count", counters.get("requests", 0))
            + counters.get("requests_quick", 0),
            "bytes": scrapy_stats.get("downloader/response_bytes", 0),
            "finish_reason": scrapy_stats.get("finish_reason"),
            "interrupted": bool(getattr(spider, "interrupted", False)),
            "start_redirect": getattr(spider, "start_redirect", None),
        }

    # ------------------------------------------------------------------ items

    def process_item(self, item, spider=None):
        kind = item.get("_type")
        if kind == "page":
            self._page(item)
        elif kind == "target":
            self._add("targets", self._target_row(item))
        elif kind == "skipped":
            self._add("skipped", (self.run_id, item["url"], item["reason"], item.get("detail"), item.get("page_url")))
        elif kind == "reused":
            self.reused.append((item["url"], item["from_run"], item.get("depth"), item.get("referer"),
                                item.get("fetched_at")))
            self.pending += 1
        if self.pending >= self.batch_rows or time.monotonic() - self.last_flush > 2.0:
            self.flush()
        return None

    def _add(self, table: str, row: tuple) -> None:
        self.buffers[table].append(row)
        self.pending += 1

    def _page(self, item: dict) -> None:
        run = self.run_id
        url = item["url"]
        self._add("pages", (
            run, url, item.get("final_url"), item.get("status"), item.get("content_type"), item.get("encoding"),
            item.get("encoding_note"), _clean_text(item.get("title"), 1000), item.get("kind"),
            _clean_text(item.get("column_name"), 500), item.get("published"), item.get("written"),
            item.get("depth"), item.get("referer"), item.get("fetched_at"), item.get("etag"),
            item.get("last_modified"), item.get("content_hash"), item.get("size"), item.get("truncated", 0),
            _clean_text(item.get("error"), 1000), _json(item.get("meta") or {}),
            _json(item.get("site_identity") or {}),
            item["extract_json"] if "extract_json" in item else _json(item.get("extract")),
        ))
        rows = item.get("links") or ()  # made by crawler.extract_pool.link_rows
        self.buffers["links"].extend((run, url, *row) for row in rows)
        self.pending += len(rows)
        for pos, entry in enumerate(item.get("entries") or []):
            self._add("entries", (run, None, url, _clean_text(entry.get("title"), 500), entry.get("url"),
                                  entry.get("date"), pos))

    def _target_row(self, item: dict) -> tuple:
        error = item.get("error")
        reason = item.get("reason")
        if item.get("evidence_headers"):
            heads = ", ".join(f"{k}: {v}" for k, v in item["evidence_headers"].items())
            error = "; ".join(x for x in (error, f"headers {heads}") if x)
        if item.get("body_hash"):
            reason = f"{reason} (body sha1 {item['body_hash'][:12]})"
        return (self.run_id, item["url"], item["outcome"], item.get("status"), item.get("final_url"),
                item.get("method"), _json(item.get("chain") or []), _clean_text(error, 2000),
                item.get("elapsed"), item.get("attempts"), item.get("checked_at"), _clean_text(reason, 1000),
                item.get("content_type"), item.get("reused_from"))

    # ------------------------------------------------------------------ writes

    def flush(self) -> None:
        self.last_flush = time.monotonic()
        if self._error is not None:
            raise RuntimeError(f"writing to {self.db_path} failed: {self._error}") from self._error
        if not self.pending or self.db is None:
            return
        batch = {table: rows for table, rows in self.buffers.items() if rows}
        reused = self.reused
        self.buffers = {name: [] for name in TABLES}
        self.reused = []
        self.pending = 0
        if self.writer is not None and self.writer.is_alive():
            self.queue.put((batch, reused))
        else:
            self._write(self.db.conn, batch, reused)

    def _write(self, conn, batch: dict[str, list[tuple]], reused: list[tuple]) -> None:
        """One transaction: the batch's rows, then the copies of pages answered 304."""
        with conn:
            for table, rows in batch.items():
                columns, verb = TABLES[table]
                marks = ", ".join("?" * len(columns))
                conn.executemany(f"{verb} INTO [{table}] ({', '.join(columns)}) VALUES ({marks})", rows)
                self.counts[table] += len(rows)
            if reused:
                pages, links = incremental.copy_pages(conn, self.run_id, reused)
                self.counts["pages"] += pages
                self.counts["links"] += links

    def _write_loop(self) -> None:
        db = store.open_db(self.db_path)
        # WAL + NORMAL: a crash of the process loses nothing committed; only a power cut may
        # lose the last batches. Saves an fsync per batch.
        db.conn.execute("PRAGMA synchronous=NORMAL")
        try:
            while True:
                job = self.queue.get()
                try:
                    if job is None:
                        return
                    if self._error is None:  # after a failure nothing more is written
                        self._write(db.conn, *job)
                except BaseException as exc:  # noqa: BLE001 - raised in the crawl by the next flush
                    self._error = exc
                finally:
                    self.queue.task_done()
        finally:
            db.close()

    def _drain(self) -> None:
        """Wait until every batch handed to the writer is committed; stop the writer."""
        if self.writer is not None and self.writer.is_alive():
            self.queue.put(None)
            self.writer.join()
        if self._error is not None and self.crawler is not None and self.crawler.spider is not None:
            self.crawler.spider.logger.error("writing to %s failed: %s", self.db_path, self._error)
