"""What the portal spider may fetch as a page: scope and trap limits (pure, no Scrapy).

`Scope.admit(url, depth)` answers None (crawl it) or the `skipped.reason` that stops it:
`ignored` (crawl.ignore_patterns), `trap_query` (a trap query parameter, or more than
`max_query_variants` distinct queries on one path), `trap_depth` (deeper than `max_depth`),
`trap_pattern` (more than `max_per_pattern` pages whose host + path are equal once digit
runs are folded: `/cal/2024/05/index_3.html` -> `/cal/#/#/index_#.html`), `max_pages`.
Counters only grow for admitted URLs, so a trap cannot starve the rest of the site.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from crawler.linkcheck import host_of, looks_like_attachment, matches_any

_DIGITS = re.compile(r"\d+")


def path_pattern(url: str) -> str:
    parts = urlsplit(url)
    return f"{(parts.hostname or '').lower()}{_DIGITS.sub('#', parts.path or '/')}"


def www_variant(a: str, b: str) -> bool:
    """`example.gov.cn` and `www.example.gov.cn` are one portal."""
    a, b = a.lower(), b.lower()
    return a == b or a == "www." + b or b == "www." + a


class Scope:
    def __init__(self, start_url: str, crawl_cfg: dict, max_pages: int | None = None):
        self.hosts = {host_of(start_url)} | {h.lower() for h in crawl_cfg.get("extra_hosts", [])}
        self.max_depth = int(crawl_cfg.get("max_depth", 30))
        self.max_per_pattern = int(crawl_cfg.get("max_per_pattern", 50000))
        self.max_query_variants = int(crawl_cfg.get("max_query_variants", 50))
        self.trap_query_patterns = list(crawl_cfg.get("trap_query_patterns", []))
        self.ignore_patterns = list(crawl_cfg.get("ignore_patterns", []))
        limit = max_pages if max_pages is not None else int(crawl_cfg.get("max_pages", 0) or 0)
        self.max_pages = limit or 0
        self.pages = 0
        self.patterns: Counter[str] = Counter()
        self.queries: dict[str, set[str]] = {}

    def in_scope(self, url: str) -> bool:
        return host_of(url) in self.hosts

    def add_host(self, host: str) -> None:
        self.hosts.add(host.lower())

    def is_page_candidate(self, url: str) -> bool:
        """An in-scope http(s) URL that names a page, not a file (files are only checked)."""
        return url[:4].lower() == "http" and self.in_scope(url) and not looks_like_attachment(url)

    def restore(self, url: str) -> None:
        """Count a page a resumed crawl had already admitted (see crawler.resume)."""
        parts = urlsplit(url)
        self.pages += 1
        self.patterns[path_pattern(url)] += 1
        if parts.query:
            self.queries.setdefault(f"{parts.hostname}{parts.path}", set()).add(parts.query)

    def refuse(self, url: str, parts, depth: int) -> str | None:
        """The skip reason that needs no counters (ignore list, trap queries, depth), or None."""
        if matches_any(self.ignore_patterns, url):
            return "ignored"
        if parts.query and matches_any(self.trap_query_patterns, parts.query):
            return "trap_query"
        if depth > self.max_depth:
            return "trap_depth"
        return None

    def admit(self, url: str, depth: int) -> str | None:
        """None when `url` may be crawled at `depth` (and count it), else the skip reason."""
        parts = urlsplit(url)
        reason = self.refuse(url, parts, depth)
        if reason:
            return reason
        pattern = path_pattern(url)
        if self.max_per_pattern and self.patterns[pattern] >= self.max_per_pattern:
            return "trap_pattern"
        key = f"{parts.hostname}{parts.path}"
        seen = self.queries.get(key)
        if parts.query and self.max_query_variants:
            if seen is not None and parts.query not in seen and len(seen) >= self.max_query_variants:
                return "trap_query"
        if self.max_pages and self.pages >= self.max_pages:
            return "max_pages"
        self.pages += 1
        self.patterns[pattern] += 1
        if parts.query:
            self.queries.setdefault(key, set()).add(parts.query)
        return None
