"""Deterministic generator of the sample portal 示例市人民政府 (see README.md for what is planted).

``build_site()`` returns a :class:`~xxgk.sample.model.Site`: every resource in memory (path ->
bytes + headers), the external host's resources, and ``site.expected`` (the findings an audit
with ``--as-of 2026-11-20`` must produce, and the look-alikes it must not flag). Nothing reads
the clock; the same seed gives byte-identical output.
"""

from __future__ import annotations

import functools
import random
from datetime import date, timedelta
from urllib.parse import quote, unquote, urljoin, urlsplit

from . import text as T
from .graph import decode, links, normalise, pager_pages, template, to_scan
from .model import BASE, DEAD, EXT, HOST, Resource, Site
from .pages import (
    PAGE_JS,
    Column,
    Doc,
    cn_date,
    e,
    hanweb_article,
    hanweb_datastore,
    hanweb_page,
    hanweb_record,
    iso,
    trs_doc,
    trs_list,
    trs_page,
)

AS_OF = date(2026, 11, 20)
SEED = 20261120
START_PATH = "/index.html"
SCAN_ORIGIN = "http://127.0.0.1:1"

CATEGORIES = ["综合政务\\通知", "城乡建设、环境保护", "财政、金融、审计", "卫生、体育", "劳动、人事、监察",
              "农业、林业、水利", "公安、安全、司法", "科技、教育", "民政、扶贫、救灾", "工业、交通", "商贸、海关、旅游"]
CREDIT = "11999900MB0000001X"

# Tiny but valid binary files.
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
       b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")
OLE = bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 504  # .doc / .xls header
ZIPX = b"PK\x03\x04" + b"\x00" * 200  # .docx / .xlsx
JPG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")

CONTENT_TYPES = {
    ".pdf": ("application/pdf", PDF), ".doc": ("application/msword", OLE), ".xls": ("application/vnd.ms-excel", OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIPX),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIPX),
    ".png": ("image/png", PNG), ".gif": ("image/gif", GIF), ".jpg": ("image/jpeg", JPG),
}


def q(name: str) -> str:
    """Percent-encode a Chinese file name (UTF-8), as CMSs write attachment hrefs."""
    return quote(name, safe="")


