"""Column rules: column.empty, column.stale.

Data: `columns` (kind, entry_count, newest_date, note) and `entries` (date per entry).
Only columns of kind `list` (or of unknown kind) are judged: parent columns that show
sub-columns, single-page columns, redirect stubs and SPA shells are not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .context import Context, Finding
from .text import add_months, any_match, simplify

NOT_LISTS = ("parent", "single", "stub", "spa")


def _is_list(col: dict) -> bool:
    return (col.get("kind") or "list") not in NOT_LISTS and not col.get("stub_target")


def _entry_count(ctx: Context, col: dict) -> int:
    stored = col.get("entry_count")
    found = len(ctx.entries_by_column.get(col["url"], []))
    return max(stored or 0, found)


def check_column_empty(ctx: Context) -> Iterator[Finding]:
    for url, col in sorted(ctx.columns.items()):
        if not _is_list(col) or _entry_count(ctx, col) > 0:
            continue
        note = simplify(col.get("note"))
        explained = bool(note) and any_match(ctx.opt("columns.explained_note_patterns", []), note) is not None
        if explained and not ctx.opt("columns.report_explained", False):
            continue
        yield Finding(
            "column.empty", url,
            f"栏目“{col.get('name') or url}”没有任何信息" + (f"（页面显示“{note[:30]}”）" if note else ""),
            page_url=col.get("parent_url") or url, column_name=col.get("name"),
            evidence={"kind": col.get("kind"), "entry_count": col.get("entry_count"),
                      "list_pages": col.get("list_pages"), "note": col.get("note"), "explained": explained},
            severity="info" if explained else None,
        )


def column_class(ctx: Context, name: str) -> dict | None:
    for cls in ctx.opt("column_classes", []) or []:
        if any_match(cls.get("patterns", []), name or "") and not any_match(cls.get("exclude_patterns", []), name or ""):
            return cls
    return None


def newest_date(ctx: Context, col: dict) -> tuple[dt.date | None, str | None]:
    """The latest entry date of the column (置顶 rows come first, so never the first row's)."""
    best, raw = None, None
    for text in [col.get("newest_date")] + [e.get("date") for e in ctx.entries_by_column.get(col["url"], [])]:
        day = ctx.date(text)
        if day and day <= ctx.as_of + dt.timedelta(days=1) and (best is None or day > best):
            best, raw = day, text
    return best, raw


def limit_date(cls: dict, newest: dt.date) -> dt.date:
    """The last day on which a column whose newest entry is `newest` is still fresh."""
    return add_months(newest, int(cls.get("max_age_months", 0) or 0)) + dt.timedelta(
        days=int(cls.get("max_age_days", 0) or 0))


def _age_text(cls: dict) -> str:
    if cls.get("max_age_months"):
        return f"{cls['max_age_months']} 个月"
    return f"{cls.get('max_age_days', 0)} 天"


def check_column_stale(ctx: Context) -> Iterator[Finding]:
    for url, col in sorted(ctx.columns.items()):
        if not _is_list(col):
            continue
        cls = column_class(ctx, col.get("name") or "")
        if cls is None:
            continue  # unclassed: not judged
        newest, raw = newest_date(ctx, col)
        if newest is None:
            if _entry_count(ctx, col) > 0 and ctx.opt("columns.undated_is_stale", False):
                yield Finding("column.stale", url, f"栏目“{col.get('name')}”的信息均未标注发布日期，按规定视为未更新",
                              page_url=col.get("parent_url") or url, column_name=col.get("name"),
                              evidence={"class": cls.get("name"), "newest": None}, key=cls.get("name", ""))
            continue
        last_fresh = limit_date(cls, newest)
        if ctx.as_of <= last_fresh:
            continue  # exactly on the limit is fine
        yield Finding(
            "column.stale", url,
            f"栏目“{col.get('name')}”（{cls.get('name')}类，更新时限 {_age_text(cls)}）最新信息日期为 "
            f"{newest.isoformat()}，至基准日 {ctx.as_of.isoformat()} 已 {(ctx.as_of - newest).days} 天未更新"
            f"（应不晚于 {last_fresh.isoformat()} 发布新信息）",
            page_url=col.get("parent_url") or url, column_name=col.get("name"),
            evidence={"class": cls.get("name"), "newest": newest.isoformat(), "newest_raw": raw,
                      "max_age_days": cls.get("max_age_days"), "max_age_months": cls.get("max_age_months"),
                      "fresh_until": last_fresh.isoformat(), "as_of": ctx.as_of.isoformat(),
                      "days_since": (ctx.as_of - newest).days, "confirmed": cls.get("confirmed")},
            key=cls.get("name", ""),
        )
