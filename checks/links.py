"""Link rules: link.broken, link.redirect, link.blocked.

Data: `targets` (one row per distinct target and run, with the link checker's outcome) joined
with `links` (one row per link occurrence). One finding per distinct (page_url, url).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from crawler.linkcheck import host_of, is_home_url
from xxgk import store

from .context import Context, Finding, in_json

BROKEN = ("http_status", "dns", "refused", "reset", "tls", "timeout", "redirect_loop",
          "too_many_redirects", "soft_404")

_REASON_ZH = {
    "http_status": "HTTP {status}",
    "dns": "域名无法解析",
    "refused": "连接被拒绝",
    "reset": "连接被重置",
    "tls": "TLS/证书错误",
    "timeout": "请求超时",
    "redirect_loop": "重定向循环",
    "too_many_redirects": "重定向次数过多",
    "soft_404": "返回的是错误页（软 404）",
    "redirect": "经重定向后到达 {final_url}",
    "blocked": "被访问防护拦截（HTTP {status}），未能判断",
}


def _reason(target: dict) -> str:
    text = _REASON_ZH.get(target.get("outcome") or "", target.get("outcome") or "")
    return text.format(status=target.get("status") or "?", final_url=target.get("final_url") or "")


def _target_evidence(target: dict) -> dict:
    ev = {k: target.get(k) for k in ("outcome", "status", "final_url", "method", "error", "elapsed",
                                     "attempts", "checked_at", "reason", "content_type", "reused_from")}
    ev["chain"] = store.loads(target.get("chain"), [])
    return ev


def _link_groups(ctx: Context, outcomes) -> Iterator[tuple[dict, str, list[dict], int]]:
    """(target, page_url, link rows) for every distinct (page_url, url) whose target outcome is in `outcomes`."""
    targets = ctx.targets_with(outcomes)
    if not targets:
        return
    pairs: dict[tuple[str, str], list[dict]] = defaultdict(list)
    pages_per_url: dict[str, set[str]] = defaultdict(set)
    aliases = _alias_pages(ctx)
    for link in ctx.links_where(in_json("url", targets)):
        if link["page_url"] not in aliases:
            pairs[(link["page_url"], link["url"])].append(link)
            pages_per_url[link["url"]].add(link["page_url"])
    for (page_url, url), rows in sorted(pairs.items()):
        yield targets[url], page_url, rows, len(pages_per_url[url])


def _alias_pages(ctx: Context) -> set[str]:
    """Pages that are another crawled page under a redirecting URL: a deep link sent to the home
    page (`/ztzl/2020/` -> `/`), or a URL redirected to a page crawled in its own right. Their
    links are that page's links, reported once, where the reader finds them."""
    home = ctx.home_page
    home_urls = {home["url"], home.get("final_url")} if home else set()
    out = set()
    for url, page in ctx.pages.items():
        final = page.get("final_url")
        if not final or final == url or url in home_urls:
            continue
        if (final in ctx.pages and ctx.pages[final] is not page) or (home and is_home_url(final)
                                                                     and host_of(final) == host_of(home["url"])):
            out.add(url)
    return out


def _finding(ctx: Context, rule: str, target: dict, page_url: str, rows: list[dict], n_pages: int,
             message: str) -> Finding:
    home = ctx.home_page
    ev = _target_evidence(target)
    first = rows[0]
    ev.update({
        "tag": first.get("tag"), "attribute": first.get("attribute"), "text": first.get("text"),
        "occurrences": len(rows), "pages_with_link": n_pages,
        "on_home": bool(home and page_url in (home["url"], home.get("final_url"))),
        "internal": first.get("internal"),
    })
    if len({(r.get("tag"), r.get("text")) for r in rows}) > 1:
        ev["variants"] = [{"tag": r.get("tag"), "attribute": r.get("attribute"), "text": r.get("text")}
                          for r in rows]
    return Finding(rule=rule, url=target["url"], page_url=page_url, column_name=ctx.column_name_of(page_url),
                   message=message, evidence=ev, key=target.get("outcome") or "")


def check_link_broken(ctx: Context) -> Iterator[Finding]:
    for target, page_url, rows, n_pages in _link_groups(ctx, BROKEN):
        text = (rows[0].get("text") or "").strip()
        label = f"“{text[:40]}”" if text else "链接"
        yield _finding(ctx, "link.broken", target, page_url, rows, n_pages,
                       f"{label}不可用：{_reason(target)}")


def check_link_redirect(ctx: Context) -> Iterator[Finding]:
    for target, page_url, rows, n_pages in _link_groups(ctx, ("redirect",)):
        yield _finding(ctx, "link.redirect", target, page_url, rows, n_pages,
                       f"链接经过重定向：{_reason(target)}，宜直接链接最终地址")


def check_link_blocked(ctx: Context) -> Iterator[Finding]:
    for target, page_url, rows, n_pages in _link_groups(ctx, ("blocked",)):
        yield _finding(ctx, "link.blocked", target, page_url, rows, n_pages,
                       f"链接{_reason(target)}，需人工在浏览器中确认能否打开")