class Builder:
    def __init__(self, seed: int = SEED):
        self.rng = random.Random(seed)
        self.titles = T.Titles(self.rng)
        self.site = Site()
        self.res = self.site.resources
        self.ext = self.site.ext_resources
        self.columns: dict[str, Column] = {}
        self.trs_id = 10001
        self.art_id = 30001
        self.index_seq: dict[int, int] = {}
        self.findings: list[dict] = []  # planted non-link findings
        self.mnf: dict[str, list[dict]] = {}
        self.planted_broken: dict[str, str] = {}  # normalised target -> why
        self.planted_ok: dict[str, str] = {}  # link look-alikes (must not be link.broken)
        self.blocked: set[str] = set()
        self.redirect_ok: set[str] = set()
        self.special_pages: list[str] = []

    # ------------------------------------------------------------------ helpers
    def put(self, path: str, body: bytes | str, ctype: str = "text/html", *, page: bool = False,
            status: int = 200, headers: tuple = (), kind: str = "static", encoding: str = "utf-8",
            note: str = "", table: dict | None = None) -> None:
        if isinstance(body, str):
            body = body.encode(encoding)
        (self.res if table is None else table)[path] = Resource(
            body=body, content_type=ctype, status=status, headers=headers, kind=kind, page=page, note=note)

    def redirect(self, path: str, location: str, status: int = 302, note: str = "", table: dict | None = None):
        (self.res if table is None else table)[path] = Resource(
            kind="redirect", status=status, location=location, note=note, content_type="text/html")

    def file(self, path: str, note: str = "") -> None:
        ext = "." + path.rsplit(".", 1)[-1].lower()
        ctype, body = CONTENT_TYPES[ext]
        self.put(path, body, ctype, note=note)

    def index_no(self, year: int) -> str:
        self.index_seq[year] = self.index_seq.get(year, 0) + 1
        return f"{CREDIT}/{year}-{self.index_seq[year]:05d}"

    def not_flag(self, rule: str, url: str, why: str, **extra) -> None:
        self.mnf.setdefault(rule, []).append({"url": url, "why": why, **extra})

    def find(self, rule: str, url: str, page_url: str, why: str, **extra) -> None:
        self.findings.append({"rule": rule, "url": url, "page_url": page_url, "why": why, **extra})

    @staticmethod
    def absolute(href: str, at: str) -> str:
        return normalise(urljoin(SCAN_ORIGIN + at, to_scan(href)))

    def broken(self, href: str, why: str, at: str = "/") -> str:
        """Register a planted broken link target (href as written on the page at path ``at``)."""
        self.planted_broken[self.absolute(href, at)] = why
        return href

    def fine(self, href: str, why: str, at: str = "/") -> str:
        """Register a link look-alike that must not be reported broken."""
        self.planted_ok[self.absolute(href, at)] = why
        return href

    def dates(self, newest: date, n: int, gaps: tuple[int, int]) -> list[date]:
        out, d = [], newest
        for _ in range(n):
            out.append(d)
            d -= timedelta(days=self.rng.randint(*gaps))
        return out

    # ------------------------------------------------------------------ documents
    def trs_doc_path(self, col: Column, pub: date, doc_id: int) -> str:
        return f"{col.dir}{pub:%Y%m}/t{pub:%Y%m%d}_{doc_id}.html"

    def new_doc(self, col: Column, title: str, pub: date | None, *, topic: str | None = None,
                url_date: date | None = None, **kw) -> Doc:
        topic = topic or self.rng.choice(T.TOPICS)
        when = pub or url_date
        if col.cms == "trs":
            doc_id, self.trs_id = self.trs_id, self.trs_id + 1
            path = self.trs_doc_path(col, when, doc_id)
        else:
            doc_id, self.art_id = self.art_id, self.art_id + 1
            path = f"/art/{when.year}/{when.month}/{when.day}/art_{col.colid}_{doc_id}.html"
        kw.setdefault("source", self.rng.choice(T.SOURCES) if col.cms == "trs" else self.rng.choice(T.DEPTS))
        kw.setdefault("time", f"{self.rng.randint(8, 17):02d}:{self.rng.choice(['00', '15', '30', '45'])}")
        if "paras" not in kw:
            kw["paras"] = T.paragraphs(self.rng, topic, self.rng.randint(3, 5))
        doc = Doc(id=doc_id, title=self.titles.reserve(title), column=col, published=pub, path=path, **kw)
        doc.sort_date = when  # type: ignore[attr-defined]
        col.docs.append(doc)
        return doc

    def policy_table(self, doc: Doc, *, org: str, docno: str, written: date | None, validity: str | None,
                     style: str = "std", cn: bool = False) -> list:
        fmt = cn_date if cn else iso
        year = (written or doc.published or doc.sort_date).year
        labels = {
            "std": ("索 引 号", "主题分类", "发布机构", "成文日期", "文　　号", "发布日期", "有 效 性"),
            "gz": ("索 引 号", "主题分类", "发文机关", "发文日期", "发文字号", "发布日期", "时 效 性"),
            "gen": ("索 引 号", "主题分类", "发布机构", "生成日期", "文　　号", "公开日期", "有 效 性"),
        }[style]
        rows = [(labels[0], self.index_no(year)), (labels[1], self.rng.choice(CATEGORIES)), (labels[2], org),
                (labels[3], fmt(written)), (labels[4], docno or "无"), (labels[5], fmt(doc.published))]
        if validity is not None:
            rows.append((labels[6], validity))
        doc.written = written
        doc.docno = docno
        doc.source = org
        return rows

    def trs_policy_table(self, doc: Doc, *, org: str, docno: str, written: date, validity: str | None) -> list:
        doc.written, doc.docno, doc.source = written, docno, org
        rows = [("索引号", self.index_no(written.year)), ("发布机构", org), ("名　　称", doc.title),
                ("文　　号", docno), ("主题分类", self.rng.choice(CATEGORIES)), ("成文日期", cn_date(written)),
                ("发布日期", cn_date(doc.published))]
        if validity is not None:
            rows.append(("有 效 性", validity))
        return rows

    # ------------------------------------------------------------------ columns
    def column(self, key: str, name: str, cms: str, path: str, **kw) -> Column:
        col = Column(key=key, name=name, cms=cms, path=path, **kw)
        self.columns[key] = col
        if col.parent:
            self.columns[col.parent].children.append(col)
        return col

    def filler(self, col: Column, n: int, newest: date, gaps: tuple[int, int], patterns: list[str],
               table: str | None = None, **kw) -> list[Doc]:
        docs = []
        for pub in self.dates(newest, n, gaps):
            title, topic = self.titles.make(patterns, pub.year)
            doc = self.new_doc(col, title, pub, topic=topic, **kw)
            if table:
                written = pub - timedelta(days=self.rng.randint(0, 6))
                if table == "trs":
                    n_no = self.rng.randint(10, 60)
                    doc.table = self.trs_policy_table(doc, org=T.GOV_OFFICE, written=written, validity="有效",
                                                      docno=f"示政办发〔{written.year}〕{n_no}号")
                else:
                    org = self.rng.choice(T.DEPTS)
                    docno = "无" if table == "gen" else f"示{org[1:3]}发〔{written.year}〕{self.rng.randint(1, 90)}号"
                    doc.table = self.policy_table(doc, org=org, docno=docno, written=written,
                                                  validity="有效" if table == "std" else None, style=table)
            docs.append(doc)
        return docs

    # ================================================================== build
    def build(self) -> Site:
        self.static_assets()
        self.trs_part()
        self.hanweb_part()
        self.ext_site()
        self.special_routes()
        self.render_all()
        self.compute_expected()
        return self.site

    # ------------------------------------------------------------------ assets
    def static_assets(self) -> None:
        css = "body{margin:0;font:14px/1.8 \"Microsoft YaHei\",SimSun;}.w1200{width:1200px;margin:0 auto}\n"
        for p in ("/css/common.css", "/script/page.css", "/images/1/hanweb.css", "/images/1/xxgk.css"):
            self.put(p, css, "text/css")
        js = "/* common */\nfunction doZoom(s){document.getElementById('zoom').style.fontSize=s+'px';}\n"
        for p in ("/js/jquery-1.12.4.min.js", "/js/common.js", "/js/jiucuo.js", "/module/jslib/jquery/jquery.js",
                  "/module/jslib/urite/urite.min.js", "/module/web/jpage/jpage.js", "/script/0/2611010900001.js",
                  "/script/0/2611010900002.js"):
            self.put(p, js, "application/javascript")
        self.put("/js/page.js", PAGE_JS, "application/javascript")
        for p in ("/images/logo.png", "/images/red.png", "/images/ga.png", "/images/1/xxgk_logo.png",
                  "/images/zt_yhyshj.png", "/images/zt_csgx.png", "/images/zt_cjwmcs.png", "/images/1/data_chart.png"):
            self.file(p)
        self.put("/favicon.ico", PNG, "image/x-icon")
        self.put("/robots.txt", "User-agent: *\nDisallow: /was5/\nDisallow: /jrobot/\n", "text/plain")

    # ------------------------------------------------------------------ TRS part
    def trs_part(self) -> None:
        c = self.column
        c("xwzx", "新闻中心", "trs", "/xwzx/index.html", kind="parent", colid=100)
        ywdt = c("ywdt", "要闻动态", "trs", "/xwzx/ywdt/index.html", parent="xwzx", colid=101, column_type="要闻动态")
        gzdt = c("gzdt", "工作动态", "trs", "/xwzx/gzdt/index.html", parent="xwzx", colid=102, column_type="工作动态",
                 extra_head='<script type="text/javascript" src="/js/jquery.SuperSlide.2.1.1.js"></script>')
        qxdt = c("qxdt", "区县动态", "trs", "/xwzx/qxdt/index.html", parent="xwzx", colid=103, column_type="区县动态")
        tzgg = c("tzgg", "通知公告", "trs", "/xwzx/tzgg/index.html", parent="xwzx", colid=104, column_type="通知公告",
                 header_charset="text/html; charset=UTF-8")
        tpxw = c("tpxw", "图片新闻", "trs", "/xwzx/tpxw/index.html", parent="xwzx", colid=105)
        szfwj = c("szfwj", "市政府文件", "trs", "/zwgk/szfwj/index.html", colid=110, list_style="table",
                  pager_vars=True, column_type="政策文件")
        c("ztzl", "专题专栏", "trs", "/ztzl/index.html", kind="parent", colid=120)
        yhyshj = c("yhyshj", "优化营商环境", "trs", "/ztzl/yhyshj/index.html", parent="ztzl", colid=121)
        csgx = c("csgx", "城市更新行动", "trs", "/ztzl/csgx/index.html", parent="ztzl", colid=122)
        c("cjwmcs", "创建全国文明城市", "trs", "/ztzl/cjwmcs/index.html", parent="ztzl", colid=123, kind="empty")
        zxft = c("zxft", "在线访谈", "trs", "/hdjl/zxft/index.html", colid=131)
        news = T.NEWS_PATTERNS

        # 要闻动态: fresh (home page freshness comes from here)
        self.filler(ywdt, 57, AS_OF - timedelta(days=1), (0, 2), news)
        d404 = self.new_doc(ywdt, "关于门户网站栏目整合调整的公告", date(2026, 11, 9), topic="政务服务", paras=[
            "为进一步提升门户网站集约化水平，市政府门户网站对部分栏目进行了整合调整。调整期间，部分原栏目地址"
            "可能出现“页面不存在”或“404 Not Found”提示，对您访问造成的不便，敬请谅解。",
            "原“政务公开”栏目已整体迁移至政府信息公开平台，原链接将自动跳转。如您发现链接错误或页面打不开，"
            "可通过网站“我要纠错”功能反馈，我们将在3个工作日内处理。",
            "特此公告。"])
        d404.note = "text mentions 页面不存在 / 404 inside an article: not a soft 404"
        rel = self.rng.choice([d for d in ywdt.docs if d.published and d.published.month == 11 and d is not d404])
        rel.related = [
            (self.broken("../202609/t20260915_9077.html", "deleted document (TRS, 404)", rel.path),
             "市政府召开第77次常务会议"),
            (self.broken("../202403/t20240301_9001.html", "soft 404: 200 with 页面不存在 template", rel.path),
             "2024年全市重点工作安排"),
            (self.broken(f"{EXT}/art/2020/5/6/art_1229_404.html", "external deep link, 404"), "省政府相关报道"),
            (self.fine("/slow/report.html", "answers after 3 s (config.slow_seconds): fine"), "专题报告（在线版）"),
        ]
        rel.note = "holds a deleted-doc link, a soft-404 link, an external 404 and a slow (fine) link"

        # 工作动态: stale, newest 20 days before as_of (column.stale 动态 14 days)
        self.filler(gzdt, 26, date(2026, 10, 31), (1, 4), news)
        self.find("column.stale", "{base}/xwzx/gzdt/index.html", "{base}/xwzx/gzdt/index.html",
                  "动态 column, newest entry 2026-10-31 = 20 days before as_of (limit 14 days)")
        # 区县动态: exactly 14 days
        self.filler(qxdt, 24, date(2026, 11, 6), (1, 5), news)
        self.not_flag("column.stale", "{base}/xwzx/qxdt/index.html", "动态 column, newest 2026-11-06: exactly 14 days")
        # 通知公告: 7 months
        notices = self.filler(tzgg, 22, date(2026, 4, 20), (4, 12), T.NOTICE_PATTERNS)
        self.find("column.stale", "{base}/xwzx/tzgg/index.html", "{base}/xwzx/tzgg/index.html",
                  "通知公告 column, newest entry 2026-04-20 = 7 months before as_of (limit 6 months)")
        n0 = notices[0]
        n0.attachments = [
            (self.broken("./" + q("附件1：申报指南.pdf"), "hard 404 pdf, percent-encoded Chinese name, GBK page",
                         n0.path), "附件1：申报指南.pdf"),
            (self.broken("./附件2：项目汇总表.xls", "hard 404 xls, raw Chinese name, GBK page", n0.path),
             "附件2：项目汇总表.xls"),
            (self.fine("./" + q("附件3：申报承诺书.doc"), "existing attachment, percent-encoded UTF-8 name on a GBK page",
                       n0.path), "附件3：申报承诺书.doc"),
        ]
        self.file(n0.path.rsplit("/", 1)[0] + "/附件3：申报承诺书.doc")
        n0.note = "attachments: 2 hard 404 + 1 existing percent-encoded"
        n1 = notices[3]
        n1.attachments = [(self.fine("./附件：拟推荐名单.xlsx", "existing attachment, raw Chinese name on a GBK page",
                                     n1.path), "附件：拟推荐名单.xlsx")]
        self.file(n1.path.rsplit("/", 1)[0] + "/附件：拟推荐名单.xlsx")
        # 图片新闻 with images
        pics = self.filler(tpxw, 18, AS_OF - timedelta(days=2), (1, 4), news)
        for i, d in enumerate(pics):
            stem = f"W0{d.published:%Y%m%d}{d.id}"
            n_img = 2
            imgs = "".join(f'<p style="text-align:center"><img src="./{stem}_{k}.jpg" alt="{e(d.title)}" /></p>'
                           for k in range(1, n_img + 1))
            for k in range(1, n_img + 1):
                self.file(d.path.rsplit("/", 1)[0] + f"/{stem}_{k}.jpg")
            if i == 4:
                imgs += f'<p style="text-align:center"><img src="./{stem}_3.jpg" alt="现场图片" /></p>'
                self.broken(f"{d.path.rsplit('/', 1)[0]}/{stem}_3.jpg", "missing image (TRS doc)")
                d.note = "missing image _3.jpg"
            d.extra_html = imgs
        # 市政府文件 (TRS, metadata box, createPageHTML with variables)
        self.filler(szfwj, 30, AS_OF - timedelta(days=4), (6, 16), T.POLICY_PATTERNS, table="trs")
        self.trs_untimely(szfwj)
        # topics and interviews
        self.filler(yhyshj, 10, AS_OF - timedelta(days=3), (3, 9), news)
        self.filler(csgx, 8, AS_OF - timedelta(days=6), (4, 12), news)
        self.find("column.empty", "{base}/ztzl/cjwmcs/index.html", "{base}/ztzl/cjwmcs/index.html",
                  "TRS topic column with zero entries (empty list, no note)")
        self.filler(zxft, 8, AS_OF - timedelta(days=8), (10, 30), ["{leader}做客在线访谈谈{topic}"])

    def trs_untimely(self, col: Column) -> None:
        cases = [
            (date(2026, 9, 28), date(2026, 10, 16), False, "National Day 2026: 10th working day after 09-28 is 10-16"),
            (date(2026, 9, 28), date(2026, 10, 19), True, "National Day 2026: 10-19 is the 11th working day"),
            (date(2026, 4, 30), date(2026, 5, 18), False, "May Day 2026 with make-up Sat 05-09: deadline 05-18"),
            (date(2026, 4, 30), date(2026, 5, 19), True, "May Day 2026: make-up Sat 05-09 counts, 05-19 is late"),
            (date(2025, 10, 9), date(2025, 10, 23), True,
             "make-up Sat 2025-10-11 counts: deadline 10-22 (Mon-Fri counting says 10-23, on time)"),
        ]
        for written, pub, late, why in cases:
            title, _ = self.titles.make(T.POLICY_PATTERNS, written.year)
            d = self.new_doc(col, title, pub)
            d.table = self.trs_policy_table(d, org=T.GOV_OFFICE, written=written, validity="有效",
                                            docno=f"示政办发〔{written.year}〕{self.rng.randint(61, 99)}号")
            d.note = why
            self.untimely(d, late, why)
        # wrong relative path + a raw-Chinese 404 attachment + an existing percent-encoded one, on a GBK doc
        d = col.docs[2]
        d.attachments = [
            (self.broken("./附件1：任务分工表.doc", "hard 404 doc, raw Chinese name, GBK page", d.path),
             "附件1：任务分工表.doc"),
            (self.fine("./" + q("附件2：政策问答.pdf"), "existing attachment, percent-encoded", d.path),
             "附件2：政策问答.pdf"),
        ]
        self.file(d.path.rsplit("/", 1)[0] + "/附件2：政策问答.pdf")
        d.related = [(self.broken("../zcjd/202611/t20261110_9088.html",
                                  "wrong relative path (one ../ short: resolves under /zwgk/szfwj/zcjd/)", d.path),
                      "政策解读")]
        d.note = "404 raw-Chinese attachment, existing percent-encoded one, wrong relative path"

    def untimely(self, d: Doc, late: bool, why: str) -> None:
        url = "{base}" + d.path
        if late:
            self.find("doc.untimely", url, "{base}" + d.column.path, why,
                      written=iso(d.written), published=iso(d.published))
        else:
            self.not_flag("doc.untimely", url, why, written=iso(d.written), published=iso(d.published))

    # ------------------------------------------------------------------ Hanweb platform
    def hanweb_part(self) -> None:
        def c(key, name, colid, parent=None, **kw):
            return self.column(key, name, "hanweb", f"/col/col{colid}/index.html", colid=colid, parent=parent, **kw)

        c("xxgk", "政府信息公开", 1001, kind="parent", column_type="政府信息公开")
        c("zn", "政府信息公开指南", 1002, parent="xxgk", kind="single", column_type="政府信息公开指南")
        zd = c("zd", "政府信息公开制度", 1003, parent="xxgk", column_type="政府信息公开制度")
        c("fdzdgknr", "法定主动公开内容", 1004, parent="xxgk", kind="parent", column_type="法定主动公开内容")
        nb = c("nb", "政府信息公开工作年度报告", 1006, parent="xxgk", column_type="政府信息公开年报")
        c("ysqgk", "依申请公开", 1005, parent="xxgk", kind="single")
        P = "fdzdgknr"
        jgzn = c("jgzn", "机构职能", 1010, P)
        c("zcwj", "政策文件", 1011, P, kind="parent", column_type="政策文件")
        gz = c("gz", "政府规章", 1012, "zcwj", list_style="table", column_type="政策文件")
        gfxwj = c("gfxwj", "行政规范性文件", 1013, "zcwj", list_style="table", column_type="政策文件")
        qtwj = c("qtwj", "其他文件", 1014, "zcwj", column_type="政策文件")
        zcjd = c("zcjd", "政策解读", 1015, P)
        ghjh = c("ghjh", "规划计划", 1016, P)
        sjfb = c("sjfb", "数据发布", 1017, P, column_type="统计信息")
        czyjs = c("czyjs", "财政预决算", 1018, P)
        sgjf = c("sgjf", "三公经费", 1019, P)
        c("xzcf", "行政处罚与行政强制", 1020, P, kind="stub")
        sf = c("xzsyxsf", "行政事业性收费", 1021, P)
        cg = c("zfcg", "政府采购", 1022, P)
        simple = [("jyxx", "教育信息", 1023), ("ylws", "医疗卫生", 1024), ("shbz", "社会保障", 1025),
                  ("cjjy", "促进就业", 1026), ("xczx", "乡村振兴", 1027), ("yjgl", "应急管理", 1028),
                  ("hjbh", "环境保护", 1029), ("aqsc", "安全生产", 1030), ("spyp", "食品药品监管", 1031)]
        c("rsxx", "人事信息", 1032, P, kind="parent")
        rsrm = c("rsrm", "人事任免", 1033, "rsxx", column_type="人事任免")
        zkly = c("zkly", "招考录用", 1034, "rsxx", column_type="招考录用")
        art21 = [("szjs", "市政建设", 1035), ("ggfw", "公共服务", 1036), ("gysy", "公益事业", 1037),
                 ("tdzs", "土地征收", 1038), ("fwzs", "房屋征收", 1039), ("zagl", "治安管理", 1040)]
        for key, name, colid in simple[:6]:
            c(key, name, colid, P)
        for key, name, colid in simple[6:]:
            c(key, name, colid, P)
        for key, name, colid in art21:
            c(key, name, colid, P)
        c("shjz", "社会救助", 1041, P, kind="empty")

        gen = T.GENERIC_PATTERNS

        def fresh() -> date:
            return AS_OF - timedelta(days=self.rng.randint(1, 9))

        # 制度 (unclassed, old), 年报
        self.filler(zd, 4, date(2024, 6, 18), (200, 400), ["{gov_office}关于印发{city}政府信息公开{topic}工作制度的通知"],
                    table="std")
        self.annual_reports(nb)
        self.filler(jgzn, 6, fresh(), (20, 60), ["{dept}主要职责和内设机构"], table="gen")
        self.regulations(gz, gfxwj)
        self.other_files(qtwj)
        self.filler(zcjd, 24, fresh(), (6, 20), T.JD_PATTERNS)
        self.filler(ghjh, 12, fresh(), (15, 45), ["{city}{topic}专项规划（{year}—2030年）", "{dept}{year}年工作计划"],
                    table="gen")
        self.data_release(sjfb)
        self.filler(czyjs, 20, fresh(), (8, 30), ["{dept}{year}年部门预算公开", "{dept}{year}年部门决算公开"], table="gen")
        self.filler(sgjf, 8, fresh(), (20, 60), ["{dept}{year}年“三公”经费预算情况说明"], table="gen")
        self.filler(sf, 6, fresh(), (30, 90), ["{dept}行政事业性收费项目目录清单（{year}年）"], table="gen")
        self.filler(cg, 20, fresh(), (4, 15), ["{dept}{topic}服务采购项目中标（成交）结果公告"], table="gen")
        for key, _, _ in simple + art21:
            self.filler(self.columns[key], 8, fresh(), (6, 30), gen, table="gen")
        self.filler(rsrm, 10, fresh(), (15, 40), ["{city}人民政府关于{name}等同志职务任免的通知"], table="std")
        self.filler(zkly, 8, fresh(), (15, 40), ["{dept}{year}年公开招聘工作人员公告"], table="gen")

        self.find("column.empty", "{base}/col/col1041/index.html", "{base}/col/col1041/index.html",
                  "社会救助: datastore with zero records, totalrecord 0, 暂无信息")
        for key, why in (("fdzdgknr", "parent column that only shows sub-columns"),
                         ("zcwj", "parent column that only shows sub-columns"),
                         ("rsxx", "parent column that only shows sub-columns"),
                         ("zn", "single-page column (the guide itself)"), ("ysqgk", "single-page column"),
                         ("xzcf", "meta-refresh stub to the external 执法公示 platform")):
            self.not_flag("column.empty", "{base}" + self.columns[key].path, why)
        self.not_flag("column.empty", "{base}/zjsl/sqgk/index.html", "single-page column (TRS 市情概况)")
        self.not_flag("column.empty", "{base}/ztzl/yhyshj/index.html", "single-page list (10 entries)")
        plat = "{base}/col/col1001/index.html"
        for cat in ("行政许可", "重大建设项目"):
            self.find("category.missing", plat, plat, f"no column named {cat} or a synonym", category=cat)
        self.not_flag("category.missing", plat, "统计信息 present only as 数据发布 (synonym); 行政处罚 as a stub; "
                      "社会救助 present but empty (column.empty, not missing)")

    def annual_reports(self, col: Column) -> None:
        for year in range(2025, 2018, -1):
            pub = date(year + 1, 3, 25 - (year % 3))
            d = self.new_doc(col, f"示例市人民政府{year}年政府信息公开工作年度报告", pub, topic="政务公开", paras=[
                f"本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息公开办公室有关要求编制。全文包括总体情况、"
                f"主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及"
                f"改进情况、其他需要报告的事项。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
                "一、总体情况。全市各级行政机关坚持以公开为常态、不公开为例外，持续深化政务公开。",
                "二、主动公开政府信息情况。详见附表。三、收到和处理政府信息公开申请情况。详见附表。",
                "四、政府信息公开行政复议、行政诉讼情况。五、存在的主要问题及改进情况。六、其他需要报告的事项。"])
            d.table = self.policy_table(d, org=T.GOV_OFFICE, docno="无", written=pub - timedelta(days=2),
                                        validity=None, style="gen")
            if year == 2019:
                d.attachments = [(self.broken(f"/attach/0/{year}年度政府信息公开情况统计表.xls",
                                              "hard 404 xls, raw Chinese name, UTF-8 page"), "附表：统计表")]
                d.note = "404 attachment"
        self.not_flag("annual_report.missing", "{base}" + col.path,
                      f"2025 report published {iso(col.docs[0].published)} (before 03-31)")

    def regulations(self, gz: Column, gf: Column) -> None:
        # 政府规章: 令第N号, 现行有效
        for i, pub in enumerate(self.dates(AS_OF - timedelta(days=8), 12, (60, 200))):
            title, topic = self.titles.make(T.REG_PATTERNS, pub.year)
            d = self.new_doc(gz, title, pub, topic=topic, paras=T.reg_articles(self.rng, topic))
            d.table = self.policy_table(d, org=T.GOV, docno=f"示例市人民政府令第{40 - i}号",
                                        written=pub - timedelta(days=self.rng.randint(1, 6)),
                                        validity="现行有效", style="gz")
        old = gz.docs[5]
        d = self.new_doc(gz, old.title, old.published - timedelta(days=900), topic="政务服务",
                         paras=T.reg_articles(self.rng, "政务服务"))
        d.table = self.policy_table(d, org=T.GOV, docno="示例市人民政府令第12号", written=d.published - timedelta(days=3),
                                    validity="已修订", style="gz")
        d.note = "old version marked 已修订 (out of force): not stale"
        self.not_flag("reg.stale", "{base}" + d.path, "earlier version marked 已修订")
        self.not_flag("reg.validity_missing", "{base}" + d.path, "marked 已修订 (时效性 label variant)")

        # 行政规范性文件: filler, in force, no expiry before 2028
        for pub in self.dates(AS_OF - timedelta(days=5), 24, (25, 45)):
            title, topic = self.titles.make(T.REG_PATTERNS, pub.year)
            arts = T.reg_articles(self.rng, topic)
            written = pub - timedelta(days=self.rng.randint(1, 6))
            arts.append(f"第六条　本办法自{written.year}年{written.month}月{written.day}日起施行，有效期5年。")
            d = self.new_doc(gf, title, pub, topic=topic, paras=arts)
            d.table = self.policy_table(d, org=self.rng.choice([T.GOV, T.GOV_OFFICE]), written=written,
                                        validity="有效", docno=f"示政{self.rng.choice(['', '办'])}规〔{written.year}〕"
                                        f"{self.rng.randint(12, 40)}号")
        gf.docs[1].attachments = [(self.broken("/attach/0/" + q("附件：实施细则.pdf"),
                                               "hard 404 pdf, percent-encoded, UTF-8 page"), "附件：实施细则.pdf")]
        gf.docs[1].note = "404 attachment"
        gf.docs[2].attachments = [(self.fine("/module/download/downfile.jsp?classid=0&filename=2611101030123.pdf",
                                             "existing attachment via downfile.jsp"), "附件：办事指南.pdf")]
        self.file("/module/download/downfile.jsp?classid=0&filename=2611101030123.pdf")

        def reg(title, docno, written, pub, validity, last, why_rules, note, **kw):
            d = self.new_doc(gf, title, pub, topic="政务服务", paras=T.reg_articles(self.rng, "政务服务") + [last])
            d.table = self.policy_table(d, org=T.GOV, docno=docno, written=written, validity=validity, **kw)
            d.note = note
            url = "{base}" + d.path
            for rule, fires, why in why_rules:
                if fires:
                    self.find(rule, url, "{base}" + gf.path, why)
                else:
                    self.not_flag(rule, url, why)
            return d

        reg("示例市老旧小区改造资金管理办法", "示政规〔2024〕3号", date(2024, 6, 24), date(2024, 6, 28), "有效",
            "第六条　本办法自2024年7月1日起施行，有效期至2026年6月30日。",
            [("reg.stale", True, "marked 有效 but 有效期至2026年6月30日 (before as_of)")], "stale: 有效期至 passed")
        reg("示例市城区公共停车场收费管理办法", "示政办规〔2022〕5号", date(2022, 8, 10), date(2022, 8, 15), None,
            "第六条　本办法自2022年9月1日起施行，有效期3年。",
            [("reg.stale", True, "unmarked; 自2022-09-01施行, 有效期3年 -> ended 2025-08-31"),
             ("reg.validity_missing", True, "no 有效性 row")], "unmarked and expired")
        reg("示例市促进数字经济高质量发展若干措施", "示政规〔2026〕6号", date(2026, 10, 20), date(2026, 10, 23), None,
            "本措施自印发之日起施行。",
            [("reg.validity_missing", True, "规范性文件 (示政规 文号) with no 有效性 row"),
             ("reg.stale", False, "unmarked but no period and no repeal")], "no 有效性")
        d = reg("示例市政府投资项目管理办法", "示政规〔2025〕4号", date(2025, 5, 12), date(2025, 5, 16), None,
                "第六条　本办法自2025年6月1日起施行。",
                [("reg.validity_missing", True, "有效性 row only inside an HTML comment")], "commented-out 有效性")
        d.table.append(("#", "有 效 性", "有效"))
        reg("示例市户外广告设施设置管理办法", "示政规〔2025〕7号", date(2025, 8, 4), date(2025, 8, 8), "",
            "第六条　本办法自2025年9月1日起施行。",
            [("reg.validity_missing", True, "有效性 row present with an empty value")], "empty 有效性")
        repeal_text = ("经市人民政府研究，决定对《示例市城市道路挖掘管理办法》（示政规〔2019〕3号）、《示例市市区犬类管理规定》"
                       "（示政规〔2020〕2号）、《示例市农村宅基地审批管理办法》（示政办规〔2018〕9号）予以废止；对《示例市高层次"
                       "人才引进实施办法》（示政办规〔2021〕11号）宣布失效。本决定自印发之日起施行。")
        dec = reg("示例市人民政府关于废止和宣布失效部分行政规范性文件的决定", "示政规〔2026〕4号", date(2026, 9, 14),
                  date(2026, 9, 18), "有效", "附件：废止和宣布失效的行政规范性文件目录（共4件）",
                  [("reg.stale", False, "the repeal decision itself (有效)")], "repeal decision listing four 文号")
        dec.paras = [repeal_text, dec.paras[-1]]
        reg("示例市城市道路挖掘管理办法", "示政规〔2019〕3号", date(2019, 4, 8), date(2019, 4, 12), "有效",
            "第六条　本办法自2019年5月1日起施行。",
            [("reg.stale", True, "marked 有效 but repealed by 示政规〔2026〕4号 (listed by 文号)")], "repealed, still 有效")
        reg("示例市市区犬类管理规定", "示政规〔2020〕2号", date(2020, 3, 2), date(2020, 3, 6), "有效",
            "第六条　本规定自2020年4月1日起施行。",
            [("reg.stale", True, "marked 有效 but repealed by 示政规〔2026〕4号")], "repealed, still 有效")
        reg("示例市高层次人才引进实施办法", "示政办规〔2021〕11号", date(2021, 6, 7), date(2021, 6, 10), "有效",
            "第六条　本办法自印发之日起施行。",
            [("reg.stale", True, "marked 有效 but declared 失效 by 示政规〔2026〕4号")], "declared invalid, still 有效")
        reg("示例市城市道路挖掘管理办法", "示政规〔2026〕2号", date(2026, 8, 20), date(2026, 8, 25), "有效",
            "第六条　本办法自2026年10月1日起施行。2019年4月8日印发的《示例市城市道路挖掘管理办法》同时废止。",
            [("reg.stale", False, "newer version with the same title as the repealed one (different 文号)")],
            "newer same-title version")
        reg("示例市住房租赁补贴发放办法", "示政规〔2021〕5号", date(2021, 3, 15), date(2021, 3, 18), "失效",
            "第六条　本办法自2021年4月1日起施行，有效期至2023年12月31日。",
            [("reg.stale", False, "expired but marked 失效")], "expired, marked 失效")
        reg("示例市物业服务收费管理办法", "示政规〔2023〕9号", date(2023, 11, 6), date(2023, 11, 9), "有效",
            "第六条　本办法自2024年1月1日起施行，有效期至2028年12月31日。",
            [("reg.stale", False, "有效期至2028-12-31, after as_of")], "in force until 2028")
        reg("示例市公共租赁住房管理办法", "示政规〔2021〕14号", date(2021, 11, 15), date(2021, 11, 18), "有效",
            "第六条　本办法自2021年11月21日起施行，有效期5年。",
            [("reg.stale", False, "施行 2021-11-21 + 5 years ends 2026-11-20 = as_of: still in force on as_of")],
            "boundary: last day of validity is as_of")
        reg("示例市既有住宅加装电梯管理办法", "示政规〔2021〕13号", date(2021, 11, 15), date(2021, 11, 18), "有效",
            "第六条　本办法自2021年11月20日起施行，有效期5年。",
            [("reg.stale", True, "施行 2021-11-20 + 5 years ended 2026-11-19, the day before as_of")],
            "boundary: expired the day before as_of")

    def other_files(self, col: Column) -> None:
        self.filler(col, 38, AS_OF - timedelta(days=2), (6, 16), T.POLICY_PATTERNS, table="std")
        cases = [
            (date(2026, 2, 12), date(2026, 3, 4), False,
             "Spring Festival 2026: 10th working day after 02-12 is 03-04 (Mon-Fri counting says late)"),
            (date(2026, 2, 12), date(2026, 3, 5), True, "Spring Festival 2026: 03-05 is the 11th working day"),
            (date(2025, 9, 26), date(2025, 10, 16), False, "National Day 2025: 10th working day after 09-26 is 10-16"),
            (date(2025, 9, 26), date(2025, 10, 17), True, "National Day 2025: 10-17 is the 11th working day"),
            (date(2026, 11, 2), date(2026, 11, 16), False, "ordinary weeks: exactly the 10th working day"),
            (date(2026, 11, 2), date(2026, 11, 17), True, "ordinary weeks: the 11th working day"),
            (date(2026, 2, 26), date(2026, 3, 12), True,
             "make-up Sat 2026-02-28 counts: deadline 03-11 (Mon-Fri counting says 03-12, on time)"),
        ]
        for written, pub, late, why in cases:
            title, _ = self.titles.make(T.POLICY_PATTERNS, written.year)
            d = self.new_doc(col, title, pub)
            d.table = self.policy_table(d, org=T.GOV_OFFICE, written=written, validity="有效",
                                        docno=f"示政办发〔{written.year}〕{self.rng.randint(61, 99)}号")
            d.note = why
            self.untimely(d, late, why)
        # 成文日期 only inside a comment: not checkable
        title, _ = self.titles.make(T.POLICY_PATTERNS, 2026)
        d = self.new_doc(col, title, date(2026, 7, 20))
        d.table = self.policy_table(d, org=T.GOV_OFFICE, written=None, validity="有效", docno="示政办发〔2026〕33号")
        d.table = [r for r in d.table if r[0] != "成文日期"] + [("#", "成文日期", "2026-06-01")]
        d.written = None
        d.note = "成文日期 only in an HTML comment (2026-06-01, would be late): not checkable"
        self.not_flag("doc.untimely", "{base}" + d.path, d.note)
        # no date anywhere (empty table cells, Maketime only)
        title, _ = self.titles.make(T.POLICY_PATTERNS, 2026)
        d = self.new_doc(col, title, None, url_date=date(2026, 9, 7), pubdate_meta=None, list_date=False,
                         date_line=False)
        d.table = self.policy_table(d, org=T.GOV_OFFICE, written=None, validity="有效", docno="示政办函〔2026〕58号")
        d.note = "no publication date anywhere (empty 成文日期/发布日期 cells, no PubDate meta, Maketime only)"
        self.find("doc.date_missing", "{base}" + d.path, "{base}" + col.path, d.note)

    def data_release(self, col: Column) -> None:
        pats = ["{year}年{topic}统计数据", "{city}{year}年{topic}主要指标", "{dept}{year}年{topic}统计公报"]
        self.filler(col, 20, AS_OF - timedelta(days=3), (8, 20), pats)
        d = self.new_doc(col, "示例市2026年8月份居民消费价格变动情况", None, url_date=date(2026, 9, 1), pubdate_meta="",
                         list_date=False, date_line=False)
        d.extra_html = ('<!--<div class="small-title"><span>发布日期：2026-09-01</span></div>-->\n'
                        '<p style="text-align:center"><img src="/images/1/data_chart.png" alt="发布时间：2026-09-01" /></p>')
        d.note = "date only in an HTML comment and an img alt; PubDate meta empty"
        self.find("doc.date_missing", "{base}" + d.path, "{base}" + col.path, d.note)
        d = self.new_doc(col, "示例市2026年10月份工业生产情况", date(2026, 11, 12), date_line=False)
        d.note = "date only in the PubDate meta: fine"
        self.not_flag("doc.date_missing", "{base}" + d.path, d.note)
        d = self.new_doc(col, "示例市2026年1—10月固定资产投资情况", date(2026, 11, 3), pubdate_meta=None)
        d.note = "date only in the 发布日期 line: fine"
        self.not_flag("doc.date_missing", "{base}" + d.path, d.note)

    # ------------------------------------------------------------------ external host
    def ext_site(self) -> None:
        x = self.ext
        home = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>示范省人民政府</title></head><body>'
                '<h1>示范省人民政府门户网站</h1><p>网站标识码：9900000001</p></body></html>')
        for p, title in (("/", "示范省人民政府"), ("/zwfw/index.html", "示范省政务服务网"),
                         ("/zfgs/index.html", "示范省行政执法公示平台"), ("/beian/", "ICP/IP地址/域名信息备案管理系统"),
                         ("/beian/portal/registerSystemInfo", "全国互联网安全管理服务平台"),
                         ("/conac/sitename", "党政机关网站标识")):
            self.put(p, home.replace("示范省人民政府门户网站", title), table=x)
        self.put("/robots.txt", "User-agent: *\nDisallow:\n", "text/plain", table=x)
        self.put("/nohead/2026/guide.pdf", PDF, "application/pdf", kind="nohead", table=x,
                 note="405 to HEAD, 200 to GET")
        self.put("/busy/index.html", home.replace("示范省人民政府门户网站", "示范市人民政府"), kind="ratelimit", table=x,
                 note="429 + Retry-After for the first request(s), then 200")
        waf412 = ('<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
                  '<meta id="9DhefwqGPrzGxEp9hPaoag" content="KqZk1Ym2Iw">'
                  '<script type="text/javascript" r="m">$_ts=window["$_ts"];if(!$_ts)$_ts={};$_ts.nsd=48291;'
                  '$_ts.cd="qrPcrrAlEqGqcGAlDq3rcsVrEsWlqGQqWpQlrsOrWq";</script>'
                  '<script type="text/javascript" charset="utf-8" src="/4QbVtADbnLVIc/c.FxJzG50F.dfe1675.js" r="m">'
                  '</script></head><body></body></html>')
        self.put("/waf412/index.html", waf412, status=412, table=x, note="瑞数-style JS challenge", headers=(
            ("Set-Cookie", "FSSBBIl1UgzbN7N80S=Vx1Yk8qmO2hGNd2tPcRl3Q; Path=/; expires=Sun, 20 Nov 2033 00:00:00 GMT"),
            ("Server", "WAF"), ("Cache-Control", "no-store")))
        waf403 = ('<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title><meta charset="UTF-8">'
                  '<meta name="robots" content="noindex,nofollow"></head><body><noscript>Enable JavaScript and cookies '
                  'to continue</noscript><div id="challenge-error-text">Checking your browser before accessing the site.'
                  '</div><script>(function(){window._cf_chl_opt={cvId:"3",cType:"managed"};})();</script></body></html>')
        self.put("/waf403/index.html", waf403, status=403, table=x, note="Cloudflare-style managed challenge", headers=(
            ("Server", "cloudflare"), ("CF-RAY", "8e3c0d1f5a2b4c6d-HKG"), ("cf-mitigated", "challenge"),
            ("Cache-Control", "private, max-age=0, no-store, no-cache, must-revalidate")))
        self.blocked.update({normalise(to_scan(f"{EXT}/waf412/index.html")), normalise(to_scan(f"{EXT}/waf403/index.html"))})

    # ------------------------------------------------------------------ special routes
    def special_routes(self) -> None:
        soft = trs_page("页面不存在", '<div class="main w1200 err404"><h2>对不起，您访问的页面不存在或已被删除！</h2>'
                        '<p>请检查您输入的网址是否正确，或<a href="/index.html">返回首页</a>。</p></div>')
        self.put("/xwzx/ywdt/202403/t20240301_9001.html", soft, encoding="gbk", note="soft 404 (200)")
        self.special_pages.append("{base}/xwzx/ywdt/202403/t20240301_9001.html")
        self.put("/slow/report.html", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>专题报告</title></head>'
                 '<body><h1>示例市2026年专题报告</h1><p>报告正文。</p></body></html>', kind="slow",
                 note="answers after config.slow_seconds (default 3 s)")
        self.special_pages.append("{base}/slow/report.html")
        self.put("/slow/hang.html", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>hang</title></head>'
                 '<body>late</body></html>', kind="hang", note="answers after config.hang_seconds (default 20 s); not linked")
        self.redirect("/ztzl/2019lh/index.html", f"{BASE}/index.html", 302, "deep link redirected to the home page")
        self.redirect("/hdjl/wsdc/index.html", "/hdjl/wsdc/index.jsp", 302, "redirect loop")
        self.redirect("/hdjl/wsdc/index.jsp", f"{BASE}/hdjl/wsdc/index.html", 302, "redirect loop")
        for i in range(1, 13):
            nxt = f"/hdjl/bszx/r{i + 1}.html" if i < 12 else "/hdjl/zxft/index.html"
            self.redirect(f"/hdjl/bszx/r{i}.html", nxt, 302, "12-hop redirect chain")
        self.redirect("/old/zwgk/index.html", f"{BASE}/col/col1001/index.html", 301, "working 301 (link.redirect)")
        self.redirect_ok.add(normalise(to_scan(f"{BASE}/old/zwgk/index.html")))
        self.put("/hdjl/ldxx/index.jsp", "<html><body><h1>500 Internal Server Error</h1>"
                 "<p>java.lang.NullPointerException</p></body></html>", status=500, note="500")
        self.put("/module/web/jpage/dataproxy.jsp", b"", "text/xml; charset=UTF-8", kind="dataproxy",
                 note="Hanweb AJAX paging: GET/POST columnid, startrecord, endrecord -> <datastore> XML")
        self.put("/was5/web/search", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>检索结果</title></head>'
                 '<body><p>共找到 0 条结果</p></body></html>', note="search (robots.txt disallows)")
        self.put("/jrobot/search.do", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>检索</title></head>'
                 '<body><p>共找到 0 条结果</p></body></html>', note="search (robots.txt disallows)")

    # ------------------------------------------------------------------ rendering
    def render_all(self) -> None:
        for col in self.columns.values():
            col.docs.sort(key=lambda d: (d.sort_date, d.id), reverse=True)
        self.render_home()
        self.render_trs_pages()
        for col in self.columns.values():
            if col.cms == "trs":
                self.render_trs_column(col)
            else:
                self.render_hanweb_column(col)
        self.render_fanti()

    def gbk(self, path: str, html: str, *, header: str | None = None, page: bool = True, note: str = "",
            encoding: str = "gbk") -> None:
        headers = ()
        ctype = header or "text/html"
        self.put(path, html, ctype, page=page, encoding=encoding, headers=headers, note=note)

    def trs_side(self, parent: Column) -> str:
        items = "\n".join(f'<li><a href="{ch.path}">{e(ch.name)}</a></li>' for ch in parent.children)
        return f'<div class="side_nav"><h3>{e(parent.name)}</h3><ul>\n{items}\n</ul></div>'

    def trs_crumbs(self, col: Column, doc: bool = False) -> str:
        parts = ['<a href="/index.html">首页</a>']
        if col.parent:
            p = self.columns[col.parent]
            parts.append(f'<a href="{p.path}">{e(p.name)}</a>')
        parts.append(f'<a href="{col.path}">{e(col.name)}</a>' if doc else f"<span>{e(col.name)}</span>")
        return " &gt; ".join(parts)

    def render_trs_column(self, col: Column) -> None:
        if col.kind == "parent":
            blocks = []
            for ch in col.children:
                lis = "\n".join(f'<li><a href="{d.path}" target="_blank">{e(d.title)}</a><span>{iso(d.published)}</span></li>'
                                for d in ch.docs[:5])
                blocks.append(f'<div class="lm_block"><div class="lm_head"><h3><a href="{ch.path}">{e(ch.name)}</a></h3>'
                              f'<a class="more" href="{ch.path}">更多&gt;&gt;</a></div><ul>\n{lis}\n</ul></div>')
            extra_head = ""
            extra = ""
            if col.key == "xwzx":
                extra_head = '<link rel="stylesheet" type="text/css" href="/css/xwzx_2019.css" />'
                self.broken("/css/xwzx_2019.css", "broken stylesheet (新闻中心 page)")
            if col.key == "ztzl":
                extra = ('<div class="wqzt"><h3>往期专题</h3><ul><li><a href="/ztzl/2019lh/index.html" target="_blank">'
                         '2019年全市两会专题</a></li></ul></div>')
                self.broken("/ztzl/2019lh/index.html", "deep link redirected (302) to the home page: soft 404")
                imgs = "".join(f'<a href="{ch.path}"><img src="/images/zt_{ch.key}.png" alt="{e(ch.name)}" /></a>'
                               for ch in col.children)
                extra = f'<div class="zt_banner">{imgs}</div>' + extra
            body = (f'<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; '
                    f'<span>{e(col.name)}</span></div>{extra}\n' + "\n".join(blocks) + "</div>")
            self.gbk(col.path, trs_page(col.name, body, column=col, extra_head=extra_head))
            return
        docs = col.docs
        per = col.perpage
        count = max(1, -(-len(docs) // per))
        parent = self.columns[col.parent] if col.parent else None
        side = self.trs_side(parent) if parent else ""
        head = '<script type="text/javascript" src="/js/page.js"></script>\n' + col.extra_head
        if col.key == "gzdt":
            self.broken("/js/jquery.SuperSlide.2.1.1.js", "broken script (工作动态 list template)")
        charset = "meta5" if col.key == "szfwj" else "gb2312"
        for i in range(count):
            chunk = docs[i * per:(i + 1) * per]
            body = trs_list(col, chunk, i, count, self.trs_crumbs(col), side)
            path = col.path if i == 0 else f"{col.dir}index_{i}.html"
            self.gbk(path, trs_page(col.name, body, column=col, charset_meta=charset, extra_head=head),
                     header=col.header_charset)
        for d in docs:
            self.render_trs_doc(d, charset)

    def render_trs_doc(self, d: Doc, charset: str) -> None:
        col = d.column
        html = trs_page(d.title, trs_doc(d, self.trs_crumbs(col, doc=True)), column=col, doc=d, charset_meta=charset)
        self.gbk(d.path, html, header=col.header_charset, note=d.note)

    def render_home(self) -> None:
        yw = self.columns["ywdt"].docs[:8]
        tz = self.columns["tzgg"].docs[:6]
        gk = [("政府信息公开指南", "/col/col1002/index.html"), ("政府信息公开制度", "/col/col1003/index.html"),
              ("法定主动公开内容", "/col/col1004/index.html"), ("政府信息公开年报", "/col/col1006/index.html"),
              ("行政规范性文件", "/col/col1013/index.html"), ("依申请公开", "/col/col1005/index.html")]

        def lis(docs):
            return "\n".join(f'<li><a href="{d.path}" target="_blank" title="{e(d.title)}">{e(d.title)}</a>'
                             f'<span class="date">{d.published:%m-%d}</span></li>' for d in docs)
        friends = [
            (f"{EXT}/", "示范省人民政府"), (f"{EXT}/zwfw/index.html", "示范省政务服务网"),
            (self.broken(f"{DEAD}/", "external host, connection refused"), "某某市人民政府"),
            (f"{EXT}/waf412/index.html", "示范省发展和改革委员会"), (f"{EXT}/waf403/index.html", "示范省统计局"),
            (self.fine(f"{EXT}/busy/index.html", "429 + Retry-After, then 200: not broken"), "示范市人民政府"),
        ]
        fl = "\n".join(f'<li><a href="{h}" target="_blank">{t}</a></li>' for h, t in friends)
        gkl = "\n".join(f'<li><a href="{BASE}{h}" target="_blank">{t}</a></li>' for t, h in gk)
        body = f"""<div class="main w1200 index">
<div class="banner"><a href="/ztzl/yhyshj/index.html"><img src="/images/zt_yhyshj.png" alt="优化营商环境" /></a></div>
<div class="idx_news fl"><div class="idx_head"><h2><a href="/xwzx/ywdt/index.html">要闻动态</a></h2><a class="more" href="/xwzx/ywdt/index.html">更多&gt;&gt;</a></div>
<ul>
{lis(yw)}
</ul></div>
<div class="idx_notice fr"><div class="idx_head"><h2><a href="/xwzx/tzgg/index.html">通知公告</a></h2><a class="more" href="/xwzx/tzgg/index.html">更多&gt;&gt;</a></div>
<ul>
{lis(tz)}
</ul></div>
<div class="idx_gk clearfix"><h2><a href="{BASE}/col/col1001/index.html">政府信息公开</a></h2><ul>
{gkl}
</ul></div>
<div class="idx_hd"><h2>互动交流</h2><ul>
<li><a href="{self.broken('/hdjl/ldxx/index.jsp', 'HTTP 500')}" target="_blank">市长信箱</a></li>
<li><a href="//{HOST}/hdjl/zxft/index.html">在线访谈</a></li>
<li><A HREF=" /zjsl/sqgk/index.html " TARGET="_blank">市情概况</A></li>
</ul></div>
<div class="idx_links"><h2>友情链接</h2><ul>
{fl}
</ul></div>
</div>"""
        html = trs_page(T.GOV + "门户网站", body, column=None)
        self.gbk("/index.html", html, note="home page")
        self.put("/", html, page=False, encoding="gbk", note="home page (same as /index.html; never linked)")

    def render_trs_pages(self) -> None:
        statics = [
            ("/zjsl/sqgk/index.html", "市情概况", None, "gb2312",
             "示例市位于示范省中部，总面积3861平方公里，辖3区3县，常住人口186.4万人。"),
            ("/zjsl/lsyg/index.html", "历史沿革", "text/html; charset=ISO-8859-1", "gb2312",
             "示例市历史悠久，秦置县，唐设州，1983年撤地设市。"),
            ("/zjsl/xzqh/index.html", "行政区划", None, "gb2312",
             "全市辖东城区、西湖区、南山区和北岭县、清河县、云台县，鄚家坝镇等62个乡镇（街道）。"),
        ]
        for path, name, header, cs, para in statics:
            col = Column(key=path, name=name, cms="trs", path=path, kind="single")
            side = ('<div class="side_nav"><h3>走进示例</h3><ul><li><a href="/zjsl/sqgk/index.html">市情概况</a></li>'
                    '<li><a href="/zjsl/lsyg/index.html">历史沿革</a></li><li><a href="/zjsl/xzqh/index.html">行政区划</a>'
                    '</li></ul></div>')
            body = (f'<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; '
                    f'<a href="/zjsl/sqgk/index.html">走进示例</a> &gt; <span>{name}</span></div>{side}'
                    f'<div class="right"><h2>{name}</h2><div class="TRS_Editor"><p>　　{para}</p>'
                    + "".join(f"<p>　　{p}</p>" for p in T.paragraphs(self.rng, "城市更新", 3)) + "</div></div></div>")
            self.gbk(path, trs_page(name, body, column=col, charset_meta=cs), header=header)
        # 网站地图: every column, and a working 301
        cols = list(self.columns.values())
        items = "\n".join(f'<li><a href="{c.path}">{e(c.name)}</a></li>' for c in cols)
        body = (f'<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>网站地图'
                f'</span></div><ul class="map">\n{items}\n<li><a href="/zjsl/sqgk/index.html">走进示例</a></li>'
                f'<li><a href="/old/zwgk/index.html">政务公开（旧版入口）</a></li>'
                f'<li><a href="/hdjl/index.html">互动交流</a></li><li><a href="/fanti/index.html">繁體版</a></li></ul></div>')
        self.gbk("/wzdt/index.html", trs_page("网站地图", body))
        body = ('<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>联系我们'
                '</span></div><div class="TRS_Editor"><p>　　地址：示例市人民路1号　邮编：999000</p><p>　　电话：0999-1234567'
                '　电子邮箱：<a href="mailto:webmaster@shili.gov.cn">webmaster@shili.gov.cn</a></p>'
                '<p>　　网站纠错：<a href="javascript:void(0);" onclick="jiucuo()">我要纠错</a></p></div></div>')
        self.gbk("/lxwm/index.html", trs_page("联系我们", body))
        body = ('<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>网站声明'
                '</span></div><div class="TRS_Editor"><p>　　本网站由示例市人民政府办公室主办，示例市大数据中心承办。未经许可，'
                '任何单位和个人不得转载本网站的原创信息。</p></div></div>')
        self.gbk("/wzsm/index.html", trs_page("网站声明", body))
        body = f"""<div class="main w1200"><div class="position">当前位置：<a href="/index.html">首页</a> &gt; <span>互动交流</span></div>
<ul class="hd_list">
<li><a href="{self.broken('/hdjl/ldxx/index.jsp', 'HTTP 500')}">领导信箱</a></li>
<li><a href="/hdjl/zxft/index.html">在线访谈</a></li>
<li><a href="{self.broken('/hdjl/wsdc/index.html', 'redirect loop')}">网上调查</a></li>
<li><a href="{self.broken('/hdjl/bszx/r1.html', 'redirect chain of 12 hops (> 10)')}">办事咨询</a></li>
</ul></div>"""
        self.gbk("/hdjl/index.html", trs_page("互动交流", body))

    def render_fanti(self) -> None:
        """繁體 version of two documents (UTF-8), one of them late, and an index page."""
        import opencc  # project dependency; a maintained converter, as a real site's proxy would use
        conv = opencc.OpenCC("s2t")
        col = Column(key="fanti", name="繁體版", cms="trs", path="/fanti/index.html", colid=190)
        docs = []
        for written, pub, late, why in (
                (date(2026, 10, 12), date(2026, 10, 28), True, "繁體 page: 發布日期 10-28 is the 12th working day after 10-12"),
                (date(2026, 11, 9), date(2026, 11, 13), False, "繁體 page, on time")):
            title, topic = self.titles.make(T.POLICY_PATTERNS, written.year)
            d = self.new_doc(col, title, pub, topic=topic)
            d.path = f"/fanti/zwgk/{pub:%Y%m}/t{pub:%Y%m%d}_{d.id}.html"
            d.table = self.trs_policy_table(d, org=T.GOV_OFFICE, written=written, validity="有效",
                                            docno=f"示政辦發〔{written.year}〕{self.rng.randint(61, 99)}號")
            d.note = why
            self.untimely(d, late, why)
            docs.append(d)
        for d in docs:
            html = trs_page(d.title, trs_doc(d, '<a href="/fanti/index.html">首頁</a> &gt; <span>政府文件</span>'),
                            column=col, doc=d, charset_meta="utf-8")
            self.put(d.path, conv.convert(html), page=True, note=d.note)
        lis = "\n".join(f'<li><span class="date">{iso(d.published)}</span><a href="{d.path}">{e(d.title)}</a></li>'
                        for d in docs)
        body = (f'<div class="main w1200"><div class="position">當前位置：<a href="/index.html">簡體版</a> &gt; '
                f'<span>繁體版</span></div><ul class="list_ul">\n{lis}\n</ul></div>')
        self.put(col.path, conv.convert(trs_page("繁體版", body, column=col, charset_meta="utf-8")), page=True)

    # ------------------------------------------------------------------ Hanweb rendering
    @functools.cached_property
    def hanweb_left(self) -> str:
        def branch(col: Column) -> str:
            kids = "".join(branch(ch) for ch in col.children)
            sub = f"<ul>{kids}</ul>" if kids else ""
            return f'<li><a href="{col.path}">{e(col.name)}</a>{sub}</li>\n'
        root = self.columns["xxgk"]
        return (f'<div class="xxgk_nav"><h3><a href="{root.path}">{e(root.name)}</a></h3><ul>\n'
                + "".join(branch(ch) for ch in root.children) + "</ul></div>")

    def hanweb_crumbs(self, col: Column, self_link: bool = True) -> str:
        chain, c = [], col
        while c:
            chain.append(c)
            c = self.columns.get(c.parent) if c.parent else None
        parts = [f'<a href="{BASE}/index.html">首页</a>'] + [f'<a href="{c.path}">{e(c.name)}</a>' for c in reversed(chain)]
        return " &gt; ".join(parts)

    def render_hanweb_column(self, col: Column) -> None:
        left, crumbs = self.hanweb_left, self.hanweb_crumbs(col)
        maketime = "2026-11-19 23:10:05"
        title_block = f'<div class="xxgk_lm_title"><h2>{e(col.name)}</h2></div>'
        if col.kind == "stub":
            self.put(col.path, f'<html><head><meta http-equiv="refresh" content="0;url={EXT}/zfgs/index.html"></head>'
                     "<body></body></html>", page=True, note="meta-refresh stub to an external platform")
            return
        if col.kind == "parent":
            kids = "\n".join(f'<li><a href="{ch.path}">{e(ch.name)}</a></li>' for ch in col.children)
            main = f'{title_block}<div class="sub_columns"><ul>\n{kids}\n</ul></div>'
            if col.key == "xxgk":
                main = self.platform_index(col)
            self.put(col.path, hanweb_page(col.name, main, column=col, doc=None, left=left, crumbs=crumbs,
                                           maketime=maketime), page=True)
            return
        if col.kind == "single":
            main = title_block + (self.guide_body() if col.key == "zn" else self.ysq_body())
            self.put(col.path, hanweb_page(col.name, main, column=col, doc=None, left=left, crumbs=crumbs,
                                           maketime=maketime), page=True)
            return
        docs, per = col.docs, col.perpage
        count = max(1, -(-len(docs) // per))
        for i in range(count):
            chunk = docs[i * per:(i + 1) * per]
            main = title_block + hanweb_datastore(col, chunk, len(docs), i + 1)
            path = col.path if i == 0 else f"{col.path}?uid={col.uid}&pageNum={i + 1}"
            self.put(path, hanweb_page(col.name, main, column=col, doc=None, left=left, crumbs=crumbs,
                                       maketime=maketime), page=True)
        self.site.hanweb_columns[col.path] = str(col.uid)
        self.site.records[str(col.colid)] = [hanweb_record(d, col.list_style) for d in docs]
        for d in docs:
            pub = d.published or d.sort_date
            main = hanweb_article(d)
            self.put(d.path, hanweb_page(d.title, main, column=col, doc=d, left=left, crumbs=crumbs,
                                         maketime=f"{pub.isoformat()} 08:00:00",
                                         hidden_location=f'<span id="col1_name">{e(col.name)}</span>'
                                                         f'<span id="col1_url">{col.path}</span>'),
                     page=True, note=d.note)

    def platform_index(self, col: Column) -> str:
        parts = []
        for key in ("zn", "zd", "fdzdgknr", "nb", "ysqgk"):
            ch = self.columns[key]
            kids = "".join(f'<li><a href="{k.path}">{e(k.name)}</a></li>' for k in ch.children)
            parts.append(f'<div class="part"><h3><a href="{ch.path}">{e(ch.name)}</a></h3>'
                         + (f"<ul>{kids}</ul>" if kids else "") + "</div>")
        latest = sorted((d for c in self.columns.values() if c.cms == "hanweb" for d in c.docs if d.published),
                        key=lambda d: (d.published, d.id), reverse=True)[:8]
        lis = "\n".join(f'<li><a href="{d.path}" target="_blank">{e(d.title)}</a><span>{iso(d.published)}</span></li>'
                        for d in latest)
        return (f'<div class="xxgk_index"><h2>{e(col.name)}</h2>\n' + "\n".join(parts)
                + f'\n<div class="zxgk"><h3>最新公开</h3><ul>\n{lis}\n</ul></div></div>')

    def guide_body(self) -> str:
        return """<div class="con"><p class="con-title">示例市人民政府政府信息公开指南</p>
<div class="small-title"><span>更新日期：2026-01-15</span></div>
<div class="main-txt" id="zoom">
<p>　　为了更好地提供政府信息公开服务，根据《中华人民共和国政府信息公开条例》（国务院令第711号），编制本指南。</p>
<p>　　一、主动公开。（一）公开范围：本机关按照条例第十九条、第二十条规定主动公开政府信息。（二）公开方式：政府信息公开平台、政府公报、新闻发布会等。（三）公开时限：自该政府信息形成或者变更之日起20个工作日内予以公开。</p>
<p>　　二、依申请公开。（一）受理机构：示例市人民政府办公室政务公开科。办公地址：示例市人民路1号市政府大楼302室；办公时间：工作日上午9:00—12:00，下午13:30—17:30（法定节假日除外）；联系电话：0999-1234567；传真：0999-1234568；电子邮箱：<a href="mailto:zwgk@shili.gov.cn">zwgk@shili.gov.cn</a>。（二）申请方式：当面、信函、网上申请。（三）处理费用：按照《政府信息公开信息处理费管理办法》执行。</p>
<p>　　三、监督和救济。公民、法人或者其他组织认为行政机关在政府信息公开工作中侵犯其合法权益的，可以向上一级行政机关或者政府信息公开工作主管部门投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>
</div></div>"""

    def ysq_body(self) -> str:
        guide = self.fine(f"{EXT}/nohead/2026/guide.pdf", "server refuses HEAD (405) but serves GET: not broken")
        return f"""<div class="con"><div class="main-txt" id="zoom">
<p>　　公民、法人或者其他组织可以向示例市人民政府申请获取相关政府信息。申请表可在受理窗口领取，或下载<a href="{guide}" target="_blank">《示范省政府信息公开申请办事指南》</a>。</p>
<p>　　<a href="javascript:void(0);" onclick="openApply()">在线申请</a>　<a href="mailto:ysqgk@shili.gov.cn">信函申请（电子邮件）</a></p>
</div></div>"""

    # ------------------------------------------------------------------ truth
    def compute_expected(self) -> None:
        origin = SCAN_ORIGIN
        status: dict[str, str] = {}

        def classify(url: str) -> str:
            if url in status:
                return status[url]
            status[url] = self.classify(url, origin)
            return status[url]

        pairs = []
        walk_pages = [k for k, r in self.res.items() if r.page] + ["/xwzx/ywdt/202403/t20240301_9001.html",
                                                                  "/slow/report.html"]
        for key in walk_pages:
            page_url = normalise(origin + key)
            body = self.res[key].body
            html = decode(body)
            for tag, url in links(html, page_url):
                if classify(url) == "broken":
                    pairs.append((page_url, url, tag))
            for url in pager_pages(html, page_url):
                if classify(url) != "ok":
                    raise AssertionError(f"pager page {url} from {page_url} is {classify(url)}")
        broken_targets = {u for _, u, _ in pairs}
        unplanted = broken_targets - set(self.planted_broken)
        unused = set(self.planted_broken) - broken_targets
        if unplanted or unused:
            raise AssertionError(f"broken links not planted: {sorted(unplanted)}; planted but unused: {sorted(unused)}")
        for u, _why in self.planted_ok.items():
            if classify(u) != "ok":
                raise AssertionError(f"look-alike {u} classifies as {classify(u)}")
        findings = list(self.findings)
        seen = set()
        for page_url, url, tag in pairs:
            if (page_url, url) in seen:
                continue
            seen.add((page_url, url))
            findings.append({"rule": "link.broken", "url": template(url), "page_url": template(page_url),
                             "why": self.planted_broken[url], "tag": tag})
        # info rules: blocked and redirect (one per page_url, url)
        for key in walk_pages:
            page_url = normalise(origin + key)
            for tag, url in dict.fromkeys(links(decode(self.res[key].body), page_url)):
                kind = classify(url)
                if kind in ("blocked", "redirect"):
                    rule = "link.blocked" if kind == "blocked" else "link.redirect"
                    item = {"rule": rule, "url": template(url), "page_url": template(page_url), "tag": tag,
                            "why": "WAF challenge (403/412): blocked, not broken" if kind == "blocked"
                            else "301 to a working page"}
                    if item not in findings:
                        findings.append(item)
        findings.sort(key=lambda f: (f["rule"], f["page_url"], f["url"]))
        mnf = {k: v for k, v in sorted(self.mnf.items())}
        mnf["link.broken"] = [{"url": template(u), "why": w} for u, w in sorted(self.planted_ok.items())] + [
            {"url": template(u), "why": "blocked (WAF challenge), not broken"} for u in sorted(self.blocked)] + [
            {"url": template(u), "why": "301 to a working page (link.redirect)"} for u in sorted(self.redirect_ok)] + [
            {"url": "mailto:webmaster@shili.gov.cn", "why": "mailto: is not checked"},
            {"url": "javascript:window.print();", "why": "javascript: is not checked"},
            {"url": "{base}/xwzx/ywdt/" + self.doc_with_note("404 inside an article"),
             "why": "the article mentions 页面不存在/404: not a soft 404"},
            {"url": "//{host}/hdjl/zxft/index.html", "why": "protocol-relative link to a working page (home page)"},
            {"url": "{base}/zjsl/sqgk/index.html", "why": 'upper-case <A HREF=" ... "> with spaces (home page)'},
        ]
        mnf["home.stale"] = [{"url": "{base}/index.html", "why": "newest 要闻 on the home page is as_of - 1 day"}]
        mnf["site.identity_missing"] = [{"url": "{base}/index.html",
                                         "why": f"footer: 网站标识码 {SITE_ID_CODE}, ICP, 公网安备, 党政机关 badge on every page"}]
        self.site.expected = {
            "as_of": AS_OF.isoformat(),
            "seed": SEED,
            "start_url": "{base}" + START_PATH,
            "hosts": {"base": "the portal, http://127.0.0.1:PORT", "ext": "other government sites, http://127.0.0.2:PORT2",
                      "dead": "http://127.0.0.1:DEADPORT, nothing listens (connection refused)",
                      "host": "127.0.0.1:PORT (protocol-relative links)"},
            "match": {"link.broken": ["rule", "page_url", "url"], "link.blocked": ["rule", "page_url", "url"],
                      "link.redirect": ["rule", "page_url", "url"], "*": ["rule", "url"],
                      "category.missing": ["rule", "url", "category"]},
            "urls": "absolute, path percent-encoded as UTF-8 (upper-case hex), no fragment; {base}/{ext}/{dead} "
                    "stand for the servers' origins",
            "counts": {},
            "findings": findings,
            "must_not_flag": mnf,
            "categories_present": {
                "政府信息公开指南": "政府信息公开指南", "政府信息公开制度": "政府信息公开制度",
                "法定主动公开内容": "法定主动公开内容", "政府信息公开工作年度报告": "政府信息公开工作年度报告",
                "依申请公开": "依申请公开", "行政法规、规章和规范性文件": "政策文件 > 政府规章 / 行政规范性文件 / 其他文件",
                "机构职能": "机构职能", "规划计划": "规划计划", "统计信息": "数据发布 (synonym only)",
                "行政处罚": "行政处罚与行政强制 (meta-refresh stub to {ext}/zfgs/index.html)",
                "行政强制": "行政处罚与行政强制 (stub)", "财政预决算": "财政预决算", "三公经费": "三公经费",
                "行政事业性收费": "行政事业性收费", "政府采购": "政府采购", "扶贫/乡村振兴": "乡村振兴",
                "教育": "教育信息", "医疗卫生": "医疗卫生", "社会保障": "社会保障", "就业": "促进就业",
                "应急管理": "应急管理", "环境保护": "环境保护", "安全生产": "安全生产", "食品药品": "食品药品监管",
                "公务员招考": "人事信息 > 招考录用", "人事任免": "人事信息 > 人事任免", "政策解读": "政策解读",
                "市政建设": "市政建设", "公共服务": "公共服务", "公益事业": "公益事业", "土地征收": "土地征收",
                "房屋征收": "房屋征收", "治安管理": "治安管理", "社会救助": "社会救助 (empty: column.empty)",
            },
            "pages": sorted("{base}" + normalise(origin + k)[len(origin):] for k, r in self.res.items() if r.page),
            "special_pages": sorted(self.special_pages),
        }
        counts: dict[str, int] = {}
        for f in findings:
            counts[f["rule"]] = counts.get(f["rule"], 0) + 1
        self.site.expected["counts"] = {"pages": len(self.site.expected["pages"]), **dict(sorted(counts.items()))}

    def doc_with_note(self, fragment: str) -> str:
        for d in self.columns["ywdt"].docs:
            if fragment in d.note:
                return d.path[len("/xwzx/ywdt/"):]
        raise KeyError(fragment)

    def classify(self, url: str, origin: str, hops: int = 0, seen: frozenset = frozenset()) -> str:
        """What a correct checker concludes: ok | broken | blocked | redirect."""
        parts = urlsplit(url)
        netloc = f"{parts.scheme}://{parts.netloc}"
        if netloc == "http://127.0.0.1:2":
            return "broken"
        table = self.res if netloc == origin else self.ext if netloc == "http://127.0.0.2:1" else None
        if table is None:
            return "broken"
        key = unquote(parts.path) + (f"?{parts.query}" if parts.query else "")
        res = table.get(key) or table.get(unquote(parts.path))
        if res is None and key.endswith("/"):
            res = table.get(key + "index.html")
        if res is None:
            return "broken"
        if res.kind == "redirect":
            if url in seen or hops >= 10:
                return "broken"
            target = normalise(urljoin(url, to_scan(res.location)))
            if target == normalise(origin + "/index.html") and parts.path not in ("/", "/index.html"):
                return "broken"  # deep link redirected to the home page
            result = self.classify(target, origin, hops + 1, seen | {url})
            return "redirect" if result == "ok" else result
        if res.status in (403, 412):
            return "blocked"
        if res.status >= 400:
            return "broken"
        if res.note.startswith("soft 404"):
            return "broken"  # 200 with the 页面不存在 template
        return "ok"


SITE_ID_CODE = "9999000001"


def build_site(seed: int = SEED) -> Site:
    """Build the sample portal in memory (deterministic for a given seed)."""
    return Builder(seed).build()


def expected_json(site: Site | None = None) -> str:
    """The text of expected.json for the default seed (what ``python -m xxgk.sample.build`` writes)."""
    import json

    site = site or build_site()
    return json.dumps(site.expected, ensure_ascii=False, indent=1) + "\n"


def main(argv: list[str] | None = None) -> int:
    """``python -m xxgk.sample.build [--out DIR]``: rewrite expected.json; optionally dump the files."""
    import argparse
    from pathlib import Path

    ap = argparse.ArgumentParser(prog="python -m xxgk.sample.build")
    ap.add_argument("--out", help="also write every resource under DIR/site and DIR/ext")
    args = ap.parse_args(argv)
    site = build_site()
    target = Path(__file__).with_name("expected.json")
    target.write_text(expected_json(site), encoding="utf-8")
    print(f"{target}: {site.expected['counts']}")
    if args.out:
        print(site.write(args.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
