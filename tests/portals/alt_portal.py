"""A second test portal, 青禾市人民政府, written independently of xxgk/sample.

Deliberately built with other markup than the bundled sample: a 方正/generic CMS whose
documents carry their metadata in ``<td>`` label/value tables (发文机关, 生成日期, 公开日期,
效力状态 ... padded with &nbsp;, full-width colons, inner spaces), TRS news lists paged only by
the real TRS template's variable-and-comment shape (``var countPage = 5//共多少页``), a
``pageControl(...)`` list, plain ``index_N.html`` anchors, ``?page=N`` and ``cur_page=N``
query pagers, 成都-style ``column-index-N.shtml`` pages, a Hanweb column whose datastore
states perPage in a separate ``jpage`` call and unitid only in the nextgroup URL, GBK pages
labelled only in <meta> (one with a wrong HTTP charset), a 繁體 part, traps (calendar, search,
query-string explosion, link farm), robots.txt, every link.broken class and its look-alikes,
and the rule cases of issue 5.

The truth is computed here, not by the tool: link.broken pairs from the generator's own
regex scan of the pages it wrote, doc.untimely from `chinese_calendar` over every document
with both dates, the rest hand-listed. `serve()` binds the servers first (ports are part
of the URLs), then builds the site: same ports, same bytes.
"""

from __future__ import annotations

import datetime as dt
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urljoin, urlsplit

import chinese_calendar

AS_OF = dt.date(2026, 12, 15)
SITE = "青禾市人民政府"
WORKING_DAYS = 10
HANG_SECONDS = 4.0
SLOW_SECONDS = 0.3

CORE_RULES = ("link.broken", "doc.untimely", "doc.date_missing", "reg.validity_missing", "reg.stale",
              "category.missing", "column.empty", "column.stale")


def nth_workday_after(day: dt.date, n: int) -> dt.date:
    d = day
    while n:
        d += dt.timedelta(days=1)
        if chinese_calendar.is_workday(d):
            n -= 1
    return d


def enc_path(path: str) -> str:
    """What a browser requests: non-ASCII path as UTF-8 escapes, existing escapes kept (upper hex)."""
    out = quote(path, safe="/%?=&:;,+-_.~!$'()*@")
    return re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), out)


def _h(s: str) -> int:
    return zlib.crc32(s.encode())


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


@dataclass
class Res:
    status: int
    body: bytes = b""
    headers: list = field(default_factory=list)


# ------------------------------------------------------------------ the site

class Portal:
    def __init__(self, base: str, ext: str, dead: str):
        self.base, self.ext, self.dead = base, ext, dead
        self.res: dict[str, Res] = {}
        self.ext_res: dict[str, Res] = {}
        self.pages: list[str] = []          # every page a complete crawl fetches with 200
        self.crawled: list[tuple[str, str, str]] = []  # (url, html, encoding) of pages scanned for links
        self.broken: dict[str, str] = {}    # absolute target -> why
        self.findings: dict[str, set] = {r: set() for r in CORE_RULES}
        self.must_not: dict[str, list] = {r: [] for r in CORE_RULES}
        self.docs: list[dict] = []          # every document with its dates (for doc.untimely)
        self.trap_prefixes: dict[str, str] = {}
        self.robots_url = self.u("/nbbg/index.html")
        self.category_missing = ["三公经费", "房屋征收"]

    def u(self, path: str) -> str:
        return self.base + enc_path(path)

    def x(self, path: str) -> str:
        return self.ext + enc_path(path)

    # -------------------------------------------------------------- writing
    def footer(self) -> str:
        return f"""
<div class="footer"><div class="w1200">
<p><a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a> | <a href="mailto:webmaster@qinghe.example">webmaster@qinghe.example</a></p>
<p>主办：青禾市人民政府办公室&nbsp;&nbsp;政府网站标识码：3399000088</p>
<p><a href="{self.ext}/beian/icp.html" target="_blank">青ICP备2026000123号-2</a>&nbsp;&nbsp;
<a href="{self.ext}/beian/portal.html" target="_blank"><img src="/images/gaba.png" alt="">青公网安备</a>
<span>33990202000456号</span></p>
<p><a href="{self.ext}/conac/check.html" target="_blank"><img src="/images/dzjg.png" alt="党政机关" title="党政机关"></a></p>
</div></div>"""

    def html(self, title: str, body: str, *, charset: str = "utf-8", metas: str = "", head: str = "",
             crumb: str = "") -> str:
        if charset == "utf-8":
            cs = '<meta charset="utf-8">'
        else:
            cs = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        nav = ('<div class="nav"><a href="/index.html">首页</a><a href="/xwzx/index.html">新闻中心</a>'
               '<a href="/xxgk/index.html">信息公开</a><a href="/hdjl/index.html">互动交流</a>'
               '<a href="/big5/index.html">繁體</a></div>')
        crumb_html = f'<div class="location">当前位置：<a href="/index.html">首页</a> &gt; {crumb}</div>' if crumb else ""
        return (f"<!DOCTYPE html>\n<html>\n<head>\n{cs}\n<title>{title}</title>\n"
                f'<meta name="SiteName" content="{SITE}">\n<meta name="SiteDomain" content="www.qinghe.example">\n'
                f'<meta name="SiteIDCode" content="3399000088">\n{metas}\n'
                f'<link rel="stylesheet" href="/css/main.css">\n<script src="/js/common.js"></script>\n{head}\n'
                f"</head>\n<body>\n<div class=\"header\"><img src=\"/images/logo.png\" alt=\"{SITE}\"></div>\n{nav}\n"
                f"{crumb_html}\n{body}\n{self.footer()}\n</body>\n</html>\n")

    def add(self, path: str, text: str, *, enc: str = "utf-8", header_charset: str | None = "utf-8",
            page: bool = True, scan: bool = True, status: int = 200) -> str:
        """Serve `text` at `path` (encoded with `enc`); `header_charset` None = no charset."""
        body = text.encode(enc)
        ctype = "text/html" + (f"; charset={header_charset}" if header_charset else "")
        key = enc_path(path)
        self.res[key] = Res(status, body, [("Content-Type", ctype)])
        url = self.base + key
        if page:
            self.pages.append(url)
        if scan:
            self.crawled.append((url, text))
        return url

    def add_file(self, path: str, body: bytes, ctype: str, *, ext: bool = False) -> str:
        key = enc_path(path)
        (self.ext_res if ext else self.res)[key] = Res(200, body, [("Content-Type", ctype)])
        return (self.ext if ext else self.base) + key

    def mark_broken(self, url: str, why: str) -> str:
        self.broken[url] = why
        return url

    # -------------------------------------------------------------- documents
    def doc(self, col: dict, path: str, title: str, *, written: dt.date | None, published: dt.date | None,
            table: str | None = "fz", docno: str = "", validity: str | None = None, body: str = "",
            extra_rows: str = "", charset: str = "utf-8", header_charset: str | None = "utf-8",
            line: bool = False, pubdate_meta: bool = True, attach: str = "", trad: bool = False) -> str:
        """A document page; `table`: fz (方正 td pairs), hw (Hanweb th/td), li (ul/li), None."""
        pub_s = published.isoformat() if published else ""
        rows = ""
        if table == "fz":
            v = "" if validity is None else (
                f'<tr><td class="lab">效力状态：</td><td colspan="3">{validity}</td></tr>')
            rows = f"""<table class="xxgk-info" cellspacing="0" cellpadding="0">
<tr><td class="lab">索&nbsp;&nbsp;引&nbsp;&nbsp;号：</td><td>11339900MB1234567X/{(written or published or AS_OF).year}-{_h(path) % 90000 + 10000}</td>
<td class="lab">信息分类：</td><td>{col['name']}</td></tr>
<tr><td class="lab">发文机关：</td><td>青禾市人民政府办公室</td>
<td class="lab">生成日期：</td><td>{cn_date(written) if written else '&nbsp;'}</td></tr>
<tr><td class="lab">标&nbsp;&nbsp;&nbsp;&nbsp;题：</td><td colspan="3">{title}</td></tr>
<tr><td class="lab">发文字号：</td><td>{docno or '无'}</td>
<td class="lab">公开日期 ：</td><td>&nbsp;{pub_s if published else '&nbsp;'}&nbsp;</td></tr>
{v}{extra_rows}
</table>"""
        elif table == "hw":
            v = "" if validity is None else f"<tr><th>时 效 性</th><td colspan=\"3\">{validity}</td></tr>"
            rows = f"""<table class="gk-table"><tbody>
<tr><th>索 引 号</th><td>qh-{_h(path) % 900000 + 100000}</td><th>主题分类</th><td>综合政务</td></tr>
<tr><th>发布机构</th><td>青禾市人民政府</td><th>成文日期</th><td>{written.isoformat() if written else ''}</td></tr>
<tr><th>文　　号</th><td>{docno}</td><th>发布日期</th><td>{pub_s}</td></tr>
{v}{extra_rows}
</tbody></table>"""
        elif table == "li":
            v = "" if validity is None else f"<li><b>时 效 性：</b>{validity}</li>"
            rows = f"""<div class="xxgk_top"><ul>
<li><b>索引号：</b>qh-gz-{_h(path) % 9000 + 1000}</li><li><b>发布机构：</b>青禾市人民政府</li>
<li><b>成文日期：</b>{written.isoformat() if written else ''}</li><li><b>发布日期：</b>{pub_s}</li>
<li><b>文号：</b>{docno}</li>{v}</ul></div>"""
        elif table == "big5":
            rows = f"""<table class="xxgk-info">
<tr><td>索 引 號：</td><td>11339900MB1234567X/{published.year}-{_h(path) % 90000 + 10000}</td><td>信息分類：</td><td>通知公告</td></tr>
<tr><td>發文機關：</td><td>青禾市人民政府辦公室</td><td>生成日期：</td><td>{cn_date(written)}</td></tr>
<tr><td>發文字號：</td><td>{docno or '無'}</td><td>公開日期：</td><td>{pub_s}</td></tr>
</table>"""
        info = ""
        if line:
            info = (f'<div class="info"><span>发布时间：{pub_s} 10:{len(title) % 60:02d}</span>&nbsp;&nbsp;'
                    f'<span>来源：青禾日报</span>&nbsp;&nbsp;<span>浏览次数：<em id="hits"></em></span></div>')
        metas = (f'<meta name="ColumnName" content="{col["name"]}">\n<meta name="ArticleTitle" content="{title}">\n'
                 f'<meta name="ContentSource" content="青禾市人民政府办公室">')
        if pubdate_meta == "first" and published:  # gov.cn-style non-standard meta
            metas += f'\n<meta name="firstpublishedtime" content="{pub_s}-09:30:00">'
        elif pubdate_meta and published:
            metas += f'\n<meta name="PubDate" content="{pub_s} 09:00">'
        text = body or (f"<p>　　为进一步做好{col['name']}相关工作，根据有关规定，结合本市实际，现就有关事项通知如下。</p>"
                        f"<p>　　一、提高认识，加强组织领导。二、突出重点，狠抓工作落实。三、强化督查，确保取得实效。</p>")
        page = f"""<div class="main w1200"><div class="article">
{rows}
<h1 class="article-title">{title}</h1>
{info}
<div class="article-content" id="zoom">{text}{attach}</div>
<div class="print"><a href="javascript:window.print()">【打印本页】</a> <a href="javascript:window.close()">【关闭窗口】</a></div>
</div></div>"""
        crumb = f'<a href="{col["url_path"]}">{col["name"]}</a> &gt; 正文'
        html = self.html(f"{title}_{SITE}", page, charset=charset, metas=metas, crumb=crumb)
        if trad:
            html = html  # the caller wrote traditional text already
        url = self.add(path, html, enc="gb18030" if charset != "utf-8" else "utf-8", header_charset=header_charset)
        self.docs.append({"url": url, "title": title, "written": written, "published": published,
                          "column": col["name"], "shows_pub": bool(published) and (table is not None or line or pubdate_meta)})
        return url

    # -------------------------------------------------------------- lists
    def list_page(self, col: dict, path: str, entries: list[tuple[str, str, str]], *, pager: str = "",
                  charset: str = "utf-8", header_charset: str | None = "utf-8", style: str = "ul",
                  head: str = "", note: str = "", extra: str = "") -> str:
        """entries: (href, title, date text)."""
        if style == "ul":
            items = "\n".join(f'<li><a href="{h}" target="_blank" title="{t}">{t}</a><span class="date">{d}</span></li>'
                              for h, t, d in entries)
            lst = f'<ul class="news-list">\n{items}\n</ul>'
        elif style == "inner":  # the date inside the anchor (国家统计局-style lists)
            items = "\n".join(f'<li><a href="{h}" target="_blank"><span class="tit">{t}</span>'
                              f'<span class="time">{d}</span></a></li>' for h, t, d in entries)
            lst = f'<ul class="list-inner">\n{items}\n</ul>'
        else:  # table rows
            items = "\n".join(f'<tr><td class="bt"><a href="{h}" target="_blank">{t}</a></td><td class="rq">{d}</td></tr>'
                              for h, t, d in entries)
            lst = f'<table class="list-table"><tbody>\n{items}\n</tbody></table>'
        if note:
            lst += f'<div class="no-data">{note}</div>'
        body = f"""<div class="main w1200"><div class="left-title"><h2>{col['name']}</h2></div>
<div class="list-box">{lst}</div>
<div class="pager">{pager}</div>{extra}</div>"""
        metas = f'<meta name="ColumnName" content="{col["name"]}">\n<meta name="ColumnType" content="列表">'
        crumb = (f'{col.get("crumb_prefix", "")}<a href="{col["url_path"]}">{col["name"]}</a>')
        html = self.html(f"{col['name']}_{SITE}", body, charset=charset, metas=metas, head=head, crumb=crumb)
        return self.add(path, html, enc="gb18030" if charset != "utf-8" else "utf-8", header_charset=header_charset)

    def parent_page(self, path: str, name: str, subs: list[tuple[str, str]], crumb_prefix: str = "") -> str:
        blocks = "\n".join(f'<div class="sub-col"><h3><a href="{h}">{t}</a></h3></div>' for h, t in subs)
        body = f'<div class="main w1200"><h2>{name}</h2>\n<div class="sub-cols">{blocks}</div></div>'
        metas = f'<meta name="ColumnName" content="{name}">'
        return self.add(path, self.html(f"{name}_{SITE}", body, metas=metas, crumb=f"{crumb_prefix}{name}"))

    def single_page(self, path: str, name: str, text: str, crumb_prefix: str = "") -> str:
        body = f'<div class="main w1200"><h2>{name}</h2><div class="single-content">{text}</div></div>'
        metas = f'<meta name="ColumnName" content="{name}">'
        return self.add(path, self.html(f"{name}_{SITE}", body, metas=metas, crumb=f"{crumb_prefix}{name}"))


