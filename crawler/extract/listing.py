"""List pages: entries, the list's pages (TRS createPageHTML/pageControl, Hanweb datastore
pageNum, plain index_N links), the "暂无信息" note and sub-columns.

Hanweb datastore paging: the column's own URL (without query) for page 1, then
``<page URL without query>?uid=<unitid>&pageNum=<N>`` for N = 2 ..
ceil(totalrecord / perpage) (``?pageNum=<N>`` when the page names no unitid; perpage defaults
to 15 when the page does not state it).
TRS paging: ``index.html``, ``index_1.html`` .. ``index_{count-1}.html`` (prefix/suffix as
called), resolved against the page URL.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .dates import DATE_RE, parse_date, pure_date
from .dom import el_text, parse_fragment
from .text import fold, halfwidth, nospace, t2s
from .urls import Resolver

MAX_PAGES = 5000

_CALL_RE = re.compile(r"(?<![\w.])(?<!function )(createPageHTML|pageControl|createPageHtml|createPage)\s*\(([^()]*)\)")
_VAR_INT_RE = re.compile(r"(?:var\s+|[;,\s]|^)(\w+)\s*=\s*(\d+)\s*[;,\n]", re.MULTILINE)
_VAR_STR_RE = re.compile(r"(?:var\s+|[;,\s]|^)(\w+)\s*=\s*[\"']([^\"']*)[\"']", re.MULTILINE)
_COUNTPAGE_RE = re.compile(r"\b(?:countPage|pageCount|nPageCount|totalPage|pageTotal)\s*=\s*(\d+)")
_PREFIX_CONCAT_RE = re.compile(r"""[\\]?["']([A-Za-z][\w\-]*)["']\s*\+\s*["']_["']|[\\]?["']([A-Za-z][\w\-]*)_["']\s*\+""")
_EXT_RE = re.compile(r"""["']\.?(s?html?|jsp|php)\\?["']""")
_TOTALRECORD_RE = re.compile(r"<totalrecord>\s*(\d+)\s*</totalrecord>", re.IGNORECASE)
_RECORD_RE = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.IGNORECASE | re.DOTALL)
_PERPAGE_RE = re.compile(r"\bper_?page\s*[\"']?\s*[:=]\s*[\"']?(\d+)", re.IGNORECASE)
_UNITID_RE = re.compile(r"\bunitid\s*[\"']?\s*[:=]\s*[\"']?(\d+)", re.IGNORECASE)
_INDEX_N_RE = re.compile(r"^(?P<stem>[A-Za-z][\w\-]*?)_(?P<n>\d+)\.(?P<ext>s?html?)$")
_PAGE_PARAM_RE = re.compile(r"(?:^|[?&])(?:page|pageNo|pageNum|pageIndex|PageIndex|currPage|cur_page|curPage|pagenum|pageno|p)=(\d+)")
_PAGER_TEXT_RE = re.compile(r"^(?:\d{1,4}|下一页|上一页|尾页|末页|首页|最后一页|下页|上页|>|>>|<|<<|»|«)$")
_LAST_TEXT = {"尾页", "末页", "最后一页", ">>", "»"}
_EMPTY_RE = re.compile(r"(暂无(?:相关)?(?:公开)?(?:信息|数据|内容|记录|文章|资料)|本栏目暂无[^，。,]{0,10}|该栏目暂无[^，。,]{0,10}|"
                       r"本(?:单位|机关|部门)?无此项职能|无此项职能|没有(?:相关)?(?:信息|数据|记录)|暂未(?:公开|发布)(?:相关)?信息|"
                       r"暂无此类信息)")
_DOC_URL_RE = re.compile(r"/t\d{8}_\d+\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html|content_\d+\.s?html?$|"
                         r"post_\d+\.html$|/\d{6}/[\w\-]+\.s?html?$|/\d{4}-\d{2}/\d{2}/[\w\-]+\.s?html?$|"
                         r"\.(?:pdf|docx?|xlsx?|wps|zip|rar|ofd)$|[?&](?:docid|id|articleId|infoid)=\w+", re.IGNORECASE)
