"""The portal spider: crawls one portal, checks every link target once, decides nothing else.

Three request roles (request.meta["xxgk"]["role"]):

- `page`: an in-scope URL a reader can navigate to (record["follow"]); fetched with GET up
  to `crawl.max_page_bytes`, extracted once with `crawler.extract.extract_page`, and its
  answer is also the link-check result (target row) for that URL.
- `check`: any other link target (files, external pages, pages the crawl did not take):
  HEAD first when the URL names a file, else GET reading at most `XXGK_CHECK_BYTES`; a HEAD
  failure or HEAD-refusal is always re-tried with GET before it is reported.
- `probe`: GET of a random missing path, once per host, for the soft-404 fingerprint.
  Judgements of 200 answers on a host wait (parked) until its probe has answered.

Redirects are followed here (not by Scrapy), so the chain is recorded; retries of transient
failures and of blocked answers are scheduled later in the run with backoff (see `later`).
Outputs are plain dict items with a `_type` (`page`, `target`, `skipped`) for the pipeline.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import heapq
import itertools
import secrets
import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.exceptions import DontCloseSpider, IgnoreRequest
from twisted.internet import task
from twisted.internet.defer import Deferred

from crawler import linkcheck as lc
from crawler.extract_pool import ExtractPool, default_workers, link_rows, link_targets
from crawler.middlewares import RobotsDisallowed, RobotsMiddleware
from crawler.spiders.scope import Scope, www_variant

_STAMP = [0, ""]


def _now() -> str:
    """UTC time to the second, as stored; formatted once a second (it stamps every row)."""
    second = int(time.time())
    if second != _STAMP[0]:
        _STAMP[0], _STAMP[1] = second, datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return _STAMP[1]


# Quick checks running at once (asyncio tasks), and waiting for their turn in a FIFO; beyond
# QUICK_PENDING in all, requests go through Scrapy's (disk-backed) queue, so a large
# re-audit's frontier never piles up in memory (~2.5 KB a waiting request).
QUICK_RUNNING = 64
QUICK_PENDING = 20000


def _quick_checker(settings):
    """A QuickChecker when the crawl may use one (crawler/quickcheck.py), else None."""
    from urllib.request import getproxies

    from crawler.quickcheck import QuickChecker
    from crawler.settings import env_flag

    if env_flag("XXGK_QUICK_CHECKS") is False or not settings.getbool("XXGK_QUICK_CHECKS", True):
        return None
    if settings.getfloat("DOWNLOAD_DELAY") > 0 or settings.getbool("AUTOTHROTTLE_ENABLED") or getproxies():
        return None
    headers = dict(settings.getdict("DEFAULT_REQUEST_HEADERS") or {})
    return QuickChecker(settings.get("USER_AGENT"), min(settings.getfloat("DOWNLOAD_TIMEOUT", 15), 5.0),
                        max(2, settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN", 8)), headers)


def _body(response) -> tuple[bool, bytes]:
    """(cut by the size cap, the body as kept: at most `xxgk_max_bytes` when cut)."""
    truncated = "download_stopped" in response.flags and response.meta.get("xxgk_stopped") == "size"
    return truncated, response.body[: response.meta.get("xxgk_max_bytes") or None] if truncated else response.body


def _headers(response) -> dict[str, str]:
    out = {}
    for key, values in response.headers.items():
        k = key.decode("latin-1").lower()
        out[k] = b", ".join(values).decode("latin-1", "replace")
    return out


class PortalSpider(scrapy.Spider):
    name = "portal"

    def __init__(self, start_url: str, profile: dict, run_id: int = 0, max_pages: int | None = None,
                 external_cache: dict | None = None, resume: bool = False, previous_run: int | None = None,
                 **kwargs):
        super().__init__(**kwargs)
        self.start_url = start_url.split("#", 1)[0]
        self.profile = profile
        self.run_id = run_id
        self.crawl_cfg = dict(profile.get("crawl", {}))
        self.links_cfg = dict(profile.get("links", {}))
        self.scope = Scope(self.start_url, self.crawl_cfg, max_pages)
        self.home_urls: set[str] = {self.start_url}
        self.page_seen: set[str] = set()  # URLs fetched (or being fetched) as pages
        self.page_skipped: dict[str, str] = {}  # URL -> skip reason
        self.target_seen: set[str] = set()  # targets with a result written or coming
        self.skipped_seen: set[str] = set()
        self.hosts: dict[str, dict] = {}  # origin -> {"state": None|"pending"|"done", "fp", "parked"}
        self.later: list = []  # heap of (due, seq, request)
        self._seq = itertools.count()
        self.external_cache = external_cache or {}
        self.counters = {"pages": 0, "links_checked": 0, "errors": 0, "skipped": 0, "requests": 0,
                         "blocked": 0, "retries": 0}
        self.max_redirects = int(self.links_cfg.get("max_redirects", 10))
        self.blocked_retries = int(self.links_cfg.get("blocked_retries", 2))
        self.transient_retries = int(self.links_cfg.get("transient_retries", self.crawl_cfg.get("retries", 2)))
        self.backoff = float(self.links_cfg.get("retry_backoff", 1.0))
        self.max_retry_after = float(self.links_cfg.get("max_retry_after", 120.0))
        self.max_page_bytes = int(self.crawl_cfg.get("max_page_bytes", 10 * 1024 * 1024))
        self.check_bytes = 64 * 1024
        self.interrupted = False
        self.start_redirect: str | None = None
        self.resume = bool(resume)
        # incremental re-audit (crawler.incremental): the run whose pages a 304 stands for
        self.previous_run = previous_run
        self.validators: dict[str, tuple] = {}
        self.internal_cache: dict[str, dict] = {}
        self._previous = None  # read-only connection to the database
        self.quick = None  # crawler.quickcheck.QuickChecker, when the settings allow it
        self.quick_tasks: set = set()
        self.quick_waiting: collections.deque = collections.deque()
        self._store = None  # crawler.pipelines.StorePipeline (or a subclass), once opened

    # ------------------------------------------------------------------ wiring

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.check_bytes = crawler.settings.getint("XXGK_CHECK_BYTES", spider.check_bytes)
        workers = crawler.settings.get("XXGK_EXTRACT_WORKERS")
        spider.extract_pool = ExtractPool(default_workers() if workers is None else int(workers))
        spider.quick = _quick_checker(crawler.settings)
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        crawler.signals.connect(spider._on_opened, signal=signals.spider_opened)
        crawler.signals.connect(spider._on_closed, signal=signals.spider_closed)
        return spider

    def _on_opened(self, spider):
        self.extract_pool.start()
        from crawler.pipelines import StorePipeline

        self._store = next((mw for mw in self.crawler.engine.scraper.itemproc.middlewares
                            if isinstance(mw, StorePipeline)), None)
        self._timer = task.LoopingCall(self._release_due)
        self._timer.start(0.2, now=False)

    def _on_closed(self, spider, reason):
        self.extract_pool.close()
        self.quick_waiting.clear()
        for task_ in list(self.quick_tasks):
            task_.cancel()
        if self.quick is not None:
            self.quick.close()
        if getattr(self, "_timer", None) is not None and self._timer.running:
            self._timer.stop()
        if reason not in ("finished",):
            self.interrupted = True
        if self._previous is not None:
            self._previous.close()
            self._previous = None

    def _release_due(self, force: bool = False) -> None:
        now = time.time()
        engine = self.crawler.engine
        while self.later and (force or self.later[0][0] <= now):
            _, _, request = heapq.heappop(self.later)
            engine.crawl(request)

    def _on_idle(self, spider):
        if self.quick_tasks or self.quick_waiting:  # quick checks to come (their end wakes the engine)
            raise DontCloseSpider
        if self.later:
            self._release_due()
            raise DontCloseSpider
        for origin, host in self.hosts.items():
            if host["parked"] and not host.get("reprobed"):  # a probe got lost: ask once more
                host["reprobed"] = True
                for req in self._probe(origin, "utf-8"):
                    self.crawler.engine.crawl(req)
                raise DontCloseSpider

    def _later(self, request, delay: float) -> None:
        self.counters["retries"] += 1
        heapq.heappush(self.later, (time.time() + delay, next(self._seq), request))

    async def start(self):
        if self.previous_run:
            self._open_previous()
        if self.resume:
            for out in self._resumed():
                yield out
            if self.start_url in self.page_seen:
                return
        self.page_seen.add(self.start_url)
        self.target_seen.add(self.start_url)
        self.scope.admit(self.start_url, 0)
        yield self._request(self.start_url, {"role": "page", "url0": self.start_url, "depth": 0,
                                             "referer": None, "cond": self.validators.get(self.start_url)})

    def _resumed(self):
        """Rebuild the state of a killed crawl from its rows, then request what is not done."""
        import sqlite3

        from crawler import resume

        conn = sqlite3.connect(self.crawler.settings.get("XXGK_DB_PATH"), timeout=30)
        try:
            self.counters["refetch"] = resume.drop_unfinished_pages(conn, self.run_id)
            for url, final_url, _depth, redirect in resume.done_pages(conn, self.run_id):
                self.page_seen.add(url)
                self.scope.restore(url)
                self.counters["pages"] += 1
                if url == self.start_url:
                    if redirect:
                        self.start_redirect = redirect
                    elif final_url and final_url != url:
                        if www_variant(lc.host_of(final_url), lc.host_of(url)):
                            self.scope.add_host(lc.host_of(final_url))
                        self.home_urls.add(final_url)
                if final_url and self.scope.in_scope(final_url):
                    self.page_seen.add(final_url)
            for url, chain in resume.targets(conn, self.run_id):
                self.target_seen.add(url)
                self.counters["links_checked"] += 1
                if url in self.page_seen:  # hops a page's redirect chain claimed
                    for hop in chain[1:]:
                        if hop.get("url") and self.scope.in_scope(hop["url"]):
                            self.page_seen.add(hop["url"])
                            if url == self.start_url:
                                self.home_urls.add(hop["url"])
            for url, reason in resume.skipped(conn, self.run_id):
                self.skipped_seen.add(url)
                if reason in resume.ADMIT_REASONS:
                    self.page_skipped.setdefault(url, reason)
            for url, depth, record in resume.frontier(conn, self.run_id):
                yield from self._follow(record, url, {"depth": depth})
        finally:
            conn.close()

    def _open_previous(self) -> None:
        import sqlite3

        from crawler import incremental

        self._previous = sqlite3.connect(self.crawler.settings.get("XXGK_DB_PATH"), timeout=30)
        self.validators = incremental.validators(self._previous, self.previous_run)
        self.internal_cache = incremental.internal_cache(
            self._previous, self.previous_run, self.scope.hosts,
            float(self.links_cfg.get("internal_cache_hours", 0) or 0))
        self.counters["reused"] = 0

    def _not_modified(self, st, response):
        """A page answered 304: reuse the previous run's row, target and extraction."""
        from crawler import incremental

        url = st["url0"]
        record = incremental.page_record(self._previous, self.previous_run, url)
        if record is None:  # nothing to stand for: read it
            yield self._again(url, dict(st, cond=None), "GET")
            return
        self.counters["pages"] += 1
        self.counters["reused"] += 1
        yield {"_type": "reused", "url": url, "from_run": self.previous_run, "depth": st.get("depth"),
               "referer": st.get("referer"), "fetched_at": _now()}
        yield from self._follow(record, url, st)
        target = incremental.target_row(self._previous, self.previous_run, url)
        if target is None:
            yield from self._finish(st, "ok", status=200, final_url=url)
        else:
            yield self._target_item(dict(target, attempts=st["attempts"], checked_at=None,
                                         reused_from=self.previous_run))

    # ------------------------------------------------------------------ requests

    def _request(self, url: str, st: dict, method: str = "GET", priority: int = 0, encoding: str = "utf-8"):
        st.setdefault("chain", [])
        st.setdefault("methods", [])
        st.setdefault("attempts", 0)
        st.setdefault("transient", 0)
        st.setdefault("blocked", 0)
        st.setdefault("started", time.time())
        st.setdefault("errors", [])
        st["method"] = method
        if st["role"] == "page":
            body_role, limit = "page", self.max_page_bytes
        elif st["role"] == "probe":
            body_role, limit = "full", self.check_bytes
        else:
            body_role, limit = "status", self.check_bytes
        meta = {"xxgk": st, "xxgk_body": body_role, "xxgk_max_bytes": limit,
                "download_timeout": float(self.links_cfg.get("timeout", self.crawl_cfg.get("timeout", 15)))}
        headers = {}
        if st.get("referer"):
            headers["Referer"] = st["referer"]
        if st.get("cond") and not st["chain"] and method == "GET":
            etag, modified = st["cond"]
            if etag:
                headers["If-None-Match"] = etag
            if modified:
                headers["If-Modified-Since"] = modified
            headers["Cache-Control"] = "max-age=0"  # no stale copy from a cache on the way
        try:
            req = scrapy.Request(url, method=method, callback=self.on_response, errback=self.on_error,
                                 meta=meta, dont_filter=True, priority=priority, encoding=encoding,
                                 headers=headers)
        except (ValueError, TypeError) as exc:
            return None, str(exc)
        self.counters["requests"] += 1
        return req

    def _issue(self, url: str, st: dict, method: str = "GET", priority: int = 0, encoding: str = "utf-8"):
        """A request, or (on a URL Scrapy cannot build) the finished target as an item."""
        req = self._request(url, st, method, priority, encoding)
        if isinstance(req, tuple):
            return self._finish(st, "not_checked", error=f"malformed URL: {req[1]}", final_url=url)
        return req

    # ------------------------------------------------------------------ callbacks

    async def on_response(self, response):
        # async: a page's extraction runs in the extraction process (crawler.extract_pool)
        st = response.meta["xxgk"]
        if st["role"] == "page":
            pre = None
            status, ctype = response.status, (response.headers.get(b"Content-Type") or b"").decode("latin-1")
            # the pages _page_done extracts (others: pre stays None, nothing changes)
            if (200 <= status < 300 and response.meta.get("xxgk_stopped") != "headers"
                    and lc.is_html_type(ctype)):
                headers = _headers(response)
                body = _body(response)[1]
                pre = await self.extract_pool.extract(body, response.url, headers, headers.get("content-type", ""),
                                                      frozenset(self.scope.hosts))
                ahead = self._after_extract(pre[0], st)
                if ahead is not None:
                    await ahead
            for out in self._stored(self._on_response(response, pre)):
                yield out
            return
        for out in self._stored(self._on_response(response)):
            yield out

    def _after_extract(self, record: dict, st: dict):
        """A hook between a page's extraction and its outputs: an awaitable its callback waits
        for (None: none). crawler.distributed claims the page's URLs in Redis meanwhile."""
        return None

    def _stored(self, outputs):
        """Rows straight to the store pipeline, requests straight to the scheduler.

        Scrapy's item path (spider middlewares, item signals, pipeline manager) costs about
        as much CPU per item as our pipeline itself, for ~3 items a page; nothing else
        consumes our items. A yielded request goes through the spider middlewares' output
        chain (an async generator per middleware) before `engine.crawl`, the very call
        Scrapy's scraper ends with: ~5% of the crawl process for middlewares that do nothing
        to our requests (we set their Referer ourselves, no depth/URL-length limits of
        Scrapy's). Without the pipeline (a test's own settings) everything is yielded."""
        store = self._store
        if store is None:
            yield from outputs
            return
        crawl = self.crawler.engine.crawl
        for out in outputs:
            if isinstance(out, dict):
                store.process_item(out, self)
            elif isinstance(out, scrapy.Request):
                crawl(out)
            else:
                yield out

    def _on_response(self, response, pre=None):
        st = response.meta["xxgk"]
        st["attempts"] += 1
        if st["method"] not in st["methods"][-1:]:
            st["methods"].append(st["method"])
        status = response.status
        if status == 304 and st["role"] == "page" and st.get("cond") and not st["chain"]:
            yield from self._not_modified(st, response)
            return
        if 300 <= status < 400 and status != 304 and response.headers.get(b"Location"):
            yield from self._redirect(response, st)
            return
        headers = _headers(response)
        truncated, body = _body(response)
        if st["role"] == "probe":
            yield from self._probe_done(st, response.url, status, headers, body)
            return
        if st["role"] == "page":
            yield from self._page_done(st, response, status, headers, body, truncated, pre)
            return
        yield from self._check_done(st, response.url, status, headers, body)

    def on_error(self, failure):
        yield from self._stored(self._on_error(failure))

    def _on_error(self, failure):
        request = failure.request
        st = request.meta["xxgk"]
        exc = failure.value
        if isinstance(exc, RobotsDisallowed):
            yield from self._skip(request.url, "robots", "disallowed by robots.txt", st.get("referer"))
            if st["role"] == "probe":
                yield from self._set_fingerprint(st["origin"], None)
            else:
                yield from self._finish(st, "not_checked", error="disallowed by robots.txt", final_url=request.url,
                                        reason="robots.txt disallows it")
            return
        if isinstance(exc, IgnoreRequest):
            if st["role"] == "probe":
                yield from self._set_fingerprint(st["origin"], None)
            else:
                yield from self._finish(st, "not_checked", error=str(exc), final_url=request.url)
            return
        st["attempts"] += 1
        if st["method"] not in st["methods"][-1:]:
            st["methods"].append(st["method"])
        outcome, cls, text = lc.classify_error(exc)
        st["errors"].append(f"{st['method']} {cls}: {text}"[:300])
        if st["role"] == "probe":
            yield from self._set_fingerprint(st["origin"], None)
            return
        if st["method"] == "HEAD":  # every failure is confirmed by GET before it is reported
            yield self._again(request.url, st, "GET")
            return
        if outcome in lc.TRANSIENT_ERRORS and st["transient"] < self.transient_retries:
            st["transient"] += 1
            self._later(self._again(request.url, st, st["method"]),
                        lc.backoff_delay(st["transient"], self.backoff, None, self.max_retry_after))
            return
        yield from self._finish(st, outcome, error=f"{cls}: {text}", final_url=request.url)
        if st["role"] == "page":
            yield self._page_item(st, request.url, None, {}, b"", False, None, error=f"{outcome}: {cls}: {text}")

    def _again(self, url: str, st: dict, method: str):
        """The next request of the same target (a URL that already built a request once)."""
        st = dict(st)
        req = self._request(url, st, method, encoding=st.get("encoding", "utf-8"))
        return req

    # ------------------------------------------------------------------ redirects

    def _redirect(self, response, st):
        url = response.url
        try:
            nxt = lc.redirect_location(url, response.headers.get(b"Location"))
        except ValueError:
            nxt = None
        st["chain"] = st["chain"] + [{"url": url, "status": response.status}]
        seen = {hop["url"] for hop in st["chain"]}
        if nxt is None or not lc.is_http(nxt):
            yield from self._finish(st, "http_status", status=response.status, final_url=url,
                                    error=f"redirect to an unusable Location {nxt!r}")
            return
        if nxt in seen:
            yield from self._finish(st, "redirect_loop", status=response.status, final_url=nxt,
                                    error=f"redirect loop back to {nxt}")
            return
        if len(st["chain"]) > self.max_redirects:
            yield from self._finish(st, "too_many_redirects", status=response.status, final_url=nxt,
                                    error=f"more than {self.max_redirects} redirects")
            return
        method = "GET" if response.status == 303 else st["method"]
        if st["role"] == "page" and not self.scope.in_scope(nxt):
            if st["url0"] == self.start_url and www_variant(lc.host_of(nxt), lc.host_of(url)):
                self.scope.add_host(lc.host_of(nxt))
                self.home_urls.add(nxt)
            else:
                if st["url0"] == self.start_url:
                    self.start_redirect = nxt
                    yield from self._skip(nxt, "offsite", f"the start URL redirects off the portal to {nxt}",
                                          self.start_url)
                yield self._page_item(st, st["url0"], response.status, _headers(response), b"", False, None,
                                      final_url=nxt, error=None, redirect=nxt)
                st = dict(st, role="check")
        elif st["role"] == "page":
            claimed = st.setdefault("claimed", [])
            if nxt in self.page_seen and nxt not in claimed:
                st = dict(st, role="check")  # the destination is crawled on its own
            else:
                self.page_seen.add(nxt)
                claimed.append(nxt)
                if st["url0"] == self.start_url:
                    self.home_urls.add(nxt)
        req = self._again(nxt, st, method)
        if isinstance(req, tuple):
            yield from self._finish(st, "http_status", status=response.status, final_url=url,
                                    error=f"redirect to an unusable Location {nxt!r}: {req[1]}")
            return
        yield req

    # ------------------------------------------------------------------ pages

    def _page_done(self, st, response, status, headers, body, truncated, pre=None):
        url = response.url
        ctype = headers.get("content-type", "")
        if status >= 400 or status < 200:
            yield from self._check_done(st, url, status, headers, body)
            if st.get("_final"):
                yield self._page_item(st, url, status, headers, body, truncated, None,
                                      error=f"HTTP {status}")
            return
        record = None
        if response.meta.get("xxgk_stopped") == "headers" or not lc.is_html_type(ctype):
            kind = "attachment"
        else:
            kind = None
            record = self._extract(body, url, headers) if pre is None else pre[0]
        note = None
        if "dataloss" in response.flags:
            note = f"body incomplete: the server closed the connection after {len(body)} bytes"
        item = self._page_item(st, url, status, headers, body, truncated, record, kind=kind, error=note,
                               rows=pre[3] if pre is not None and record is not None else None)
        if pre is not None and record is not None:
            item["extract_json"] = pre[1]  # the full record's text, serialised in the extraction process
        yield item
        if record is not None:
            yield from self._follow(record, url, st)
        text = pre[2] if pre is not None and record is not None else self._text(body, ctype, record)
        yield from self._check_done(st, url, status, headers, body, record=record, text=text)
        if url != st["url0"] and url not in self.target_seen:
            # the destination of a redirect answered directly: its own target row
            self.target_seen.add(url)
            direct = {"role": "check", "url0": url, "referer": st.get("referer"), "chain": [], "methods": ["GET"],
                      "attempts": 1, "transient": 0, "blocked": 0, "started": time.time(), "errors": [],
                      "method": "GET"}
            yield from self._check_done(direct, url, status, headers, body, record=record, text=text)

    def _extract(self, body: bytes, url: str, headers: dict) -> dict:
        from crawler.extract import extract_page

        try:
            record = extract_page(body, url, headers)
        except Exception as exc:  # noqa: BLE001 - extraction must never stop the crawl
            from crawler.extract import empty_record

            record = empty_record()
            record["error"] = f"extraction failed: {exc.__class__.__name__}: {exc}"
        return record

    def _page_item(self, st, url, status, headers, body, truncated, record, kind=None, final_url=None,
                   error=None, redirect=None, rows=None):
        self.counters["pages"] += 1
        record = record or {}
        if error:
            self.counters["errors"] += 1
        if rows is None:
            rows = link_rows(record, self.scope.hosts)
        # a slim record (extraction process) comes with its JSON text as item["extract_json"]
        extract = None if "_targets" in record else (
            dict(record) if record else ({"redirect": redirect} if redirect else None))
        stopped = None
        if truncated:
            error = error or f"body cut at {self.max_page_bytes} bytes"
        return {
            "_type": "page",
            "url": st["url0"],
            "final_url": final_url or url,
            "status": status,
            "content_type": headers.get("content-type"),
            "encoding": record.get("encoding"),
            "encoding_note": record.get("encoding_note"),
            "title": record.get("title"),
            "kind": kind or record.get("kind") or ("other" if status else None),
            "column_name": record.get("column"),
            "published": record.get("published"),
            "written": record.get("written"),
            "depth": st.get("depth"),
            "referer": st.get("referer"),
            "fetched_at": _now(),
            "etag": headers.get("etag"),
            "last_modified": headers.get("last-modified"),
            "content_hash": hashlib.sha1(body).hexdigest() if body else None,
            "size": len(body) if body is not None else None,
            "truncated": 1 if truncated else 0,
            "error": error or record.get("error") or stopped,
            "meta": record.get("meta") or {},
            "site_identity": record.get("site") or {},
            "extract": extract,
            "links": rows,  # (url, tag, attribute, text, internal): crawler.extract_pool.link_rows
            "entries": record.get("entries") or [],
        }

    def _follow(self, record: dict, page_url: str, st: dict):
        depth = (st.get("depth") or 0) + 1
        encoding = record.get("encoding") or "utf-8"
        for raw in record.get("follow") or []:
            if not raw or not lc.is_link(raw):
                continue
            url = raw.split("#", 1)[0]
            if url in self.page_seen or url in self.page_skipped or not self.scope.is_page_candidate(url):
                continue
            reason = self.scope.admit(url, depth)
            if reason:
                self.page_skipped[url] = reason
                yield from self._skip(url, reason, f"depth {depth}", page_url)
                continue
            self.page_seen.add(url)
            # priority -depth: shallower pages first (breadth-first), whatever order the
            # callbacks finish in; a page's depth is then its shortest link distance, so
            # crawl.max_depth does not cut pages reached first through a long pager chain
            req = self._issue(url, {"role": "page", "url0": url, "depth": depth, "referer": page_url,
                                    "encoding": encoding, "cond": self.validators.get(url)}, encoding=encoding,
                              priority=-depth)
            if isinstance(req, scrapy.Request):
                self.target_seen.add(url)
                if req.meta["xxgk"]["cond"] and self._quick_allowed(req):
                    self._start_quick(req)  # re-audit: most pages answer 304
                    continue
                yield req
            else:
                yield from req
        for url in link_targets(record):
            if url in self.target_seen:
                continue
            self.target_seen.add(url)
            yield from self._check_target(url, page_url, encoding)

    def _check_target(self, url: str, page_url: str, encoding: str):
        st = {"role": "check", "url0": url, "referer": page_url, "encoding": encoding}
        if not lc.is_http(url):
            yield from self._skip(url, "scheme", "not an http(s) URL", page_url)
            yield from self._finish(st, "not_checked", final_url=url, reason="not an http(s) URL")
            return
        if lc.matches_any(self.links_cfg.get("ignore_patterns", []), url):
            yield from self._finish(st, "ignored", final_url=url, reason="links.ignore_patterns")
            return
        if url in self.page_skipped:
            reason = self.page_skipped[url]
            yield from self._finish(st, "not_checked", final_url=url, reason=f"not fetched: {reason}")
            return
        internal = self.scope.in_scope(url)
        if not internal and not self.links_cfg.get("check_external", True):
            yield from self._finish(st, "not_checked", final_url=url, reason="check_external is off")
            return
        cached = (self.internal_cache if internal else self.external_cache).get(url)
        if cached:
            yield self._target_item(dict(cached, url=url))
            return
        method = "HEAD" if lc.looks_like_attachment(url) else "GET"
        req = self._issue(url, st, method, encoding=encoding)
        if isinstance(req, scrapy.Request):
            if method == "HEAD" and self._quick_allowed(req):
                self._start_quick(req)
                return
            yield req
        else:
            yield from req

    # ------------------------------------------------------------------ quick HEAD checks

    def _quick_allowed(self, req) -> bool:
        """The quick client may send this request (a HEAD check, a re-audit's conditional GET):
        enabled, not saturated, the host not given up, and robots.txt already says yes."""
        if (self.quick is None or len(self.quick_tasks) + len(self.quick_waiting) >= QUICK_PENDING
                or not self.quick.usable(req.url)):
            return False
        robots = self._robots_mw()
        if robots is False:
            return True  # robots.txt not obeyed (--ignore-robots)
        if robots is None:
            return False
        netloc = urlsplit(req.url).netloc
        if netloc not in robots._parsers:
            return False  # not asked yet: Scrapy's middleware fetches it
        rp = robots._parsers[netloc]
        if isinstance(rp, Deferred):
            return False  # being fetched
        if rp is None:
            return True  # no usable robots.txt: everything allowed (as the middleware does)
        agent = robots._robotstxt_useragent or robots._default_useragent
        return bool(rp.allowed(req.url, agent))

    def _robots_mw(self):
        """The robots.txt middleware, False when robots.txt is not obeyed, None if unknown."""
        if not hasattr(self, "_robots"):
            self._robots = None
            if not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
                self._robots = False
            else:
                for mw in self.crawler.engine.downloader.middleware.middlewares:
                    if isinstance(mw, RobotsMiddleware):
                        self._robots = mw
        return self._robots

    def _start_quick(self, req) -> None:
        if len(self.quick_tasks) >= QUICK_RUNNING:
            self.quick_waiting.append(req)
            return
        task_ = asyncio.ensure_future(self._quick(req))
        self.quick_tasks.add(task_)
        task_.add_done_callback(self._quick_done)

    def _quick_done(self, task_) -> None:
        self.quick_tasks.discard(task_)
        self.counters["requests_quick"] = self.quick.requests
        if not task_.cancelled() and task_.exception() is not None:
            self.logger.error("quick check failed: %r", task_.exception())
        while self.quick_waiting and len(self.quick_tasks) < QUICK_RUNNING:
            self._start_quick(self.quick_waiting.popleft())
        if not self.quick_tasks:
            self._wake()

    def _wake(self) -> None:
        # the engine re-asks an idle spider every 5 s; ask now that the last quick check is in
        try:
            self.crawler.engine._slot.nextcall.schedule()
        except AttributeError:
            pass

    async def _quick(self, req) -> None:
        st = req.meta["xxgk"]
        engine = self.crawler.engine
        if st["role"] == "page":  # a re-audit's conditional GET: only a 304 is taken
            unchanged = await self.quick.unchanged(req.url, st.get("referer"), *st["cond"])
            if not unchanged:
                engine.crawl(req)
                return
            st["attempts"] += 1
            st["methods"].append("GET")
            outputs = self._not_modified(st, None)
        else:
            answer = await self.quick.head(req.url, st.get("referer"))
            if (answer is None or not (200 <= answer[0] < 300)
                    or "html" in answer[1].get("content-type", "").lower()):
                engine.crawl(req)  # anything but a plain success: Scrapy asks again and judges
                return
            status, headers = answer
            st["attempts"] += 1
            st["methods"].append("HEAD")
            outputs = self._check_done(st, req.url, status, headers, b"")
        for out in self._stored(outputs):
            if isinstance(out, scrapy.Request):
                engine.crawl(out)
            else:
                await engine.scraper.start_itemproc_async(out, response=None)

    # ------------------------------------------------------------------ judging answers

    @staticmethod
    def _text(body: bytes, ctype: str, record: dict | None = None) -> lc.PageText:
        if body and lc.is_html_type(ctype):
            return lc.page_text(body, ctype, (record or {}).get("encoding"))
        return lc.PageText()

    def _check_done(self, st, url, status, headers, body, record=None, text=None):
        """Decide what a non-redirect answer means for the target `st["url0"]`."""
        ctype = headers.get("content-type", "")
        if st["method"] == "HEAD":
            html_answer = 200 <= status < 300 and "html" in ctype.lower()
            if status >= 400 or status < 200 or (html_answer and not self._is_home(st["url0"])):
                yield self._again(url, st, "GET")  # confirm failures; read HTML for soft 404
                return
        if text is None:
            text = self._text(body, ctype, record)
        blocked = lc.blocked_reason(status, headers, text, self.links_cfg) if status >= 200 else None
        if blocked:
            if st["blocked"] < self.blocked_retries:
                st["blocked"] += 1
                retry_after = lc.parse_retry_after(headers.get("retry-after"))
                delay = lc.backoff_delay(st["blocked"], max(self.backoff, 1.0), retry_after, self.max_retry_after)
                self._later(self._again(st["url0"], self._restart(st), "GET"),
                            delay)
                return
            self.counters["blocked"] += 1
            st["_final"] = True
            yield from self._finish(st, "blocked", status=status, final_url=url, headers=headers,
                                    reason=blocked, body=body)
            return
        if status >= 400 or status < 200:
            if (status in lc.TRANSIENT_STATUSES) and st["transient"] < self.transient_retries:
                st["transient"] += 1
                retry_after = lc.parse_retry_after(headers.get("retry-after"))
                delay = lc.backoff_delay(st["transient"], self.backoff, retry_after, self.max_retry_after)
                self._later(self._again(st["url0"], self._restart(st), "GET"),
                            delay)
                return
            st["_final"] = True
            yield from self._finish(st, "http_status", status=status, final_url=url, headers=headers,
                                    reason=f"HTTP {status}", body=body)
            return
        st["_final"] = True
        # 2xx: a working page, unless it is an error page in disguise
        kind = (record or {}).get("kind")
        judge = {"status": status, "final_url": url, "headers": headers, "text": text, "kind": kind,
                 "body": body, "html": lc.is_html_type(ctype) and bool(body)}
        fp_needed = (self.links_cfg.get("soft404_fingerprint", True) and judge["html"]
                     and not self._is_home(st["url0"]) and 200 <= status < 300)
        if fp_needed:
            origin = self._origin(url)
            host = self.hosts.setdefault(origin, {"state": None, "fp": None, "parked": []})
            if host["state"] != "done":
                host["parked"].append((st, judge))
                if host["state"] is None:
                    host["state"] = "pending"
                    yield from self._probe(origin, st.get("encoding", "utf-8"))
                return
            yield from self._judge_ok(st, judge, host["fp"])
        else:
            yield from self._judge_ok(st, judge, None)

    def _restart(self, st: dict) -> dict:
        """State for a retry from the start of the chain (blocked / transient)."""
        st = dict(st)
        st["chain"] = []
        return st

    def _judge_ok(self, st, judge, fingerprint):
        redirected = bool(st["chain"])
        reason = lc.soft404_reason(st["url0"], judge["final_url"], redirected, judge["text"], self.links_cfg,
                                   home_urls=self.home_urls, fingerprint=fingerprint,
                                   extractor_kind=judge["kind"])
        if reason and reason.startswith(lc.PATTERN_REASONS) and judge["kind"] is None and judge["html"]:
            # an unextracted target whose words look like an error page: read it properly first
            kind = self._extract(judge["body"], judge["final_url"], judge["headers"]).get("kind")
            reason = lc.soft404_reason(st["url0"], judge["final_url"], redirected, judge["text"], self.links_cfg,
                                       home_urls=self.home_urls, fingerprint=fingerprint, extractor_kind=kind)
        if reason:
            outcome = "soft_404"
        elif redirected:
            outcome, reason = "redirect", f"redirects to {judge['final_url']}"
        else:
            outcome, reason = "ok", None
        yield from self._finish(st, outcome, status=judge["status"], final_url=judge["final_url"],
                                headers=judge["headers"], reason=reason)

    def _is_home(self, url: str) -> bool:
        return url in self.home_urls or lc.is_home_url(url)

    @staticmethod
    def _origin(url: str) -> str:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _probe(self, origin: str, encoding: str):
        probe_url = f"{origin}/xxgk-audit-missing-{secrets.token_hex(6)}.html"
        st = {"role": "probe", "url0": probe_url, "origin": origin, "referer": None}
        req = self._request(probe_url, st, "GET", priority=100)
        if isinstance(req, tuple):
            yield from self._set_fingerprint(origin, None)
        else:
            yield req

    def _probe_done(self, st, url, status, headers, body):
        fp = None
        if 200 <= status < 300:
            fp = lc.Fingerprint.from_answer(st["url0"], url, lc.page_text(body, headers.get("content-type")))
        yield from self._set_fingerprint(st["origin"], fp)

    def _set_fingerprint(self, origin, fp):
        host = self.hosts.setdefault(origin, {"state": None, "fp": None, "parked": []})
        host["state"], host["fp"] = "done", fp
        parked, host["parked"] = host["parked"], []
        for st, judge in parked:
            yield from self._judge_ok(st, judge, fp)

    # ------------------------------------------------------------------ outputs

    def _finish(self, st, outcome, status=None, final_url=None, headers=None, reason=None, error=None, body=None):
        if st["role"] == "probe":
            yield from self._set_fingerprint(st["origin"], None)
            return
        st["_final"] = True
        chain = list(st.get("chain") or [])
        if chain or status is not None:
            chain.append({"url": final_url, "status": status})
        errors = list(st.get("errors") or [])
        if error and (not errors or error not in errors[-1]):
            errors.append(error)
        if reason is None and outcome in lc.BROKEN:
            reason = error or (f"HTTP {status}" if status else outcome)
        row = {
            "url": st["url0"],
            "outcome": outcome,
            "status": status,
            "final_url": final_url,
            "method": "+".join(dict.fromkeys(st.get("methods") or [])) or None,
            "chain": chain if len(chain) > 1 else [],
            "error": "; ".join(errors) or None,
            "elapsed": round(time.time() - st.get("started", time.time()), 3),
            "attempts": st.get("attempts", 0),
            "reason": reason,
            "content_type": (headers or {}).get("content-type"),
        }
        if outcome == "blocked" and headers is not None:
            row["evidence_headers"] = {k: v for k, v in headers.items()
                                       if k in ("server", "retry-after", "set-cookie", "cf-ray", "x-cache")}
            row["body_hash"] = hashlib.sha1(body or b"").hexdigest()
        yield self._target_item(row)

    def _target_item(self, row: dict) -> dict:
        self.counters["links_checked"] += 1
        if row["outcome"] in lc.BROKEN:
            self.counters["errors"] += 1
        row["checked_at"] = row.get("checked_at") or _now()
        row["internal"] = 1 if self.scope.in_scope(row["url"]) else 0
        return dict(row, _type="target")

    def _skip(self, url, reason, detail, page_url):
        if url in self.skipped_seen:
            return
        self.skipped_seen.add(url)
        self.counters["skipped"] += 1
        yield {"_type": "skipped", "url": url, "reason": reason, "detail": detail, "page_url": page_url}
