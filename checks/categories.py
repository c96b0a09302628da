"""category.missing: every mandatory category of the profile has a column on the platform.

The platform's names are: `columns.name` and `columns.nav_names` of columns on the platform
(`on_platform = 1`, any kind: a stub redirecting to another platform or a column showing
"本单位无此项职能" counts as present), the anchor texts of links on the platform's navigation
pages (kind `platform`, and parent columns; links to documents and list entries excluded), and
the `subcolumns` the extractor found on those pages. When the run has no platform at all, every column of the site is used.
A name matches a category when, after 繁→简 and punctuation folding, it equals the canonical
name or a synonym, or contains one and is at most `categories.max_name_length` characters long
(so a document title that mentions 财政预决算 does not count as a column).
"""

from __future__ import annotations

from collections.abc import Iterator

from xxgk import store

from .context import Context, Finding, in_json
from .text import key


def platform_names(ctx: Context) -> tuple[dict[str, str], str | None]:
    """{normalised name: where it was seen} and the platform URL (None when no platform was found)."""
    names: dict[str, str] = {}

    def add(name, where):
        k = key(name)
        if k:
            names.setdefault(k, where)

    cols = [c for c in ctx.columns.values() if ctx.column_on_platform(c)]
    platform_pages = [p["url"] for p in ctx.platform_pages]
    if not cols and not platform_pages:
        cols = list(ctx.columns.values())
    for col in sorted(cols, key=lambda c: c["url"]):
        add(col.get("name"), col["url"])
        for nav in store.loads(col.get("nav_names"), []) or []:
            add(nav, col["url"])
    # Navigation pages: the platform index and parent columns (not lists: their anchors are
    # document titles). Links to documents or list entries are never column names.
    pages = set(platform_pages) | {c["url"] for c in cols if c.get("kind") == "parent"}
    not_columns = {e.get("url") for e in ctx.entries} | {d["url"] for d in ctx.documents}
    for link in ctx.links_where(in_json("page_url", pages)):
        if (link["url"] not in not_columns
                and link.get("tag") in (None, "a", "area", "iframe", "frame")):
            add(link.get("text"), link["url"])
    for url in sorted(pages):
        page = ctx.pages.get(url)
        extract = store.loads(page.get("extract"), {}) if page else {}
        for sub in (extract or {}).get("subcolumns", []) or []:
            if isinstance(sub, dict):
                add(sub.get("title"), sub.get("url") or url)
    return names, platform_root(ctx, cols, platform_pages)


def platform_root(ctx: Context, cols: list[dict], platform_pages: list[str]) -> str | None:
    """The platform's index: the platform page (else the column) with the most platform
    columns beneath it; ties go to the shorter, then the smaller URL."""
    def descendants(url: str) -> int:
        count = 0
        for col in cols:
            node, seen = col, set()
            while node is not None and node["url"] not in seen:
                seen.add(node["url"])
                parent = node.get("parent_url")
                if parent == url:
                    count += 1
                    break
                node = ctx.columns.get(parent or "")
        return count

    in_tree = {c["url"] for c in cols}
    candidates = platform_pages or [c["url"] for c in cols if (c.get("parent_url") or "") not in in_tree]
    if not candidates:
        return None
    return min(candidates, key=lambda u: (-descendants(u), len(u), u))


def match(names: dict[str, str], candidates: list[str], max_len: int) -> tuple[str, str] | None:
    """(matched name, where) for the first candidate found among `names`."""
    wanted = [key(c) for c in candidates if key(c)]
    for w in wanted:
        if w in names:
            return w, names[w]
    for name, where in sorted(names.items()):
        if len(name) <= max_len and any(w in name for w in wanted):
            return name, where
    return None


def check_category_missing(ctx: Context) -> Iterator[Finding]:
    names, platform_url = platform_names(ctx)
    max_len = int(ctx.opt("categories.max_name_length", 16))
    for cat in ctx.opt("categories.mandatory", []) or []:
        canonical = cat.get("name")
        if not canonical:
            continue
        synonyms = list(cat.get("synonyms", []) or [])
        if match(names, [canonical, *synonyms], max_len):
            continue
        url = platform_url or ctx.site_url
        yield Finding(
            "category.missing", url, f"政务公开平台缺少“{canonical}”栏目（按名称及同义词均未找到）",
            page_url=url, column_name=None,
            evidence={"category": canonical, "synonyms_tried": synonyms, "basis": cat.get("basis"),
                      "platform_url": platform_url, "names_seen": len(names)},
            key=canonical,
        )