_URL_DATE_RE = re.compile(r"/t(\d{4})(\d{2})(\d{2})_|/art/(\d{4})/(\d{1,2})/(\d{1,2})/|/(\d{4})(\d{2})/")
_SHORT_DATE_RE = re.compile(r"(?<![\d-])(\d{1,2})[-/.月](\d{1,2})日?(?![\d-])")
_ITEM_TAGS = frozenset({"li", "tr", "dd", "dt", "p", "div", "dl"})
_COLUMN_URL_RE = re.compile(r"/$|/index\.s?html?$|/index\.jsp$|/col/col\d+/|/default\.s?html?$|/list\.s?html?$|"
                            r"/column-index-1\.s?html?$|/i?list\w{0,12}\.(?:jsp|do|action|aspx?|php)$",
                            re.IGNORECASE)


@dataclass
class ListResult:
    entries: list[dict] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    empty_note: str | None = None
    datastore: bool = False
    datastore_roots: list = field(default_factory=list)


# ---------------------------------------------------------------- entries

def _entry_date(container, anchor, url: str) -> str | None:
    ctext = " ".join(container.itertext())
    atext = " ".join(anchor.itertext())
    rest = ctext.replace(atext, " ", 1) if atext else ctext
    d = parse_date(rest)
    if d:
        return d
    # "11-09": year from the document URL (t20231109_…) when month and day agree
    m = _SHORT_DATE_RE.search(halfwidth(rest))
    if m:
        u = _URL_DATE_RE.search(url)
        if u:
            g = [x for x in u.groups() if x]
            if len(g) >= 2:
                y = int(g[0])
                mo, d_ = int(m.group(1)), int(m.group(2))
                if len(g) == 3 and (int(g[1]) != mo or int(g[2]) != d_):
                    return None
                if len(g) == 2 and int(g[1]) != mo:
                    return None
                try:
                    from datetime import date
                    return date(y, mo, d_).isoformat()
                except ValueError:
                    return None
    return None


def _item_of(a):
    el = a.getparent()
    for _ in range(3):
        if el is None:
            return None
        if el.tag in _ITEM_TAGS:
            n = 0
            for x in el.iter("a"):
                if x.get("href"):
                    n += 1
                    if n > 2:
                        return None
            if el.tag in ("div", "p", "dl") and n > 1:
                return None
            return el
        el = el.getparent()
    return None


# a numeric date closing an anchor's text after a space or an opening bracket (not "纪要（2023年11月9日）")
_TRAILING_DATE_RE = re.compile(r"(?:\s+\[?|\s*[\[【])\s*(?:19|20)\d{2}[-/.]\d{1,2}[-/.]\d{1,2}\s*[\]】]?$")


def _split_anchor_date(a, title: str) -> tuple[str, str | None]:
    """An anchor that holds its entry's date too (``<a><font>2019年</font><font>2020-02-25</font></a>``,
    ``<a>关于…的通知 [2023-11-09]</a>``): (title without the date, the date)."""
    for el in a.iterdescendants():
        if not isinstance(el.tag, str):
            continue
        text = fold("".join(el.itertext()))
        d = pure_date(text) if text and len(text) <= 30 else None
        if d:
            rest = fold(title.replace(text, " ", 1))
            if rest:
                return rest, d
    m = _TRAILING_DATE_RE.search(title)
    if m and m.start() > 0:
        d = pure_date(m.group(0))
        rest = fold(title[: m.start()])
        if d and rest:
            return rest, d
    return title, None


