"""The scheduler's disk queue: Scrapy's pickle disk queues, with a fast path for our requests.

Scrapy's `Request.to_dict(spider=...)` finds the name of the callback and the errback with
`inspect.getmembers(spider)` (every attribute of the spider, twice per request): about
0.2 ms a request, most of the cost of keeping the queue on disk. Every request of the
portal spider calls back its own methods (`on_response`, `on_error`), so their names are
read off the bound methods; anything else takes Scrapy's own path. The dict written is
the one `to_dict` makes, read back by Scrapy's `request_from_dict`.
"""

from __future__ import annotations

from scrapy import Request
from scrapy.squeues import PickleFifoDiskQueue, PickleLifoDiskQueue

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


LifoDiskQueue = _fast(PickleLifoDiskQueue)
FifoDiskQueue = _fast(PickleFifoDiskQueue)
