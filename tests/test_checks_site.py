"""Site indicators: home.stale, identity, meta, annual reports, interaction, interpretation."""

from __future__ import annotations

import pytest
from records import SITE, Records, run_rule

from checks import site
from xxgk.profile import load_profile

HOME = SITE + "/"


@pytest.fixture
def rec(tmp_path):
    return Records(tmp_path)


# ---------------------------------------------------------------- home.stale
def test_home_stale_from_linked_columns_and_documents(rec):
    rec.page(HOME, "home")
    rec.column(SITE + "/dt/", "工作动态", on_platform=0)
    rec.entry(SITE + "/dt/", "a", SITE + "/dt/a.html", "2026-03-05")
    rec.link(HOME, SITE + "/dt/", "工作动态")
    rec.document(SITE + "/x.html", "x", published="2026-03-01")
    rec.link(HOME, SITE + "/x.html", "x")
    assert run_rule(rec, site.check_home_stale, "2026-03-19") == []  # exactly 14 days
    found = run_rule(rec, site.check_home_stale, "2026-03-20")
    assert [f.evidence["newest"] for f in found] == ["2026-03-05"]


def test_home_not_judged_without_dates(rec):
    rec.page(HOME, "home")
    assert run_rule(rec, site.check_home_stale) == []


# ---------------------------------------------------------------- site.identity_missing
def test_identity(rec):
    rec.page(HOME, "home", site_identity={"site_id_code": "1400000045", "icp": "晋ICP备05001234号",
                                          "police_record": None, "badge": True})
    found = run_rule(rec, site.check_site_identity_missing)
    assert [f.evidence["missing"] for f in found] == [["police_record"]]
    assert "公安" in found[0].message


def test_identity_complete_and_not_recorded(tmp_path):
    rec = Records(tmp_path)
    rec.page(HOME, "home", site_identity={"site_id_code": "bm01000001", "icp": "京ICP备05070218号",
                                          "police_record": "京公网安备11010202000001号", "badge": "党政机关"})
    assert run_rule(rec, site.check_site_identity_missing) == []


def test_identity_malformed(rec):
    rec.page(HOME, "home", site_identity={"site_id_code": "12345", "icp": "晋ICP备05001234号",
                                          "police_record": "14010502000123", "badge": True})
    found = run_rule(rec, site.check_site_identity_missing)
    assert found[0].evidence["malformed"] == ["site_id_code"]


# ---------------------------------------------------------------- meta.missing
def test_meta_missing(rec):
    rec.page(SITE + "/d1.html", "document", meta={"SiteName": "x", "SiteDomain": "gov.test", "SiteIDCode": "1",
                                                 "ColumnName": "c", "ArticleTitle": "t", "PubDate": "",
                                                 "contentsource": "s"})
    rec.page(SITE + "/d2.html", "document")  # meta not recorded: not judged
    found = run_rule(rec, site.check_meta_missing)
    assert [(f.url, f.evidence["missing"]) for f in found] == [(SITE + "/d1.html", ["PubDate"])]


# ---------------------------------------------------------------- annual reports
def report(rec, year, published, body=None, n=1):
    if SITE + "/zwgk/nb/" not in rec.context().columns:
        rec.column(SITE + "/zwgk/nb/", "政府信息公开年报")
    return rec.document(f"{SITE}/zwgk/nb/t{n}.html", f"某市人民政府{year}年政府信息公开工作年度报告",
                        SITE + "/zwgk/nb/", published=published, body_text=body)


def test_annual_report_missing(rec):
    rec.column(SITE + "/zwgk/nb/", "政府信息公开年报")
    assert [f.evidence["year"] for f in run_rule(rec, site.check_annual_report_missing, "2026-03-31")] == [2024]
    rec.entry(SITE + "/zwgk/nb/", "2024年政府信息公开工作年度报告", SITE + "/zwgk/nb/r24.html", "2025-03-01")
    assert run_rule(rec, site.check_annual_report_missing, "2026-03-31") == []  # deadline day: 2025 not yet due
    found = run_rule(rec, site.check_annual_report_missing, "2026-04-01")
    assert [f.evidence["year"] for f in found] == [2025]
    assert found[0].url == SITE + "/zwgk/nb/"


