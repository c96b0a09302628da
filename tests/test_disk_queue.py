"""The crawl's pending requests on disk: the fast request serialisation (crawler.queues) and
the private temporary queue directory of a crawl without --job-dir (crawler.run)."""

from __future__ import annotations

import os
import tempfile

import pytest
from scrapy import Request
from scrapy.squeues import PickleLifoDiskQueue
from scrapy.utils.test import get_crawler

from crawler import queues, run
from crawler.spiders.portal import PortalSpider


@pytest.fixture
def spider():
    crawler = get_crawler(PortalSpider, {})
    spider = PortalSpider(start_url="http://portal.test/index.html", profile={})
    spider.crawler = crawler
    crawler.spider = spider
    return spider


def test_fast_dict_is_scrapys_dict(spider):
    st = {"role": "page", "url0": "http://portal.test/a/b.html?x=1", "depth": 3, "referer": "http://portal.test/",
          "encoding": "gbk", "cond": ("etag", None)}
    req = spider._request("http://portal.test/a/b.html?x=1", st, "HEAD", priority=-3, encoding="gbk")
    assert queues.request_dict(req, spider) == req.to_dict(spider=spider)


def test_other_callbacks_and_classes_take_scrapys_path(spider):
    assert queues.request_dict(Request("http://portal.test/", callback=lambda r: None), spider) is None
    assert queues.request_dict(Request("http://portal.test/", callback=PortalSpider(
        start_url="http://portal.test/", profile={}).on_response), spider) is None
    from scrapy import FormRequest

    assert queues.request_dict(FormRequest("http://portal.test/", callback=spider.on_response), spider) is None
    assert queues.request_dict(Request("http://portal.test/"), spider) is not None  # no callback at all


def test_queue_round_trip(spider, tmp_path):
    crawler = spider.crawler
    q = queues.PickleLifoQueue.from_crawler(crawler, str(tmp_path / "q"))
    ref = PickleLifoDiskQueue.from_crawler(crawler, str(tmp_path / "ref"))
    reqs = [spider._request(f"http://portal.test/p{i}.html", {"role": "check", "url0": f"http://portal.test/p{i}.html",
                                                              "referer": None}, priority=-i) for i in range(5)]
    reqs.append(Request("http://portal.test/form", method="POST", body=b"a=1", callback=spider.on_response))
    for r in reqs:
        q.push(r)
        ref.push(r)
    got, want = [], []
    while (r := q.pop()) is not None:
        got.append(r.to_dict(spider=spider))
    while (r := ref.pop()) is not None:
        want.append(r.to_dict(spider=spider))
    assert got == want and len(got) == 6
    assert got[0]["callback"] == "on_response" and got[-1]["errback"] == "on_error"


