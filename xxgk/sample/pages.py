"""HTML templates of the sample portal, modelled on real TRS WCM and 大汉 Hanweb pages.

TRS part (GBK bytes, charset only in a <meta>): the home page, 新闻中心 columns, 市政府文件, static
pages, 互动交流, 专题专栏. Lists are ``index.html`` + ``index_N.html`` reachable only through an
inline ``createPageHTML(count, current, "index", "html")`` call (the function lives in
/js/page.js). Documents ``<column>/YYYYMM/tYYYYMMDD_<id>.html`` with ``div.TRS_Editor``.

Hanweb part (UTF-8): the 政府信息公开 platform, columns ``/col/col<id>/index.html`` whose entries
exist only as ``<script type="text/xml"><datastore>`` CDATA records (paging
``index.html?uid=<uid>&pageNum=N``), articles ``/art/YYYY/M/D/art_<col>_<id>.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from html import escape

from .model import BASE, EXT

SITE_NAME = "示例市人民政府门户网站"
SITE_DOMAIN = "www.shili.gov.cn"
SITE_ID = "9999000001"
ICP = "示ICP备20260001号-1"
POLICE = "99010202000123"
HANWEB_UID_BASE = 4470300


@dataclass
class Column:
    key: str
    name: str
    cms: str  # trs | hanweb
    path: str  # first list page, e.g. /xwzx/ywdt/index.html or /col/col1013/index.html
    kind: str = "list"  # list | parent | single | stub | empty
    parent: str | None = None
    perpage: int = 15
    colid: int = 0
    docs: list = field(default_factory=list)
    children: list = field(default_factory=list)
    description: str = ""
    column_type: str = ""
    list_style: str = "li"  # li | table (文号 column)
    header_charset: str | None = None  # charset the server sends for this column's pages
    pager_vars: bool = False  # TRS: createPageHTML(countPage, currentPage, ...) with variables
    extra_head: str = ""
    note: str = ""

    @property
    def dir(self) -> str:
        return self.path.rsplit("/", 1)[0] + "/"

    @property
    def uid(self) -> int:
        return HANWEB_UID_BASE + self.colid


@dataclass
class Doc:
    id: int
    title: str
    column: Column
    published: date | None
    written: date | None = None
    time: str = "09:30"
    path: str = ""
    source: str = ""
    docno: str = ""
    table: list | None = None  # [(label, value)] or ("#", label, value) for a commented-out row
    date_line: bool = True  # 发布时间/发布日期 line under the heading
    pubdate_meta: str | None = "auto"  # "auto" = from published; None = no PubDate meta
    list_date: bool = True
    paras: list = field(default_factory=list)
    attachments: list = field(default_factory=list)  # (href, text)
    related: list = field(default_factory=list)  # (href, text)
    extra_html: str = ""
    traditional: bool = False
    header_charset: str | None = None
    note: str = ""

    def pubdate_text(self) -> str | None:
        if self.pubdate_meta == "auto":
            return f"{self.published.isoformat()} {self.time}" if self.published else None
        return self.pubdate_meta


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def cn_date(d: date | None) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日" if d else ""


def e(text: str) -> str:
    return escape(text, quote=True)


# ----------------------------------------------------------------------------------- shared

def footer_identity(extra_class: str = "") -> str:
    return f"""<div class="footer {extra_class}"><div class="w1200 clearfix">
