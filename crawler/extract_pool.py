"""Page extraction in a separate process, so the crawl uses a second core.

The crawl is CPU-bound: Scrapy's own work (network, scheduling, items) and the extraction of
each page (lxml parse, fields, links, and the light parse of the soft-404 check) each take
about half of it. `ExtractPool.extract(...)` runs, in a worker process, exactly what the
spider did in-line: `extract_page` (an exception becomes an empty record with `error`), the
page's `linkcheck.page_text`, and the JSON text of the record as the pipeline stores it. The
spider awaits the result in its (async) callback while the reactor keeps downloading.

Workers: setting (or environment variable) `XXGK_EXTRACT_WORKERS` (default: one per core beyond the first, at most 2;
0 extracts in the crawl process, as before). A worker that dies (BrokenProcessPool) switches
the crawl back to in-process extraction for the rest of the run; nothing is lost.
"""

from __future__ import annotations

import asyncio
import gc
import json
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

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


class ExtractPool:
    def __init__(self, workers: int):
        self.workers = max(0, int(workers))
        self.executor: ProcessPoolExecutor | None = None
        self.broken = False

    def start(self) -> None:
        """Start the workers now (spider opened: before the crawl's own threads do anything).

        Workers are forked children of the crawl process (joined at close), so the CPU they
        use is counted with the crawl's (`time`, rusage); a forkserver's would be lost."""
        if self.workers and self.executor is None and not self.broken:
            import multiprocessing

            _warm()  # the workers inherit the imported extractor
            try:
                ctx = multiprocessing.get_context("fork")
            except ValueError:  # no fork on this platform
                ctx = multiprocessing.get_context()
            self.executor = ProcessPoolExecutor(self.workers, mp_context=ctx)
            # the fork happens in submit(); frozen objects are never traversed by the workers'
            # garbage collector (which would also copy every inherited page)
            gc.freeze()
            try:
                for _ in range(self.workers):
                    self.executor.submit(_warm)
            finally:
                gc.unfreeze()

    async def extract(self, body: bytes, url: str, headers: dict, ctype: str, hosts=frozenset()):
        if self.executor is not None and not self.broken:
            try:
                return await asyncio.get_running_loop().run_in_executor(self.executor, work, body, url, headers,
                                                                        ctype, hosts)
            except (BrokenProcessPool, OSError, RuntimeError):
                self.broken = True
        return work(body, url, headers, ctype, hosts)

    def close(self) -> None:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None
