"""Page extraction in a separate process, so the crawl uses a second core.

The crawl is CPU-bound: Scrapy's own work (network, scheduling, items) and the extraction of
each page (lxml parse, fields, links, and the light parse of the soft-404 check) each take
about half of it. `ExtractPool.extract(...)` runs, in a worker process, exactly what the
spider did in-line: `extract_page` (an exception becomes an empty record with `error`), the
page's `linkcheck.page_text`, and the JSON text of the record as the pipeline stores it. The
spider awaits the result in its (async) callback while the reactor keeps downloading.

Workers: setting (or environment variable) `XXGK_EXTRACT_WORKERS` (default: one per core beyond the first, at most 2;
0 extracts in the crawl process, as before). A worker that dies switches the crawl back to
in-process extraction for the rest of the run; nothing is lost (see ExtractPool).
"""

from __future__ import annotations

import asyncio
import gc
import itertools
import json
import os
import pickle
import signal
import struct
import time

from crawler import linkcheck as lc


def default_workers() -> int:
    env = os.environ.get("XXGK_EXTRACT_WORKERS", "").strip()
    if env.isdigit():
        return int(env)
    return max(0, min(2, (os.cpu_count() or 1) - 1))


def extract_record(body: bytes, url: str, headers: dict) -> dict:
    """`extract_page`, never raising (the spider's in-process behaviour)."""
    from crawler.extract import empty_record, extract_page

    try:
        return extract_page(body, url, headers)
    except Exception as exc:  # noqa: BLE001 - extraction must never stop the crawl
        record = empty_record()
        record["error"] = f"extraction failed: {exc.__class__.__name__}: {exc}"
        return record


def record_json(record: dict | None) -> str | None:
    """The text `pages.extract` stores (crawler.pipelines._json)."""
    if record is None:
        return None
    return json.dumps(record, ensure_ascii=False, default=str)


def link_target(raw: str | None) -> str | None:
    """The target a link's `url` names (no fragment, no surrounding space), None for what the
    crawler does not check (`lc.is_link`: mailto:, javascript:, empty ...)."""
    return raw.strip().split("#", 1)[0] if lc.is_link(raw) else None


def link_rows(record: dict, hosts) -> list[tuple]:
    """The page's `links` rows after (run_id, page_url): (url, tag, attribute, text, internal).

    Only what the crawler checks (`lc.is_link`); url without fragment or surrounding
    space (the target it names); internal: the link's host is one of the crawl's `hosts`."""
    rows = []
    for link in record.get("links") or []:
        raw = link.get("url")
        target = link_target(raw)
        if target is None:
            continue
        text = link.get("text")
        if text is not None and len(text) > 500:
            text = text[:500]
        rows.append((target, link.get("tag"), link.get("attribute"), text, 1 if lc.host_of(raw) in hosts else 0))
    return rows


def link_targets(record: dict) -> list[str]:
    """The distinct link targets of a page, in order (`slim` records carry them ready)."""
    if "_targets" in record:
        return record["_targets"]
    targets = (link_target(link.get("url")) for link in record.get("links") or [])
    return list(dict.fromkeys(t for t in targets if t is not None))


# What the crawl process does not need of a record once its JSON text is made: the worker
# keeps them, so they are never pickled back (they are most of a record's size).
HEAVY = ("links", "body_text")


def work(body: bytes, url: str, headers: dict, ctype: str,
         hosts=frozenset()) -> tuple[dict, str | None, lc.PageText, list[tuple]]:
    """(slim record, the full record's JSON text, page text, link rows) of one HTML page.

    The slim record is the record without HEAVY keys, plus `_targets` (link_targets)."""
    record = extract_record(body, url, headers)
    if body and lc.is_html_type(ctype):
        text = lc.page_text(body, ctype, record.get("encoding"))
    else:
        text = lc.PageText()
    text_json = record_json(dict(record))
    rows = link_rows(record, hosts)
    slim = {k: v for k, v in record.items() if k not in HEAVY}
    slim["_targets"] = list(dict.fromkeys(row[0] for row in rows))
    return slim, text_json, text, rows


def _warm() -> None:
    import crawler.extract  # noqa: F401 - import lxml and the extractor before the first page


# Seconds a closed worker has to finish the page in hand before it is killed.
CLOSE_SECONDS = 10.0

# A frame on the pipes between the crawl and a worker: 8-byte length, then a pickle.
_LEN = struct.Struct("!Q")


