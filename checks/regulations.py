"""Regulation rules: reg.validity_missing, reg.stale.

Which documents are 规章 / 规范性文件: the column (name or URL pattern), the 文号 (令第N号, a
规〔YYYY〕N号 series, HFGS-2017-9 style numbers), or the title (only on the platform); any
document showing an 有效性-type field is also judged for expiry.

Validity is read from `documents.validity`, the metadata table (有效性, 时效性, 效力状态, ...),
a title marker (【已失效】), `documents.expires` / `effective`, and the body's
"自…起施行 / 有效期N年 / 有效期至…" sentences. Repeals come from documents on the same site
(废止 / 宣布失效 decisions, "…同时废止" sentences; matched by 文号, else by normalised title and
date) and from the repealed registry (bundled checks/data/repealed.toml plus the profile's
`regulations.repealed_file`).
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .context import Context, Finding
from .prefilter import KeywordFilter
from .text import (
    BOOK_TITLE_RE,
    DOCNO_RE,
    add_years,
    any_match,
    cn_number,
    docno_key,
    parse_date,
    sentences,
    simplify,
    title_key,
)

VALIDITY_LABELS = ("有效性", "时效性", "时效", "是否有效", "效力状态", "效力", "有效期", "有效状态")
EFFECTIVE_LABELS = ("施行日期", "实施日期", "生效日期")
EXPIRES_LABELS = ("废止日期", "失效日期", "有效期至")


# ---------------------------------------------------------------------- classification
def reg_reason(ctx: Context, doc: dict) -> str | None:
    """Why the document is a 规章 / 规范性文件, or None."""
    col = ctx.doc_column(doc)
    by_column = ctx.__dict__.setdefault("_reg_column_reason", {})  # 20,000 documents, a few columns
    where = (doc.get("column_name") or "", doc.get("column_url") or "", col["url"] if col else None)
    if where not in by_column:
        by_column[where] = _column_reason(ctx, col, where[0], where[1])
    if by_column[where]:
        return by_column[where]
    doc_no = docno_key(doc.get("doc_no") or ctx.field(doc, ("文号", "发文字号")))
    if doc_no and any_match(ctx.opt("regulations.docno_patterns", []), doc_no):
        return f"doc_no:{doc_no}"
    if ctx.doc_on_platform(doc) and any_match(ctx.opt("regulations.title_patterns", []), doc.get("title") or ""):
        return "title"
    return None


def _column_reason(ctx: Context, col: dict | None, column_name: str, column_url: str) -> str | None:
    """The column (its name or URL, or a parent's) that makes its documents regulations."""
    names = [column_name]
    urls = [column_url]
    node, seen = col, set()
    while node is not None and node["url"] not in seen:
        seen.add(node["url"])
        names.append(node.get("name") or "")
        urls.append(node["url"])
        node = ctx.columns.get(node.get("parent_url") or "")
    for name in names:
        if name and any_match(ctx.opt("regulations.column_patterns", []), name):
            return f"column:{name}"
    for url in urls:
        if url and any_match(ctx.opt("regulations.column_url_patterns", []), url):
            return f"column_url:{url}"
    return None


@dataclass
class Validity:
    status: str  # in_force | out | not_yet | unmarked
    raw: str | None = None
    source: str | None = None  # field | record | title


def validity(ctx: Context, doc: dict) -> Validity:
    title = simplify(doc.get("title"))
    marker = any_match(ctx.opt("regulations.title_marker_patterns", []), title)
    if marker:
        return Validity("out", re.search(marker, title).group(0), "title")
    candidates = [(doc.get("validity"), "record"), (ctx.field(doc, VALIDITY_LABELS), "field")]
    for raw, source in candidates:
        text = simplify(raw)
        if not text:
            continue
        for status, key in (("not_yet", "regulations.not_yet_patterns"), ("out", "regulations.out_patterns"),
                            ("in_force", "regulations.in_force_patterns")):
            if any_match(ctx.opt(key, []), text):
                return Validity(status, text, source)
        if parse_date(text) or re.search(r"\d+\s*年|长期", text):
            return Validity("in_force", text, source)  # a period or end date shown: marked, in force
    return Validity("unmarked")


# ---------------------------------------------------------------------- expiry
_UNTIL_RE = re.compile(r"有效期\s*(?:至|到|截至|截止(?:到|至)?)\s*(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2})")
_YEARS_RE = re.compile(r"有效期\s*(?:为|是)?\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*年")
_START_RE = re.compile(r"[自从于]\s*(\d{4}\s*[年./-]\s*\d{1,2}\s*[月./-]\s*\d{1,2}\s*日?)\s*\D{0,5}?(?:起\s*)?(?:施行|实施|执行|生效)")
_FROM_ISSUE_RE = re.compile(r"自\s*(印发|发布|公布|下发)\s*之日\s*起\s*(?:施行|实施|执行|生效)")
_OWN_SENTENCE = re.compile(r"施行|实施|生效|执行|印发之日|发布之日|公布之日|本(?:办法|规定|细则|意见|通知|方案|规则|制度|决定|文件|规划|措施|通告|公告|条例|标准|指引)")


@dataclass
class Expiry:
    end: dt.date
    phrase: str
    start: dt.date | None = None
    start_basis: str | None = None


def _start_date(ctx: Context, doc: dict, text: str) -> tuple[dt.date | None, str | None]:
    effective = doc.get("effective") or ctx.field(doc, EFFECTIVE_LABELS)
    if effective and parse_date(effective):
        return parse_date(effective), f"施行日期 {simplify(effective)}"
    m = _START_RE.search(text)
    if m and parse_date(m.group(1)):
        return parse_date(m.group(1)), m.group(0)
    m = _FROM_ISSUE_RE.search(text)
    if m and m.group(1) == "发布" and ctx.date(doc.get("published")):
        return ctx.date(doc.get("published")), m.group(0) + "（发布日期）"
    written = ctx.date(doc.get("written")) or ctx.date(ctx.field(doc, ("成文日期", "发文日期", "生成日期", "形成日期")))
    if written:
        return written, (m.group(0) + "（成文日期）") if m else "成文日期"
    return None, None


def expiry(ctx: Context, doc: dict) -> Expiry | None:
    """When the document's validity period ends (inclusive), if it says so."""
    for raw in (doc.get("expires"), ctx.field(doc, EXPIRES_LABELS)):
        if raw and parse_date(raw):
            return Expiry(parse_date(raw), simplify(raw))
    shown = " ".join(filter(None, [doc.get("validity"), ctx.field(doc, VALIDITY_LABELS)]))
    body = simplify(doc.get("body_text"))
    # Shown metadata first, then body sentences that speak about the document itself.
    texts = [simplify(shown)] + [s for s in sentences(body) if "有效期" in s and _OWN_SENTENCE.search(s)]
    for text in texts:
        m = _UNTIL_RE.search(text)
        if m and parse_date(m.group(1)):
            return Expiry(parse_date(m.group(1)), m.group(0))
        m = _YEARS_RE.search(text)
        if m and cn_number(m.group(1)):
            years = cn_number(m.group(1))
            start, basis = _start_date(ctx, doc, text if _START_RE.search(text) or _FROM_ISSUE_RE.search(text)
                                       else body)
            if start is None:
                continue
            # 有效期N年 ends the day before the anniversary of the start.
            return Expiry(add_years(start, years) - dt.timedelta(days=1), m.group(0), start, basis)
    return None


# ---------------------------------------------------------------------- repeals
@dataclass
class Repeal:
    decision: dict
    title: str | None
    doc_no: str | None
    quote: str


def _is_decision(ctx: Context, doc: dict) -> bool:
    title = simplify(doc.get("title"))
    marker = any_match(ctx.opt("regulations.title_marker_patterns", []), title)
    if marker:
        title = re.sub(marker, "", title)
    return any_match(ctx.opt("regulations.repeal_title_patterns", []), title) is not None


# What may stand between a listed document and the keyword after the list: other listed
# documents with their 文号, separators, "等N件文件".
_LIST_GAP = re.compile(r"《[^《》]*》|[（(][^（()）]*[)）]|[、，,；和及与\s]|以及|等\s*\d+\s*件(?:规范性)?文件")
_CITED_BEFORE = re.compile(r"(根据|依据|按照|依照|参照|贯彻|落实|执行|对照)\s*$")
_CITED_AFTER = re.compile(r"\s*(?:[（(][^（()）]{0,60}[)）])?\s*(?:等)?(?:有关|相关)?(?:的)?(?:规定|要求|精神|部署)")


def _mentions(sentence: str) -> list[tuple[int, int, str | None, str | None]]:
    """(start, end, title, 文号) of the documents a sentence names: 《title》 optionally followed
    by (文号), and bare 文号."""
    out, used = [], []
    for m in BOOK_TITLE_RE.finditer(sentence):
        end, doc_no = m.end(), None
        after = re.match(r"\s*[（(]([^（()）]{0,60})[)）]", sentence[end:])
        if after:
            no = DOCNO_RE.search(after.group(1))
            if no:
                doc_no, end = no.group(0), end + after.end()
        out.append((m.start(), end, m.group(1), doc_no))
        used.append((m.start(), end))
    for m in DOCNO_RE.finditer(sentence):
        if not any(a <= m.start() < b for a, b in used):
            out.append((m.start(), m.end(), None, m.group(0)))
    return sorted(out)


def repeal_statements(ctx: Context, doc: dict) -> list[Repeal]:
    """The documents this document repeals or declares invalid."""
    repeal_re = "|".join(ctx.opt("regulations.repeal_patterns", [])) or r"(?!)"
    keep_re = "|".join(ctx.opt("regulations.keep_patterns", [])) or r"(?!)"
    modify_re = "|".join(ctx.opt("regulations.modify_patterns", [])) or r"(?!)"
    keyword = re.compile(f"(?P<keep>{keep_re})|(?P<repeal>{repeal_re})|(?P<modify>{modify_re})")
    window = int(ctx.opt("regulations.repeal_window", 30))
    decision = _is_decision(ctx, doc)
    text = simplify(doc.get("body_text"))
    if decision:
        text = simplify(doc.get("title")) + "。" + text
    out: list[Repeal] = []
    if not decision and not re.search(repeal_re, text):
        return out
    section = "repeal" if decision else None
    for sentence in sentences(text):
        marks = [(m.start(), m.end(), m.lastgroup) for m in keyword.finditer(sentence)]
        if not marks and not decision:
            continue
        for start, end, title, doc_no in _mentions(sentence):
            if _CITED_BEFORE.search(sentence[max(0, start - 8):start]) or _CITED_AFTER.match(sentence[end:]):
                continue  # 根据《X》…规定: a citation, not a document being repealed
            before = [k for k in marks if k[1] <= start]
            after = [k for k in marks if k[0] >= end]
            raw_gap = sentence[end:after[0][0]] if after else ""
            gap = _LIST_GAP.sub("", raw_gap)
            follows = bool(after) and len(gap) <= window and "《" not in gap and not re.search(
                r"决定|根据|按照|依据|依照|[一二三四五六七八九十]+、|\d+[.．、]", raw_gap)
            mode = None
            if decision and before and not (follows and len(gap) < start - before[-1][1]):
                mode = before[-1][2]  # the section heading ("二、宣布失效的文件：…"), unless nearer after
            elif follows:
                mode = after[0][2]  # "《X》（文号）同时废止"
            elif before and start - before[-1][1] <= window:
                mode = before[-1][2]
            elif decision:
                mode = section
            if mode == "repeal":
                out.append(Repeal(doc, title, doc_no, sentence.strip()[:200]))
        if marks and decision:
            section = marks[-1][2]
    return out


def _doc_date(ctx: Context, doc: dict) -> dt.date | None:
    return (ctx.date(doc.get("written")) or ctx.date(ctx.field(doc, ("成文日期", "发文日期")))
            or ctx.date(doc.get("published")))


def _doc_no(ctx: Context, doc: dict) -> str:
    return docno_key(doc.get("doc_no") or ctx.field(doc, ("文号", "发文字号")))


def _doc_title_keys(ctx: Context, doc: dict) -> set[str]:
    keys = {title_key(doc.get("title"))}
    named = ctx.field(doc, ("名称", "标题", "公文名称"))
    if named:
        keys.add(title_key(named))
    marker_free = [re.sub(p, "", simplify(doc.get("title"))) for p in ctx.opt("regulations.title_marker_patterns", [])]
    keys.update(title_key(t) for t in marker_free)
    return {k for k in keys if k}


def _keyword_bodies(ctx: Context) -> set[str] | None:
    """URLs of the documents whose body may hold a repeal keyword once simplified (a cheap
    test on the raw text, checks/prefilter.py), or None when the patterns cannot be tested so."""
    words = KeywordFilter(ctx.opt("regulations.repeal_patterns", []))
    if not words.active:
        return None
    return {url for url, body in ctx.bodies() if words.may_match(body)}


def repealed_by_site(ctx: Context) -> dict[str, Repeal]:
    """document URL -> the first (by decision URL) statement on the site that repeals it."""
    by_no: dict[str, list[dict]] = {}
    by_title: dict[str, list[dict]] = {}
    for doc in ctx.documents:
        no = _doc_no(ctx, doc)
        if no:
            by_no.setdefault(no, []).append(doc)
        for k in _doc_title_keys(ctx, doc):
            by_title.setdefault(k, []).append(doc)
    out: dict[str, Repeal] = {}
    maybe = _keyword_bodies(ctx)
    for decision in ctx.documents:
        if maybe is not None and decision["url"] not in maybe and not _is_decision(ctx, decision):
            continue  # no repeal keyword can be in its body: repeal_statements would find none
        dec_date = _doc_date(ctx, decision)
        for rep in repeal_statements(ctx, decision):
            hits: list[dict] = []
            if rep.doc_no and docno_key(rep.doc_no) in by_no:
                hits = by_no[docno_key(rep.doc_no)]
            elif rep.title:
                same = [d for d in by_title.get(title_key(rep.title), []) if d["url"] != decision["url"]]
                dated = [d for d in same if _doc_date(ctx, d) and dec_date]
                if len(dated) == len(same):
                    hits = [d for d in same if _doc_date(ctx, d) < dec_date]  # a newer same-title version stays
                elif len(same) == 1:
                    hits = same
            for hit in hits:
                if hit["url"] != decision["url"]:
                    out.setdefault(hit["url"], rep)
    return out


# ---------------------------------------------------------------------- registry
def load_registry(ctx: Context) -> list[dict]:
    """Bundled repealed documents plus the profile's `regulations.repealed_file`."""
    texts = []
    if ctx.opt("regulations.use_bundled_registry", True):
        texts.append(("bundled:repealed.toml",
                      resources.files("checks").joinpath("data/repealed.toml").read_text(encoding="utf-8")))
    path = ctx.opt("regulations.repealed_file", "")
    if path:
        texts.append((path, Path(path).read_text(encoding="utf-8")))
    entries = []
    for source, text in texts:
        for entry in tomllib.loads(text).get("repealed", []):
            entries.append({**entry, "file": source})
    return entries


def registry_match(ctx: Context, doc: dict, registry: list[dict]) -> dict | None:
    no = _doc_no(ctx, doc)
    keys = _doc_title_keys(ctx, doc)
    day = _doc_date(ctx, doc)
    for entry in registry:
        if entry.get("doc_no"):
            if no and docno_key(entry["doc_no"]) == no:
                return entry
        elif entry.get("title") and title_key(entry["title"]) in keys:
            limit = parse_date(str(entry.get("date") or ""))
            if limit is None or (day is not None and day <= limit):
                return entry
    return None


# ---------------------------------------------------------------------- rules
def _page_url(ctx: Context, doc: dict) -> str:
    col = ctx.doc_column(doc)
    return doc.get("column_url") or (col["url"] if col else doc["url"])


def check_reg_validity_missing(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.documents:
        reason = reg_reason(ctx, doc)
        if reason is None or validity(ctx, doc).status != "unmarked":
            continue
        col = ctx.doc_column(doc)
        yield Finding(
            "reg.validity_missing", doc["url"],
            f"{'《' + doc['title'][:60] + '》' if doc.get('title') else '规章/规范性文件'}"
            f"{'（' + doc['doc_no'] + '）' if doc.get('doc_no') else ''}未标注有效性"
            "（页面无“现行有效”“已失效”“已废止”等有效性字段或标识）",
            page_url=_page_url(ctx, doc), column_name=(col or {}).get("name") or doc.get("column_name"),
            evidence={"title": doc.get("title"), "doc_no": doc.get("doc_no"), "classified_by": reason,
                      "fields": sorted(ctx.doc_fields(doc))},
        )


def check_reg_stale(ctx: Context) -> Iterator[Finding]:
    repeals = repealed_by_site(ctx)
    registry = load_registry(ctx)
    for doc in ctx.documents:
        shown = validity(ctx, doc)
        if shown.status not in ("in_force", "unmarked"):
            continue  # marked 失效/废止, or not yet in force: not presented as in force
        reasons = []
        rep = repeals.get(doc["url"])
        if rep:
            dec = rep.decision
            reasons.append({
                "kind": "repealed", "decision_url": dec["url"], "decision_title": dec.get("title"),
                "decision_date": (_doc_date(ctx, dec) or "") and _doc_date(ctx, dec).isoformat(),
                "named_title": rep.title, "named_doc_no": rep.doc_no, "quote": rep.quote,
                "message": f"已被《{simplify(dec.get('title'))[:60]}》废止或宣布失效",
            })
        entry = registry_match(ctx, doc, registry)
        if entry:
            reasons.append({
                "kind": "registry", "entry": {k: entry.get(k) for k in ("title", "doc_no", "date", "status", "source")},
                "file": entry.get("file"),
                "message": f"已列入废止/失效目录（{entry.get('source') or entry.get('file')}）",
            })
        if reg_reason(ctx, doc) is not None or shown.status == "in_force":
            exp = expiry(ctx, doc)
            if exp and ctx.as_of > exp.end:
                reasons.append({
                    "kind": "expired", "end": exp.end.isoformat(), "phrase": exp.phrase,
                    "start": exp.start.isoformat() if exp.start else None, "start_basis": exp.start_basis,
                    "message": f"有效期已于 {exp.end.isoformat()} 届满（{exp.phrase}）",
                })
        if not reasons:
            continue
        col = ctx.doc_column(doc)
        shown_text = f"标注为“{shown.raw}”" if shown.status == "in_force" else "未标注失效"
        yield Finding(
            "reg.stale", doc["url"],
            f"{'《' + doc['title'][:60] + '》' if doc.get('title') else '文件'}{reasons[0]['message']}，"
            f"但页面仍{shown_text}",
            page_url=_page_url(ctx, doc), column_name=(col or {}).get("name") or doc.get("column_name"),
            evidence={"title": doc.get("title"), "doc_no": doc.get("doc_no"), "shown": shown.raw,
                      "shown_status": shown.status, "as_of": ctx.as_of.isoformat(), "reasons": reasons},
            key=reasons[0]["kind"],
        )
