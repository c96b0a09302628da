"""Site-level indicators: home.stale, site.identity_missing, meta.missing, annual_report.*,
interaction.unanswered, interpretation.late — as far as the stored records allow.

Data assumptions (what the crawler must store for these to judge anything; a rule whose data
is absent stays silent rather than guessing):
- home page: `pages` row of kind `home` (or the run's start URL); its `site_identity` JSON
  (`site_id_code`, `icp`, `police_record`, `badge`) or `extract.site`; its links; `entries`
  whose `list_url` is the home page.
- meta tags: `pages.meta` JSON per page; NULL means "not recorded" (not judged), `{}` means
  the page has none.
- annual reports: found by title among `documents`, `entries` and link texts; dates from
  `documents.published` or the entry date; Art. 50 parts from `documents.body_text`.
- interaction: message pages stored as `documents` in columns whose name matches
  `interaction.column_patterns`, with 留言/回复 times or a 办理状态 in `fields`, or a reply in
  `body_text`.
- interpretations: `documents` whose title matches `interpretation.title_patterns`, linked
  (`links`) to or from the policy document they explain.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from xxgk import store

from .context import Context, Finding, in_json
from .text import add_months, any_match, key, simplify, title_key
from .timeliness import published_date

# ---------------------------------------------------------------------- home.stale


def home_newest(ctx: Context) -> tuple[dt.date | None, str | None]:
    """The newest dated item reachable from the home page: its own entries, documents it links
    to, and the newest entry of columns it links to (a navigation-only home counts its
    second-level pages)."""
    home = ctx.home_page
    if home is None:
        return None, None
    home_urls = {home["url"], home.get("final_url")}
    best: tuple[dt.date | None, str | None] = (None, None)

    def consider(day, where):
        nonlocal best
        if day and day <= ctx.as_of and (best[0] is None or day > best[0]):
            best = (day, where)

    for e in ctx.entries:
        if e.get("list_url") in home_urls:
            consider(ctx.date(e.get("date")), e.get("url"))
    docs = {d["url"]: d for d in ctx.documents}
    for link in ctx.links_where(in_json("page_url", home_urls)):
        if link["url"] in docs:
            consider(published_date(ctx, docs[link["url"]])[0], link["url"])
        col_url = ctx.column_of_list_page.get(link["url"])
        if col_url:
            from .columns import newest_date

            consider(newest_date(ctx, ctx.columns[col_url])[0], col_url)
        page = ctx.pages.get(link["url"])
        if page and page.get("published"):
            consider(ctx.date(page["published"]), link["url"])
    return best


def check_home_stale(ctx: Context) -> Iterator[Finding]:
    home = ctx.home_page
    newest, where = home_newest(ctx)
    if home is None or newest is None:
        return
    days = int(ctx.opt("site.home_max_age_days", 14))
    if ctx.as_of <= newest + dt.timedelta(days=days):
        return
    yield Finding("home.stale", home["url"],
                  f"首页可到达的最新信息日期为 {newest.isoformat()}，至基准日 {ctx.as_of.isoformat()} "
                  f"已 {(ctx.as_of - newest).days} 天无更新（时限 {days} 天）",
                  page_url=home["url"],
                  evidence={"newest": newest.isoformat(), "newest_url": where, "max_age_days": days,
                            "as_of": ctx.as_of.isoformat(), "days_since": (ctx.as_of - newest).days})


# ---------------------------------------------------------------------- site.identity_missing
IDENTITY_LABELS = {"site_id_code": "网站标识码", "icp": "ICP备案编号", "police_record": "公安机关备案号",
                   "badge": "党政机关网站标识"}


def site_identity(page: dict) -> dict | None:
    ident = store.loads(page.get("site_identity"), None)
    if ident is None:
        ident = (store.loads(page.get("extract"), {}) or {}).get("site")
    return ident if isinstance(ident, dict) and ident else None  # {} = nothing extracted: not recorded


def check_site_identity_missing(ctx: Context) -> Iterator[Finding]:
    home = ctx.home_page
    if home is None:
        return
    ident = site_identity(home)
    if ident is None:
        return  # not recorded
    missing, malformed = [], []
    for item in ctx.opt("site.identity_required", []) or []:
        value = ident.get(item)
        if not value:
            missing.append(item)
            continue
        pattern = ctx.opt(f"site.{item}_pattern", "")
        if pattern and isinstance(value, str) and not re.search(pattern, simplify(value)):
            malformed.append(item)
    if not missing and not malformed:
        return
    parts = [IDENTITY_LABELS.get(i, i) for i in missing]
    text = "、".join(parts)
    msg = f"网站页脚缺少{text}" if parts else ""
    if malformed:
        msg += ("；" if msg else "网站页脚") + "格式不正确：" + "、".join(IDENTITY_LABELS.get(i, i) for i in malformed)
    yield Finding("site.identity_missing", home["url"], msg, page_url=home["url"],
                  evidence={"missing": missing, "malformed": malformed, "shown": ident},
                  key=",".join(missing + malformed))


# ---------------------------------------------------------------------- meta.missing
PAGE_KIND_ZH = {"home": "首页", "list": "栏目页", "document": "文章页"}  # message wording only


def check_meta_missing(ctx: Context) -> Iterator[Finding]:
    required = {"document": ctx.opt("meta.document_required", []), "list": ctx.opt("meta.list_required", []),
                "home": ctx.opt("meta.home_required", [])}
    for url, page in sorted(ctx.pages.items()):
        names = required.get(page.get("kind") or "")
        if not names or page.get("meta") is None:
            continue
        meta = store.loads(page.get("meta"), {}) or {}
        have = {str(k).lower() for k, v in meta.items() if v is not None and str(v).strip()}
        missing = [n for n in names if n.lower() not in have]
        if not missing:
            continue
        yield Finding("meta.missing", url,
                      f"{PAGE_KIND_ZH.get(page.get('kind'), '页面')}缺少必选元数据：{'、'.join(missing)}",
                      page_url=url, column_name=page.get("column_name"),
                      evidence={"kind": page.get("kind"), "missing": missing, "present": sorted(meta)},
                      key=",".join(missing))


# ---------------------------------------------------------------------- annual_report.*
def _deadline(ctx: Context, year: int) -> dt.date:
    month, day = (int(x) for x in str(ctx.opt("annual_report.deadline", "03-31")).split("-"))
    return dt.date(year, month, day)


def due_year(ctx: Context) -> int:
    """The latest report year whose deadline has passed on `as_of`."""
    year = ctx.as_of.year - 1
    return year if ctx.as_of > _deadline(ctx, year + 1) else year - 1


def report_year(ctx: Context, title: str | None) -> int | None:
    memo = ctx.__dict__.setdefault("_report_year", {})  # link texts repeat on every page
    if title not in memo:
        memo[title] = _report_year(ctx, title)
    return memo[title]


def _report_year(ctx: Context, title: str | None) -> int | None:
    text = simplify(title)
    if not any_match(ctx.opt("annual_report.title_patterns", []), text):
        return None
    m = re.search(r"((?:19|20)\d{2})\s*年", text)
    return int(m.group(1)) if m else None


def annual_reports(ctx: Context) -> list[dict]:
    """Every item that looks like an annual report: {year, url, title, date, source, doc}.

    Computed once per context (three rules read it); callers must not change the items."""
    cached = ctx.__dict__.get("_annual_reports")
    if cached is None:
        cached = ctx.__dict__["_annual_reports"] = _annual_reports(ctx)
    return cached


def _annual_reports(ctx: Context) -> list[dict]:
    items = []
    for doc in ctx.documents:
        year = report_year(ctx, doc.get("title"))
        if year:
            items.append({"year": year, "url": doc["url"], "title": doc.get("title"),
                          "date": published_date(ctx, doc)[0] or ctx.date(doc.get("published")),
                          "source": "document", "doc": doc})
    for e in ctx.entries:
        year = report_year(ctx, e.get("title"))
        if year:
            items.append({"year": year, "url": e.get("url"), "title": e.get("title"),
                          "date": ctx.date(e.get("date")), "source": "entry", "doc": None})
    # Link texts: the distinct ones are judged (one scan in SQLite; a report title names its
    # year, so only texts with 年 can be one), then only the links bearing a report title are read.
    texts = [t for t in ctx.link_texts(containing="年") if report_year(ctx, t)]
    for link in ctx.links_where(in_json("text", texts)) if texts else ():
        year = report_year(ctx, link.get("text"))
        if year:
            items.append({"year": year, "url": link["url"], "title": link.get("text"), "date": None,
                          "source": "link", "doc": None})
    return items


def _report_column(ctx: Context) -> str | None:
    for url, col in sorted(ctx.columns.items()):
        if any_match(ctx.opt("annual_report.column_patterns", []), col.get("name") or ""):
            return url
    return None


def check_annual_report_missing(ctx: Context) -> Iterator[Finding]:
    year = due_year(ctx)
    if any(i["year"] >= year for i in annual_reports(ctx)):
        return  # a later year's report also shows the series is kept up
    deadline = _deadline(ctx, year + 1)
    where = _report_column(ctx) or (ctx.platform_pages[0]["url"] if ctx.platform_pages else ctx.site_url)
    yield Finding("annual_report.missing", where,
                  f"未找到 {year} 年政府信息公开工作年度报告（应于 {deadline.isoformat()} 前公布）",
                  page_url=where, evidence={"year": year, "deadline": deadline.isoformat(),
                                            "as_of": ctx.as_of.isoformat()}, key=str(year))


def check_annual_report_late(ctx: Context) -> Iterator[Finding]:
    year = due_year(ctx)
    dated = [i for i in annual_reports(ctx) if i["year"] == year and i["date"]]
    if not dated:
        return
    first = min(dated, key=lambda i: (i["date"], i["url"] or ""))
    deadline = _deadline(ctx, year + 1)
    if first["date"] <= deadline:
        return
    yield Finding("annual_report.late", first["url"],
                  f"{year} 年政府信息公开工作年度报告 {first['date'].isoformat()} 才公布，晚于 {deadline.isoformat()}",
                  page_url=first["url"],
                  evidence={"year": year, "published": first["date"].isoformat(), "deadline": deadline.isoformat(),
                            "title": first["title"], "source": first["source"]}, key=str(year))


def check_annual_report_incomplete(ctx: Context) -> Iterator[Finding]:
    min_chars = int(ctx.opt("annual_report.min_body_chars", 500))
    since = int(ctx.opt("annual_report.sections_since_year", 2019))
    for item in annual_reports(ctx):
        doc = item["doc"]
        if doc is None or item["year"] < since:
            continue
        body = simplify(doc.get("body_text"))
        if len(body) < min_chars:
            continue  # a stub pointing at an attachment: not judgeable
        missing = [s["name"] for s in ctx.opt("annual_report.sections", []) or []
                   if not any_match(s.get("patterns", []), body)]
        if not missing:
            continue
        yield Finding("annual_report.incomplete", doc["url"],
                      f"{item['year']} 年度报告缺少第五十条规定的内容：{'、'.join(missing)}",
                      page_url=doc.get("column_url") or doc["url"], column_name=doc.get("column_name"),
                      evidence={"year": item["year"], "missing": missing, "title": doc.get("title")},
                      key=",".join(missing))


# ---------------------------------------------------------------------- interaction.unanswered
def _interaction_column(ctx: Context, doc: dict) -> dict | None:
    col = ctx.doc_column(doc)
    name = (col or {}).get("name") or doc.get("column_name") or ""
    if not any_match(ctx.opt("interaction.column_patterns", []), name):
        return None
    if any_match(ctx.opt("interaction.exclude_patterns", []), name):
        return None
    return col or {"url": doc.get("column_url") or doc["url"], "name": name}


def check_interaction_unanswered(ctx: Context) -> Iterator[Finding]:
    months = int(ctx.opt("interaction.max_age_months", 3))
    window = int(ctx.opt("interaction.window_months", 12))
    for doc in ctx.documents:
        col = _interaction_column(ctx, doc)
        if col is None:
            continue
        asked_raw = ctx.field(doc, ("留言时间", "提问时间", "来信时间", "咨询时间", "提交时间")) or doc.get("written")
        asked = ctx.date(asked_raw) or ctx.date(doc.get("published"))
        if asked is None or asked < add_months(ctx.as_of, -window):
            continue
        status = ctx.field(doc, ("办理状态", "状态", "处理状态", "答复状态", "回复状态")) or ""
        replied = ctx.field(doc, ("回复时间", "答复时间", "办结时间", "回复内容", "答复内容", "回复单位", "答复单位"))
        body = simplify(doc.get("body_text"))
        if status:
            answered = not any_match(ctx.opt("interaction.unanswered_status_patterns", []), status)
        else:
            answered = bool(replied) or any_match(ctx.opt("interaction.answered_patterns", []), body) is not None
        if answered or ctx.as_of <= add_months(asked, months):
            continue
        yield Finding("interaction.unanswered", doc["url"],
                      f"{'留言“' + doc['title'][:40] + '”' if doc.get('title') else '留言'}提交于 {asked.isoformat()}，"
                      f"至基准日 {ctx.as_of.isoformat()} 超过 {months} 个月未答复"
                      f"{'（办理状态：' + status + '）' if status else ''}",
                      page_url=col["url"], column_name=col.get("name"),
                      evidence={"asked": asked.isoformat(), "status": status or None, "title": doc.get("title"),
                                "max_age_months": months})


# ---------------------------------------------------------------------- interpretation.late
def _is_interpretation(ctx: Context, doc: dict) -> bool:
    memo = ctx.__dict__.setdefault("_is_interpretation", {})  # called for every link between documents
    title = doc.get("title") or ""
    if title not in memo:
        memo[title] = any_match(ctx.opt("interpretation.title_patterns", []), title) is not None
    return memo[title]


def interpretation_pairs(ctx: Context) -> list[tuple[dict, dict, str]]:
    """(policy document, interpretation, how they are linked)."""
    docs = {d["url"]: d for d in ctx.documents}
    relation = ctx.opt("interpretation.link_text_patterns", [])
    pairs: dict[tuple[str, str], str] = {}
    # Only links from or to an interpretation can pair two documents: read just those.
    interps = [url for url, doc in docs.items() if _is_interpretation(ctx, doc)]
    for link in ctx.links_where(in_json("page_url", interps), in_json("url", interps)) if interps else ():
        a, b = docs.get(link["page_url"]), docs.get(link["url"])
        if a is None or b is None or a["url"] == b["url"]:
            continue
        ia, ib = _is_interpretation(ctx, a), _is_interpretation(ctx, b)
        if ia == ib:
            continue
        policy, interp = (b, a) if ia else (a, b)
        pkey = title_key(policy.get("title"))
        by_title = len(pkey) >= 6 and pkey in key(interp.get("title"))
        by_text = any_match(relation, link.get("text") or "") is not None
        if by_title or by_text:
            pairs.setdefault((policy["url"], interp["url"]), "title" if by_title else f"link:{link.get('text')}")
    return [(docs[p], docs[i], how) for (p, i), how in sorted(pairs.items())]


def check_interpretation_late(ctx: Context) -> Iterator[Finding]:
    n = int(ctx.opt("interpretation.working_days", 3))
    for policy, interp, how in interpretation_pairs(ctx):
        p_day = published_date(ctx, policy)[0]
        i_day = published_date(ctx, interp)[0]
        if p_day is None or i_day is None or i_day <= p_day:
            continue
        deadline, ok = ctx.is_late(p_day, i_day, n, "interpretation.late", interp["url"])
        if not ok or deadline is None:
            continue
        yield Finding("interpretation.late", interp["url"],
                      f"政策解读 {i_day.isoformat()} 发布，晚于文件发布（{p_day.isoformat()}）后第 {n} 个工作日"
                      f"（{deadline.isoformat()}）",
                      page_url=policy["url"], column_name=interp.get("column_name"),
                      evidence={"policy_url": policy["url"], "policy_title": policy.get("title"),
                                "policy_published": p_day.isoformat(), "interpretation_published": i_day.isoformat(),
                                "working_days": n, "deadline": deadline.isoformat(), "linked_by": how,
                                "working_days_elapsed": ctx.elapsed(p_day, i_day)}, key=str(n))


# ---------------------------------------------------------------------- calendar.missing
def check_calendar_missing(ctx: Context) -> Iterator[Finding]:
    """Runs last: one finding per year some rule needed but no calendar covers."""
    path = ctx.opt("timeliness.holiday_file", "") or "（未设置，profile 键 timeliness.holiday_file）"
    for year, gaps in sorted(ctx.calendar_gaps.items()):
        url = ctx.site_url
        rules = sorted({g["rule"] for g in gaps})
        yield Finding(
            "calendar.missing", url,
            f"缺少 {year} 年节假日安排，{len(gaps)} 项工作日期限未判断（不作推测）；"
            f"请在节假日文件中补充 [{year}] 的 holidays 与 workdays",
            page_url=url,
            evidence={"year": year, "count": len(gaps), "rules": rules,
                      "examples": [g["url"] for g in gaps[:10]], "holiday_file": path,
                      "format": f'[{year}]\nholidays = ["{year}-01-01", "{year}-02-06..{year}-02-12"]\n'
                                f'workdays = ["{year}-02-14"]'},
            key=str(year),
        )