# ------------------------------------------------------------------ building

TOPICS = ["城市更新", "营商环境", "乡村振兴", "生态保护", "安全生产", "文明创建", "科技创新", "民生实事", "招商引资",
          "数字政府", "河湖治理", "交通建设", "教育发展", "医疗改革", "文化旅游", "粮食安全", "水利建设", "养老服务"]
ACTIONS = ["工作推进会召开", "专题会议部署相关工作", "调研督导取得实效", "现场观摩活动举行", "重点项目集中开工",
           "工作经验获省级推广", "专项行动全面启动"]


def news_title(i: int) -> str:
    return f"青禾市{TOPICS[i % len(TOPICS)]}{ACTIONS[(i * 3) % len(ACTIONS)]}（第{i + 1}期）"


def _col(name: str, path: str, crumb_prefix: str = "") -> dict:
    return {"name": name, "url_path": path, "crumb_prefix": crumb_prefix}


def build(base: str, ext: str, dead: str) -> Portal:
    p = Portal(base, ext, dead)
    _static(p)
    home_news = _news(p)
    _platform(p)
    _interaction(p)
    _big5(p)
    _traps(p)
    _home(p, home_news)
    _expected_links(p)
    _expected_untimely(p)
    return p


def _static(p: Portal) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for name in ("logo.png", "gaba.png", "dzjg.png"):
        p.add_file(f"/images/{name}", png, "image/png")
    p.add_file("/css/main.css", b"body{font-size:14px}", "text/css")
    p.add_file("/js/common.js", b"function noop(){}", "application/javascript")
    p.add_file("/module/web/jpage/jpage.js", b"(function($){$.fn.jpage=function(o){return this;};})(jQuery);",
               "application/javascript")
    p.add_file("/js/page.js", b"function pageControl(c,n,p,s){}", "application/javascript")
    for name in ("icp.html", "portal.html"):
        p.ext_res[f"/beian/{name}"] = Res(200, "<html><head><title>备案</title></head><body>备案信息查询</body></html>".encode(),
                                          [("Content-Type", "text/html; charset=utf-8")])
    p.ext_res["/conac/check.html"] = Res(200, "<html><head><title>党政机关网站标识</title></head><body>事业单位在线</body></html>".encode(),
                                         [("Content-Type", "text/html; charset=utf-8")])
    p.single_page("/wzdt/index.html", "网站地图", "<p>" + " ".join(
        f'<a href="{h}">{t}</a>' for h, t in [("/xwzx/index.html", "新闻中心"), ("/xxgk/index.html", "政府信息公开"),
                                             ("/hdjl/index.html", "互动交流")]) + "</p>")
    p.single_page("/lxwm/index.html", "联系我们", "<p>地址：青禾市人民路1号　电话：0999-1234567</p>")


# ---------------------------------------------------------------- news (TRS-style)

