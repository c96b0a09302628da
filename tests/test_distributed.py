"""The workers' shared state in Redis (crawler.distributed), without a crawl: a real redis-server
on 127.0.0.1, spiders built directly and their `_follow` run on hand-made page records.

- a page's claims, made ahead (`_after_extract`, through the `Link`) or at once, give the
  parent's `_follow` loop the answers one process would have: the same requests and skipped
  rows, each URL requested by exactly one worker, whatever order pages are followed in;
- the trap counters (`max_pages`) hold across workers;
- the Link keeps the order of what it is handed and gives each caller its own answers.
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
import scrapy
from redis_server import redis_binary, redis_server

from crawler.distributed import DistributedPortalSpider, Link, key
from crawler.spiders.portal import PortalSpider

pytestmark = pytest.mark.skipif(redis_binary() is None,
                                reason="redis-server is not installed (scripts/sysdeps.sh installs it; `make test`)")

SITE = "http://portal.example.gov.cn"
START = f"{SITE}/index.html"


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


def profile(max_pages: int = 0) -> dict:
    return {"crawl": {"max_pages": max_pages}, "links": {}}


def worker(redis_url: str, job: str, max_pages: int = 0, deliver=None) -> DistributedPortalSpider:
    link = Link(redis_url, deliver=deliver or (lambda _call: None))  # None: answers delivered by link.wait()
    return DistributedPortalSpider(start_url=START, profile=profile(max_pages), redis_url=redis_url, job=job,
                                   worker=uuid.uuid4().hex[:6], link=link)


def one_process(max_pages: int = 0) -> PortalSpider:
    return PortalSpider(start_url=START, profile=profile(max_pages))


def page(follow: list[str], targets: list[str]) -> dict:
    """A slim record as crawler.extract_pool makes it: follow URLs and distinct link targets."""
    return {"follow": [f"{SITE}{u}" if u.startswith("/") else u for u in follow],
            "_targets": [f"{SITE}{u}" if u.startswith("/") else u for u in targets], "encoding": "utf-8"}


def outputs(items) -> list[tuple]:
    out = []
    for item in items:
        if isinstance(item, scrapy.Request):
            st = item.meta["xxgk"]
            out.append(("request", st["role"], item.url, item.method, st.get("depth")))
        elif item.get("_type") == "skipped":
            out.append(("skipped", item["url"], item["reason"]))
        else:
            out.append(("target", item["url"], item["outcome"], item.get("reason")))
    return out


def follow(spider, record: dict, depth: int = 1) -> list[tuple]:
    return outputs(spider._follow(record, f"{SITE}/from-{depth}.html", {"depth": depth - 1}))


P1 = page(["/a.html", "/b.html", "/c.html#top", "/c.html", "/files/x.pdf", "http://elsewhere.example.com/"],
          ["/a.html", "/files/x.pdf", "http://elsewhere.example.com/", "ftp://ftp.example.gov.cn/f.txt"])
P2 = page(["/b.html", "/c.html", "/d.html"],
          ["/b.html", "/files/y.pdf", "ftp://ftp.example.gov.cn/f.txt", "/files/x.pdf"])


def test_two_workers_follow_pages_as_one_process(redis_url):
    job = uuid.uuid4().hex[:8]
    a, b = worker(redis_url, job), worker(redis_url, job)
    one = one_process()
    want = follow(one, P1) + follow(one, P2)
    got = follow(a, P1) + follow(b, P2)
    assert sorted(got) == sorted(want)
    requests = [o[2] for o in got if o[0] == "request"]
    assert len(requests) == len(set(requests)), "every URL requested by exactly one worker"
    assert ("skipped", "ftp://ftp.example.gov.cn/f.txt", "scheme") in got
    # a third worker that meets the same pages asks nothing of them again
    assert follow(worker(redis_url, job), P1) == []


def test_claims_made_ahead_are_each_pages_own_whatever_order_pages_are_followed_in(redis_url):
    """Pages claimed ahead (two workers, and two pages of one worker) and then followed in the
    reverse order: the first claim of a URL wins, the page that made it requests it, the
    others pass over it; together they do what one process does."""
    job = uuid.uuid4().hex[:8]
    p3 = page(["/b.html", "/e.html", "/f.html"], ["/e.html", "/files/z.pdf", "/files/y.pdf"])
    one = one_process()
    want = follow(one, P1) + follow(one, P2) + follow(one, p3)

    async def crawl():
        loop = asyncio.get_running_loop()
        a = worker(redis_url, job, deliver=loop.call_soon_threadsafe)
        b = worker(redis_url, job, deliver=loop.call_soon_threadsafe)
        records = [(a, P1), (b, P2), (a, p3)]
        waits = [spider._after_extract(record, {"depth": 0}) for spider, record in records]
        await asyncio.gather(*[w for w in waits if w is not None])
        got = [follow(spider, record) for spider, record in reversed(records)]
        assert not a.claimed and not b.claimed and not a.ahead_pages and not a.ahead_targets
        for spider in (a, b):
            spider.link.close()
        return got

    p3_got, p2_got, p1_got = asyncio.run(crawl())
    got = p1_got + p2_got + p3_got
    assert sorted(got) == sorted(want)
    requests = [o[2] for o in got if o[0] == "request"]
    assert len(requests) == len(set(requests))
    asked = [{o[2] for o in got if o[0] == "request"} for got in (p1_got, p2_got)]
    for url in (f"{SITE}/b.html", f"{SITE}/c.html"):  # which worker's claim came first is up to Redis
        assert (url in asked[0]) != (url in asked[1])
    assert f"{SITE}/b.html" not in {o[2] for o in p3_got}, "p3 left b to P1 (same worker, claimed earlier)"


def test_max_pages_holds_across_workers(redis_url):
    job = uuid.uuid4().hex[:8]
    a, b = worker(redis_url, job, max_pages=3), worker(redis_url, job, max_pages=3)
    q1 = page(["/p1.html", "/p2.html", "/p3.html", "/p4.html"], [])
    q2 = page(["/p3.html", "/p4.html", "/p5.html", "/p6.html"], ["/p4.html", "/p6.html"])
    one = one_process(max_pages=3)
    want = follow(one, q1) + follow(one, q2)
    got = follow(a, q1) + follow(b, q2)
    assert sorted(got) == sorted(want)
    assert sum(1 for o in got if o[0] == "request") == 3
    assert {o[1] for o in got if o[0] == "skipped"} == {f"{SITE}/p{i}.html" for i in (4, 5, 6)}
    assert ("target", f"{SITE}/p6.html", "not_checked", "not fetched: max_pages") in got
    r = a.r
    assert r.get(key(job, "pages")) == b"3"
    assert {u.decode() for u in r.hkeys(key(job, "page_skipped"))} == {f"{SITE}/p{i}.html" for i in (4, 5, 6)}
    assert r.smismember(key(job, "page_seen"), [f"{SITE}/p{i}.html" for i in (4, 5, 6)]) == [0, 0, 0]


def test_the_link_keeps_order_and_gives_each_caller_its_answers(redis_url):
    import redis

    link = Link(redis_url, deliver=lambda _call: None)
    name = f"test:{uuid.uuid4().hex[:8]}"
    got: dict[str, list] = {}
    link.submit(lambda pipe: (pipe.rpush(name, "a"), pipe.rpush(name, "b")), lambda ans: got.setdefault("ab", ans),
                work=True)
    link.submit(lambda pipe: pipe.execute_command("HGET", name, "x"), lambda ans: got.setdefault("wrong", ans))
    link.submit(lambda pipe: pipe.lrange(name, 0, -1), lambda ans: got.setdefault("list", ans))
    assert link.pending == 3 and link.work == 1
    link.wait()
    assert link.pending == 0 and link.work == 0
    assert got["ab"] == [1, 2]
    assert isinstance(got["wrong"][0], redis.ResponseError), "a failed command's error goes to its caller only"
    assert got["list"] == [[b"a", b"b"]]
    sha = link.load("return ARGV[1]")
    link.r.script_flush()  # the server forgets its scripts (a restart): loaded again and called again
    link.submit(lambda pipe: pipe.evalsha(sha, 0, "again"), lambda ans: got.setdefault("script", ans))
    link.close()
    assert got["script"] == [b"again"]
