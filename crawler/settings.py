"""Scrapy settings of the audit crawler: plain data, plus one function mapping a profile onto it.

Precedence (one ladder, resolved by `xxgk.profile` and here): the data below < the resolved
profile's `[crawl]` / `[links]` sections < `overrides` (CLI flags: max_pages, concurrency,
delay, ignore_robots, job_dir).

What the crawler handles itself instead of Scrapy's components, and why:

- Redirects (`REDIRECT_ENABLED = False`): the spider follows 3xx itself so that every hop of
  a chain is recorded (targets.chain, pages.final_url) and loops / long chains are outcomes.
- Retries (`RETRY_ENABLED = False`): the spider retries transient failures and blocked
  answers later in the run with backoff (honouring `Retry-After`), counting attempts for
  the evidence; Scrapy's retry middleware would re-send at once and hide the attempts.
- Size cap: `crawler.extensions.SizeCap` stops a body at `max_page_bytes` and keeps what
  was read (the page is recorded `truncated`); `DOWNLOAD_MAXSIZE` is only a backstop
  (four times the cap) against decompression bombs and huge announced lengths.
- Duplicates: the spider keeps its own set of URLs, byte-exact as the extractor gave
  them; Scrapy's fingerprint canonicalises (re-orders queries, re-quotes escapes).
- Pending requests: beyond a few hundred per host and priority, on disk (Scrapy's JOBDIR
  disk queue, crawler.queues), so the memory of a crawl does not grow with the frontier of
  a big site and a small one never waits on the disk. `--job-dir DIR` puts it in DIR/scrapy; without
  it the crawl gets a private temporary directory, new for every crawl and removed when the
  crawl ends (crawler.run), so nothing is ever resumed from it. `XXGK_DISK_QUEUE = False`
  (or the environment variable `XXGK_DISK_QUEUE=0`) keeps the queue in memory.
"""

from __future__ import annotations

import os
from typing import Any

BOT_NAME = "xxgk-audit"

# ------------------------------------------------------------------ engine
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_START_DELAY = 0.25
AUTOTHROTTLE_TARGET_CONCURRENCY = 4.0
CONCURRENT_ITEMS = 1  # per response, Scrapy starts this many asyncio tasks for every callback; ours
# hand rows to the store and requests to the engine themselves (PortalSpider._stored): nothing to share
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 8
COOKIES_ENABLED = False
DNS_TIMEOUT = 15
DOWNLOAD_DELAY = 0.25
DOWNLOAD_FAIL_ON_DATALOSS = False  # a body cut by the server is kept and flagged
DOWNLOAD_MAXSIZE = 4 * 10 * 1024 * 1024
DOWNLOAD_TIMEOUT = 15
DOWNLOAD_WARNSIZE = 10 * 1024 * 1024
DUPEFILTER_CLASS = "scrapy.dupefilters.BaseDupeFilter"  # the spider deduplicates
HTTPERROR_ALLOW_ALL = True
LOG_ENABLED = True
LOG_LEVEL = "ERROR"
LOG_FORMATTER = "crawler.handlers.QuietLogFormatter"  # no per-response/per-item DEBUG records
MEMUSAGE_ENABLED = False
RANDOMIZE_DOWNLOAD_DELAY = True
REACTOR_THREADPOOL_MAXSIZE = 10
REDIRECT_ENABLED = False
METAREFRESH_ENABLED = False
RETRY_ENABLED = False
RETRY_TIMES = 2
ROBOTSTXT_OBEY = True
SCHEDULER_PRIORITY_QUEUE = "scrapy.pqueues.DownloaderAwarePriorityQueue"
SCHEDULER_DISK_QUEUE = "crawler.queues.LifoDiskQueue"  # newest requests in memory, the rest on disk
SCHEDULER_START_DISK_QUEUE = "crawler.queues.FifoDiskQueue"  # (a resume replays its frontier as start requests)
TELNETCONSOLE_ENABLED = False
USER_AGENT = "xxgk-audit (+https://example.invalid/xxgk-audit)"