def _news(p: Portal) -> list[tuple[str, str, dt.date]]:
    # 政务要闻: TRS, 5 pages only via the template's variable-and-comment createPageHTML shape
    col = _col("政务要闻", "/xwzx/zwyw/index.html", '<a href="/xwzx/index.html">新闻中心</a> &gt; ')
    per, count = 6, 5
    docs = []
    for i in range(per * count):
        d = AS_OF - dt.timedelta(days=1 + i * 2)
        did = 3000 + i
        path = f"/xwzx/zwyw/{d:%Y%m}/t{d:%Y%m%d}_{did}.html"
        docs.append((path, news_title(i), d))
    soft404 = p.u("/xwzx/zwyw/202401/t20240105_2999.html")
    p.mark_broken(soft404, "soft 404: 200 with the site's 页面不存在 template")
    ext404 = p.x("/art/2019/1/1/art_1_1.html")
    p.mark_broken(ext404, "external 404 deep link")
    for i, (path, title, d) in enumerate(docs):
        related = ""
        if i == 0:
            related = ('<div class="related"><h4>相关链接</h4><ul><li><a href="/xwzx/zwyw/202401/t20240105_2999.html">'
                       '青禾市2023年十大民生实事完成情况</a></li>'
                       f'<li><a href="{ext404}">省政府相关报道</a></li></ul></div>')
        body = None
        if i == 3:  # look-alike: words of a document mention 页面不存在 / 404
            title = "关于市政府门户网站部分栏目调整的公告"
            body = ("<p>　　因网站改版，原“政务动态”栏目部分旧链接访问时将提示“页面不存在”或“404 Not Found”，"
                    "请通过新栏目访问。给您带来不便，敬请谅解。</p>")
            docs[i] = (path, title, d)
        p.doc(col, path, title, written=None, published=d, table=None, line=True, pubdate_meta=(i % 2 == 0),
              body=(body or "") + related if (body or related) else "")
    trs_script = """<script language="JavaScript">
var currentPage = 0;//所在页从0开始
var prevPage = currentPage-1//上一页
var nextPage = currentPage+1//下一页
var countPage = %d//共多少页
document.write("<a href=\\"index.html\\">首页</a>&nbsp;");
if(currentPage>0&&currentPage!=1)document.write("<a href=\\"index_" + prevPage + "."+"html\\">上一页</a>");
if(nextPage<countPage)document.write("<a href=\\"index_" + nextPage + "."+"html\\">下一页</a>");
if(countPage>1&&currentPage!=(countPage-1))document.write("<a href=\\"index_" + (countPage-1) + "."+"html\\">尾页</a>");
</script>"""
    for pg in range(count):
        chunk = docs[pg * per:(pg + 1) * per]
        entries = [(path.rsplit("/", 2)[-2] and "./" + "/".join(path.split("/")[-2:]), t, f"[{d.isoformat()}]")
                   for path, t, d in chunk]
        if pg == 0:  # 置顶: an old pinned row first
            entries.insert(0, ("./202501/t20250106_2990.html", "【置顶】青禾市2025年政府工作报告全文", "[2025-01-06]"))
        script = trs_script.replace("currentPage = 0", f"currentPage = {pg}") % count
        extra = '<p class="more"><a href="search.jsp?sort=date&amp;order=desc">按条件排序查看</a></p>' if pg == 0 else ""
        p.list_page(col, "/xwzx/zwyw/index.html" if pg == 0 else f"/xwzx/zwyw/index_{pg}.html", entries,
                    pager=script, extra=extra)
    pinned = _col("政务要闻", "/xwzx/zwyw/index.html")
    p.doc(pinned, "/xwzx/zwyw/202501/t20250106_2990.html", "青禾市2025年政府工作报告全文", written=None,
          published=dt.date(2025, 1, 6), table=None, line=True)
    # the soft 404 (200, an error template at a document URL)
    p.add("/xwzx/zwyw/202401/t20240105_2999.html", p.html(
        f"提示信息_{SITE}", '<div class="error-box"><img src="/images/logo.png" alt=""><h3>对不起，您访问的页面不存在或已被删除！</h3>'
        '<p><a href="/index.html">返回首页</a></p></div>'), page=False)

    # 工作动态: 成都-style column-index-N.shtml pages by plain anchors; stale (newest 15 days old)
    gz = _col("工作动态", "/xwzx/gzdt/column-index-1.shtml", '<a href="/xwzx/index.html">新闻中心</a> &gt; ')
    gz_docs = []
    for i in range(9):
        d = AS_OF - dt.timedelta(days=15 + i * 4)
        path = f"/xwzx/gzdt/{d:%Y%m}/t{d:%Y%m%d}_{4000 + i}.html"
        gz_docs.append((path, news_title(40 + i).replace("（", "工作动态（"), d))
        p.doc(gz, path, gz_docs[-1][1], written=None, published=d, table=None, line=True)
    p.findings["column.stale"].add(p.u("/xwzx/gzdt/column-index-1.shtml"))
    bad_css = p.mark_broken(p.u("/css/gzdt_2019.css"), "broken stylesheet")
    for pg in (1, 2, 3):
        chunk = gz_docs[(pg - 1) * 3: pg * 3]
        links = " ".join(f'<a href="column-index-{n}.shtml">{n}</a>' for n in (1, 2, 3) if n != pg)
        pager = f'<span>共3页</span> {links}'
        p.list_page(gz, f"/xwzx/gzdt/column-index-{pg}.shtml",
                    [("/" + "/".join(path.split("/")[1:]), t, f"{d.year}.{d.month:02d}.{d.day:02d}") for path, t, d in chunk],
                    pager=pager, head=f'<link rel="stylesheet" type="text/css" href="{bad_css}">'.replace(p.base, ""))

    # 通知公告: GBK, meta only, index_N.html anchors (1 2 3 下一页 尾页); newest exactly 6 months old
    tz = _col("通知公告", "/xwzx/tzgg/index.html", '<a href="/xwzx/index.html">新闻中心</a> &gt; ')
    tz_docs = []
    for i in range(14):
        d = dt.date(2026, 6, 15) - dt.timedelta(days=i * 9)
        path = f"/xwzx/tzgg/{d:%Y%m}/t{d:%Y%m%d}_{5000 + i}.html"
        title = ["关于鄚州镇农村饮水安全工程建设的公示", "关于开展2026年度安全生产大检查的通知",
                 "关于埗头村土地确权登记结果的公告"][i % 3] + f"（{i + 1}）"
        tz_docs.append((path, title, d))
    p.must_not["column.stale"].append({"url": p.u("/xwzx/tzgg/index.html"), "why": "newest exactly 6 months before as_of"})
    p.mark_broken(p.u("/xwzx/tzgg/202606/附件1：项目申报指南.pdf"), "hard 404 pdf, raw Chinese href on a GBK page")
    p.add_file("/xwzx/tzgg/202606/附件2：申报表.doc", b"\xd0\xcf\x11\xe0" + b"\x00" * 60, "application/msword")
    # a GBK percent-encoded file name that exists byte for byte
    gbk_name = quote("附件3：汇总表".encode("gbk")) + ".xls"
    p.res["/xwzx/tzgg/202606/" + gbk_name] = Res(200, b"\xd0\xcf\x11\xe0" + b"\x00" * 60, [("Content-Type", "application/vnd.ms-excel")])
    for i, (path, title, d) in enumerate(tz_docs):
        attach = ""
        hc = None
        if i == 0:
            attach = ('<p>附件：<a href="附件1：项目申报指南.pdf">附件1：项目申报指南.pdf</a></p>'
                      '<p><a href="附件2：申报表.doc">附件2：申报表.doc</a></p>'
                      f'<p><a href="{gbk_name}">附件3：汇总表.xls</a></p>')
            hc = "utf-8"  # wrong HTTP charset on a GBK page
        p.doc(tz, path, title, written=None, published=d, table=None, line=True, charset="gb2312",
              header_charset=hc, attach=attach)
    for pg in range(4):
        chunk = tz_docs[pg * 4:(pg + 1) * 4]
        name = "index.html" if pg == 0 else f"index_{pg}.html"
        shown = [n for n in range(4) if n != pg][:2]
        links = " ".join(f'<a href="{"index.html" if n == 0 else f"index_{n}.html"}">{n + 1}</a>' for n in shown)
        if pg < 3:
            links += f' <a href="index_{pg + 1}.html">下一页</a> <a href="index_3.html">尾页</a>'
        p.list_page(tz, f"/xwzx/tzgg/{name}",
                    [("../../" + path.lstrip("/"), t, f"{d.year}年{d.month:02d}月{d.day:02d}日") for path, t, d in chunk],
                    pager=links, charset="gb2312", header_charset=None, style="table")

    # 图片新闻: ?page=N query pager on index.jsp; one document with a missing image
    tp = _col("图片新闻", "/xwzx/tpxw/index.jsp", '<a href="/xwzx/index.html">新闻中心</a> &gt; ')
    tp_docs = []
    for i in range(6):
        d = AS_OF - dt.timedelta(days=2 + i * 5)
        path = f"/xwzx/tpxw/{d:%Y%m}/t{d:%Y%m%d}_{6000 + i}.html"
        tp_docs.append((path, f"图片新闻：青禾市{TOPICS[i + 3]}一线见闻", d))
    bad_img = p.mark_broken(p.u("/xwzx/tpxw/202612/W020261213_600001.jpg"), "missing image")
    for i, (path, title, d) in enumerate(tp_docs):
        attach = f'<p style="text-align:center"><img src="{bad_img.replace(p.base, "")}" alt="现场图片"></p>' if i == 0 else ""
        p.doc(tp, path, title, written=None, published=d, table=None, line=True, attach=attach)
    for pg in (1, 2, 3):
        chunk = tp_docs[(pg - 1) * 2: pg * 2]
        pager = " ".join(f'<a href="index.jsp?page={n}">{n}</a>' for n in (1, 2, 3) if n != pg)
        if pg < 3:
            pager += f' <a href="index.jsp?page={pg + 1}">下一页</a> <a href="index.jsp?page=3">尾页</a>'
        path = "/xwzx/tpxw/index.jsp" + ("" if pg == 1 else f"?page={pg}")
        p.list_page(tp, path, [(pth, t, d.isoformat()) for pth, t, d in chunk], pager=pager)

    # 新闻中心: parent
    p.parent_page("/xwzx/index.html", "新闻中心", [("/xwzx/zwyw/index.html", "政务要闻"),
                                                 ("/xwzx/gzdt/column-index-1.shtml", "工作动态"),
                                                 ("/xwzx/tzgg/index.html", "通知公告"),
                                                 ("/xwzx/tpxw/index.jsp", "图片新闻")])
    return [(pth, t, d) for pth, t, d in docs[:6]]


