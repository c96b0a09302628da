"""Unit tests for the generality bugs the second test portal (tests/portals/alt_portal.py) found."""

from __future__ import annotations

from records import SITE, Records, run_rule
from test_crawl_columns import H, page_item, record

from checks.links import check_link_broken
from checks.timeliness import check_doc_untimely
from crawler import columns
from crawler.extract import extract_page
from crawler.pipelines import StorePipeline
from xxgk import store

FOOTER = ('<div class="footer"><p>网站地图 | 联系我们 | 主办：某某市人民政府办公室 政府网站标识码：3399000088</p>'
          '<p>某ICP备2026000123号-2 某公网安备 33990202000456号</p></div>')


def test_one_sentence_article_is_the_body_not_the_footer():
    html = (f'<html><head><meta charset="utf-8"><title>某某办法</title></head><body>'
            f'<h1>某某市餐厨废弃物管理暂行办法</h1><div class="article-content" id="zoom">'
            f'<p>　　本办法自印发之日起施行，有效期3年。</p></div>{FOOTER}</body></html>')
    rec = extract_page(html.encode(), "http://www.example.gov.cn/art/2023/12/5/art_1_1.html")
    assert "有效期3年" in rec["body_text"] and "标识码" not in rec["body_text"]


def test_parent_page_with_only_sub_column_links_lists_them():
    subs = "".join(f'<div class="sub-col"><h3><a href="/xxgk/fdzdgknr/{s}/index.html">{n}</a></h3></div>'
                   for s, n in (("jgzn", "机构职能"), ("ghjh", "规划计划"), ("tjsj", "统计数据")))
    subs += '<div class="sub-col"><h3><a href="/xxgk/fdzdgknr/gzdt/column-index-1.shtml">工作动态</a></h3></div>'
    html = (f'<html><head><meta charset="utf-8"><title>法定主动公开内容_某某市</title></head><body>'
            f'<div class="location">当前位置：<a href="/">首页</a> &gt; 法定主动公开内容</div>{subs}</body></html>')
    rec = extract_page(html.encode(), "http://www.example.gov.cn/xxgk/fdzdgknr/index.html")
    assert rec["kind"] == "other"
    assert [s["title"] for s in rec["subcolumns"]] == ["机构职能", "规划计划", "统计数据", "工作动态"]


def _build(tmp_path, items):
    path = tmp_path / "a.sqlite"
    db = store.open_db(path)
    run_id = db["runs"].insert({"start_url": H + "/index.html", "status": "running"}).last_pk
    pipe = StorePipeline(str(path), run_id, batch_rows=3)
    pipe.open_spider()
    for item in items:
        pipe.process_item(item)
    pipe.close_spider()
    db = store.open_db(path)
    columns.build(db, run_id)
    return {r["url"]: r for r in db.query("select * from columns where run_id = ?", [run_id])}


def test_platform_reached_from_home_and_parent_page_are_parents_and_home_alias_is_no_column(tmp_path):
    home = record("home", title="某某市人民政府", subcolumns=[{"title": "政府信息公开", "url": H + "/xxgk/index.html"}])
    cols = _build(tmp_path, [
        page_item(H + "/index.html", home, depth=0),
        page_item(H + "/xxgk/index.html", record("platform", column="政府信息公开", subcolumns=[
            {"title": "法定主动公开内容", "url": H + "/xxgk/fdzdgknr/index.html"}])),
        page_item(H + "/xxgk/fdzdgknr/index.html", record("other", column="法定主动公开内容", subcolumns=[
            {"title": "机构职能", "url": H + "/xxgk/fdzdgknr/jgzn/index.html"}]), depth=2),
        page_item(H + "/xxgk/fdzdgknr/jgzn/index.html", record("other", column="机构职能"), depth=3),
        # a deep link redirected to "/": the home page again, not a column named 首页
        page_item(H + "/ztzl/2020/index.html", home, depth=2, final_url=H + "/"),
    ])
    assert cols[H + "/xxgk/index.html"]["kind"] == "parent"
    assert cols[H + "/xxgk/fdzdgknr/index.html"]["kind"] == "parent"
    assert cols[H + "/xxgk/fdzdgknr/jgzn/index.html"]["kind"] == "single"
    assert cols[H + "/xxgk/fdzdgknr/jgzn/index.html"]["parent_url"] == H + "/xxgk/fdzdgknr/index.html"
    assert H + "/ztzl/2020/index.html" not in cols