def entries_in(root, res: Resolver, exclude=None, anchors: dict | None = None) -> list[dict]:
    out: list[dict] = []
    seen: set[str] = set()
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        known = anchors.get(a) if anchors else None
        if known is not None:
            url, title = known
        else:
            url = res(href)
            title = None
        if url is None or url in seen:
            continue
        if exclude is not None and any(x is exclude for x in a.iterancestors()):
            continue
        if title is None:
            title = fold("".join(a.itertext()))
        in_date = None
        if title and DATE_RE.search(title):
            title, in_date = _split_anchor_date(a, title)
        title = title or fold(a.get("title"))
        if a.get("title") and len(fold(a.get("title"))) > len(title) and title.endswith(("...", "…")):
            title = fold(a.get("title"))
        if len(nospace(title)) < 4:
            continue
        item = _item_of(a)
        if item is None:
            continue
        date = in_date or _entry_date(item, a, url)
        if date is None and (len(nospace(title)) < 8 or not _DOC_URL_RE.search(url)):
            continue
        seen.add(url)
        out.append({"title": title, "url": url, "date": date})
    return out


# ---------------------------------------------------------------- pagers

def _parse_args(argstr: str, script: str) -> list:
    ints = dict((k, int(v)) for k, v in _VAR_INT_RE.findall(script))
    strs = dict(_VAR_STR_RE.findall(script))
    out: list = []
    for raw in argstr.split(","):
        a = raw.strip()
        if not a:
            continue
        if a[0] in "\"'":
            out.append(a.strip("\"'"))
        elif re.fullmatch(r"-?\d+", a):
            out.append(int(a))
        elif a in ints:
            out.append(ints[a])
        elif a in strs:
            out.append(strs[a])
        else:
            m = re.fullmatch(r"(\w+)\s*([+-])\s*(\d+)", a)
            if m and m.group(1) in ints:
                v = ints[m.group(1)]
                out.append(v + int(m.group(3)) if m.group(2) == "+" else v - int(m.group(3)))
            else:
                out.append(None)
    return out


def _trs_pages(count: int, prefix: str, ext: str, res: Resolver) -> list[str]:
    count = max(0, min(count, MAX_PAGES))
    ext = ext.lstrip(".") or "html"
    first = res(f"{prefix}.{ext}")
    if not first:
        return []
    if count <= 1:
        return [first]
    stem = first[: len(first) - len(ext) - 1]
    return [first] + [f"{stem}_{i}.{ext}" for i in range(1, count)]


def script_pages(scripts: list[str], res: Resolver) -> list[str]:
    for s in scripts:
        for m in _CALL_RE.finditer(s):
            args = _parse_args(m.group(2), s)
            ints = [a for a in args if isinstance(a, int)]
            if not ints or ints[0] is None or ints[0] < 1:
                continue
            idx = args.index(ints[0])
            strs = [a for a in args[idx:] if isinstance(a, str)]
            prefix = strs[0] if strs else "index"
            ext = strs[1] if len(strs) > 1 else "html"
            if not re.fullmatch(r"[\w\-./]+", prefix or ""):
                prefix = "index"
            if not re.fullmatch(r"\.?[A-Za-z]{2,5}", ext or ""):
                ext = "html"
            return _trs_pages(ints[0], prefix, ext, res)
    for s in scripts:
        m = _COUNTPAGE_RE.search(s)
        if not m:
            continue
        if "index" not in s and "_" not in s:
            continue
        pm = _PREFIX_CONCAT_RE.search(s)
        prefix = (pm.group(1) or pm.group(2)) if pm else "index"
        em = _EXT_RE.search(s)
        ext = em.group(1) if em else "html"
        return _trs_pages(int(m.group(1)), prefix, ext, res)
    return []