# ---------------------------------------------------------------- the disclosure platform

PF = '<a href="/xxgk/index.html">政府信息公开</a> &gt; '
FD = PF + '<a href="/xxgk/fdzdgknr/index.html">法定主动公开内容</a> &gt; '

# simple columns: (slug, name, category it covers or None)
SIMPLE = [
    ("tjsj", "统计数据"), ("xzsp", "行政审批"), ("czyjs", "财政预决算"), ("sfml", "收费目录"),
    ("zfcg", "政府采购"), ("zdxm", "重大建设项目"), ("xczx", "乡村振兴"), ("jyxx", "教育信息"),
    ("ylws", "医疗卫生"), ("shbz", "社会保障"), ("jycy", "就业创业"), ("yjgl", "应急管理"),
    ("sthj", "生态环境"), ("aqsc", "安全生产"), ("scjg", "市场监管"), ("szjs", "市政建设"),
    ("ggfw", "公共服务"), ("shjz", "社会救助"), ("ghjh", "规划计划"), ("zcjd", "政策解读"),
]


def _platform(p: Portal) -> None:
    # the platform index: the four parts + 依申请公开
    parts = [("/xxgk/gkzn/index.html", "政府信息公开指南"), ("/xxgk/gkzd/index.html", "政府信息公开制度"),
             ("/xxgk/fdzdgknr/index.html", "法定主动公开内容"), ("/xxgk/gknb/index.html", "政府信息公开年报"),
             ("/xxgk/ysqgk/index.html", "依申请公开")]
    slow = p.u("/xxgk/slow/ok.jsp")
    hang = p.mark_broken(p.u("/xxgk/slow/hang.jsp"), "timeout (no answer within the profile's limit)")
    blocks = "\n".join(f'<li><a href="{h}">{t}</a></li>' for h, t in parts)
    body = (f'<div class="main w1200"><h2>政府信息公开</h2><ul class="gk-parts">{blocks}</ul>'
            f'<div class="gk-search"><form action="/search/result.jsp" method="get"><input name="keyword"><input type="submit" value="检索"></form></div>'
            f'<p><a href="{slow.replace(p.base, "")}">公开目录检索（慢速接口）</a> <a href="{hang.replace(p.base, "")}">依申请公开在线申请</a>'
            f' <a href="/xxgk/old/index.html">旧版信息公开</a></p></div>')
    p.add("/xxgk/index.html", p.html(f"政府信息公开_{SITE}", body, metas='<meta name="ColumnName" content="政府信息公开">',
                                     crumb="政府信息公开"))
    p.res[enc_path("/xxgk/old/index.html")] = Res(301, b"", [("Location", "/xxgk/index.html")])
    p.must_not["link.broken"].append({"url": p.u("/xxgk/old/index.html"), "why": "301 to a working page"})
    p.must_not["link.broken"].append({"url": slow, "why": "slow but under the timeout"})
    p.single_page("/xxgk/gkzn/index.html", "政府信息公开指南",
                  "<p>一、主动公开：公开的主体和范围、公开的方式和时限。二、依申请公开：申请的提出、受理机构、办理流程。"
                  "三、收费标准：不收取费用。四、监督和救济：可以向上一级行政机关投诉、举报。</p>", PF)
    p.single_page("/xxgk/ysqgk/index.html", "依申请公开",
                  "<p>公民、法人或者其他组织可以向本机关申请获取政府信息。受理机构：青禾市人民政府办公室。</p>", PF)
    p.must_not["column.empty"] += [{"url": p.u("/xxgk/gkzn/index.html"), "why": "single page"},
                                   {"url": p.u("/xxgk/ysqgk/index.html"), "why": "single page"},
                                   {"url": p.u("/xxgk/fdzdgknr/index.html"), "why": "parent"},
                                   {"url": p.u("/xxgk/fdzdgknr/zcwj/index.html"), "why": "parent"}]

    # 政府信息公开制度 (unclassed, old) and 年报
    for slug, name, items in (
        ("gkzd", "政府信息公开制度", [("青禾市政府信息公开保密审查制度", dt.date(2022, 3, 1), dt.date(2022, 3, 3)),
                                     ("青禾市政府信息公开工作考核制度", dt.date(2023, 5, 8), dt.date(2023, 5, 10))]),
        ("gknb", "政府信息公开年报", [("青禾市人民政府2025年政府信息公开工作年度报告", dt.date(2026, 3, 20), dt.date(2026, 3, 25)),
                                     ("青禾市人民政府2024年政府信息公开工作年度报告", dt.date(2025, 3, 18), dt.date(2025, 3, 20))]),
    ):
        col = _col(name, f"/xxgk/{slug}/index.html", PF)
        entries = []
        for k, (t, w, pb) in enumerate(items):
            path = f"/xxgk/{slug}/content_{71000 + k + (10 if slug == 'gknb' else 0)}.html"
            p.doc(col, path, t, written=w, published=pb)
            entries.append((path.rsplit("/", 1)[1], t, pb.isoformat()))
        p.list_page(col, f"/xxgk/{slug}/index.html", entries)

    # 法定主动公开内容 (parent)
    subs = [("/xxgk/fdzdgknr/jgzn/index.html", "机构职能"), ("/xxgk/fdzdgknr/zcwj/index.html", "政策文件")]
    subs += [(f"/xxgk/fdzdgknr/{s}/index.html" if s != "zfcg" else "/xxgk/fdzdgknr/zfcg/iList.jsp?cat_id=1031", n)
             for s, n in SIMPLE]
    subs += [("/xxgk/fdzdgknr/xzzf/index.html", "行政执法公示"), ("/xxgk/fdzdgknr/rsxx/index.html", "人事信息"),
             ("/xxgk/fdzdgknr/gysy/index.html", "公益事业"), ("/xxgk/fdzdgknr/tdzs/index.html", "土地征收"),
             ("/xxgk/fdzdgknr/zagl/index.html", "治安管理")]
    p.parent_page("/xxgk/fdzdgknr/index.html", "法定主动公开内容", subs, PF)

    p.single_page("/xxgk/fdzdgknr/jgzn/index.html", "机构职能",
                  "<p>青禾市人民政府办公室是市政府的办事机构。主要职责：负责市政府会议的准备工作；协助市政府领导同志组织起草或审核以市政府名义发布的公文。</p>"
                  "<p>内设机构：秘书科、综合科、督查科、信息公开科。</p>", FD)
    p.must_not["column.empty"].append({"url": p.u("/xxgk/fdzdgknr/jgzn/index.html"), "why": "single page"})

    # simple list columns: 2 documents each, fresh
    for n, (slug, name) in enumerate(SIMPLE):
        if slug in ("zcjd", "zfcg"):
            continue
        col = _col(name, f"/xxgk/fdzdgknr/{slug}/index.html", FD)
        entries = []
        if slug == "ghjh":  # 规划计划: newest exactly 12 months before as_of
            dates = [dt.date(2025, 12, 15), dt.date(2025, 6, 3)]
            p.must_not["column.stale"].append({"url": p.u(col["url_path"]), "why": "newest exactly 12 months old"})
        else:
            dates = [AS_OF - dt.timedelta(days=3 + n % 9), AS_OF - dt.timedelta(days=40 + n)]
        for k, d in enumerate(dates):
            w = d - dt.timedelta(days=2)
            t = f"青禾市{name}{['工作情况通报', '相关信息公开'][k]}（{d.year}年第{k + n + 1}号）"
            path = f"/xxgk/fdzdgknr/{slug}/content_{72000 + n * 10 + k}.html"
            p.doc(col, path, t, written=w, published=d, docno=f"青政办发〔{d.year}〕{n * 2 + k + 40}号" if k else "")
            entries.append((f"content_{72000 + n * 10 + k}.html", t, f"{d.year}-{d.month:02d}-{d.day:02d}"))
        p.list_page(col, col["url_path"], entries, style=("ul", "table", "inner")[n % 3])

    # 政府采购: 四川-style iList.jsp?cat_id=…&cur_page=N anchors (下一页 / 尾页), 5 documents over 3 pages
    cg = _col("政府采购", "/xxgk/fdzdgknr/zfcg/iList.jsp?cat_id=1031", FD)
    cg_docs = []
    for k in range(5):
        d = AS_OF - dt.timedelta(days=5 + k * 7)
        t = f"青禾市{TOPICS[k + 8]}项目{['公开招标', '竞争性磋商', '询价', '单一来源', '成交结果'][k]}公告"
        path = f"/xxgk/fdzdgknr/zfcg/content_{76000 + k}.html"
        p.doc(cg, path, t, written=d - dt.timedelta(days=1), published=d)
        cg_docs.append((f"content_{76000 + k}.html", t, d.isoformat()))
    for pg in (1, 2, 3):
        pager = " ".join(f'<a href="iList.jsp?cat_id=1031&amp;cur_page={n}">{n}</a>' for n in (1, 2, 3) if n != pg)
        if pg < 3:
            pager += f' <a href="iList.jsp?cat_id=1031&amp;cur_page={pg + 1}">下一页</a>'
            pager += ' <a href="iList.jsp?cat_id=1031&amp;cur_page=3">尾页</a>'
        p.list_page(cg, cg["url_path"] + ("" if pg == 1 else f"&cur_page={pg}"), cg_docs[(pg - 1) * 2: pg * 2],
                    pager=pager, style="table")
    p.res[enc_path(cg["url_path"] + "&cur_page=1")] = p.res[enc_path(cg["url_path"])]  # the same page

    # 政策解读: TRS createPageHTML called with variables, 3 pages, no <a> to index_N
    jd = _col("政策解读", "/xxgk/fdzdgknr/zcjd/index.html", FD)
    jd_docs = []
    for k in range(6):
        d = AS_OF - dt.timedelta(days=4 + k * 6)
        t = f"《青禾市{TOPICS[k + 2]}三年行动方案》政策解读"
        path = f"/xxgk/fdzdgknr/zcjd/{d:%Y%m}/t{d:%Y%m%d}_{7600 + k}.html"
        p.doc(jd, path, t, written=d - dt.timedelta(days=1), published=d)
        jd_docs.append(("./" + "/".join(path.split("/")[-2:]), t, d.isoformat()))
    for pg in range(3):
        script = (f'<script type="text/javascript">\nvar countPage = 3;\nvar currentPage = {pg};\n'
                  'createPageHTML(countPage, currentPage, "index", "html");\n</script>')
        p.list_page(jd, jd["url_path"] if pg == 0 else f"/xxgk/fdzdgknr/zcjd/index_{pg}.html",
                    jd_docs[pg * 2:(pg + 1) * 2], pager=script, head='<script src="/js/page.js"></script>')

    # 行政执法公示: a meta-refresh stub to the province's platform (counts as present)
    p.add("/xxgk/fdzdgknr/xzzf/index.html",
          f'<html><head><meta http-equiv="refresh" content="0;URL={p.ext}/zfgs/index.html"></head><body></body></html>')
    p.ext_res["/zfgs/index.html"] = Res(200, "<html><head><title>行政执法公示平台</title></head><body><ul><li>行政处罚</li><li>行政强制</li></ul></body></html>".encode(),
                                        [("Content-Type", "text/html; charset=utf-8")])
    p.must_not["column.empty"].append({"url": p.u("/xxgk/fdzdgknr/xzzf/index.html"), "why": "redirect stub"})

    # 人事信息 (parent) > 人事任免 (stale: 12 months + 1 day), 公务员招录 (fresh)
    rs_subs = [("/xxgk/fdzdgknr/rsxx/rsrm/index.html", "人事任免"), ("/xxgk/fdzdgknr/rsxx/gwyzl/index.html", "公务员招录")]
    p.parent_page("/xxgk/fdzdgknr/rsxx/index.html", "人事信息", rs_subs, FD)
    p.must_not["column.empty"].append({"url": p.u("/xxgk/fdzdgknr/rsxx/index.html"), "why": "parent"})
    for slug, name, dates in (("rsrm", "人事任免", [dt.date(2025, 12, 14), dt.date(2025, 8, 1)]),
                              ("gwyzl", "公务员招录", [AS_OF - dt.timedelta(days=20), dt.date(2026, 5, 6)])):
        col = _col(name, f"/xxgk/fdzdgknr/rsxx/{slug}/index.html", FD + '<a href="/xxgk/fdzdgknr/rsxx/index.html">人事信息</a> &gt; ')
        entries = []
        for k, d in enumerate(dates):
            t = f"青禾市人民政府关于{['张某某', '李某某'][k]}等同志{name[:2]}的通知" if slug == "rsrm" else f"青禾市{d.year}年度考试录用公务员公告（第{k + 1}批）"
            path = f"/xxgk/fdzdgknr/rsxx/{slug}/content_{73000 + k + (5 if slug == 'gwyzl' else 0)}.html"
            p.doc(col, path, t, written=d - dt.timedelta(days=1), published=d)
            entries.append((path.rsplit("/", 1)[1], t, d.isoformat()))
        p.list_page(col, col["url_path"], entries)
    p.findings["column.stale"].add(p.u("/xxgk/fdzdgknr/rsxx/rsrm/index.html"))

    # 公益事业: empty with 暂无信息 -> column.empty; 土地征收: 本机关无此项职能 -> explained, not empty
    gy = _col("公益事业", "/xxgk/fdzdgknr/gysy/index.html", FD)
    p.list_page(gy, gy["url_path"], [], note="暂无信息", pager='<script>pageControl(1, 0, "index", "html");</script>')
    p.findings["column.empty"].add(p.u(gy["url_path"]))
    td = _col("土地征收", "/xxgk/fdzdgknr/tdzs/index.html", FD)
    p.list_page(td, td["url_path"], [], note="本机关无此项职能，相关信息请查阅青禾市自然资源和规划局网站。")
    p.must_not["column.empty"].append({"url": p.u(td["url_path"]), "why": "本机关无此项职能 (explained)"})
    # 治安管理: Hanweb datastore with no records -> column.empty
    za = _col("治安管理", "/xxgk/fdzdgknr/zagl/index.html", FD)
    p.list_page(za, za["url_path"], [], extra=_datastore(4490, [], 0, 10))
    p.findings["column.empty"].add(p.u(za["url_path"]))

    _policy(p)