def test_links_of_a_deep_link_sent_home_are_the_home_pages(tmp_path):
    r = Records(tmp_path, start_url=SITE + "/index.html")
    r.page(SITE + "/index.html", "home")
    r._insert("pages", {"url": SITE + "/ztzl/2020/", "final_url": SITE + "/", "status": 200, "kind": "home"})
    dead = "http://old.gov.test/"
    r.target(dead, "refused", None)
    r.link(SITE + "/index.html", dead, "旧版门户")
    r.link(SITE + "/ztzl/2020/", dead, "旧版门户")
    assert [(f.page_url, f.url) for f in run_rule(r, check_link_broken)] == [(SITE + "/index.html", dead)]


def test_a_document_with_an_index_number_is_disclosed_wherever_its_column_is(tmp_path):
    r = Records(tmp_path, as_of="2026-12-15")
    r.column(SITE + "/big5/tzgg/", "通知公告", on_platform=0)
    r.document(SITE + "/big5/tzgg/t1.html", "關於做好清潔取暖工作的通知", column_url=SITE + "/big5/tzgg/",
               written="2026-11-02", published="2026-11-17",
               fields={"索引号": "11339900MB1234567X/2026-1", "成文日期": "2026年11月02日", "发布日期": "2026-11-17"})
    r.document(SITE + "/big5/tzgg/t2.html", "新闻", column_url=SITE + "/big5/tzgg/",
               written="2026-11-02", published="2026-11-17", fields={"成文日期": "2026-11-02"})
    assert [f.url for f in run_rule(r, check_doc_untimely, as_of="2026-12-15")] == [SITE + "/big5/tzgg/t1.html"]


def test_entry_date_inside_the_anchor():
    html = ('<html><head><title>通知公告</title></head><body><ul>'
            '<li><a href="/a/t20231109_1.html"><span class="t">关于开展安全生产检查的通知</span><span>2023-11-09</span></a></li>'
            '<li><a href="/a/t20231108_2.html">关于做好冬季供暖工作的通知 [2023-11-08]</a></li>'
            '<li><a href="/a/t20231107_3.html">市政府常务会议纪要（2023年11月7日）</a><span>2023-11-07</span></li>'
            '</ul></body></html>')
    rec = extract_page(html.encode(), "http://www.example.gov.cn/a/index.html")
    assert rec["kind"] == "list"
    assert [(e["title"], e["date"]) for e in rec["entries"]] == [
        ("关于开展安全生产检查的通知", "2023-11-09"), ("关于做好冬季供暖工作的通知", "2023-11-08"),
        ("市政府常务会议纪要（2023年11月7日）", "2023-11-07")]


def test_stats_list_with_dates_inside_anchors(realpages_more):
    body = (realpages_more / "list_stats_tjyqhdm_default.htm").read_bytes()
    rec = extract_page(body, "http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/default.htm")
    assert rec["kind"] == "list"
    assert rec["entries"][0] == {"title": "2019年", "date": "2020-02-25",
                                 "url": "http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/2019/index.html"}


def test_query_list_pages_are_sub_columns():
    html = ('<html><head><meta charset="utf-8"><title>法定主动公开内容</title></head><body>'
            '<div class="location">当前位置：<a href="/">首页</a> &gt; 法定主动公开内容</div>'
            '<h3><a href="/xxgk/fdzdgknr/zfcg/iList.jsp?cat_id=1031">政府采购</a></h3>'
            '<h3><a href="/xxgk/fdzdgknr/tjsj/index.html">统计数据</a></h3></body></html>')
    rec = extract_page(html.encode(), "http://www.example.gov.cn/xxgk/fdzdgknr/index.html")
    assert [s["title"] for s in rec["subcolumns"]] == ["政府采购", "统计数据"]
