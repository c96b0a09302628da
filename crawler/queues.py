"""The scheduler's queues when pending requests may go to disk (crawler.settings).

A pending request weighs about 2.4 KB in memory (the Request, its headers and our
`meta["xxgk"]` state); the frontier of a 100,000-page portal holds ~100,000 of them. On disk
each costs a pickling on push (~11 us, see below) and a rebuilt Request on pop (~65 us:
Scrapy validates the URL again), 5-8% of the crawl process's time when most requests go
through it. So the crawl keeps up to `MEMORY_BUDGET` pending requests in memory over all of
Scrapy's per-(host, priority) queues (~20 MB), and beyond that each queue keeps its newest
`MEMORY_REQUESTS` in memory and the rest on disk: a crawl of a few thousand pages never
touches the disk, a big one holds about `MEMORY_BUDGET` + `MEMORY_REQUESTS` per queue. The order
is exactly that of the plain queue (LIFO: the newest in memory above the older ones on
disk; FIFO: the oldest in memory, and once anything is on disk every push goes there until
the disk part is empty). `close()` (Scrapy's shutdown) writes the memory part to disk, so
the saved queue is complete (a FIFO queue's memory part then comes after its disk part).
A request the disk refuses (full: OSError; or not picklable) stays in memory, never lost.

Pickling: Scrapy's `Request.to_dict(spider=...)` finds the names of the callback and the
errback with `inspect.getmembers(spider)` (every attribute of the spider, twice per
request): ~86 us a push. The portal spider's requests call back its own methods, so their
names are read off the bound methods (~11 us); anything else takes Scrapy's own path. The
dict written is the one `to_dict` makes, read back by Scrapy's `request_from_dict`.
"""

from __future__ import annotations

import os
from collections import deque

from scrapy import Request
from scrapy.squeues import PickleFifoDiskQueue, PickleLifoDiskQueue

# Pending requests in memory over all queues of one crawl before any moves to disk (~2.4 KB each).
MEMORY_BUDGET = 8192
# Requests a queue keeps in memory when the budget is spent (its newest; the older ones on disk).
MEMORY_REQUESTS = 256

_SLOW = object()


def _name(spider, func):
    """The spider method name of `func` (None stays None), or _SLOW when unsure."""
    if func is None:
        return None
    owner = getattr(func, "__self__", None)
    if owner is None or owner is not spider:
        return _SLOW
    name = func.__func__.__name__
    if getattr(type(spider), name, None) is not func.__func__:
        return _SLOW
    return name


def request_dict(request: Request, spider) -> dict | None:
    """`request.to_dict(spider=spider)` for a plain Request calling back `spider`'s own
    methods; None when Scrapy's own path is needed."""
    if type(request) is not Request:
        return None
    callback, errback = _name(spider, request.callback), _name(spider, request.errback)
    if callback is _SLOW or errback is _SLOW:
        return None
    d = {"url": request.url, "callback": callback, "errback": errback, "headers": dict(request.headers)}
    for attr in request.attributes:
        d.setdefault(attr, getattr(request, attr))
    return d


def _fast(base):
    class FastRequestQueue(base):
        def push(self, request: Request) -> None:
            d = request_dict(request, self.spider)
            if d is None:
                super().push(request)
            else:
                super(base, self).push(d)  # the pickling queue under Scrapy's request layer

    FastRequestQueue.__name__ = FastRequestQueue.__qualname__ = "Fast" + base.__name__
    return FastRequestQueue


PickleLifoQueue = _fast(PickleLifoDiskQueue)
PickleFifoQueue = _fast(PickleFifoDiskQueue)


class _SpillQueue:
    """A Scrapy downstream queue: the newest requests in memory, the rest in `disk_class`."""

    disk_class: type = PickleLifoQueue
    lifo = True

    def __init__(self, crawler, key: str):
        self.crawler = crawler
        self.key = key
        self.memory: deque = deque()
        # requests in memory over all this crawl's queues: [count], shared through the crawler
        self.held = crawler.__dict__.setdefault("_xxgk_queued_in_memory", [0])
        self.disk = None
        self.spilt: deque = deque()  # FIFO: requests the disk refused (after the disk part)
        if os.path.exists(key):  # a queue saved by an earlier close()
            self._open_disk()

    @classmethod
    def from_crawler(cls, crawler, key: str, *args, **kwargs):
        return cls(crawler, key)

    def _open_disk(self):
        if self.disk is None:
            self.disk = self.disk_class.from_crawler(self.crawler, self.key)
        return self.disk

    def _over(self, extra: int = 0) -> bool:
        """This queue must move requests to disk: over its own share and the crawl's budget."""
        return len(self.memory) + extra > MEMORY_REQUESTS and self.held[0] + extra > MEMORY_BUDGET

    def push(self, request: Request) -> None:
        if self.lifo:
            self.memory.append(request)
            self.held[0] += 1
            if self._over():
                self._spill(len(self.memory) // 2)
        elif self.spilt or self.disk or self._over(1):
            if self.spilt:  # the disk refused one: keep the order in memory after it
                self.spilt.append(request)
                return
            try:
                self._open_disk().push(request)
            except OSError:  # disk full: in memory rather than lost
                self.spilt.append(request)
        else:
            self.memory.append(request)
            self.held[0] += 1

    def _spill(self, count: int) -> None:
        """Move the `count` oldest requests in memory to disk (oldest first)."""
        try:
            disk = self._open_disk()
        except OSError:  # no room for the queue file: everything stays in memory
            return
        kept = []
        count = min(count, len(self.memory))
        for _ in range(count):
            request = self.memory.popleft()
            try:
                disk.push(request)
            except (ValueError, OSError):  # cannot be pickled, or disk full: it stays in memory
                kept.append(request)
        self.memory.extendleft(reversed(kept))
        self.held[0] -= count - len(kept)

    def pop(self) -> Request | None:
        if self.memory:
            self.held[0] -= 1
            return self.memory.pop() if self.lifo else self.memory.popleft()
        if self.disk:
            return self.disk.pop()
        if self.spilt:
            return self.spilt.popleft()
        return None

    def peek(self) -> Request | None:
        if self.memory:
            return self.memory[-1] if self.lifo else self.memory[0]
        if self.disk:
            return self.disk.peek()
        if self.spilt:
            return self.spilt[0]
        return None

    def close(self) -> None:
        self.memory.extend(self.spilt)
        self.spilt.clear()
        if self.memory:
            self._spill(len(self.memory))
        if self.disk is not None:
            self.disk.close()

    def __len__(self) -> int:
        return len(self.memory) + (len(self.disk) if self.disk is not None else 0) + len(self.spilt)


class LifoDiskQueue(_SpillQueue):
    """SCHEDULER_DISK_QUEUE: Scrapy's PickleLifoDiskQueue order, newest requests in memory."""


class FifoDiskQueue(_SpillQueue):
    """SCHEDULER_START_DISK_QUEUE: Scrapy's PickleFifoDiskQueue order, oldest requests in memory."""

    disk_class = PickleFifoQueue
    lifo = False