def _datastore(unitid: int, records: list[str], total: int, perpage: int) -> str:
    recs = "\n".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return f"""<div id="div{unitid}"><script type="text/xml">
<datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=7&path=/&columnid=1{unitid}&unitid={unitid}&webname=%E9%9D%92%E7%A6%BE&permissiontype=0"></a>]]></nextgroup>
<recordset>
{recs}
</recordset>
<totalrecord>{total}</totalrecord>
</datastore>
</script></div>
<script src="/module/web/jpage/jpage.js"></script>
<script>$(function(){{ $("#div{unitid}").jpage({{ dataStore: "", perPage: {perpage}, proxyUrl: "/module/web/jpage/dataproxy.jsp", groupSize: 3 }}); }});</script>"""


def _policy(p: Portal) -> None:
    zc_prefix = FD + '<a href="/xxgk/fdzdgknr/zcwj/index.html">政策文件</a> &gt; '
    p.parent_page("/xxgk/fdzdgknr/zcwj/index.html", "政策文件",
                  [("/xxgk/fdzdgknr/zcwj/zfgz/index.html", "政府规章"), ("/xxgk/fdzdgknr/zcwj/gfxwj/index.html", "行政规范性文件"),
                   ("/xxgk/fdzdgknr/zcwj/qtwj/index.html", "其他文件")], FD)

    # 政府规章: ul/li metadata, 令第N号, 现行有效 / 已修订 -> no finding
    gz = _col("政府规章", "/xxgk/fdzdgknr/zcwj/zfgz/index.html", zc_prefix)
    ents = []
    for k, (t, no, w, pb, v) in enumerate([
        ("青禾市城市市容和环境卫生管理规定", "青禾市人民政府令第12号", dt.date(2024, 9, 2), dt.date(2024, 9, 6), "现行有效"),
        ("青禾市城市市容和环境卫生管理规定", "青禾市人民政府令第5号", dt.date(2019, 4, 1), dt.date(2019, 4, 3), "已修订"),
        ("青禾市地下管线管理办法", "青禾市人民政府令第14号", dt.date(2026, 11, 20), dt.date(2026, 11, 27), "现行有效"),
    ]):
        path = f"/xxgk/fdzdgknr/zcwj/zfgz/content_{74000 + k}.html"
        url = p.doc(gz, path, t, written=w, published=pb, table="li", docno=no, validity=v)
        p.must_not["reg.stale"].append({"url": url, "why": f"规章 {v}"})
        p.must_not["reg.validity_missing"].append({"url": url, "why": "时 效 性 in a ul/li box"})
        ents.append((path.rsplit("/", 1)[1], t, pb.isoformat()))
    p.list_page(gz, gz["url_path"], ents[::-1])

    # 行政规范性文件: Hanweb articles, list only in datastore records, perPage 10 in a jpage call
    gf = _col("行政规范性文件", "/xxgk/fdzdgknr/zcwj/gfxwj/index.html", zc_prefix)
    R = []  # (key, title, docno, written, published, validity, body, expected rules)

    def reg(key, title, docno, w, pb, validity, body, rules=(), why=""):
        R.append((key, title, docno, w, pb, validity, body, set(rules), why))

    ok5 = "本办法自{}起施行，有效期5年。"
    reg("r1", "青禾市停车场管理办法", "青政规〔2019〕4号", dt.date(2019, 6, 10), dt.date(2019, 6, 12), "有效",
        "<p>第一条　为加强停车场管理……</p>", {"reg.stale"}, "repealed by 青政规〔2026〕5号")
    reg("r2", "青禾市城市绿化管理办法", "青政规〔2020〕7号", dt.date(2020, 8, 3), dt.date(2020, 8, 5), "有效",
        "<p>第一条　为促进城市绿化事业发展……</p>", {"reg.stale"}, "repealed by 青政规〔2026〕5号")
    reg("r3", "青禾市人才公寓管理暂行办法", "青政办规〔2021〕2号", dt.date(2021, 3, 15), dt.date(2021, 3, 17), "有效",
        "<p>第一条　为做好人才公寓管理……</p>", {"reg.stale"}, "declared 失效 by 青政规〔2026〕5号")
    reg("r4", "青禾市人民政府关于废止和宣布失效部分行政规范性文件的决定", "青政规〔2026〕5号",
        dt.date(2026, 9, 1), dt.date(2026, 9, 3), "有效",
        "<p>　　根据规范性文件清理工作安排，市政府对现行行政规范性文件进行了清理。现决定：</p>"
        "<p>　　一、废止以下行政规范性文件：青政规〔2019〕4号、青政规〔2020〕7号、青政规〔2018〕11号。</p>"
        "<p>　　二、宣布失效以下行政规范性文件：青政办规〔2021〕2号。</p>"
        "<p>　　三、下列行政规范性文件继续有效：青政规〔2022〕3号。</p><p>　　本决定自印发之日起施行。</p>",
        (), "the decision itself")
    reg("r5", "青禾市停车场管理办法", "青政规〔2025〕8号", dt.date(2025, 10, 9), dt.date(2025, 10, 13), "有效",
        "<p>第一条　为加强停车场管理……第三十条　本办法自2025年11月1日起施行，有效期5年。</p>", (), "newer version with the same title")
    reg("r6", "青禾市农村集体资产管理暂行办法", "青政规〔2022〕3号", dt.date(2022, 2, 8), dt.date(2022, 2, 10), "有效",
        "<p>　　本办法自印发之日起施行。</p>", (), "listed as 继续有效 by the decision")
    reg("r7", "青禾市扶持中小企业发展专项资金管理办法", "青政规〔2023〕2号", dt.date(2023, 1, 5), dt.date(2023, 1, 9), "有效",
        "<p>　　本办法自2023年2月1日起施行，有效期至2025年12月31日。</p>", {"reg.stale"}, "有效期至 passed, still 有效")
    reg("r8", "青禾市住房公积金贷款管理办法", "青政规〔2022〕6号", dt.date(2022, 1, 4), dt.date(2022, 1, 6), "失效",
        "<p>　　本办法自2022年2月1日起施行，有效期至2024年6月30日。</p>", (), "expired and marked 失效")
    reg("r9", "青禾市城市照明管理办法", "青政规〔2024〕5号", dt.date(2024, 11, 4), dt.date(2024, 11, 6), "有效",
        "<p>　　本办法自2024年12月1日起施行，有效期至2027年12月31日。</p>", (), "有效期至 after as_of")
    reg("r10", "青禾市公共自行车管理办法", "青政规〔2021〕9号", dt.date(2021, 11, 22), dt.date(2021, 11, 24), "有效",
        "<p>　　" + ok5.format("2021年12月15日") + "</p>", {"reg.stale"}, "有效期5年 ended 2026-12-14")
    reg("r11", "青禾市燃气管理办法", "青政规〔2021〕10号", dt.date(2021, 11, 25), dt.date(2021, 11, 29), "有效",
        "<p>　　" + ok5.format("2021年12月16日") + "</p>", (), "有效期5年 ends exactly on as_of")
    reg("r12", "青禾市餐厨废弃物管理暂行办法", "青政规〔2023〕11号", dt.date(2023, 12, 1), dt.date(2023, 12, 5), "有效",
        "<p>　　本办法自印发之日起施行，有效期3年。</p>", {"reg.stale"}, "有效期3年 from 印发 (成文 2023-12-01) ended 2026-11-30")
    reg("v1", "青禾市历史建筑保护管理办法", "青政规〔2025〕3号", dt.date(2025, 2, 24), dt.date(2025, 2, 26), None,
        "<p>　　" + ok5.format("2025年3月1日") + "</p>", {"reg.validity_missing"}, "no 时效性 row")
    reg("v2", "青禾市户外广告设置管理办法", "青政规〔2025〕6号", dt.date(2025, 7, 1), dt.date(2025, 7, 3), "&nbsp;",
        "<p>　　" + ok5.format("2025年8月1日") + "</p>", {"reg.validity_missing"}, "时效性 value empty")
    reg("v3", "【已废止】青禾市出租汽车管理办法", "青政规〔2018〕11号", dt.date(2018, 5, 2), dt.date(2018, 5, 4), None,
        "<p>　　本办法自2018年6月1日起施行。</p>", (), "title marker 【已废止】, no field")
    reg("r13", "青禾市既有住宅加装电梯实施办法", "青政规〔2026〕2号", dt.date(2026, 4, 20), dt.date(2026, 4, 22), "有效",
        "<p>　　" + ok5.format("2026年5月1日") + "</p>", (), "in force")
    records = []
    urls = {}
    for key, title, docno, w, pb, validity, body, rules, why in R:
        aid = 8000 + len(records)
        path = f"/art/{pb.year}/{pb.month}/{pb.day}/art_4470_{aid}.html"
        url = p.doc(gf, path, title, written=w, published=pb, table="hw", docno=docno, validity=validity, body=body)
        urls[key] = url
        for rule in ("reg.stale", "reg.validity_missing"):
            if rule in rules:
                p.findings[rule].add(url)
            else:
                p.must_not[rule].append({"url": url, "why": why})
        records.append((pb, f'<li><a href="{path}" target="_blank" title="{title}">{title}</a><span>{pb.isoformat()}</span></li>'))
    records.sort(key=lambda r: r[0], reverse=True)
    per = 10
    pages = [records[i:i + per] for i in range(0, len(records), per)]
    for n, chunk in enumerate(pages, start=1):
        path = gf["url_path"] + ("" if n == 1 else f"?uid=4470&pageNum={n}")
        p.list_page(gf, path, [], extra=_datastore(4470, [r for _, r in chunk], len(records), per))

    # 其他文件: 方正 ENP content_<id>.html, pageControl(...) pager; untimely / date_missing cases
    qt = _col("其他文件", "/xxgk/fdzdgknr/zcwj/qtwj/index.html", zc_prefix)
    cases = []  # (title, written, published, kind)

    def pair(label, written):
        deadline = nth_workday_after(written, WORKING_DAYS)
        cases.append((f"关于{label}有关事项的通知", written, deadline, "fz"))
        late = deadline + dt.timedelta(days=1)
        while not chinese_calendar.is_workday(late):
            late += dt.timedelta(days=1)
        cases.append((f"关于{label}工作安排的通知", written, late, "fz"))

    pair("做好2026年春节期间安全生产", dt.date(2026, 2, 11))       # Spring Festival 2026
    pair("做好2025年国庆节期间值班值守", dt.date(2025, 9, 24))       # National Day 2025 (+ make-up Sat 10-11)
    pair("做好2025年春节期间市场供应", dt.date(2025, 1, 22))        # Spring Festival 2025
    pair("开展春季植树造林", dt.date(2026, 2, 24))                 # make-up Sat 2026-02-28 counts
    pair("做好2026年国庆节期间文旅市场", dt.date(2026, 9, 25))       # National Day 2026
    # Mon-Fri counting says on time, the make-up Saturday makes it late
    w = dt.date(2026, 2, 24)
    naive, n, d = None, 0, w
    while n < WORKING_DAYS:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            n += 1
    naive = d
    cases.append(("关于加强春季森林防火工作的通知", w, naive, "fz"))
    for k in range(4):  # fillers on time
        w2 = AS_OF - dt.timedelta(days=20 + k * 11)
        cases.append((f"关于做好{TOPICS[k + 5]}有关工作的通知", w2, w2 + dt.timedelta(days=k % 3), "fz"))
    cases.append(("关于2026年冬季供暖工作的通知", None, None, "missing"))
    cases.append(("关于组织开展消防安全宣传月活动的通知", None, None, "comment"))
    cases.append(("关于印发青禾市道路交通安全工作要点的通知", None, dt.date(2026, 10, 12), "meta_only"))
    cases.append(("关于开展全市城乡环境整治行动的通知", None, dt.date(2026, 11, 3), "line_only"))
    cases.append(("关于公布第一批市级非物质文化遗产项目的通知", dt.date(2026, 6, 1), dt.date(2026, 7, 20), "written_comment"))
    cases.append(("青禾市殡葬管理办法", dt.date(2026, 8, 3), dt.date(2026, 8, 5), "docno_reg"))
    cases.append(("关于调整城乡居民基本医疗保险筹资标准的通知", dt.date(2026, 10, 20), dt.date(2026, 10, 16), "fz"))  # 发布 < 成文
    entries = []
    for k, (title, w, pb, kind) in enumerate(cases):
        path = f"/xxgk/fdzdgknr/zcwj/qtwj/content_{75000 + k}.html"
        url = p.u(path)
        if kind == "fz":
            attach = ""
            if k == 0:
                attach = (f'<p>附件：<a href="{enc_path("附件：实施细则.docx")}">附件：实施细则.docx</a></p>'
                          f'<p><a href="{enc_path("附件2：政策问答.pdf")}">附件2：政策问答.pdf</a></p>')
                p.mark_broken(p.u("/xxgk/fdzdgknr/zcwj/qtwj/附件：实施细则.docx"), "hard 404 docx, percent-encoded UTF-8 href")
                p.add_file("/xxgk/fdzdgknr/zcwj/qtwj/附件2：政策问答.pdf", b"%PDF-1.4\n" + b"0" * 100, "application/pdf")
            p.doc(qt, path, title, written=w, published=pb, docno=f"青政办发〔{w.year}〕{k + 20}号", attach=attach)
        elif kind == "missing":
            p.doc(qt, path, title, written=None, published=None, pubdate_meta=False)
            p.findings["doc.date_missing"].add(url)
        elif kind == "comment":
            p.doc(qt, path, title, written=None, published=None, pubdate_meta=False,
                  body='<!-- 发布日期：2026-10-08 --><p>　　各有关单位：现将有关事项通知如下。</p>'
                       '<p><img src="/images/logo.png" alt="发布日期：2026-10-08"></p>')
            p.findings["doc.date_missing"].add(url)
        elif kind == "meta_only":
            p.doc(qt, path, title, written=None, published=pb, table=None, pubdate_meta="first")
            p.must_not["doc.date_missing"].append({"url": url, "why": "firstpublishedtime meta only (2026-10-12-09:30:00)"})
        elif kind == "line_only":
            p.doc(qt, path, title, written=None, published=pb, table=None, line=True, pubdate_meta=False)
            p.must_not["doc.date_missing"].append({"url": url, "why": "发布时间 line only"})
        elif kind == "written_comment":
            p.doc(qt, path, title, written=None, published=pb,
                  body=f"<!-- 生成日期：{cn_date(w)} --><p>　　现将第一批市级非物质文化遗产代表性项目名录予以公布。</p>")
            p.must_not["doc.untimely"].append({"url": url, "why": "成文日期 only in a comment"})
        elif kind == "docno_reg":
            p.doc(qt, path, title, written=w, published=pb, docno="青政规〔2026〕7号",
                  body="<p>　　第一条　为加强殡葬管理，推进殡葬改革……本办法自2026年9月1日起施行。</p>")
            p.findings["reg.validity_missing"].add(url)
        date_txt = pb.isoformat() if (pb and kind not in ("missing", "comment")) else ""
        entries.append((path.rsplit("/", 1)[1], title, date_txt))
    per = 8
    npages = (len(entries) + per - 1) // per
    for pg in range(npages):
        chunk = entries[pg * per:(pg + 1) * per]
        pager = f'<script type="text/javascript">pageControl({npages}, {pg}, "index", "html", {len(entries)}, {per});</script>'
        p.list_page(qt, qt["url_path"] if pg == 0 else f"/xxgk/fdzdgknr/zcwj/qtwj/index_{pg}.html", chunk,
                    pager=pager, style="table", head='<script src="/js/page.js"></script>')