@pytest.mark.parametrize("kind", ["lifo", "fifo"])
def test_spilling_queue_keeps_the_plain_queues_order(spider, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(queues, "MEMORY_REQUESTS", 4)
    monkeypatch.setattr(queues, "MEMORY_BUDGET", 0)
    crawler = spider.crawler
    ours = {"lifo": queues.LifoDiskQueue, "fifo": queues.FifoDiskQueue}[kind].from_crawler(crawler, str(tmp_path / "q"))
    plain = {"lifo": PickleLifoDiskQueue, "fifo": queues.PickleFifoQueue}[kind].from_crawler(crawler,
                                                                                            str(tmp_path / "ref"))
    n = iter(range(1000))
    got, want = [], []

    def push(k):
        for _ in range(k):
            i = next(n)
            r = spider._request(f"http://portal.test/p{i}.html", {"role": "check", "url0": "x", "referer": None})
            ours.push(r)
            plain.push(r)

    def pop(k):
        for _ in range(k):
            a, b = ours.pop(), plain.pop()
            got.append(a and a.url)
            want.append(b and b.url)

    for k_push, k_pop in ((3, 1), (10, 2), (1, 5), (20, 3), (2, 30), (9, 4)):
        push(k_push)
        assert len(ours) == len(plain)
        pop(k_pop)
        assert len(ours) == len(plain)
    assert got == want and ours.disk is not None  # some went to disk and came back in order
    push(7)
    ours.close()
    plain.close()
    reopened = type(ours).from_crawler(crawler, str(tmp_path / "q"))
    assert len(reopened) == len(plain) and len(reopened) > 0  # close() saved the memory part too


def test_a_small_queue_stays_in_memory(spider, tmp_path):
    q = queues.LifoDiskQueue.from_crawler(spider.crawler, str(tmp_path / "q"))
    for i in range(queues.MEMORY_REQUESTS):
        q.push(spider._request(f"http://portal.test/p{i}.html", {"role": "check", "url0": "x", "referer": None}))
    assert q.disk is None and not (tmp_path / "q").exists() and len(q) == queues.MEMORY_REQUESTS


def test_queue_dir_is_new_and_stale_ones_are_swept(monkeypatch, tmp_path):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    a, b = run.new_queue_dir(), run.new_queue_dir()
    assert a != b and os.listdir(a) == [] and os.path.basename(a).startswith(f"xxgk-queue-{os.getpid()}-")
    dead = tmp_path / "xxgk-queue-999999999-abc"  # no such process
    (dead / "requests.queue").mkdir(parents=True)
    young = tmp_path / "xxgk-queue-999999998-abc"
    young.mkdir()
    os.utime(dead, (0, 0))
    run.new_queue_dir()
    assert not dead.exists() and young.exists() and os.path.isdir(a)  # live or recent ones stay


def test_disk_queue_switch(monkeypatch):
    monkeypatch.setenv("XXGK_DISK_QUEUE", "0")
    assert run.disk_queue_wanted() is False
    monkeypatch.setenv("XXGK_DISK_QUEUE", "1")
    assert run.disk_queue_wanted() is True
    monkeypatch.delenv("XXGK_DISK_QUEUE")
    assert run.disk_queue_wanted() is True  # the default


def test_a_crawl_queues_on_disk_and_leaves_nothing(monkeypatch, tmp_path):
    from xxgk import store
    from xxgk.profile import load_profile
    from xxgk.sample.server import serve

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    servers, base = serve(port=0)
    try:
        db = store.open_db(tmp_path / "a.sqlite")
        run_id = db["runs"].insert({"start_url": base + "/index.html", "site": "x", "status": "running",
                                    "started_at": "2026-01-01T00:00:00Z", "as_of": "2026-01-01"}).last_pk
        profile = load_profile()
        profile["links"]["external_cache_hours"] = 0.0
        seen = []

        def progress(snap):
            seen.extend(p.name for p in temp.glob("xxgk-queue-*/requests.queue"))

        stats = run.crawl(db, run_id, base + "/index.html", profile, concurrency=4, delay=0, on_progress=progress)
    finally:
        servers.shutdown()
    assert stats["pages"] > 10 and not stats["interrupted"]
    assert seen  # Scrapy's disk queue lived in the crawl's private directory
    assert list(temp.iterdir()) == []  # and was removed at the end


@pytest.mark.parametrize("kind", ["lifo", "fifo"])
def test_a_full_disk_keeps_requests_in_memory(spider, tmp_path, monkeypatch, kind):
    monkeypatch.setattr(queues, "MEMORY_REQUESTS", 2)
    monkeypatch.setattr(queues, "MEMORY_BUDGET", 0)
    q = {"lifo": queues.LifoDiskQueue, "fifo": queues.FifoDiskQueue}[kind].from_crawler(spider.crawler,
                                                                                        str(tmp_path / "q"))
    urls = [f"http://portal.test/p{i}.html" for i in range(12)]

    def push(url):
        q.push(spider._request(url, {"role": "check", "url0": url, "referer": None}))

    for url in urls[:4]:
        push(url)
    assert q.disk is not None

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(q.disk, "push", full)
    for url in urls[4:]:
        push(url)
    assert len(q) == len(urls)
    popped = []
    while (r := q.pop()) is not None:
        popped.append(r.url)
    assert sorted(popped) == sorted(urls)  # nothing lost
    if kind == "fifo":
        assert popped == urls  # and still in order


def test_the_memory_budget_is_shared_by_the_crawls_queues(spider, tmp_path, monkeypatch):
    # a crawl of a few thousand pages never touches the disk; beyond the budget, the queue
    # being pushed keeps its newest MEMORY_REQUESTS in memory and moves older ones to disk
    monkeypatch.setattr(queues, "MEMORY_BUDGET", 10)
    monkeypatch.setattr(queues, "MEMORY_REQUESTS", 2)
    a = queues.LifoDiskQueue.from_crawler(spider.crawler, str(tmp_path / "a"))
    b = queues.LifoDiskQueue.from_crawler(spider.crawler, str(tmp_path / "b"))

    def push(q, name, k):
        for i in range(k):
            q.push(spider._request(f"http://portal.test/{name}{i}.html", {"role": "check", "url0": "x", "referer": None}))

    push(a, "a", 8)
    push(b, "b", 2)
    assert a.disk is None and b.disk is None and len(a.memory) + len(b.memory) == 10
    push(b, "c", 2)  # over the budget: b moves its older half to disk, a is untouched
    assert a.disk is None and b.disk is not None and len(b) == 4 and len(b.memory) < 4
    assert [b.pop().url for _ in range(4)] == ["http://portal.test/c1.html", "http://portal.test/c0.html",
                                            "http://portal.test/b1.html", "http://portal.test/b0.html"]
    assert a.pop().url == "http://portal.test/a7.html" and len(a) == 7
