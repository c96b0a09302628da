"""Quick HEAD checks of attachments and images, beside Scrapy's downloader.

Why. On a portal, about half of the crawl's requests are HEAD checks of attachments and
images (.pdf .doc .jpg ...). Through Scrapy each costs as much CPU as a page request
(scheduler, middlewares, Twisted's HTTP client, callback, item), and the crawl process is
CPU-bound. This client sends the same HEAD (same URL bytes, headers and User-Agent) over
a small keep-alive pool on the crawl's own asyncio loop, for a fraction of that.

Only the plain answer is taken from it: 2xx with a non-HTML content type to a HEAD, and
304 to the conditional GET of a re-audit (`unchanged`: a page the previous run read). Anything else
(a redirect, an error status, an HTML answer, a timeout, a reset, a malformed answer)
returns None and the spider sends the request through Scrapy as before, so every
judgement (redirect chains, GET confirmation, soft 404, blocked, TLS, retries) is made by
the one code path that always made it.

Used only when the crawl has no delay between requests (`--delay 0`, no autothrottle) and
no proxy is configured: with a delay, Scrapy's per-host pacing decides the rate and this
would bypass it. Robots.txt is honoured (a host's rules must already be loaded, else the
request goes through Scrapy, which loads them); per host at most `per_host` quick checks
run at once. Setting `XXGK_QUICK_CHECKS = False` (or the environment variable
`XXGK_QUICK_CHECKS=0`) turns it off.
"""

from __future__ import annotations

import asyncio
import ssl
from urllib.parse import urlsplit

_DEFAULT_PORT = {"http": 80, "https": 443}
_MAX_HEAD = 64 * 1024  # bytes of status line and headers
# Answers that say "slow down" or "not for you": with timeouts and connection errors they
# count against a host, and after MAX_TROUBLES of them the host is left to Scrapy.
TROUBLE = frozenset({403, 408, 412, 429, 500, 502, 503, 504})
MAX_TROUBLES = 3


def _tls_context() -> ssl.SSLContext:
    # Scrapy does not verify certificates by default (DOWNLOAD_VERIFY_CERTIFICATES); a
    # handshake failure here falls back to Scrapy, which records it.
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _pool_key(parts) -> tuple[str, str, int] | None:
    """(scheme, host, port) of a split http(s) URL: its connections, limits and troubles."""
    if parts.scheme not in _DEFAULT_PORT or not parts.hostname:
        return None
    try:
        return parts.scheme, parts.hostname.lower(), parts.port or _DEFAULT_PORT[parts.scheme]
    except ValueError:  # a port out of range
        return None


def parse_head(raw: bytes) -> tuple[int, dict[str, str], bool] | None:
    """(status, headers lower-cased and joined like the spider's, keep-alive) or None."""
    try:
        text = raw.decode("latin-1")
        lines = text.split("\r\n")
        version, _, rest = lines[0].partition(" ")
        status = int(rest[:3])
    except (ValueError, IndexError):
        return None
    if not version.startswith("HTTP/1.") or not 100 <= status <= 599:
        return None
    headers: dict[str, list[str]] = {}
    for line in lines[1:]:
        if not line:
            continue
        name, sep, value = line.partition(":")
        if not sep or not name or name != name.strip():
            return None
        headers.setdefault(name.lower(), []).append(value.strip())
    joined = {k: ", ".join(v) for k, v in headers.items()}
    conn = joined.get("connection", "").lower()
    keep = "close" not in conn and (version == "HTTP/1.1" or "keep-alive" in conn)
    return status, joined, keep


