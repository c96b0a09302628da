"""The metadata table ("索引号：…", "发布日期：…") and labelled date lines.

Labels are matched on the simplified (t2s) text with any inner whitespace ("索 引 号") and an
optional ':'/'：' or 【】 brackets; values are kept as shown (whitespace folded). Only visible
text counts: the token stream never holds comments, scripts or attribute values.

A label's value is, in order: the rest of its own text node ("发布日期：2020-08-02"); the text
after a colon in the next node ("<strong>索引号</strong>：000014348/2020-35147"); or the next
cell of the same row ("<td>文号</td><td>无</td>", "<span>索 引 号：<span>…</span></span>"),
which is "" when the next thing is another label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dom import Tokens
from .text import fold_cjk

CANON: dict[str, tuple[str, ...]] = {
    "索引号": ("索引号",),
    "主题分类": ("主题分类", "组配分类", "信息分类", "公开目录", "所属分类", "分类", "主题"),
    "发布机构": ("发布机构", "发文机关", "办文部门", "发布机关", "发文单位", "发布单位", "发文机构", "公开机构",
             "制发机关"),
    "成文日期": ("成文日期", "发文日期", "生成日期", "形成日期", "成文时间", "印发日期"),
    "发布日期": ("发布日期", "上载日期", "公开日期", "发布时间", "公开时间"),
    "名称": ("公文名称", "文件名称", "信息名称", "名称", "标题"),
    "文号": ("发文字号", "发文文号", "文件编号", "文号"),
    "有效性": ("有效性", "时效性", "是否有效", "效力状态", "有效期", "时效"),
    "主题词": ("主题词", "关键词", "关键字"),
    "公开方式": ("公开方式",),
    "公开范围": ("公开范围",),
    "公开时限": ("公开时限",),
    "废止日期": ("废止日期", "失效日期", "失效时间"),
    "施行日期": ("施行日期", "实施日期", "生效日期", "施行时间"),
    "内容概述": ("内容概述",),
}
# labels of a "时间：… 来源：… 作者：…" line: they end a value, and 时间/日期 give a weak date
LINE: dict[str, tuple[str, ...]] = {
    "时间": ("时间", "日期"),
    "来源": ("信息来源", "文章来源", "来源"),
    "作者": ("责任编辑", "作者", "编辑"),
    "浏览": ("浏览次数", "点击数", "访问量", "阅读次数", "浏览量", "访问次数", "点击率"),
    "字号": ("字号", "字体"),
}
CORE = frozenset(CANON) - {"发布日期"}

_VARIANT_TO_CANON: dict[str, str] = {}
for _canon, _vs in list(CANON.items()) + list(LINE.items()):
    for _v in _vs:
        _VARIANT_TO_CANON[_v] = _canon
_VARIANTS = sorted(_VARIANT_TO_CANON, key=len, reverse=True)
_ALT = "|".join(r"\s*".join(re.escape(c) for c in v) for v in _VARIANTS)
_LABEL_RE = re.compile(rf"^\s*[【\[［]?\s*({_ALT})\s*[】\]］]?\s*([:：])?")
_CUT_RE = re.compile(rf"[\s\u3000\xa0]+[【\[［]?(?:{_ALT})\s*[】\]］]?\s*[:：]")
# first characters of every label, simplified and traditional, to skip most tokens cheaply
_FIRST = set(v[0] for v in _VARIANTS) | set("組發辦標時關廢實來編責瀏點訪閱內")
_OPEN = set("【[［ \t\r\n\u3000\xa0")
_ROWISH = frozenset({"tr", "li", "p", "dl", "div", "ul", "ol", "table", "tbody", "thead", "section", "article",
                     "body", "form", "dd", "header", "footer", "center", "blockquote", "html"})
_CELLS = frozenset({"th", "td", "dt"})
_MAX_VALUE = 300


@dataclass(slots=True)
class Hit:
    canon: str
    value: str
    index: int
    elem: object
    colon: bool
    line: bool  # a LINE label (时间, 来源 ...), never a field


@dataclass(slots=True)
class FieldResult:
    fields: dict[str, str] = field(default_factory=dict)
    table_hits: list[Hit] = field(default_factory=list)
    line_hits: list[Hit] = field(default_factory=list)
    region: object = None


def _label(simp: str) -> tuple[str, int, bool] | None:
    """(canon, end offset in the token, has colon) when the token starts with a label."""
    s = simp.lstrip(" \t\r\n\u3000\xa0【[［")
    if not s or s[0] not in _FIRST:
        return None
    m = _LABEL_RE.match(simp)
    if not m:
        return None
    variant = re.sub(r"\s+", "", m.group(1))
    return _VARIANT_TO_CANON.get(variant, variant), m.end(), m.group(2) is not None


def _raw_offset(raw: str, simp: str, off: int) -> int:
    if len(raw) == len(simp):
        return off
    # t2s changed the length (rare phrase conversion): find the colon in the raw text instead
    for i, ch in enumerate(raw):
        if ch in ":：":
            return i + 1
    return min(off, len(raw))


def _cut(value: str, simp_value: str) -> str:
    m = _CUT_RE.search(simp_value)
    if m and len(simp_value) == len(value):
        value = value[: m.start()]
    return fold_cjk(value)


def _is_desc(el, anc) -> bool:
    if el is anc:
        return True
    for a in el.iterancestors():
        if a is anc:
            return True
    return False


def _scope(el):
    p = el
    while p is not None and p.tag not in _ROWISH:
        p = p.getparent()
    return p


_SELF_SCOPE = frozenset({"li", "p", "dd", "h1", "h2", "h3", "h4", "h5", "h6"})


def _label_scope(owner, is_tail: bool):
    """Where a label's value may be: its own line (li, p) or its row (tr, a row <div>)."""
    if is_tail:
        return _scope(owner)
    tag = _tag(owner)
    if tag in _SELF_SCOPE or (tag == "div" and len(owner)):
        return owner
    parent = owner.getparent()
    return _scope(parent if parent is not None else owner)


