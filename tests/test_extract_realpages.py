"""Every value in ../shared/realpages/MANIFEST.md ("Values visible"), one test per page x field,
and every trap not taken (alt date #2, commented 成文日期 #11, Maketime #3)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.extract import extract_page

REALPAGES = Path(os.environ.get("XXGK_REALPAGES") or Path(__file__).resolve().parents[2] / "shared" / "realpages")

# page -> URL it was served from (MANIFEST "Original URL"; a guess where the manifest has none)
URLS = {
    "trs_doc_govcn_gongbao_2007_23.html": "https://www.gov.cn/gongbao/content/2007/content_711039.htm",
    "trs_doc_shanxi_gov_news.html": "http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml",
    "hanweb_doc_zj_fgw_art.html": "http://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html",
    "hanweb_news_cmse_gov_cn.html": "http://www.cmse.gov.cn/xwzx/xwfbh/201206/t20120624_1.html",
    "other_news_kepu_gov_cn.html": "http://www.kepu.gov.cn/politics/2023-12/01/content_1755244.html",
    "spa_doc_nfra_xzcf_1170162_rendered.html":
        "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1170162&itemId=4113&generaltype=9",
    "spa_doc_nfra_xzcf_1212085_rendered.html":
        "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085&itemId=4114&generaltype=9",
    "trs_doc_ccgp_hebei_zbgg.html":
        "http://www.ccgp-hebei.gov.cn/cd/cd_wc/cggg/zhbggAAAA/202110/t20211011_1485252.html",
    "trs_xxgk_index_hdzfxxgk_handan.html": "http://hdzfxxgk.hd.gov.cn/",
    "trs_xxgk_guide_hdzfxxgk_handan.html": "http://hdzfxxgk.hd.gov.cn/zfxxgkzn/",
    "trs_doc_hdzfxxgk_handan_jyj.html": "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200802_1352104.html",
    "trs_list_hdzfxxgk_handan.html": "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/",
    "trs_doc_pingtan_zfxxgk_rsrm_93742.html":
        "https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/zkly/rsrm/202409/t20240919_93742.htm",
    "redirect_stub_pingtan_hzcfhzqz_bljggs.html": "https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/hzcfhzqz/bljggs/",
    "redirect_stub_pingtan_hzcfhzqz_bszn.html": "https://www.pingtan.gov.cn/zwgk/zfxxgk/fdzdgknr/hzcfhzqz/bszn/",
}

GONGBAO = "全国人民代表大会常务委员会关于批准财政部发行特别国债购买外汇及调整2007年末国债余额限额的决议"
JYJ = "邯郸市教育局关于印发《全市教育系统安全专项整治三年行动实施方案》的通知"
HD_SITE = {"site_id_code": "1304000009", "icp": "冀ICP备05029117号-1", "police_record": "13042002000523"}
NFRA_SITE = {"site_id_code": "bm55000001", "icp": "京ICP备19014889号", "police_record": "11010202008000"}
LIST_ENTRY = {
    "title": "邯郸市教育局关于印发《邯郸市学校安全工作目标管理考核办法》的通知",
    "url": "http://hdzfxxgk.hd.gov.cn/gszbm/auto23716/202008/t20200805_1353179.html",
    "date": "2020-08-05",
}

# (page, key, expected). Keys: a record key, "fields.<label>", "site.<key>", "no_field.<label>".
CASES = [
    # 1 gov.cn 公报
    ("trs_doc_govcn_gongbao_2007_23.html", "kind", "document"),
    ("trs_doc_govcn_gongbao_2007_23.html", "title", GONGBAO),
    ("trs_doc_govcn_gongbao_2007_23.html", "published", "2007-08-20"),
    ("trs_doc_govcn_gongbao_2007_23.html", "published_source", "meta"),
    ("trs_doc_govcn_gongbao_2007_23.html", "written", None),
    ("trs_doc_govcn_gongbao_2007_23.html", "column", "2007年第23号"),
    ("trs_doc_govcn_gongbao_2007_23.html", "breadcrumb", ["首页", "国务院公报", "2007年第23号"]),
    ("trs_doc_govcn_gongbao_2007_23.html", "site.site_id_code", "bm01000001"),
    ("trs_doc_govcn_gongbao_2007_23.html", "site.icp", "京ICP备05070218号"),
    ("trs_doc_govcn_gongbao_2007_23.html", "site.police_record", "11010202000001"),
    ("trs_doc_govcn_gongbao_2007_23.html", "no_field.索引号", None),
    ("trs_doc_govcn_gongbao_2007_23.html", "no_field.文号", None),
    ("trs_doc_govcn_gongbao_2007_23.html", "no_field.有效性", None),
    # 2 shanxi
    ("trs_doc_shanxi_gov_news.html", "kind", "document"),
    ("trs_doc_shanxi_gov_news.html", "title", "山西品牌丝路行（南美站）正式启动"),
    ("trs_doc_shanxi_gov_news.html", "published", "2019-09-18"),  # trap: alt="时间：2017-11-08 20:26"
    ("trs_doc_shanxi_gov_news.html", "published_source", "line"),
    ("trs_doc_shanxi_gov_news.html", "column", "山西要闻"),
    ("trs_doc_shanxi_gov_news.html", "site.icp", "晋ICP备12000773号"),
    ("trs_doc_shanxi_gov_news.html", "site.police_record", "14010502050691"),
    ("trs_doc_shanxi_gov_news.html", "site.site_id_code", "1400000045"),
    ("trs_doc_shanxi_gov_news.html", "no_field.索引号", None),
    ("trs_doc_shanxi_gov_news.html", "no_field.文号", None),
    ("trs_doc_shanxi_gov_news.html", "no_field.有效性", None),
    # 3 fgw.zj (Hanweb)
    ("hanweb_doc_zj_fgw_art.html", "kind", "document"),
    ("hanweb_doc_zj_fgw_art.html", "title", "1-10月德清县固定资产投资结构趋稳趋优"),
    ("hanweb_doc_zj_fgw_art.html", "published", "2016-11-22"),  # trap: Maketime 2019-03-22
    ("hanweb_doc_zj_fgw_art.html", "column", "投资运行"),
    ("hanweb_doc_zj_fgw_art.html", "site.site_id_code", "3300000020"),  # meta SiteIDCode is empty
    ("hanweb_doc_zj_fgw_art.html", "site.police_record", "33010602009328"),
    ("hanweb_doc_zj_fgw_art.html", "site.icp", "浙ICP备05018911号"),
    ("hanweb_doc_zj_fgw_art.html", "no_field.索引号", None),
    ("hanweb_doc_zj_fgw_art.html", "no_field.文号", None),
    # 4 cmse
    ("hanweb_news_cmse_gov_cn.html", "kind", "document"),
    ("hanweb_news_cmse_gov_cn.html", "title", "天宫一号与神舟九号载人交会对接任务第二场新闻发布会"),
    ("hanweb_news_cmse_gov_cn.html", "published", "2012-06-24"),
    ("hanweb_news_cmse_gov_cn.html", "published_source", "line"),
    ("hanweb_news_cmse_gov_cn.html", "site.icp", "京ICP备20027467号-1"),
    ("hanweb_news_cmse_gov_cn.html", "site.site_id_code", None),
    ("hanweb_news_cmse_gov_cn.html", "site.police_record", None),
    # 5 kepu
    ("other_news_kepu_gov_cn.html", "kind", "document"),
    ("other_news_kepu_gov_cn.html", "title", "习近平主持召开深入推进长三角一体化发展座谈会"),
    ("other_news_kepu_gov_cn.html", "published", "2023-12-01"),
    ("other_news_kepu_gov_cn.html", "site.icp", "京ICP备05022684号-3"),
    ("other_news_kepu_gov_cn.html", "site.site_id_code", "bm06000004"),
    ("other_news_kepu_gov_cn.html", "site.police_record", None),
    # 6 nfra 1170162
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "kind", "document"),
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "title", "国家金融监督管理总局行政处罚信息公开表(金罚决字〔2024〕36号)"),
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "published", "2024-07-12"),
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "published_source", "line"),
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "column", "总局机关"),
    ("spa_doc_nfra_xzcf_1170162_rendered.html", "breadcrumb", ["首页", "政务信息", "行政处罚", "总局机关"]),
    *[("spa_doc_nfra_xzcf_1170162_rendered.html", f"site.{k}", v) for k, v in NFRA_SITE.items()],
    # 7 nfra 1212085
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "kind", "document"),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "title", "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）"),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "published", "2025-06-03"),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "written", None),  # 发文日期 is empty
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "column", "监管局本级"),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.索引号", ""),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.主题分类", ""),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.发布机构", ""),  # 办文部门
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.成文日期", ""),  # 发文日期
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.文号", ""),
    ("spa_doc_nfra_xzcf_1212085_rendered.html", "fields.名称", "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕52号）"),
    *[("spa_doc_nfra_xzcf_1212085_rendered.html", f"site.{k}", v) for k, v in NFRA_SITE.items()],
    # 8 ccgp-hebei
    ("trs_doc_ccgp_hebei_zbgg.html", "kind", "document"),
    ("trs_doc_ccgp_hebei_zbgg.html", "title", "2021年村级信息资源共享支中心电脑采购项目中标公告"),
    ("trs_doc_ccgp_hebei_zbgg.html", "published", "2021-10-11"),
    ("trs_doc_ccgp_hebei_zbgg.html", "published_source", "line"),
    ("trs_doc_ccgp_hebei_zbgg.html", "breadcrumb", ["承德市", "围场县", "采购公告", "中标公告"]),
    ("trs_doc_ccgp_hebei_zbgg.html", "column", "中标公告"),
    ("trs_doc_ccgp_hebei_zbgg.html", "site.icp", "冀ICP备13016076号-2"),
    ("trs_doc_ccgp_hebei_zbgg.html", "site.site_id_code", "1300000065"),
    ("trs_doc_ccgp_hebei_zbgg.html", "site.police_record", "13010402001602"),  # number in its own text node
    # 9 hdzfxxgk platform index
    ("trs_xxgk_index_hdzfxxgk_handan.html", "kind", "platform"),
    ("trs_xxgk_index_hdzfxxgk_handan.html", "title", "邯郸市政府信息公开"),
    ("trs_xxgk_index_hdzfxxgk_handan.html", "column", "邯郸市政府信息公开"),
    *[("trs_xxgk_index_hdzfxxgk_handan.html", f"site.{k}", v) for k, v in HD_SITE.items()],
    # 10 hdzfxxgk guide
    ("trs_xxgk_guide_hdzfxxgk_handan.html", "kind", "guide"),
    ("trs_xxgk_guide_hdzfxxgk_handan.html", "title", "邯郸市人民政府-政府信息公开指南"),
    ("trs_xxgk_guide_hdzfxxgk_handan.html", "column", "政府信息公开指南"),
    *[("trs_xxgk_guide_hdzfxxgk_handan.html", f"site.{k}", v) for k, v in HD_SITE.items()],
    # 11 hdzfxxgk detail
    ("trs_doc_hdzfxxgk_handan_jyj.html", "kind", "document"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "title", JYJ),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "column", "部门信息公开"),  # trap: not ColumnType 政策文件，信息公开
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.索引号", "000014348/2020-35147"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.发布机构", "邯郸市教育局"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.名称", JYJ),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.文号", "无"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.主题分类", "教育"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "fields.发布日期", "2020年08月02日"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "published", "2020-08-02"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "published_source", "table"),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "written", None),  # trap: 成文日期 only in a comment
    ("trs_doc_hdzfxxgk_handan_jyj.html", "written_source", None),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "no_field.成文日期", None),
    ("trs_doc_hdzfxxgk_handan_jyj.html", "no_field.有效性", None),  # 有效期 only in a comment
    ("trs_doc_hdzfxxgk_handan_jyj.html", "no_field.主题词", None),
    *[("trs_doc_hdzfxxgk_handan_jyj.html", f"site.{k}", v) for k, v in HD_SITE.items()],
    # 12 hdzfxxgk list
    ("trs_list_hdzfxxgk_handan.html", "kind", "list"),
    ("trs_list_hdzfxxgk_handan.html", "column", "近期信息公开"),  # not meta ColumnName
    ("trs_list_hdzfxxgk_handan.html", "breadcrumb", ["首页", "政府文件", "近期信息公开"]),
    ("trs_list_hdzfxxgk_handan.html", "entries", [LIST_ENTRY]),
    ("trs_list_hdzfxxgk_handan.html", "pages.count", 56),
    ("trs_list_hdzfxxgk_handan.html", "pages.first", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index.html"),
    ("trs_list_hdzfxxgk_handan.html", "pages.second", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_1.html"),
    ("trs_list_hdzfxxgk_handan.html", "pages.last", "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_55.html"),
    ("trs_list_hdzfxxgk_handan.html", "fields", {}),
    *[("trs_list_hdzfxxgk_handan.html", f"site.{k}", v) for k, v in HD_SITE.items()],
    # 13 pingtan
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "kind", "document"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "title", "平潭综合实验区党工委关于沈福泉同志免职的通知"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "published", "2024-09-19"),  # not the signing date 2024-07-09
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "published_source", "line"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "column", "人事任免"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "breadcrumb",
     ["首页", "政务公开", "政府信息公开", "法定主动公开内容", "招考录用", "人事任免"]),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "site.site_id_code", "3590000001"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "site.police_record", "35012899001-19002"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "site.icp", "闽ICP备09032658号"),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "no_field.索引号", None),
    ("trs_doc_pingtan_zfxxgk_rsrm_93742.html", "no_field.有效性", None),
    # 14 / 15 redirect stubs
    ("redirect_stub_pingtan_hzcfhzqz_bljggs.html", "refresh",
     "https://ythdrhxzzf-fujian-gov-cnx6e42968723868xx.ipv6best.cn/zfgs/#/publicity/start/information-v2"
     "?areaCode=350128&name=%E5%B9%B3%E6%BD%AD%E5%8E%BF"),
    ("redirect_stub_pingtan_hzcfhzqz_bljggs.html", "follow",
     ["https://ythdrhxzzf-fujian-gov-cnx6e42968723868xx.ipv6best.cn/zfgs/"]),
    ("redirect_stub_pingtan_hzcfhzqz_bljggs.html", "title", None),
    ("redirect_stub_pingtan_hzcfhzqz_bszn.html", "refresh",
     "https://zwfw.fujian.gov.cn/indexMain?type=1&siteUnid=EC4BF9378FEEB8761D62BEDFF8EDE105"),
    ("redirect_stub_pingtan_hzcfhzqz_bszn.html", "follow",
     ["https://zwfw.fujian.gov.cn/indexMain?type=1&siteUnid=EC4BF9378FEEB8761D62BEDFF8EDE105"]),
    ("redirect_stub_pingtan_hzcfhzqz_bszn.html", "title", None),
]

_cache: dict[str, dict] = {}


def record(page: str) -> dict:
    if not REALPAGES.is_dir():
        pytest.skip(f"real pages not found at {REALPAGES} (set XXGK_REALPAGES to the directory)")
    if page not in _cache:
        _cache[page] = extract_page((REALPAGES / page).read_bytes(), URLS[page])
    return _cache[page]


def _get(rec: dict, key: str):
    if key.startswith("fields."):
        label = key.split(".", 1)[1]
        assert label in rec["fields"], f"{label} missing from fields {rec['fields']}"
        return rec["fields"][label]
    if key.startswith("no_field."):
        label = key.split(".", 1)[1]
        return rec["fields"].get(label)
    if key.startswith("site."):
        return rec["site"][key.split(".", 1)[1]]
    if key.startswith("pages."):
        pages = rec["pages"]
        which = key.split(".", 1)[1]
        return {"count": len(pages), "first": pages[0] if pages else None,
                "second": pages[1] if len(pages) > 1 else None, "last": pages[-1] if pages else None}[which]
    return rec[key]


@pytest.mark.parametrize("page,key,expected", CASES, ids=[f"{p.split('.')[0]}-{k}" for p, k, _ in CASES])
def test_manifest_value(page, key, expected):
    assert _get(record(page), key) == expected


def test_alt_attribute_date_not_taken():
    rec = record("trs_doc_shanxi_gov_news.html")
    assert rec["published"] != "2017-11-08"
    assert "2017-11-08" not in rec["body_text"]


def test_maketime_not_taken():
    rec = record("hanweb_doc_zj_fgw_art.html")
    assert rec["published"] == "2016-11-22" and rec["written"] is None
    assert rec["meta"]["Maketime"] == "2019-03-22 12:28:37"


def test_commented_written_date_not_taken():
    rec = record("trs_doc_hdzfxxgk_handan_jyj.html")
    assert rec["written"] is None and "成文日期" not in rec["fields"]


def test_columnname_differs_from_columntype():
    rec = record("trs_doc_hdzfxxgk_handan_jyj.html")
    assert rec["meta"]["ColumnType"] == "政策文件，信息公开"
    assert rec["column"] == rec["meta"]["ColumnName"] == "部门信息公开"


def test_platform_navigation_parts():
    rec = record("trs_xxgk_index_hdzfxxgk_handan.html")
    urls = {s["url"] for s in rec["subcolumns"]}
    for path in ("/zfxxgkzn/", "/zfwj/zdwj/", "/fdgknr/", "/zfxxgknb/", "/ysqgk/"):
        assert "http://hdzfxxgk.hd.gov.cn" + path in urls, path


def test_platform_document_links():
    rec = record("trs_xxgk_index_hdzfxxgk_handan.html")
    docs = [e for e in rec["entries"] if "/t2020" in e["url"] or "/t20" in e["url"]]
    assert len(docs) >= 40
    assert max(e["date"] for e in docs if e["date"]) == "2020-08-02"


def test_guide_directory_links():
    rec = record("trs_xxgk_guide_hdzfxxgk_handan.html")
    assert len([x for x in rec["links"] if x["tag"] == "a" and "gszbm" in x["url"]]) >= 40


def test_list_pages_in_follow():
    rec = record("trs_list_hdzfxxgk_handan.html")
    assert "http://hdzfxxgk.hd.gov.cn/zfwj/jinqixxgk/index_55.html" in rec["follow"]
    assert LIST_ENTRY["url"] in rec["follow"]


@pytest.mark.parametrize("page", sorted(URLS))
def test_badge_and_no_error(page):
    rec = record(page)
    assert rec["error"] is None
    if not page.startswith(("redirect_stub", "hanweb_news_cmse")):
        assert rec["site"]["badge"] is True


@pytest.mark.parametrize("page", sorted(URLS))
def test_links_absolute_without_fragment(page):
    rec = record(page)
    for link in rec["links"]:
        assert link["url"].startswith(("http://", "https://")), link
        assert "#" not in link["url"] or link["tag"] == "meta", link
        assert set(link) == {"url", "tag", "attribute", "text"}
    for u in rec["follow"]:
        assert "#" not in u


def test_stub_refresh_is_a_link():
    rec = record("redirect_stub_pingtan_hzcfhzqz_bszn.html")
    assert [x["tag"] for x in rec["links"]] == ["meta"]
    assert rec["kind"] == "other" and rec["entries"] == []


def test_document_body_text():
    rec = record("trs_doc_shanxi_gov_news.html")
    assert "山西品牌丝路行首次登陆巴西" in rec["body_text"]
    assert len(rec["body_text"]) <= 20000
    rec = record("trs_doc_pingtan_zfxxgk_rsrm_93742.html")
    assert "沈福泉" in rec["body_text"]