<div class="fl dzjg"><a href="{EXT}/conac/sitename?method=show&amp;id=9E3C0D1F5A2B4C6D8E0F" target="_blank"><img src="/images/red.png" alt="党政机关" width="55" height="68" /></a></div>
<div class="fc">
<p><a href="/wzsm/index.html">网站声明</a> | <a href="/wzdt/index.html">网站地图</a> | <a href="/lxwm/index.html">联系我们</a></p>
<p>主办：示例市人民政府办公室　承办：示例市大数据中心　地址：示例市人民路1号　邮编：999000</p>
<p><a href="{EXT}/beian/" target="_blank">{ICP}</a>　网站标识码：{SITE_ID}　<a href="{EXT}/beian/portal/registerSystemInfo?recordcode={POLICE}" target="_blank"><img src="/images/ga.png" alt="" />示公网安备 {POLICE}号</a></p>
</div>
<div class="fr jiucuo"><script id="_jiucuo_" sitecode="{SITE_ID}" src="/js/jiucuo.js"></script></div>
</div></div>"""


def meta_tags(column: Column | None, doc: Doc | None, maketime: str | None = None) -> str:
    col_name = column.name if column else "首页"
    tags = [
        ("SiteName", "示例市人民政府" if column and column.cms == "hanweb" else SITE_NAME),
        ("SiteDomain", SITE_DOMAIN),
        ("SiteIDCode", SITE_ID),
        ("ColumnName", col_name),
        ("ColumnDescription", (column.description if column else "") or f"示例市人民政府{col_name}栏目"),
        ("ColumnKeywords", f"示例市,{col_name}"),
        ("ColumnType", (column.column_type if column else "") or col_name),
    ]
    if maketime:
        tags.insert(0, ("Maketime", maketime))
    if doc:
        tags.append(("ArticleTitle", doc.title))
        pub = doc.pubdate_text()
        if pub is not None:
            tags.append(("PubDate", pub))
        tags.append(("ContentSource", doc.source))
        tags.append(("Keywords", doc.column.name))
        tags.append(("Author", doc.source))
        tags.append(("Description", doc.paras[0][:60] if doc.paras else doc.title))
        tags.append(("Image", ""))
    out = "\n".join(f'<meta name="{k}" content="{e(v)}" />' for k, v in tags)
    if doc and column and column.cms == "trs":
        out += f'\n<meta name="DocId" content="{doc.id}" />\n<meta name="ChnlId" content="{column.colid}" />'
    return out


# ----------------------------------------------------------------------------------- TRS

TRS_NAV = [
    ("首页", "/index.html"), ("走进示例", "/zjsl/sqgk/index.html"), ("新闻中心", "/xwzx/index.html"),
    ("政务公开", f"{BASE}/col/col1001/index.html"), ("政务服务", f"{EXT}/zwfw/index.html"),
    ("互动交流", "/hdjl/index.html"), ("专题专栏", "/ztzl/index.html"),
]


def trs_page(title: str, body: str, *, column: Column | None = None, doc: Doc | None = None,
             charset_meta: str = "gb2312", extra_head: str = "", body_class: str = "") -> str:
    if charset_meta == "meta5":
        cs = '<meta charset="gbk" />'
    else:
        cs = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}" />'
    nav = "\n".join(f'<li><a href="{href}">{name}</a></li>' for name, href in TRS_NAV)
    full_title = f"{title}_{SITE_NAME}" if title != SITE_NAME else title
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
<head>
{cs}
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{e(full_title)}</title>
{meta_tags(column, doc)}
<link rel="stylesheet" type="text/css" href="/css/common.css" />
<script type="text/javascript" src="/js/jquery-1.12.4.min.js"></script>
<script type="text/javascript" src="/js/common.js"></script>
{extra_head}
</head>
<body class="{body_class}">
<div class="top"><div class="w1200"><span class="fl">欢迎访问示例市人民政府门户网站！</span><span class="fr"><a href="/fanti/index.html">繁體</a> | <a href="javascript:void(0);" onclick="aria.start()">无障碍浏览</a> | <a href="javascript:void(0);" onclick="AddFavorite()">加入收藏</a></span></div></div>
<div class="header w1200"><div class="logo"><a href="/index.html"><img src="/images/logo.png" alt="示例市人民政府门户网站" /></a></div>
<div class="search"><form action="/was5/web/search" method="get" target="_blank" name="searchform"><input type="hidden" name="channelid" value="200001" /><input type="text" name="searchword" class="txt" value="" /><input type="submit" class="btn" value="搜索" /></form></div></div>
<div class="nav"><ul class="w1200">
{nav}
</ul></div>
{body}
{footer_identity()}
</body>
</html>
"""


def trs_entry_li(doc: Doc, href: str) -> str:
    date_html = f'<span class="date">{iso(doc.published)}</span>' if doc.list_date else ""
    return f'<li>{date_html}<a href="{href}" target="_blank" title="{e(doc.title)}">{e(doc.title)}</a></li>'