def link_pages(root, res: Resolver) -> list[str]:
    """Pager links in the HTML: index_N.html siblings of the page, ?page=N style links."""
    parts = urlsplit(res.base)
    base_dir, _, own = parts.path.rpartition("/")
    base_dir += "/"
    own_stem = re.sub(r"_\d+$", "", own.rsplit(".", 1)[0]) if own else "index"
    stems = {"index"} if re.fullmatch(r"t\d{8}|art|content|post", own_stem) else {"index", own_stem}
    best: tuple[int, str, str] | None = None
    param_urls: list[str] = []
    last_param: tuple[int, str] | None = None
    for a in root.iter("a"):
        href = a.get("href")
        if not href:
            continue
        url = res(href)
        if not url:
            continue
        up = urlsplit(url)
        if up.netloc != parts.netloc:
            continue
        d, _, fname = up.path.rpartition("/")
        m = _INDEX_N_RE.match(fname)
        if m and d + "/" == base_dir and not up.query and m.group("stem") in stems:
            n = int(m.group("n"))
            if best is None or n > best[0]:
                best = (n, m.group("stem"), m.group("ext"))
            continue
        text = fold(el_text(a, 50))
        if up.query and _PAGER_TEXT_RE.match(text) and up.path == parts.path:
            pm = _PAGE_PARAM_RE.search(up.query)
            if pm:
                param_urls.append(url)
                if text in _LAST_TEXT:
                    last_param = (int(pm.group(1)), url)
    if best is not None:
        return _trs_pages(best[0] + 1, best[1], best[2], res)
    if last_param is not None:
        n, url = last_param
        q = url.index("?") + 1
        pm = _PAGE_PARAM_RE.search(url, q - 1)
        head, tail = url[: pm.start(1)], url[pm.end(1):]
        return [f"{head}{i}{tail}" for i in range(1, min(n, MAX_PAGES) + 1)]
    seen: set[str] = set()
    return [u for u in param_urls if not (u in seen or seen.add(u))]


# ---------------------------------------------------------------- Hanweb datastore

def datastore(scripts: list[tuple[object, str]], html: str, base: str) -> tuple[list, list[str], bool]:
    """(fragment roots of the records, pageNum pages, found)."""
    roots = []
    pages: list[str] = []
    found = False
    for el, s in scripts:
        if "<datastore" not in s.lower():
            continue
        found = True
        recs = _RECORD_RE.findall(s)
        if recs:
            frag = parse_fragment("".join(recs))
            if frag is not None:
                roots.append(frag)
        tm = _TOTALRECORD_RE.search(s)
        if not tm or pages:
            continue
        total = int(tm.group(1))
        pm = _PERPAGE_RE.search(s) or _PERPAGE_RE.search(html)
        perpage = int(pm.group(1)) if pm and int(pm.group(1)) > 0 else 15
        uid = None
        um = _UNITID_RE.search(s) or _UNITID_RE.search(html)
        if um:
            uid = um.group(1)
        else:
            p = el.getparent()
            if p is not None and (p.get("id") or "").isdigit():
                uid = p.get("id")
        n = min(max(1, math.ceil(total / perpage)), MAX_PAGES)
        bp = urlsplit(base)
        col = urlunsplit((bp.scheme, bp.netloc, bp.path, "", ""))
        pages.append(col)  # page 1 is the column's own page: `?pageNum=1` would fetch it twice
        for i in range(2, n + 1):
            pages.append(f"{col}?uid={uid}&pageNum={i}" if uid else f"{col}?pageNum={i}")
    return roots, pages, found


# ---------------------------------------------------------------- notes, sub-columns

def empty_note(simp_tokens: list[str], raw_tokens: list[str]) -> str | None:
    for s, r in zip(simp_tokens, raw_tokens, strict=False):
        if len(s) > 200:
            continue
        if _EMPTY_RE.search(s):
            return fold(r)
    return None


def subcolumns(links: list[dict], page_url: str, platform: bool) -> list[dict]:
    pu = urlsplit(page_url)
    page_dir = pu.path.rsplit("/", 1)[0] + "/"
    out: list[dict] = []
    seen = {page_url}
    for link in links:
        if link["tag"] not in ("a", "area"):
            continue
        url = link["url"]
        if url in seen:
            continue
        up = urlsplit(url)
        if up.netloc != pu.netloc or up.path in ("", "/"):
            continue
        if not _COLUMN_URL_RE.search(up.path):
            continue
        if not platform and not (up.path.startswith(page_dir) and up.path != pu.path):
            continue
        t = link["text"]
        if not (2 <= len(t) <= 30):
            continue
        if t2s(t) in ("首页", "网站首页", "返回首页", "更多", "更多>>", "下一页", "上一页", "尾页"):
            continue
        seen.add(url)
        out.append({"title": t, "url": url})
    return out


def dates_in(text: str) -> bool:
    return bool(DATE_RE.search(text))