def _read_exactly(fd: int, n: int) -> bytes | None:
    chunks, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _frame(message) -> bytes:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return _LEN.pack(len(data)) + data


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _serve(tasks: int, results: int) -> None:
    """A worker: (id, args) frames in, (id, ok, result or exception) frames out, until EOF."""
    # the crawl's stop is the crawl's to handle (it closes the pipe); the crawl's signal
    # handlers and event-loop wake-up descriptor are not the worker's
    signal.set_wakeup_fd(-1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        head = _read_exactly(tasks, _LEN.size)
        if head is None:
            return
        payload = _read_exactly(tasks, _LEN.unpack(head)[0])
        if payload is None:
            return
        task_id, args = pickle.loads(payload)
        try:
            answer = (task_id, True, work(*args))
        except Exception as exc:  # noqa: BLE001 - raised in the crawl process, as in-process
            answer = (task_id, False, RuntimeError(f"{exc.__class__.__name__}: {exc}"))
        _write_all(results, _frame(answer))


class _Results(asyncio.Protocol):
    """The crawl's end of a worker's result pipe: frames -> the futures waiting for them."""

    def __init__(self, worker: _Worker):
        self.worker = worker
        self.buf = bytearray()

    def data_received(self, data: bytes) -> None:
        buf = self.buf
        buf += data
        start = 0
        while len(buf) - start >= _LEN.size:
            size = _LEN.unpack_from(buf, start)[0]
            end = start + _LEN.size + size
            if len(buf) < end:
                break
            task_id, ok, value = pickle.loads(memoryview(buf)[start + _LEN.size:end])
            start = end
            self.worker.answered(task_id, ok, value)
        if start:
            del buf[:start]

    def connection_lost(self, exc) -> None:
        self.worker.lost()


class _Worker:
    """One forked extraction process and the tasks it has not answered yet."""

    def __init__(self, pid: int, tasks_fd: int, results_fd: int):
        self.pid = pid
        self.tasks_fd = tasks_fd
        self.results_fd = results_fd
        self.pending: dict[int, tuple[asyncio.Future, tuple]] = {}
        self.out = None  # asyncio write transport (tasks)
        self.inp = None  # asyncio read transport (results)
        self.alive = True

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        self.out, _ = await loop.connect_write_pipe(asyncio.Protocol, os.fdopen(self.tasks_fd, "wb", buffering=0))
        self.inp, _ = await loop.connect_read_pipe(lambda: _Results(self),
                                                   os.fdopen(self.results_fd, "rb", buffering=0))

    def send(self, task_id: int, args: tuple, future: asyncio.Future) -> None:
        self.pending[task_id] = (future, args)
        self.out.write(_frame((task_id, args)))

    def answered(self, task_id: int, ok: bool, value) -> None:
        future, _ = self.pending.pop(task_id, (None, None))
        if future is None or future.done():
            return
        if ok:
            future.set_result(value)
        else:
            future.set_exception(value)

    def lost(self) -> None:
        """The worker died (or was closed): what it had not answered is extracted here."""
        self.alive = False
        pending, self.pending = self.pending, {}
        for future, args in pending.values():
            if future.done():
                continue
            try:
                future.set_result(work(*args))
            except Exception as exc:  # noqa: BLE001 - as an in-process extraction would raise
                future.set_exception(exc)

    def close(self) -> None:
        self.alive = False
        pending, self.pending = self.pending, {}
        for future, _ in pending.values():  # the crawl is over: nobody waits for them
            future.cancel()
        for transport in (self.out, self.inp):
            if transport is not None:
                # leaves the loop's selector now and closes the pipe later: closed here too,
                # so that the worker sees EOF before waitpid
                if not transport.is_closing():
                    (transport.abort if hasattr(transport, "abort") else transport.close)()
                transport.get_extra_info("pipe").close()
        if self.out is None:  # never connected: the descriptors are still ours
            for fd in (self.tasks_fd, self.results_fd):
                try:
                    os.close(fd)
                except OSError:
                    pass
        # joined, so that its CPU time is counted with the crawl's; it ends at EOF once the
        # page in hand is done, and is killed if that takes longer than any page should
        deadline = time.monotonic() + CLOSE_SECONDS
        try:
            while os.waitpid(self.pid, os.WNOHANG) == (0, 0):
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    break
                time.sleep(0.01)
        except ChildProcessError:
            pass


class ExtractPool:
    """Forked extraction processes fed over pipes read by the crawl's own event loop.

    concurrent.futures' process pool costs the crawl process two threads (a queue feeder and a
    result manager) and a hand-over per page, ~5% of its time; here a task is one pipe write
    from the reactor thread and a result is read by the same loop. A worker that dies is
    noticed when its pipe closes: its unanswered pages are extracted in-process, and so is
    everything after (nothing is lost)."""

    def __init__(self, workers: int):
        self.workers = max(0, int(workers))
        self.live: list[_Worker] = []
        self.started = False
        self.broken = False
        self._ready: asyncio.Future | None = None
        self._ids = itertools.count()

    def start(self) -> None:
        """Fork the workers now (spider opened: before the crawl's own threads do anything).

        Workers are forked children of the crawl process (joined at close), so the CPU they
        use is counted with the crawl's (`time`, rusage); a forkserver's would be lost."""
        if self.started or not self.workers or not hasattr(os, "fork"):
            return
        self.started = True
        _warm()  # the workers inherit the imported extractor
        # frozen objects are never traversed by the workers' garbage collector (which would
        # also copy every inherited page)
        gc.freeze()
        try:
            for _ in range(self.workers):
                tasks_r, tasks_w = os.pipe()
                results_r, results_w = os.pipe()
                pid = os.fork()
                if pid == 0:  # the worker
                    code = 0
                    try:
                        os.close(tasks_w)
                        os.close(results_r)
                        for other in self.live:  # siblings' pipes are not ours to hold open
                            for fd in (other.tasks_fd, other.results_fd):
                                os.close(fd)
                        _serve(tasks_r, results_w)
                    except BaseException:  # noqa: BLE001 - never return into the crawl's code
                        code = 1
                    finally:
                        os._exit(code)
                os.close(tasks_r)
                os.close(results_w)
                self.live.append(_Worker(pid, tasks_w, results_r))
        finally:
            gc.unfreeze()

    async def _connect(self) -> None:
        for worker in self.live:
            await worker.connect()

    async def extract(self, body: bytes, url: str, headers: dict, ctype: str, hosts=frozenset()):
        args = (body, url, headers, ctype, hosts)
        if self.live and not self.broken:
            if self._ready is None:  # the pipes join the event loop on the first page
                self._ready = asyncio.ensure_future(self._connect())
            try:
                await self._ready
                workers = [w for w in self.live if w.alive]
            except OSError:
                workers = []
            if workers:
                worker = min(workers, key=lambda w: len(w.pending))
                future = asyncio.get_running_loop().create_future()
                worker.send(next(self._ids), args, future)
                return await future
            self.broken = True
        return work(*args)

    def close(self) -> None:
        workers, self.live = self.live, []
        for worker in workers:
            worker.close()