class QuickChecker:
    def __init__(self, user_agent: str, timeout: float, per_host: int, default_headers: dict | None = None):
        self.user_agent = user_agent
        self.timeout = timeout
        self.per_host = max(1, per_host)
        self.default_headers = dict(default_headers or {})
        self.idle: dict[tuple, list] = {}
        self.limits: dict[tuple, asyncio.Semaphore] = {}
        self.requests = 0
        self.troubles: dict[tuple, int] = {}
        self._tls: ssl.SSLContext | None = None

    def request_bytes(self, url: str, referer: str | None, method: str = "HEAD",
                      extra: dict | None = None) -> tuple[tuple, bytes] | None:
        """(pool key, request) for an already-escaped URL (scrapy.Request(...).url)."""
        parts = urlsplit(url)
        key = _pool_key(parts)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if key is None or "\n" in target or "\r" in target or " " in target:
            return None
        host = parts.netloc.rpartition("@")[2]
        lines = [f"{method} {target} HTTP/1.1", f"Host: {host}", f"User-Agent: {self.user_agent}"]
        lines += [f"{k}: {v}" for k, v in self.default_headers.items()]
        if referer:
            lines.append(f"Referer: {referer}")
        lines += [f"{k}: {v}" for k, v in (extra or {}).items() if v]
        try:
            data = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        except UnicodeEncodeError:
            return None
        return key, data

    async def head(self, url: str, referer: str | None = None) -> tuple[int, dict[str, str]] | None:
        """Status and headers of a HEAD of `url`, or None (ask Scrapy instead)."""
        return await self._ask(url, referer, "HEAD")

    async def unchanged(self, url: str, referer: str | None, etag: str | None, modified: str | None) -> bool:
        """A conditional GET of a page a previous run read: True when it answers 304.

        Any other answer (the page changed, moved, failed) is False and Scrapy reads the page;
        its body is never read here (the connection is closed instead)."""
        headers = {"If-None-Match": etag, "If-Modified-Since": modified, "Cache-Control": "max-age=0"}
        answer = await self._ask(url, referer, "GET", headers)
        return answer is not None and answer[0] == 304

    async def _ask(self, url: str, referer: str | None, method: str, extra: dict | None = None):
        built = self.request_bytes(url, referer, method, extra)
        if built is None:
            return None
        key, data = built
        sem = self.limits.get(key)
        if sem is None:
            sem = self.limits[key] = asyncio.Semaphore(self.per_host)
        async with sem:
            if self.troubles.get(key, 0) >= MAX_TROUBLES:  # marked while this one waited
                return None
            answer = await self._try(key, data, method)
        if answer is None or answer[0] in TROUBLE:
            self.troubles[key] = self.troubles.get(key, 0) + 1
        return answer

    async def _try(self, key, data: bytes, method: str):
        for reused in (True, False):
            conn = self._take(key) if reused else None
            if reused and conn is None:
                continue
            try:
                return await asyncio.wait_for(self._exchange(key, conn, data, method), self.timeout)
            except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
                if conn is not None:  # a kept connection the server had closed: once more, fresh
                    continue
                return None
            except (TimeoutError, OSError, EOFError, asyncio.LimitOverrunError, ValueError, ssl.SSLError):
                return None
        return None

    def usable(self, url: str) -> bool:
        """False for a host that failed, throttled or refused quick checks MAX_TROUBLES times:
        from then on its requests go through Scrapy only (its pacing, retries and backoff)."""
        key = _pool_key(urlsplit(url))
        return key is not None and self.troubles.get(key, 0) < MAX_TROUBLES

    def _take(self, key):
        pool = self.idle.get(key)
        while pool:
            reader, writer = pool.pop()
            if not writer.is_closing() and not reader.at_eof():
                return reader, writer
            writer.close()
        return None

    async def _exchange(self, key, conn, data: bytes, method: str = "HEAD"):
        if conn is None:
            scheme, host, port = key
            if scheme == "https" and self._tls is None:
                self._tls = _tls_context()
            conn = await asyncio.open_connection(
                host, port, limit=_MAX_HEAD, ssl=self._tls if scheme == "https" else None,
                server_hostname=host if scheme == "https" else None)
        reader, writer = conn
        keep = False
        try:
            self.requests += 1
            writer.write(data)
            raw = await reader.readuntil(b"\r\n\r\n")
            parsed = parse_head(raw)
            if parsed is None:
                return None
            status, headers, keep = parsed
            if status < 200:  # 1xx interim answers: leave them to Scrapy
                keep = False
                return None
            if method != "HEAD" and status != 304:  # a body follows, unread: drop the connection
                keep = False
            return status, headers
        finally:
            if keep:
                self.idle.setdefault(key, []).append(conn)
            else:
                writer.close()

    def close(self) -> None:
        for pool in self.idle.values():
            for _, writer in pool:
                writer.close()
        self.idle.clear()
