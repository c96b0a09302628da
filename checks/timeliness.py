"""Timeliness rules: doc.untimely, doc.date_missing.

Data: `documents` (written, published, published_source, fields, meta) of the documents
listed in disclosure columns: on the platform (`columns.on_platform`) or under a disclosure
URL token (`platform.url_patterns`), see Context.doc_disclosed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .context import Context, Finding

WRITTEN_LABELS = ("成文日期", "发文日期", "生成日期", "形成日期")
PUBLISHED_LABELS = ("发布日期", "发布时间", "公开日期", "上载日期")
PUBDATE_META = ("pubdate", "publishdate", "firstpublishedtime", "publishedtime")


def published_date(ctx: Context, doc: dict) -> tuple[dt.date | None, str | None, str | None]:
    """(date, where it was read, raw text) of the 发布日期 a reader or machine sees on the page.

    A date only from the list page (published_source = 'list') counts only when the profile
    says so (`timeliness.list_date_counts`)."""
    source = doc.get("published_source")
    if doc.get("published") and (source != "list" or ctx.opt("timeliness.list_date_counts", False)):
        day = ctx.date(doc["published"])
        if day:
            return day, source or "record", doc["published"]
    raw = ctx.field(doc, PUBLISHED_LABELS)
    if raw and ctx.date(raw):
        return ctx.date(raw), "table", raw
    meta = {str(k).lower(): v for k, v in ctx.doc_meta(doc).items()}
    for name in PUBDATE_META:
        raw = meta.get(name)
        if raw and ctx.date(str(raw)):
            return ctx.date(str(raw)), "meta", str(raw)
    return None, None, None


def written_date(ctx: Context, doc: dict) -> tuple[dt.date | None, str | None]:
    if doc.get("written") and ctx.date(doc["written"]):
        return ctx.date(doc["written"]), doc["written"]
    raw = ctx.field(doc, WRITTEN_LABELS)
    if raw and ctx.date(raw):
        return ctx.date(raw), raw
    return None, None


def _page_url(ctx: Context, doc: dict) -> str:
    col = ctx.doc_column(doc)
    return doc.get("column_url") or (col["url"] if col else doc["url"])


def _col_name(ctx: Context, doc: dict) -> str | None:
    col = ctx.doc_column(doc)
    return (col or {}).get("name") or doc.get("column_name")


def check_doc_date_missing(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.documents:
        if not ctx.doc_disclosed(doc):
            continue
        day, _, _ = published_date(ctx, doc)
        if day is not None:
            continue
        ev = {
            "title": doc.get("title"),
            "published_raw": doc.get("published"),
            "published_source": doc.get("published_source"),
            "fields": sorted(ctx.doc_fields(doc)),
            "list_date_counts": bool(ctx.opt("timeliness.list_date_counts", False)),
        }
        title = f"《{doc['title'][:60]}》" if doc.get("title") else ""
        yield Finding("doc.date_missing", doc["url"],
                      f"文件{title}未标注发布日期（元数据表、发布时间行、PubDate 元数据中均未找到）",
                      page_url=_page_url(ctx, doc), column_name=_col_name(ctx, doc), evidence=ev)


def check_doc_untimely(ctx: Context) -> Iterator[Finding]:
    n = int(ctx.opt("timeliness.working_days", 10))
    for doc in ctx.documents:
        if not ctx.doc_disclosed(doc):
            continue
        written, written_raw = written_date(ctx, doc)
        published, source, published_raw = published_date(ctx, doc)
        if written is None or published is None or published <= written:
            continue  # not checkable (no 成文日期), or a data error (发布 before 成文)
        deadline, ok = ctx.is_late(written, published, n, "doc.untimely", doc["url"])
        if not ok or deadline is None:
            continue
        elapsed = ctx.elapsed(written, published)
        ev = {
            "title": doc.get("title"),
            "written": written.isoformat(), "written_raw": written_raw,
            "published": published.isoformat(), "published_raw": published_raw, "published_source": source,
            "working_days": n, "deadline": deadline.isoformat(), "working_days_elapsed": elapsed,
            "calendar": sorted({ctx.calendar.source(written.year), ctx.calendar.source(published.year)}),
            "profile": getattr(ctx.profile, "name", None),
        }
        late_by = f"（成文后第 {elapsed} 个工作日）" if elapsed is not None else ""
        yield Finding(
            "doc.untimely", doc["url"],
            f"成文日期 {written.isoformat()}，发布日期 {published.isoformat()}{late_by}，超过 {n} 个工作日的"
            f"公开时限（最迟应于 {deadline.isoformat()} 发布）",
            page_url=_page_url(ctx, doc), column_name=_col_name(ctx, doc), evidence=ev, key=str(n),
        )
