"""The unlabelled pages of ../shared/realpages-more: GBK/GB2312 decoding, link resolution,
a JS challenge page, and nothing raises."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.extract import extract_page

MORE = Path(os.environ.get("XXGK_REALPAGES_MORE")
            or Path(__file__).resolve().parents[2] / "shared" / "realpages-more")
STATS = "http://www.stats.gov.cn/tjsj/tjbz/tjyqhdmhcxhfdm/"
URLS = {
    "home_govcn_browser_saved.html": "https://www.gov.cn/",
    "doc_ccgp_cjgg_zhijiang.html": "http://www.ccgp.gov.cn/cggg/dfgg/cjgg/202106/t20210610_16412345.htm",
    "other_ccgp_hebei_weichang_header.html": "http://www.ccgp-hebei.gov.cn/cd/cd_wc/index_651.html",
    "list_stats_tjyqhdm_default.htm": STATS + "default.htm",
    "gbk_stats_2019_index.html": STATS + "2019/index.html",
    "gbk_stats_2018_index.html": STATS + "2018/index.html",
    "gbk_stats_2019_44.html": STATS + "2019/44.html",
    "gbk_stats_2019_4403.html": STATS + "2019/44/4403.html",
    "gbk_stats_2019_440305.html": STATS + "2019/44/03/440305.html",
    "gbk_stats_2019_village.html": STATS + "2019/44/03/05/440305001.html",
    "gbk_stats_2019_4419_dongguan.html": STATS + "2019/44/4419.html",
    "gbk_stats_2018_11_beijing.html": STATS + "2018/11.html",
    "gbk_stats_2019_4690_hainan.html": STATS + "2019/46/4690.html",
    "gbk_stats_2018_1101_beijing.html": STATS + "2018/11/1101.html",
    "other_stats_js_challenge.htm": "http://www.stats.gov.cn/ti",
}
_cache: dict[tuple, dict] = {}


def record(page: str, headers=None) -> dict:
    if not MORE.is_dir():
        pytest.skip(f"realpages-more not found at {MORE} (set XXGK_REALPAGES_MORE)")
    key = (page, tuple(sorted((headers or {}).items())))
    if key not in _cache:
        _cache[key] = extract_page((MORE / page).read_bytes(), URLS[page], headers)
    return _cache[key]


@pytest.mark.parametrize("page", sorted(URLS))
def test_no_error_and_links_resolve(page):
    rec = record(page)
    if page != "other_stats_js_challenge.htm":
        assert rec["error"] is None
    for link in rec["links"]:
        assert link["url"].startswith(("http://", "https://")) and " " not in link["url"], link
        assert link["url"].isascii(), link


@pytest.mark.parametrize("page", sorted(p for p in URLS if p.startswith("gbk_")))
@pytest.mark.parametrize("headers", [None, {"Content-Type": "text/html; charset=utf-8"},
                                     {"Content-Type": "text/html; charset=gb2312"}])
def test_gbk_pages_decode(page, headers):
    rec = record(page, headers)
    assert rec["encoding"] == "gb18030"
    assert rec["title"] and "统计" in rec["title"] or "区划" in (rec["title"] or "")
    assert "\ufffd" not in (rec["title"] or "")
    if headers and "utf-8" in headers["Content-Type"]:
        assert rec["encoding_note"]


@pytest.mark.parametrize("page,char", [("gbk_stats_2018_index.html", "鄚"), ("gbk_stats_2019_4419_dongguan.html", "埗")])
def test_gbk_only_characters(page, char):
    rec = record(page)
    assert any(char in link["text"] for link in rec["links"]) or char in rec["body_text"], char


def test_gbk_relative_links():
    rec = record("gbk_stats_2019_44.html")
    assert STATS + "2019/44/4403.html" in {link["url"] for link in rec["links"]}


def test_js_challenge_page():
    rec = record("other_stats_js_challenge.htm")
    assert rec["kind"] == "other" and "JavaScript" in rec["error"]


def test_govcn_home():
    rec = record("home_govcn_browser_saved.html")
    assert rec["kind"] == "home" and rec["column"] is None
    assert rec["site"] == {"site_id_code": "bm01000001", "icp": "京ICP备05070218号",
                           "police_record": "11010202000001", "badge": True}


def test_ccgp_document():
    rec = record("doc_ccgp_cjgg_zhijiang.html")
    assert rec["kind"] == "document"
    assert rec["title"].endswith("安防工程十标成交公告")
    assert rec["column"] == "成交公告"
    assert rec["site"]["icp"] == "京ICP备19054529号-1"  # split over <span>s
    assert rec["site"]["site_id_code"] == "bm14000002"
    assert rec["site"]["police_record"] == "11010602060068"
