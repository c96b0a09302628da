"""Downloader middlewares of the audit crawler."""

from __future__ import annotations

import logging

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest


class RobotsDisallowed(IgnoreRequest):
    """robots.txt forbids this URL: recorded as skipped (reason robots), target not_checked."""


class UnreadableRobotsIsNoError(logging.Filter):
    """Scrapy logs a robots.txt it could not download (a dead or refusing host) as an ERROR
    with a traceback. For an audit that is a finding about the site, not a fault of the
    crawl: the host's links are reported broken, and without a robots.txt everything is
    allowed. So the record becomes one WARNING line; the run's `log_errors` stays for faults."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno == logging.ERROR and str(record.msg).startswith("Error downloading"):
            exc = record.exc_info[1] if record.exc_info else None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg = "robots.txt not readable for %(request)s (%(why)s): everything allowed there"
            record.args = {"request": (record.args or {}).get("request"),
                           "why": f"{exc.__class__.__name__}: {exc}" if exc is not None else "no answer"}
            record.exc_info = record.exc_text = None
        return True


logging.getLogger("scrapy.downloadermiddlewares.robotstxt").addFilter(UnreadableRobotsIsNoError())


class RobotsMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, raising `RobotsDisallowed` so the spider can tell a
    robots refusal from any other dropped request. Switched off (NotConfigured) when
    ROBOTSTXT_OBEY is false (`--ignore-robots`)."""

    def process_request_2(self, rp, request) -> None:  # noqa: ANN001 - Scrapy's signature
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest as exc:
            raise RobotsDisallowed(str(exc)) from None


class SizeCapMiddleware:
    """Let `crawler.extensions.SizeCap` cut bodies on the wire, keep DOWNLOAD_MAXSIZE for the rest.

    Scrapy's download handler cancels a response whose announced length exceeds
    DOWNLOAD_MAXSIZE and throws the body away; we want the first `max_page_bytes` of a
    20 MB page instead. Sitting next to the download handler (priority 595), this sets the
    handler's limit off for the request and restores it on the response, where the
    decompression middleware (590) reads it as its limit against gzip bombs.
    """

    def __init__(self, maxsize: int):
        self.maxsize = maxsize

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))

    def process_request(self, request, spider=None):
        if request.meta.get("xxgk_max_bytes"):
            request.meta["download_maxsize"] = 0
        return None

    def process_response(self, request, response, spider=None):
        if request.meta.get("xxgk_max_bytes"):
            request.meta["download_maxsize"] = self.maxsize
        return response