def trs_list(column: Column, docs: list[Doc], page_no: int, count_page: int, crumbs: str, side: str,
             extra_top: str = "") -> str:
    here = column.dir
    if column.list_style == "table":
        rows = "\n".join(
            f'<tr><td class="xh">{i}</td><td class="bt"><a href="./{d.path[len(here):]}" target="_blank" title="{e(d.title)}">'
            f'{e(d.title)}</a></td><td class="wh">{e(d.docno)}</td><td class="rq">{iso(d.published)}</td></tr>'
            for i, d in enumerate(docs, start=page_no * column.perpage + 1))
        listing = ('<table class="xxgk_list" cellspacing="0" cellpadding="0">\n<tr><th>序号</th><th>标题</th><th>文号</th>'
                   f'<th>发布日期</th></tr>\n{rows}\n</table>')
    else:
        lis = "\n".join(trs_entry_li(d, "./" + d.path[len(here):]) for d in docs)
        listing = f'<ul class="list_ul">\n{lis}\n</ul>'
    if column.pager_vars:
        pager = (f'<script type="text/javascript">\nvar countPage = {count_page};//共多少页\n'
                 f'var currentPage = {page_no};//当前页\ncreatePageHTML(countPage, currentPage, "index", "html");\n</script>')
    else:
        pager = f'<script language="javascript">createPageHTML({count_page}, {page_no}, "index", "html");</script>'
    return f"""<div class="main w1200 clearfix">
<div class="position">当前位置：{crumbs}</div>
<div class="left">{side}</div>
<div class="right">
<div class="lm_title"><h2>{e(column.name)}</h2></div>
{extra_top}
<div class="lm_list">
{listing}
</div>
<div class="page">{pager}</div>
</div>
</div>"""


def trs_meta_box(doc: Doc) -> str:
    """邯郸-style metadata box: <p><strong>label</strong>：value</p> in two halves."""
    rows = doc.table or []
    half = (len(rows) + 1) // 2

    def render(items):
        out = []
        for item in items:
            if item[0] == "#":
                out.append(f"<!--<p><strong>{item[1]}</strong>：{e(item[2])}</p>-->")
            else:
                out.append(f"<p><strong>{item[0]}</strong>：{e(item[1])}</p>")
        return "\n".join(out)

    return (f'<div class="xxgk_box clearfix">\n<div class="top-l fl">\n{render(rows[:half])}\n</div>\n'
            f'<div class="top-r fr">\n{render(rows[half:])}\n</div>\n</div>')


def links_block(title: str, css: str, links: list) -> str:
    if not links:
        return ""
    items = "\n".join(f'<li><a href="{href}" target="_blank">{e(text)}</a></li>' for href, text in links)
    return f'<div class="{css}"><h4>{title}</h4><ul>\n{items}\n</ul></div>'


def trs_doc(doc: Doc, crumbs: str, labels: dict | None = None) -> str:
    labels = labels or {}
    box = trs_meta_box(doc) if doc.table else ""
    line = ""
    if doc.date_line and doc.published:
        line = (f'<div class="info"><span class="time">{labels.get("pub", "发布时间")}：{iso(doc.published)} {doc.time}</span>'
                f'　<span>{labels.get("src", "来源")}：{e(doc.source)}</span>　【{labels.get("font", "字体")}：'
                '<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(16)">中</a> '
                '<a href="javascript:doZoom(14)">小</a>】</div>')
    paras = "\n".join(f"<p>　　{e(p)}</p>" for p in doc.paras)
    return f"""<div class="main w1200">
<div class="position">当前位置：{crumbs}</div>
{box}
<div class="article">
<h1 class="title">{e(doc.title)}</h1>
{line}
<div class="TRS_Editor">
{paras}
</div>
{doc.extra_html}
{links_block(labels.get("fj", "附件"), "fj", doc.attachments)}
{links_block(labels.get("xg", "相关链接"), "xglj", doc.related)}
<div class="print"><a href="javascript:window.print();">{labels.get("print", "打印本页")}</a>　<a href="javascript:window.close();">{labels.get("close", "关闭窗口")}</a></div>
</div>
</div>"""