# ---------------------------------------------------------------- 互动交流 (link classes)

def _interaction(p: Portal) -> None:
    loop = p.mark_broken(p.u("/hdjl/wsdc/vote.jsp"), "redirect loop")
    p.res["/hdjl/wsdc/vote.jsp"] = Res(302, b"", [("Location", "/hdjl/wsdc/vote.do")])
    p.res["/hdjl/wsdc/vote.do"] = Res(302, b"", [("Location", "/hdjl/wsdc/vote.jsp")])
    hops = p.mark_broken(p.u("/hdjl/bszx/go.jsp"), "12 redirects (> 10)")
    p.res["/hdjl/bszx/go.jsp"] = Res(302, b"", [("Location", "/hdjl/bszx/go.jsp?step=1")])
    home_deep = p.mark_broken(p.u("/ztzl/2020/zxft/index.html"), "deep link redirected to the home page")
    p.res["/ztzl/2020/zxft/index.html"] = Res(302, b"", [("Location", "/")])
    e500 = p.mark_broken(p.u("/hdjl/ldxx/list.jsp"), "HTTP 500")
    p.res["/hdjl/ldxx/list.jsp"] = Res(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>",
                                       [("Content-Type", "text/html")])
    iframe404 = p.mark_broken(p.u("/hdjl/zxft/live/player.html"), "missing iframe")
    moved = p.u("/hdjl/myzj/index.html")
    p.res["/hdjl/myzj/index.html"] = Res(302, b"", [("Location", "/hdjl/myzj/2026/index.html")])
    p.must_not["link.broken"].append({"url": moved, "why": "302 to a working page"})
    body = f"""<div class="main w1200"><h2>互动交流</h2><ul class="hd-list">
<li><a href="/hdjl/zxft/index.html">在线访谈</a></li>
<li><a href="{e500.replace(p.base, '')}">市长信箱</a></li>
<li><a href="{loop.replace(p.base, '')}">网上调查</a></li>
<li><a href="{hops.replace(p.base, '')}">办事咨询</a></li>
<li><a href="{moved.replace(p.base, '')}">民意征集</a></li>
<li><a href="/hdjl/hdrl/index.html">活动日历</a></li>
<li><a href="{home_deep.replace(p.base, '')}">往期访谈专题</a></li>
</ul></div>"""
    p.add("/hdjl/index.html", p.html(f"互动交流_{SITE}", body, crumb="互动交流"))
    p.add("/hdjl/myzj/2026/index.html", p.html(f"民意征集_{SITE}", '<div class="main"><h2>民意征集</h2><p>当前暂无征集活动。</p></div>',
                                               crumb="互动交流 &gt; 民意征集"))
    p.add("/hdjl/zxft/index.html", p.html(
        f"在线访谈_{SITE}", f'<div class="main"><h2>在线访谈</h2><iframe src="{iframe404.replace(p.base, "")}" width="640" height="360"></iframe>'
        '<p>本期嘉宾：青禾市生态环境局局长。</p></div>', crumb="互动交流 &gt; 在线访谈"))
    p.add("/hdjl/bszx/done.html", p.html(f"办事咨询_{SITE}", "<p>办事咨询</p>"), page=False, scan=False)
    # the calendar: the page itself is fine; its ?date= links are an endless trap
    cal = "".join(f'<a href="index.html?date=2026-12-{d:02d}">{d}</a> ' for d in range(14, 18))
    p.add("/hdjl/hdrl/index.html", p.html(f"活动日历_{SITE}", f'<div class="main"><h2>活动日历</h2><div class="cal">{cal}</div></div>',
                                          crumb="互动交流 &gt; 活动日历"))