def _cell_of(el, scope):
    c = el
    while c is not None:
        p = c.getparent()
        if p is None or p is scope:
            return c
        c = p
    return el


def _tag(el) -> str:
    t = el.tag
    return t if isinstance(t, str) else ""


def extract(toks: Tokens) -> FieldResult:
    raw, simp = toks.raw, toks.simp
    n = len(raw)
    labels: list[tuple[str, int, bool] | None] = [None] * n
    for i in range(n):
        s = simp[i]
        if len(s) < 400:
            labels[i] = _label(s)

    hits: list[Hit] = []
    for i in range(n):
        lab = labels[i]
        if lab is None:
            continue
        canon, off, colon = lab
        is_line = canon not in CANON
        rtext = raw[i]
        roff = _raw_offset(rtext, simp[i], off)
        rest = rtext[roff:]
        owner = toks.elems[i] if not toks.tails[i] else toks.owner(i)
        if not colon and rest.strip():
            continue  # "名称相同的…": a sentence, not a label
        j = i + 1
        value = None
        if rest.strip():
            value = _cut(rest, simp[i][off:])
        else:
            if not colon:
                nxt = raw[j].lstrip(" \t\r\n\u3000\xa0") if j < n else ""
                if nxt[:1] in (":", "："):
                    colon = True
                    after = nxt[1:]
                    if after.strip():
                        value = _cut(after, simp[j].lstrip(" \t\r\n\u3000\xa0")[1:])
                    j += 1
                else:
                    cell = owner
                    par = cell.getparent()
                    if not (_tag(cell) in _CELLS or (par is not None and _tag(par) in _CELLS)):
                        continue
            if value is None:
                scope = _label_scope(owner, toks.tails[i])
                parts: list[str] = []
                if scope is not None and j < n and labels[j] is None and _is_desc(toks.owner(j), scope):
                    vcell = _cell_of(toks.owner(j), scope)
                    total = 0
                    k = j
                    while k < n and labels[k] is None and _is_desc(toks.owner(k), vcell):
                        parts.append(raw[k])
                        total += len(raw[k])
                        if total > _MAX_VALUE:
                            break
                        k += 1
                value = fold_cjk(" ".join(parts)) if parts else ""
                if len(value) > _MAX_VALUE:
                    value = ""
        hits.append(Hit(canon, value, i, owner, colon, is_line))

    hits = _drop_header_rows(hits)
    return _split(hits)


def _row(el):
    for a in el.iterancestors():
        if a.tag == "tr":
            return a
        if a.tag in ("table", "body"):
            return None
    return None


def _drop_header_rows(hits: list[Hit]) -> list[Hit]:
    """A row of bare labels with no values is a list's column header (名称 | 索引号 | 发布日期)."""
    rows: dict[int, list[Hit]] = {}
    for h in hits:
        if not h.colon:
            r = _row(h.elem)
            if r is not None:
                rows.setdefault(id(r), []).append(h)
    drop = set()
    for group in rows.values():
        if len(group) >= 2 and all(not h.value for h in group):
            drop.update(id(h) for h in group)
    return [h for h in hits if id(h) not in drop] if drop else hits


def _lca(elems: list):
    paths = []
    for e in elems:
        p = list(e.iterancestors())
        p.reverse()
        p.append(e)
        paths.append(p)
    common = None
    for level in zip(*paths, strict=False):
        first = level[0]
        if all(x is first for x in level):
            common = first
        else:
            break
    return common


def _split(hits: list[Hit]) -> FieldResult:
    res = FieldResult()
    core = [h for h in hits if h.canon in CORE]
    if len({h.canon for h in core}) >= 2:
        region = _lca([h.elem for h in core])
        res.region = region
        for h in hits:
            if not h.line and region is not None and _is_desc(h.elem, region):
                res.table_hits.append(h)
                if h.canon not in res.fields:
                    res.fields[h.canon] = h.value
            else:
                res.line_hits.append(h)
    else:
        res.line_hits = hits
    return res