def test_annual_report_present_as_entry_on_time_and_late(rec):
    rec.column(SITE + "/zwgk/nb/", "年报")
    rec.entry(SITE + "/zwgk/nb/", "2025年度政府信息公开工作年度报告", SITE + "/zwgk/nb/r.html", "2026-03-31")
    assert run_rule(rec, site.check_annual_report_missing, "2026-06-01") == []
    assert run_rule(rec, site.check_annual_report_late, "2026-06-01") == []


def test_annual_report_late_and_department_deadline(rec):
    report(rec, 2025, "2026-02-10")
    assert run_rule(rec, site.check_annual_report_late, "2026-06-01") == []
    prof = load_profile(overrides={"annual_report": {"deadline": "01-31"}})
    found = run_rule(rec, site.check_annual_report_late, "2026-06-01", prof)
    assert [f.evidence["deadline"] for f in found] == ["2026-01-31"]


SECTIONS = ("一、总体情况。二、主动公开政府信息情况。三、收到和处理政府信息公开申请情况。"
            "四、政府信息公开行政复议、行政诉讼情况。五、存在的主要问题及改进情况。六、其他需要报告的事项。")


def test_annual_report_incomplete(rec):
    report(rec, 2025, "2026-03-01", body=SECTIONS + "说明" * 300, n=1)
    report(rec, 2024, "2025-03-01", body=SECTIONS.replace("行政复议、行政诉讼", "复查") + "说明" * 300, n=2)
    report(rec, 2023, "2024-03-01", body="详见附件。", n=3)  # attachment only: not judged
    found = run_rule(rec, site.check_annual_report_incomplete, "2026-06-01")
    assert [(f.evidence["year"], f.evidence["missing"]) for f in found] == [(2024, ["行政复议、行政诉讼情况"])]


# ---------------------------------------------------------------- interaction.unanswered
def test_interaction_unanswered(rec):
    col = SITE + "/hdjl/ly/"
    rec.column(col, "领导信箱", on_platform=0)
    rec.document(col + "1.html", "咨询一", col, fields={"留言时间": "2025-12-01", "办理状态": "未回复"})
    rec.document(col + "2.html", "咨询二", col, fields={"留言时间": "2025-12-01", "回复时间": "2025-12-05"})
    rec.document(col + "3.html", "咨询三", col, fields={"留言时间": "2025-12-21", "办理状态": "办理中"})
    rec.document(col + "4.html", "咨询四", col, fields={"留言时间": "2024-01-01"})  # older than a year
    rec.document(col + "5.html", "咨询五", col, fields={"留言时间": "2025-11-01"},
                 body_text="留言内容…… 答复单位：某局 答复内容：已处理。")
    rec.column(SITE + "/hdjl/ft/", "在线访谈", on_platform=0)
    rec.document(SITE + "/hdjl/ft/1.html", "访谈", SITE + "/hdjl/ft/", fields={"留言时间": "2025-10-01"})
    found = run_rule(rec, site.check_interaction_unanswered, "2026-03-20")
    assert [f.url for f in found] == [col + "1.html"]  # 3: exactly three months on 03-21 is fine


# ---------------------------------------------------------------- interpretation.late
def test_interpretation_late(rec):
    col = SITE + "/zwgk/zcjd/"
    rec.document(SITE + "/zwgk/zcwj/p1.html", "某市促进就业若干措施", published="2026-03-02")
    rec.document(col + "j1.html", "《某市促进就业若干措施》政策解读", col, published="2026-03-06")  # 4th wd
    rec.document(SITE + "/zwgk/zcwj/p2.html", "某市养老服务办法", published="2026-03-02")
    rec.document(col + "j2.html", "一图读懂养老服务", col, published="2026-03-05")  # 3rd wd: on time
    rec.link(col + "j1.html", SITE + "/zwgk/zcwj/p1.html", "某市促进就业若干措施")
    rec.link(SITE + "/zwgk/zcwj/p2.html", col + "j2.html", "相关解读")
    rec.document(SITE + "/zwgk/zcwj/p3.html", "另一文件", published="2026-01-02")
    rec.link(col + "j1.html", SITE + "/zwgk/zcwj/p3.html", "另一文件")  # sidebar: not related
    found = run_rule(rec, site.check_interpretation_late, "2026-03-20")
    assert [(f.url, f.evidence["deadline"]) for f in found] == [(col + "j1.html", "2026-03-05")]


def test_identity_empty_record_not_judged(rec):
    rec.page(HOME, "home", site_identity={})
    assert run_rule(rec, site.check_site_identity_missing) == []
