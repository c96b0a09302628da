"""The extraction processes beside the crawl (crawler/extract_pool.py): the same results as
extracting in the crawl process, and a worker that dies loses no page."""

import asyncio
import os
import signal
from pathlib import Path

from crawler.extract_pool import ExtractPool, work

PAGES = Path(__file__).resolve().parent / "pages"  # saved pages of our own, one per directory
HEADERS = {"content-type": "text/html; charset=utf-8"}


def pages() -> list[tuple[bytes, str]]:
    found = sorted(PAGES.rglob("*.html"))
    assert found, f"no saved pages under {PAGES}"
    return [(p.read_bytes(), f"http://portal.test/{p.parent.name}/index.html") for p in found]


def run(coro):
    return asyncio.run(coro)


def test_workers_answer_as_the_crawl_process_would():
    items = pages()

    async def go():
        pool = ExtractPool(2)
        pool.start()
        try:
            return await asyncio.gather(*(pool.extract(body, url, HEADERS, HEADERS["content-type"],
                                                       frozenset({"portal.test"})) for body, url in items))
        finally:
            pool.close()

    got = run(go())
    for (body, url), answer in zip(items, got, strict=True):
        slim, text_json, text, rows = work(body, url, HEADERS, HEADERS["content-type"], frozenset({"portal.test"}))
        assert answer[0] == slim and answer[1] == text_json and answer[3] == rows
        assert vars(answer[2]) == vars(text) if hasattr(text, "__dict__") else answer[2] == text


def test_a_killed_worker_loses_no_page_and_the_crawl_goes_on_in_process():
    items = pages() * 4

    async def go():
        pool = ExtractPool(1)
        pool.start()
        try:
            pid = pool.live[0].pid
            first = [asyncio.ensure_future(pool.extract(body, url, HEADERS, "text/html")) for body, url in items]
            await asyncio.sleep(0)  # sent, mostly not answered yet
            os.kill(pid, signal.SIGKILL)
            answers = await asyncio.gather(*first)
            after = await pool.extract(items[0][0], items[0][1], HEADERS, "text/html")
            return answers, after, pool.broken
        finally:
            pool.close()

    answers, after, broken = run(go())
    assert len(answers) == len(items) and all(a[1] for a in answers)  # every page has its record
    assert after[0] == work(items[0][0], items[0][1], HEADERS, "text/html")[0] and broken


def test_no_workers_extracts_in_process():
    body, url = pages()[0]

    async def go():
        pool = ExtractPool(0)
        pool.start()
        return await pool.extract(body, url, HEADERS, "text/html"), pool.live

    answer, live = run(go())
    assert live == [] and answer[0] == work(body, url, HEADERS, "text/html")[0]


def test_close_never_waits_for_a_stuck_worker(monkeypatch):
    import crawler.extract_pool as extract_pool

    monkeypatch.setattr(extract_pool, "CLOSE_SECONDS", 0.2)
    pool = ExtractPool(1)
    pool.start()
    worker = pool.live[0]
    os.kill(worker.pid, signal.SIGSTOP)  # it will never read the end of its pipe
    pool.close()  # returns: the worker was killed and reaped
    try:
        os.waitpid(worker.pid, os.WNOHANG)
        raise AssertionError("the worker was not reaped")
    except ChildProcessError:
        pass