# ---------------------------------------------------------------- 繁體

def _big5(p: Portal) -> None:
    col = _col("通知公告", "/big5/tzgg/index.html", '<a href="/big5/index.html">繁體版</a> &gt; ')
    ents = []
    bad_js = p.mark_broken(p.u("/big5/js/jquery-1.4.2.min.js"), "broken script")
    for k, (t, w, kind) in enumerate([("關於做好2026年冬季清潔取暖工作的通知", dt.date(2026, 11, 2), "late"),
                                      ("關於開展2026年度統計執法檢查的通知", dt.date(2026, 11, 16), "ok")]):
        dl = nth_workday_after(w, WORKING_DAYS)
        pb = dl + dt.timedelta(days=1) if kind == "late" else dl
        while kind == "late" and not chinese_calendar.is_workday(pb):
            pb += dt.timedelta(days=1)
        path = f"/big5/tzgg/{pb:%Y%m}/t{pb:%Y%m%d}_{9100 + k}.html"
        p.doc(col, path, t, written=w, published=pb, table="big5",
              body="<p>　　各區縣人民政府，市政府各部門：現將有關事項通知如下。</p>")
        ents.append(("./" + "/".join(path.split("/")[-2:]), t, pb.isoformat()))
    p.list_page(col, col["url_path"], ents, head=f'<script src="{bad_js.replace(p.base, "")}"></script>')
    body = ('<div class="main"><h2>青禾市人民政府（繁體版）</h2><ul><li><a href="/big5/tzgg/index.html">通知公告</a></li>'
            '<li><a href="/index.html">簡體版</a></li></ul></div>')
    p.add("/big5/index.html", p.html("青禾市人民政府（繁體）", body,
                                     head=f'<script src="{bad_js.replace(p.base, "")}"></script>'))


# ---------------------------------------------------------------- traps and the home page

def _traps(p: Portal) -> None:
    p.add("/search/index.html", p.html(f"站内搜索_{SITE}",
          '<div class="main"><h2>站内搜索</h2><form action="/search/result.jsp"><input name="keyword"></form>'
          '<p>热门搜索：<a href="/search/result.jsp?page=1&amp;keyword=%E6%94%BF%E5%8A%A1%E5%85%AC%E5%BC%80">政务公开</a> '
          '<a href="/search/result.jsp?page=1&amp;keyword=%E5%85%AC%E7%A7%AF%E9%87%91">公积金</a></p></div>', crumb="站内搜索"))
    p.add("/nbbg/index.html", "<html><body>内部办公</body></html>", page=False, scan=False)
    p.trap_prefixes = {"calendar": "/hdjl/hdrl/index.html?", "search": "/search/result.jsp",
                       "explosion": "/xwzx/zwyw/search.jsp", "farm": "/bq/"}