PAGE_JS = """/* TRS WCM 分页 */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){
	if(_nPageCount == null || _nPageCount<=1){
		return;
	}
	var nCurrIndex = _nCurrIndex || 0;
	if(nCurrIndex == 0)
		document.write("<span class=\\"current\\">首页</span>&nbsp;");
	else
		document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">首页</a>&nbsp;");
	if(nCurrIndex > 0){
		if(nCurrIndex == 1)
			document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">上一页</a>&nbsp;");
		else
			document.write("<a href=\\""+_sPageName+"_" + (nCurrIndex-1) + "."+_sPageExt+"\\">上一页</a>&nbsp;");
	}
	for(var i=0; i<_nPageCount; i++){
		if(i == nCurrIndex)
			document.write("<span class=\\"current\\">"+(i+1)+"</span>&nbsp;");
		else if(i == 0)
			document.write("<a href=\\""+_sPageName+"."+_sPageExt+"\\">1</a>&nbsp;");
		else
			document.write("<a href=\\""+_sPageName+"_" + i + "."+_sPageExt+"\\">"+(i+1)+"</a>&nbsp;");
	}
	if(nCurrIndex < _nPageCount-1)
		document.write("<a href=\\""+_sPageName+"_" + (nCurrIndex+1) + "."+_sPageExt+"\\">下一页</a>&nbsp;");
	document.write("<a href=\\""+_sPageName+"_" + (_nPageCount-1) + "."+_sPageExt+"\\">尾页</a>");
}
"""

# ----------------------------------------------------------------------------------- Hanweb

WEBNAME_Q = "%E7%A4%BA%E4%BE%8B%E5%B8%82%E4%BA%BA%E6%B0%91%E6%94%BF%E5%BA%9C"


def hanweb_page(title: str, main: str, *, column: Column | None, doc: Doc | None, left: str,
                crumbs: str, maketime: str, hidden_location: str = "") -> str:
    return f"""<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<script language="javascript" src="/module/jslib/jquery/jquery.js"></script>
<script language="javascript" src="/module/jslib/urite/urite.min.js"></script>
<link href="/script/page.css" type="text/css" rel="stylesheet">
<!--GS_0001_D7-->
<meta http-equiv="X-UA-Compatible" content="IE=edge,chrome=1">
<link rel="stylesheet" type="text/css" href="/images/1/hanweb.css">
<link rel="stylesheet" type="text/css" href="/images/1/xxgk.css">
<title>{e(title)} 示例市人民政府</title>
{meta_tags(column, doc, maketime)}
</head>
<body><div id="hiddenLocation" style="display:none;"><span id="ss_webid">1</span>{hidden_location}</div><div id="barrierfree_container">
<script src="/script/0/2611010900001.js"></script>
<div class="top_link"><p><span style="float:left"><a href="{BASE}/index.html">示例市人民政府门户网站</a>|<a href="{EXT}/" target="_blank">示范省人民政府</a></span><span style="float:right;"><a href="javascript:zh_tran('s');">简体</a>|<a href="javascript:zh_tran('t');">繁体</a>|<a onclick="toggleToolBar();" target="_blank">无障碍浏览</a></span></p></div>
<div class="xxgk_top"><div class="logo"><a href="/col/col1001/index.html"><img src="/images/1/xxgk_logo.png" title="示例市政府信息公开"></a></div>
<div class="search"><form id="search-form" action="/jrobot/search.do" target="_blank" method="get"><input type="hidden" name="webid" value="1"><input type="text" class="input_text" name="q" value=""><input type="submit" value="检索"></form></div></div>
<div class="position"><div class="position-txt w">当前位置：{crumbs}</div></div>
<div class="xxgk_main w clearfix">
<div class="xxgk_left">{left}</div>
<div class="xxgk_right">
{main}
</div>
</div>
<script src="/script/0/2611010900002.js"></script>
{footer_identity("hanweb")}
</div>
<!-- Produced By 大汉网络 大汉版通发布系统 --><span style="display:none">Produced By 大汉网络 大汉版通发布系统</span>
</body>
</html>
"""


def hanweb_record(doc: Doc, style: str) -> str:
    date_txt = iso(doc.published) if doc.list_date else ""
    if style == "table":
        inner = (f'<tr><td class="bt"><a href="{doc.path}" target="_blank" title="{e(doc.title)}">{e(doc.title)}</a></td>'
                 f'<td class="wh">{e(doc.docno)}</td><td class="rq">{date_txt}</td></tr>')
    else:
        span = f'<span class="bt-data-time">{date_txt}</span>' if date_txt else ""
        inner = f'<li><a href="{doc.path}" target="_blank" title="{e(doc.title)}">{e(doc.title)}</a>{span}</li>'
    return f"<record><![CDATA[\n{inner}\n]]></record>"


