"""Serve the sample portal on loopback: the portal, an "external" host and a dead port.

    python -m xxgk.sample.server --port 0        # prints the portal URL on the first line

``serve()`` starts threaded stdlib servers in background threads and returns
``(servers, base_url)``; ``servers.shutdown()`` stops them. Absolute URLs inside pages are
placeholders replaced at serve time with the real origins, so any port works:

- portal  ``http://127.0.0.1:PORT`` (``{base}`` in expected.json)
- external government sites ``http://127.0.0.2:PORT`` (same port when free, else any;
  ``{ext}``; falls back to another port on 127.0.0.1 where 127.0.0.2 cannot be bound)
- a dead origin ``http://127.0.0.1:DEADPORT``: a port picked free at start, nothing listens
  (``{dead}``: connection refused)
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import signal
import socket
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

from .model import BASE, DEAD, EXT, HOST, Resource, Site

NOT_FOUND = (b"<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1>"
             b"</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


@dataclass
class SampleConfig:
    slow_seconds: float = 3.0  # /slow/report.html (fine under the 15 s timeout)
    hang_seconds: float = 20.0  # /slow/hang.html (not linked; for timeout tests)
    ratelimit_count: int = 1  # requests answered 429 before {ext}/busy/index.html answers 200
    retry_after: int = 1  # Retry-After seconds on that 429


@functools.lru_cache(maxsize=2)
def default_site(seed: int | None = None) -> Site:
    from .build import SEED, build_site

    return build_site(SEED if seed is None else seed)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 256

    def __init__(self, addr, table: dict[str, Resource], state: _State, site: Site, name: str):
        self.table, self.state, self.site, self.name = table, state, site, name
        super().__init__(addr, _Handler)


class _State:
    """Shared by both servers: the origins, the config, per-route counters."""

    def __init__(self, config: SampleConfig):
        self.config = config
        self.subst: dict[bytes, bytes] = {}
        self.lock = threading.Lock()
        self.counts: dict[tuple[str, str], int] = {}
        self.cache: dict[int, tuple[bytes, str]] = {}

    def body(self, res: Resource) -> tuple[bytes, str]:
        got = self.cache.get(id(res))
        if got is None:
            body = res.body
            if res.textual:
                for ph, real in self.subst.items():
                    body = body.replace(ph, real)
            got = (body, '"' + hashlib.sha1(body).hexdigest()[:16] + '"')
            self.cache[id(res)] = got
        return got

    def location(self, loc: str) -> str:
        for ph, real in self.subst.items():
            loc = loc.replace(ph.decode(), real.decode())
        return loc

    def bump(self, server: str, key: str) -> int:
        with self.lock:
            n = self.counts.get((server, key), 0)
            self.counts[(server, key)] = n + 1
            return n


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""
    server: _Server

    def log_message(self, format, *args):  # noqa: A002 - quiet
        pass

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self):
        self.answer("GET")

    def do_HEAD(self):
        self.answer("HEAD")

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        self.answer("POST", form)

    # ------------------------------------------------------------------
    def lookup(self) -> tuple[str, Resource | None, dict]:
        parts = urlsplit(self.path)
        try:
            path = unquote(parts.path, errors="strict")
        except UnicodeDecodeError:  # e.g. GBK bytes percent-encoded: no such file
            return parts.path, None, {}
        table = self.server.table
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        keys = []
        if parts.query:
            keys.append(f"{path}?{parts.query}")
            uid = self.server.site.hanweb_columns.get(path)
            if uid and "pageNum" in params:
                keys.append(f"{path}?uid={uid}&pageNum={params['pageNum']}")
        keys.append(path)
        if path.endswith("/"):
            keys.append(path + "index.html")
        for key in keys:
            res = table.get(key)
            if res is not None:
                if (key == path and "pageNum" in params and path in self.server.site.hanweb_columns
                        and params["pageNum"] not in ("1", "")):
                    return key, None, params  # a pageNum beyond the last page
                return key, res, params
        return path, None, params

    def answer(self, method: str, form: str = "") -> None:
        key, res, params = self.lookup()
        state, cfg = self.server.state, self.server.state.config
        if res is None:
            return self.send(404, NOT_FOUND, "text/html", method)
        if res.kind == "redirect":
            return self.send(res.status, b"", "text/html", method, (("Location", state.location(res.location)),))
        if res.kind == "nohead" and method == "HEAD":
            return self.send(405, b"", "text/html", method, (("Allow", "GET, POST"),))
        if res.kind == "ratelimit" and state.bump(self.server.name, key) < cfg.ratelimit_count:
            return self.send(429, b"<html><body><h1>429 Too Many Requests</h1></body></html>", "text/html", method,
                             (("Retry-After", str(cfg.retry_after)),))
        if res.kind == "slow":
            time.sleep(cfg.slow_seconds)
        if res.kind == "hang":
            time.sleep(cfg.hang_seconds)
        if res.kind == "dataproxy":
            if form:
                params.update({k: v[-1] for k, v in parse_qs(form).items()})
            return self.send(200, self.dataproxy(params), res.content_type, method)
        body, etag = state.body(res)
        if res.status == 200 and self.headers.get("If-None-Match") == etag:
            return self.send(304, b"", res.content_type, method, (("ETag", etag),), length=False)
        extra = res.headers + ((("ETag", etag),) if res.status == 200 else ())
        return self.send(res.status, body, res.content_type, method, extra)

    def dataproxy(self, params: dict) -> bytes:
        records = self.server.site.records.get(params.get("columnid", ""), [])
        per = int(params.get("perpage") or 15)
        try:
            start = int(params.get("startrecord") or 1)
            end = int(params.get("endrecord") or per * 3)
        except ValueError:
            start, end = 1, per * 3
        chosen = records[max(start - 1, 0):max(end, 0)]
        xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><datastore><nextgroup><![CDATA[]]></nextgroup><recordset>\n"
               + "\n".join(chosen) + f"\n</recordset><totalrecord>{len(records)}</totalrecord></datastore>")
        return xml.encode("utf-8")

    def send(self, status: int, body: bytes, ctype: str, method: str, headers=(), length: bool = True) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            for k, v in headers:
                self.send_header(k, v)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if method != "HEAD" and body:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class SampleServers:
    """The running servers. ``shutdown()`` stops them; usable as a context manager."""

    def __init__(self, portal: _Server, ext: _Server, dead: str, state: _State):
        self.portal, self.ext_server, self.state = portal, ext, state
        self.base = f"http://{portal.server_address[0]}:{portal.server_address[1]}"
        self.ext = f"http://{ext.server_address[0]}:{ext.server_address[1]}"
        self.dead = dead
        self.host = self.base.split("//", 1)[1]
        self._threads = []
        for srv in (portal, ext):
            t = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
            t.start()
            self._threads.append(t)

    @property
    def config(self) -> SampleConfig:
        return self.state.config

    def url(self, template: str) -> str:
        """'{base}/x' -> 'http://127.0.0.1:PORT/x' (also {ext}, {dead}, {host})."""
        return template.format(base=self.base, ext=self.ext, dead=self.dead, host=self.host)

    def shutdown(self) -> None:
        for srv in (self.portal, self.ext_server):
            srv.shutdown()
            srv.server_close()

    def __enter__(self) -> SampleServers:
        return self

    def __exit__(self, *exc) -> None:
        self.shutdown()


def _free_port(host: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def serve(host: str = "127.0.0.1", port: int = 0, *, ext_host: str = "127.0.0.2",
          config: SampleConfig | None = None, site: Site | None = None) -> tuple[SampleServers, str]:
    """Start the portal (and the external host) in background threads.

    Returns ``(servers, base_url)``; ``base_url`` has no trailing slash (the start page is
    ``base_url + "/index.html"``).
    """
    site = site or default_site()
    state = _State(config or SampleConfig())
    portal = _Server((host, port), site.resources, state, site, "portal")
    real_port = portal.server_address[1]
    ext = None
    for addr in ((ext_host, real_port), (ext_host, 0), (host, 0)):
        try:
            ext = _Server(addr, site.ext_resources, state, site, "ext")
            break
        except OSError:
            continue
    if ext is None:  # pragma: no cover
        portal.server_close()
        raise OSError("cannot bind the external sample host")
    dead = f"http://{host}:{_free_port(host)}"
    servers = SampleServers(portal, ext, dead, state)
    state.subst = {BASE.encode(): servers.base.encode(), EXT.encode(): servers.ext.encode(),
                   DEAD.encode(): dead.encode(), HOST.encode(): servers.host.encode()}
    return servers, servers.base


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m xxgk.sample.server", description="Serve the sample portal.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--ext-host", default="127.0.0.2")
    ap.add_argument("--slow-seconds", type=float, default=3.0)
    ap.add_argument("--hang-seconds", type=float, default=20.0)
    args = ap.parse_args(argv)
    if not args.host.startswith("127."):
        ap.error("the sample portal binds to loopback addresses only (127.x.x.x)")
    servers, base = serve(args.host, args.port, ext_host=args.ext_host,
                          config=SampleConfig(slow_seconds=args.slow_seconds, hang_seconds=args.hang_seconds))
    print(base, flush=True)
    print(f"ext {servers.ext}", flush=True)
    print(f"dead {servers.dead}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    servers.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