def _home(p: Portal, home_news) -> None:
    dead = p.mark_broken(p.dead + "/", "connection refused (dead host)")
    nohead = p.x("/files/2026/zwgk_guide.pdf")
    waf = p.x("/waf/index.html")
    busy = p.x("/busy/index.html")
    for u, why in ((nohead, "HEAD refused, GET ok"), (waf, "WAF challenge 403: blocked"), (busy, "429 then 200")):
        p.must_not["link.broken"].append({"url": u, "why": why})
    news = "\n".join(f'<li><a href="{path}">{t}</a><span>{d.month:02d}-{d.day:02d}</span></li>' for path, t, d in home_news)
    body = f"""<div class="main w1200">
<div class="col-box"><h3><a href="/xwzx/zwyw/index.html">政务要闻</a></h3><ul>{news}</ul></div>
<div class="col-box"><h3>快速通道</h3><ul>
<li><a href="/xxgk/index.html">政府信息公开</a></li><li><a href="/xwzx/tzgg/index.html">通知公告</a></li>
<li><a href="/search/index.html">站内搜索</a></li><li><a href="/nbbg/index.html">内部办公</a></li>
<li><a href="/bq/1.html">热点标签</a></li>
<li><a href="mailto:12345@qinghe.example">市长热线</a></li><li><a href="javascript:void(0)">无障碍浏览</a></li>
</ul></div>
<div class="links"><h3>友情链接</h3>
<a href="{dead}">青禾市旧版门户</a> <a href="{nohead}">政务公开工作指引（PDF）</a>
<a href="{waf}">省政务服务网</a> <a href="{busy}">省统计局</a>
</div></div>"""
    p.add("/index.html", p.html(f"{SITE}", body, metas='<meta name="ColumnName" content="首页">'))
    p.res["/"] = p.res["/index.html"]
    p.ext_res["/files/2026/zwgk_guide.pdf"] = Res(200, b"%PDF-1.4\n" + b"0" * 200, [("Content-Type", "application/pdf")])
    p.ext_res["/waf/index.html"] = Res(
        403, b'<html><head><title>\xe5\xae\x89\xe5\x85\xa8\xe9\xaa\x8c\xe8\xaf\x81</title></head><body>'
             b'<script>var __jsl_clearance_s="1765";document.cookie="__jsl_clearance="+__jsl_clearance_s+";path=/";'
             b'location.href=location.pathname+location.search</script></body></html>',
        [("Content-Type", "text/html"), ("Server", "WAF/2.0")])
    p.ext_res["/busy/index.html"] = Res(200, "<html><head><title>省统计局</title></head><body>统计数据</body></html>".encode(),
                                        [("Content-Type", "text/html; charset=utf-8")])


# ---------------------------------------------------------------- the truth

_HREF_RE = re.compile(r"""<(a|img|link|script|iframe)\b[^>]*?\b(href|src)\s*=\s*["']([^"']*)["']""", re.I)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)


def _norm(url: str) -> str:
    s = urlsplit(url)
    path = enc_path(s.path) + (f"?{s.query}" if s.query else "")
    return f"{s.scheme}://{s.netloc}{path}"


def _expected_links(p: Portal) -> None:
    pairs = set()
    for page, text in p.crawled:
        for _tag, _attr, href in _HREF_RE.findall(_COMMENT_RE.sub("", text)):
            href = href.strip().replace("&amp;", "&")
            if not href or href.startswith(("mailto:", "javascript:", "#")):
                continue
            target = _norm(urljoin(page, href).split("#")[0])
            if target in p.broken:
                pairs.add((page, target))
    p.findings["link.broken"] = pairs


def _expected_untimely(p: Portal) -> None:
    for d in p.docs:
        w, pb = d["written"], d["published"]
        if w and pb and pb > nth_workday_after(w, WORKING_DAYS):
            p.findings["doc.untimely"].add(d["url"])
        elif w and pb:
            p.must_not["doc.untimely"].append({"url": d["url"], "why": f"{w} -> {pb} on time"})


# ------------------------------------------------------------------ serving

class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "nginx"
    sys_version = ""

    def log_message(self, *args):  # quiet
        pass

    def do_HEAD(self):
        self._serve(head=True)

    def do_GET(self):
        self._serve(head=False)

    def do_POST(self):
        self._serve(head=False)

    def _send(self, status: int, body: bytes = b"", headers=(), head=False):
        self.send_response(status)
        names = {k.lower() for k, _ in headers}
        for k, v in headers:
            self.send_header(k, v)
        if "content-type" not in names and status != 304:
            self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _serve(self, head: bool):
        st = self.server.state  # type: ignore[attr-defined]
        portal: Portal = st["portal"]
        parts = urlsplit(self.path)
        path = re.sub(r"%[0-9a-f]{2}", lambda m: m.group(0).upper(), parts.path)
        query = parts.query
        with st["lock"]:
            st["requests"].append((self.server.role, self.command, self.path))  # type: ignore[attr-defined]
        if self.server.role == "ext":  # type: ignore[attr-defined]
            return self._serve_ext(portal, path, head, st)
        if path == "/robots.txt":
            return self._send(200, b"User-agent: *\nDisallow: /nbbg/\n", [("Content-Type", "text/plain")], head)
        if path == "/xxgk/slow/ok.jsp":
            time.sleep(SLOW_SECONDS)
            return self._send(200, p_html("公开目录检索", "<p>检索结果页</p>"), head=head)
        if path == "/xxgk/slow/hang.jsp":
            time.sleep(HANG_SECONDS)
            return self._send(200, p_html("在线申请", "<p>在线申请</p>"), head=head)
        if path == "/hdjl/bszx/go.jsp" and query:
            step = int(parse_qs(query).get("step", ["1"])[0])
            loc = "/hdjl/bszx/done.html" if step >= 12 else f"/hdjl/bszx/go.jsp?step={step + 1}"
            return self._send(302, b"", [("Location", loc)], head)
        if path == "/hdjl/hdrl/index.html" and query:
            day = dt.date.fromisoformat(parse_qs(query).get("date", ["2026-12-14"])[0])
            nxt = day + dt.timedelta(days=1)
            return self._send(200, p_html(f"活动日历 {day}", f'<a href="index.html?date={nxt}">后一天</a>'), head=head)
        if path == "/search/result.jsp":
            q = parse_qs(query)
            n = int(q.get("page", ["1"])[0])
            kw = quote(q.get("keyword", [""])[0])
            return self._send(200, p_html("搜索结果", f'<p>第{n}页</p><a href="result.jsp?page={n + 1}&keyword={kw}">下一页</a>'),
                              head=head)
        if path == "/xwzx/zwyw/search.jsp":
            q = parse_qs(query)
            size = int(q.get("size", ["10"])[0])
            links = " ".join(f'<a href="search.jsp?sort={s}&order={o}&size={size + 10}">{s}{o}</a>'
                             for s in ("date", "title", "hits") for o in ("asc", "desc"))
            return self._send(200, p_html("排序查看", f"<p>{links}</p>"), head=head)
        m = re.fullmatch(r"/bq/(\d+)\.html", path)
        if m:
            n = int(m.group(1))
            links = " ".join(f'<a href="/bq/{n * 4 + k}.html">标签{n * 4 + k}</a>' for k in range(4))
            return self._send(200, p_html(f"标签{n}", f"<p>{links}</p>"), head=head)
        key = path + (f"?{query}" if query else "")
        res = portal.res.get(key) or portal.res.get(path)
        if res is None:
            return self._send(404, b"<html><head><title>404 Not Found</title></head><body><h1>404 Not Found</h1></body></html>",
                              head=head)
        return self._send(res.status, res.body, res.headers, head)

    def _serve_ext(self, portal: Portal, path: str, head: bool, st):
        if path == "/files/2026/zwgk_guide.pdf" and head:
            return self._send(405, b"", [("Allow", "GET")], head)
        if path == "/busy/index.html":
            with st["lock"]:
                st["busy"] += 1
                first = st["busy"] <= 1
            if first:
                return self._send(429, b"Too Many Requests", [("Retry-After", "1"), ("Content-Type", "text/plain")], head)
        res = portal.ext_res.get(path)
        if res is None:
            return self._send(404, b"<html><head><title>404 Not Found</title></head><body>Not Found</body></html>", head=head)
        return self._send(res.status, res.body, res.headers, head)


def p_html(title: str, body: str) -> bytes:
    return f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>{body}</body></html>'.encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


@dataclass
class Served:
    portal: Portal
    base: str
    ext: str
    dead: str
    servers: list
    state: dict

    @property
    def start_url(self) -> str:
        return self.base + "/index.html"

    def shutdown(self) -> None:
        for s in self.servers:
            s.shutdown()
            s.server_close()


def _free_port(host: str) -> int:
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def serve(host: str = "127.0.0.1", ext_host: str = "127.0.0.3") -> Served:
    state = {"lock": threading.Lock(), "requests": [], "busy": 0, "portal": None}
    main = _Server((host, 0), _Handler)
    main.role, main.state = "main", state
    try:
        ext = _Server((ext_host, 0), _Handler)
    except OSError:  # no 127.0.0.3 on this system: another port on the same address
        ext_host = host
        ext = _Server((ext_host, 0), _Handler)
    ext.role, ext.state = "ext", state
    base = f"http://{host}:{main.server_address[1]}"
    ext_base = f"http://{ext_host}:{ext.server_address[1]}"
    dead_host = "127.0.0.4" if ext_host != host else host
    try:
        dead = f"http://{dead_host}:{_free_port(dead_host)}"
    except OSError:
        dead = f"http://{host}:{_free_port(host)}"
    state["portal"] = build(base, ext_base, dead)
    for s in (main, ext):
        threading.Thread(target=s.serve_forever, daemon=True).start()
    return Served(state["portal"], base, ext_base, dead, [main, ext], state)


if __name__ == "__main__":  # pragma: no cover - by hand: python -m tests.portals.alt_portal
    srv = serve()
    print(srv.start_url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        srv.shutdown()
