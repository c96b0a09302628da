"""Extensions on Scrapy signals: the size cap that keeps a cut body, and progress reports."""

from __future__ import annotations

import time
from collections.abc import Callable

from scrapy import signals
from scrapy.exceptions import NotConfigured, StopDownload
from twisted.internet import task

# Content types never worth reading as a page (the page row records kind "attachment").
BINARY_TYPES = ("application/pdf", "application/zip", "application/x-zip", "application/msword",
                "application/vnd.", "application/x-rar", "application/x-7z", "application/octet-stream",
                "image/", "audio/", "video/", "font/", "application/x-msdownload", "application/ofd")


class SizeCap:
    """Stop a body at the request's byte limit and keep what was read.

    `request.meta["xxgk_max_bytes"]`: the limit (pages: `crawl.max_page_bytes`; GET checks a
    small limit). `request.meta["xxgk_body"]`: "page" (stop at headers when the content type
    is binary), "status" (only the status is needed: stop at headers unless HTML) or "full".
    Scrapy's own DOWNLOAD_MAXSIZE cancels the download and loses the body; this raises
    `StopDownload(fail=False)`, so the callback receives the first bytes with the flag
    `download_stopped`, which the pipeline records as `truncated`.
    """

    def __init__(self, crawler):
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def headers_received(self, headers, body_length, request, spider):
        role = request.meta.get("xxgk_body")
        if not role or request.method == "HEAD":
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        status_only = role == "status" and ctype and "html" not in ctype and "text/plain" not in ctype
        binary = role == "page" and ctype.startswith(BINARY_TYPES)
        if status_only or binary:
            request.meta["xxgk_stopped"] = "headers"
            raise StopDownload(fail=False)

    def bytes_received(self, data, request, spider):
        limit = request.meta.get("xxgk_max_bytes")
        if not limit:
            return
        got = request.meta.get("xxgk_got", 0) + len(data)
        request.meta["xxgk_got"] = got
        if got >= limit:
            request.meta["xxgk_stopped"] = "size"
            raise StopDownload(fail=False)


class Progress:
    """Periodic counters for the CLI's display, from the spider's counters and the engine.

    The receiver is the callable in setting `XXGK_ON_PROGRESS` (in a child process, a
    function writing JSON lines to the parent). Reports every `XXGK_PROGRESS_INTERVAL`
    seconds and once more, with `"finished": True`, when the spider closes.
    """

    def __init__(self, crawler, receiver: Callable[[dict], None], interval: float):
        self.crawler = crawler
        self.receiver = receiver
        self.interval = interval
        self.started = time.monotonic()
        self.loop: task.LoopingCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        receiver = crawler.settings.get("XXGK_ON_PROGRESS")
        if not callable(receiver):
            raise NotConfigured("no progress receiver")
        return cls(crawler, receiver, crawler.settings.getfloat("XXGK_PROGRESS_INTERVAL", 1.0))

    def spider_opened(self, spider):
        self.started = time.monotonic()
        self.loop = task.LoopingCall(self.report, spider)
        self.loop.start(self.interval, now=False)

    def spider_closed(self, spider, reason):
        if self.loop and self.loop.running:
            self.loop.stop()
        self.report(spider, finished=True, reason=reason)

    def snapshot(self, spider) -> dict:
        counters = dict(getattr(spider, "counters", {}))
        engine = self.crawler.engine
        queued = 0
        try:
            queued = len(engine._slot.scheduler)  # noqa: SLF001 - no public accessor
        except Exception:  # noqa: BLE001
            pass
        elapsed = max(time.monotonic() - self.started, 1e-6)
        counters.update(
            queued=queued + len(getattr(spider, "later", ())),
            in_flight=len(engine.downloader.active) if engine and engine.downloader else 0,
            elapsed=round(elapsed, 2),
            rate=round(counters.get("pages", 0) / elapsed, 2),
        )
        return counters

    def report(self, spider, finished: bool = False, reason: str | None = None) -> None:
        snap = self.snapshot(spider)
        if finished:
            snap.update(finished=True, reason=reason)
        try:
            self.receiver(snap)
        except Exception:  # noqa: BLE001 - a display problem never stops the crawl
            pass