def hanweb_datastore(column: Column, docs: list[Doc], total: int, page_no: int) -> str:
    records = "\n".join(hanweb_record(d, column.list_style) for d in docs)
    uid = column.uid
    head = ""
    if column.list_style == "table":
        head = '<table class="xxgk_head" cellspacing="0"><tr><th>标题</th><th>文号</th><th>发布日期</th></tr></table>\n'
    empty = '<p class="no-data">暂无信息</p>\n' if total == 0 else ""
    return f"""{head}<div class="default_pgContainer" id="{uid}"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=1&path=/&columnid={column.colid}&unitid={uid}&webname={WEBNAME_Q}&permissiontype=0"></a>]]></nextgroup>
<recordset>
{records}
</recordset>
<totalrecord>{total}</totalrecord>
<perpage>{column.perpage}</perpage>
</datastore></script></div>
{empty}<script language="javascript" src="/module/web/jpage/jpage.js"></script>
<script type="text/javascript">
$(function(){{ $("#{uid}").jpage({{ dataStore: "#{uid}", perPage: {column.perpage}, totalRecord: {total}, pageNum: {page_no}, groupSize: 3, barPosition: "bottom", proxyUrl: "/module/web/jpage/dataproxy.jsp", ajaxParam: {{ col: 1, appid: 1, webid: 1, path: "/", columnid: {column.colid}, unitid: {uid}, permissiontype: 0 }}, pageUrl: "/col/col{column.colid}/index.html?uid={uid}&pageNum=" }}); }});
</script>"""


def hanweb_table(doc: Doc) -> str:
    rows = doc.table or []
    cells: list[str] = []
    commented: list[str] = []
    for item in rows:
        if item[0] == "#":
            commented.append(f"<!--<tr><th>{item[1]}</th><td colspan=\"3\">{e(item[2])}</td></tr>-->")
        else:
            cells.append(f"<th>{item[0]}</th><td>{e(item[1])}</td>")
    trs = []
    for i in range(0, len(cells), 2):
        pair = cells[i:i + 2]
        if len(pair) == 1:
            pair[0] = pair[0].replace("<td>", '<td colspan="3">', 1)
        trs.append("<tr>" + "".join(pair) + "</tr>")
    return ('<div class="xxgk_table_box"><table class="xxgk_table" cellspacing="0" cellpadding="0">\n'
            + "\n".join(trs + commented) + "\n</table></div>")


def hanweb_article(doc: Doc, labels: dict | None = None) -> str:
    labels = labels or {}
    table = hanweb_table(doc) if doc.table else ""
    small = []
    if doc.date_line and doc.published:
        small.append(f"<span>{labels.get('pub', '发布日期')}：{iso(doc.published)}</span>")
    small.append(f"<span>{labels.get('views', '浏览次数')}： </span>")
    small.append(f"<span>{labels.get('src', '信息来源')}：<!--<$[信息来源]>begin-->{e(doc.source)}<!--<$[信息来源]>end--></span>")
    paras = "\n".join(f"<p>　　{e(p)}</p>" for p in doc.paras)
    return f"""{table}
<div class="con">
<p class="con-title"><!--<$[标题]>begin-->{e(doc.title)}<!--<$[标题]>end--></p>
<div class="small-title clearfix">
{"".join(small)}
</div>
<div class="main-txt" id="zoom">
<!--<$[信息内容]>begin--><!--ZJEG_RSS.content.begin--><meta name="ContentStart">{paras}
<meta name="ContentEnd"><!--ZJEG_RSS.content.end--><!--<$[信息内容]>end-->
</div>
{doc.extra_html}
{links_block(labels.get("fj", "附件"), "fj", doc.attachments)}
{links_block(labels.get("xg", "相关链接"), "xglj", doc.related)}
<div class="main-word"><span class="printer" onclick="javascrpit:window.print()">打印</span> <a href="javascript:window.close();" class="close">关闭</a></div>
</div>"""