# ------------------------------------------------------------------ components
DOWNLOAD_HANDLERS = {  # keeps its connections alive (see crawler/handlers.py)
    "http": "crawler.handlers.PooledHTTPDownloadHandler",
    "https": "crawler.handlers.PooledHTTPDownloadHandler",
}
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsMiddleware": 100,
    "crawler.middlewares.SizeCapMiddleware": 595,
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware": None,
}
SPIDER_MIDDLEWARES = {
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware": None,
}
ITEM_PIPELINES = {"crawler.pipelines.StorePipeline": 300}
EXTENSIONS = {
    "crawler.extensions.SizeCap": 100,
    "crawler.extensions.Progress": 200,
    "scrapy.extensions.telnet.TelnetConsole": None,
}

# ------------------------------------------------------------------ ours (read by our components)
# Pipeline batch size: rows per table buffered before one transaction writes them.
XXGK_BATCH_ROWS = 2000
# Seconds between progress reports (and pipeline flushes when nothing else triggers one).
XXGK_PROGRESS_INTERVAL = 1.0
# Bytes of a link target's body read by a GET check (enough for a title and a short page).
XXGK_CHECK_BYTES = 64 * 1024
# Pending requests on disk when no --job-dir is given (a temporary JOBDIR, see above).
XXGK_DISK_QUEUE = True
# Processes that extract pages beside the crawl (crawler.extract_pool); None: one per core
# beyond the first (at most 2), 0: extract in the crawl process.
XXGK_EXTRACT_WORKERS = None


def env_flag(name: str) -> bool | None:
    """An on/off environment variable (`0`/`false`/`no`/`off` is off); None when unset."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return None
    return value not in ("0", "false", "no", "off")


def _user_agent(crawl: dict) -> str:
    from xxgk import __version__

    template = crawl.get("user_agent") or "xxgk-audit/{version} (+{contact_url})"
    return template.format(version=__version__, contact_url=crawl.get("contact_url", ""))


def settings_from_profile(profile: dict, overrides: dict | None = None) -> dict[str, Any]:
    """Scrapy settings for a crawl with `profile`, CLI `overrides` winning.

    `overrides` keys: max_pages, concurrency, delay, ignore_robots, job_dir (None = unset).
    The result holds only Scrapy settings plus our `XXGK_*` keys; the profile itself is
    handed to the spider separately.
    """
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    crawl = dict(profile.get("crawl", {}))
    links = dict(profile.get("links", {}))
    out = {k: v for k, v in globals().items() if k.isupper()}

    concurrency = int(overrides.get("concurrency") or crawl.get("concurrency", CONCURRENT_REQUESTS))
    per_host = int(crawl.get("per_host_concurrency", CONCURRENT_REQUESTS_PER_DOMAIN))
    delay = float(overrides.get("delay", crawl.get("delay", DOWNLOAD_DELAY)))
    timeout = float(links.get("timeout", crawl.get("timeout", DOWNLOAD_TIMEOUT)))
    cap = int(crawl.get("max_page_bytes", DOWNLOAD_WARNSIZE))

    out.update(
        AUTOTHROTTLE_ENABLED=bool(crawl.get("autothrottle", True)) and delay > 0,
        AUTOTHROTTLE_START_DELAY=max(delay, 0.01),
        AUTOTHROTTLE_TARGET_CONCURRENCY=float(max(1, per_host // 2)),
        CONCURRENT_REQUESTS=max(1, concurrency),
        CONCURRENT_REQUESTS_PER_DOMAIN=max(1, min(per_host, concurrency)),
        DOWNLOAD_DELAY=delay,
        RANDOMIZE_DOWNLOAD_DELAY=delay > 0,
        DOWNLOAD_TIMEOUT=timeout,
        DNS_TIMEOUT=timeout,
        DOWNLOAD_WARNSIZE=cap,
        DOWNLOAD_MAXSIZE=4 * cap if cap else 0,
        ROBOTSTXT_OBEY=bool(crawl.get("obey_robots", True)) and not overrides.get("ignore_robots"),
        RETRY_TIMES=int(crawl.get("retries", RETRY_TIMES)),
        USER_AGENT=_user_agent(crawl),
        CLOSESPIDER_PAGECOUNT=0,  # max_pages is enforced by the spider (skipped rows)
    )
    if overrides.get("job_dir"):
        out["JOBDIR"] = str(overrides["job_dir"])
    return out
