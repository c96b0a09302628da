"""reg.validity_missing and reg.stale: validity phrases, repeal decisions, the registry."""

from __future__ import annotations

import pytest
from records import SITE, Records, run_rule

from checks.regulations import (
    check_reg_stale,
    check_reg_validity_missing,
    expiry,
    repeal_statements,
    validity,
)

GFX = SITE + "/zwgk/gfxwj/"


@pytest.fixture
def rec(tmp_path):
    r = Records(tmp_path)
    r.page(SITE + "/zwgk/", "platform")
    r.column(GFX, "规范性文件", parent_url=SITE + "/zwgk/")
    return r


def reg(rec, n, title, **kw):
    return rec.document(f"{GFX}t{n}.html", title, GFX, **kw)


def stale(rec, as_of="2026-03-20", profile=None):
    return {f.url.rsplit("/", 1)[-1]: f for f in run_rule(rec, check_reg_stale, as_of, profile)}


def test_unmarked_and_expired_is_stale(rec):
    reg(rec, 1, "某市物业管理办法", written="2018-12-01",
        body_text="第二十条 本办法自2019年1月1日起施行，有效期5年。")
    found = stale(rec)
    f = found["t1.html"]
    reason = f.evidence["reasons"][0]
    assert reason["kind"] == "expired" and reason["end"] == "2023-12-31" and reason["start"] == "2019-01-01"
    assert f.evidence["shown_status"] == "unmarked"
    assert "2023-12-31" in f.message


def test_validity_years_end_the_day_before_the_anniversary(rec):
    reg(rec, 1, "某办法", written="2021-03-20", validity="现行有效", body_text="本办法自印发之日起施行，有效期5年。")
    assert stale(rec, "2026-03-19") == {}  # last day in force
    assert set(stale(rec, "2026-03-20")) == {"t1.html"}


def test_marked_in_force_and_expired_until_date(rec):
    reg(rec, 1, "某办法", validity="有效", fields={"有效期": "有效期至2025年12月31日"})
    reg(rec, 2, "另一办法", validity="现行有效", body_text="本规定自发布之日起施行，有效期至2027年12月31日。")
    found = stale(rec)
    assert set(found) == {"t1.html"}
    assert found["t1.html"].evidence["reasons"][0]["end"] == "2025-12-31"


def test_until_date_after_as_of_is_fine_and_on_the_day(rec):
    reg(rec, 1, "某办法", validity="现行有效", expires="2026-03-20")
    assert stale(rec, "2026-03-20") == {}
    assert set(stale(rec, "2026-03-21")) == {"t1.html"}


def test_expired_but_marked_failed_is_not_stale(rec):
    reg(rec, 1, "某办法", validity="已失效", body_text="本办法自2015年1月1日起施行，有效期3年。")
    reg(rec, 2, "【已废止】某规定", body_text="本规定自2015年1月1日起施行，有效期3年。")
    reg(rec, 3, "某细则", fields={"时效性": "已修改"}, body_text="有效期至2016年1月1日")
    reg(rec, 4, "某暂行办法", validity="尚未生效", expires="2020-01-01")
    assert stale(rec) == {}


def test_validity_period_of_something_else_is_ignored(rec):
    reg(rec, 1, "某许可办法", validity="现行有效", written="2024-01-01",
        body_text="许可证有效期3年，期满前申请延续。本办法自2024年2月1日起施行。")
    assert stale(rec) == {}


def test_repeal_decision_listing_several_doc_numbers(rec):
    reg(rec, 1, "某市甲管理办法", doc_no="某府规〔2015〕1号", written="2015-03-01", validity="现行有效")
    reg(rec, 2, "某市乙实施细则", doc_no="某府规〔2016〕4号", written="2016-05-01")
    reg(rec, 3, "某市丙办法", doc_no="某府规〔2017〕2号", written="2017-05-01", validity="现行有效")
    reg(rec, 4, "某市丁办法", doc_no="某府规〔2018〕7号", written="2018-05-01", validity="现行有效")
    reg(rec, 9, "某市人民政府关于废止部分规范性文件的决定", doc_no="某府规〔2025〕9号", written="2025-06-01",
        validity="现行有效",
        body_text="经清理，市政府决定废止以下规范性文件：1.《某市甲管理办法》（某府规〔2015〕1号）；"
                  "2.某府规[2016]4号；3.《某市丙办法》（某府规〔2017〕2号）。以下文件继续有效："
                  "《某市丁办法》（某府规〔2018〕7号）。本决定自印发之日起施行。")
    found = stale(rec)
    assert set(found) == {"t1.html", "t2.html", "t3.html"}  # the decision itself and 丁 are not stale
    ev = found["t1.html"].evidence["reasons"][0]
    assert ev["kind"] == "repealed" and ev["decision_url"].endswith("t9.html")
    assert ev["named_doc_no"] == "某府规〔2015〕1号" and "废止" in ev["quote"]
    assert found["t2.html"].evidence["shown_status"] == "unmarked"


def test_newer_same_title_version_is_not_repealed(rec):
    reg(rec, 1, "某市城市绿化管理办法", written="2012-01-01", validity="现行有效")
    reg(rec, 2, "某市城市绿化管理办法", written="2024-06-01", validity="现行有效",
        body_text="本办法自2024年7月1日起施行。2012年印发的《某市城市绿化管理办法》同时废止。")
    reg(rec, 3, "某市城市绿化管理办法", written="2025-01-01", validity="现行有效")
    found = stale(rec)
    assert set(found) == {"t1.html"}
    assert found["t1.html"].evidence["reasons"][0]["decision_url"].endswith("t2.html")


def test_repealed_by_wrapper_title_and_traditional_script(rec):
    reg(rec, 1, "關於印發《某縣行政事業性收費管理辦法》的通知", written="2014-01-01")
    reg(rec, 2, "某县人民政府关于宣布失效一批规范性文件的决定", written="2024-01-01",
        body_text="决定对下列文件宣布失效：《关于印发〈某县行政事业性收费管理办法〉的通知》。")
    assert set(stale(rec)) == {"t1.html"}


def test_decision_title_keyword_cleanup_sections(rec):
    reg(rec, 1, "甲规定", doc_no="某政发〔2010〕3号", written="2010-01-01")
    reg(rec, 2, "乙规定", doc_no="某政发〔2011〕8号", written="2011-01-01")
    decision = reg(rec, 9, "关于公布规范性文件清理结果的通知", written="2024-01-01",
                   body_text="一、继续有效的规范性文件 1.《乙规定》（某政发〔2011〕8号） "
                             "二、宣布失效的规范性文件 1.《甲规定》（某政发〔2010〕3号）")
    ctx = rec.context()
    named = [(r.title, r.doc_no) for r in repeal_statements(ctx, decision)]
    assert named == [("甲规定", "某政发〔2010〕3号")]
    assert set(stale(rec)) == {"t1.html"}


def test_cited_law_is_not_repealed(rec):
    reg(rec, 1, "中华人民共和国行政许可法", written="2019-04-23")
    reg(rec, 2, "关于废止《某办法》的决定", written="2024-01-01",
        body_text="根据《中华人民共和国行政许可法》等规定，决定废止《某办法》。")
    assert stale(rec) == {}


def test_bundled_registry_by_doc_no_only(rec):
    reg(rec, 1, "中华人民共和国政府信息公开条例", doc_no="国务院令第492号", written="2007-04-05",
        validity="现行有效")
    reg(rec, 2, "中华人民共和国政府信息公开条例", doc_no="国务院令第711号", written="2019-04-03",
        validity="现行有效")
    found = stale(rec)
    assert set(found) == {"t1.html"}
    reason = found["t1.html"].evidence["reasons"][0]
    assert reason["kind"] == "registry" and reason["entry"]["source"]


def test_user_registry_file(rec, tmp_path):
    path = tmp_path / "rep.toml"
    path.write_text('[[repealed]]\ntitle = "某市旧办法"\ndoc_no = ""\ndate = "2020-01-01"\nstatus = "废止"\n'
                    'source = "某市人民政府公告2020年第1号"\n', encoding="utf-8")
    from xxgk.profile import load_profile

    prof = load_profile(overrides={"regulations": {"repealed_file": str(path)}})
    reg(rec, 1, "某市旧办法", written="2010-01-01")
    reg(rec, 2, "某市旧办法", written="2021-01-01", validity="现行有效")  # newer: after the registry date
    assert set(stale(rec, profile=prof)) == {"t1.html"}


def test_validity_missing(rec):
    reg(rec, 1, "某办法")                                            # reg column, no field
    reg(rec, 2, "某办法二", validity="现行有效")
    reg(rec, 3, "【已失效】某办法三")
    reg(rec, 4, "某办法四", fields={"效力状态": "有效"})
    reg(rec, 5, "某办法五", fields={"有效性": " "})                   # empty field
    rec.column(SITE + "/zwgk/tzgg/", "通知公告", parent_url=SITE + "/zwgk/")
    rec.document(SITE + "/zwgk/tzgg/a.html", "关于开展安全检查的通知", SITE + "/zwgk/tzgg/")  # not a regulation
    rec.document(SITE + "/zwgk/tzgg/b.html", "某市人民政府令", SITE + "/zwgk/tzgg/", doc_no="某市人民政府令第12号")
    rec.document(SITE + "/zwgk/tzgg/c.html", "关于印发《某市停车场管理办法》的通知", SITE + "/zwgk/tzgg/")
    found = {f.url.rsplit("/", 1)[-1]: f for f in run_rule(rec, check_reg_validity_missing)}
    assert set(found) == {"t1.html", "t5.html", "b.html", "c.html"}
    assert found["b.html"].evidence["classified_by"].startswith("doc_no:")
    assert found["t1.html"].evidence["classified_by"] == "column:规范性文件"


def test_validity_parsing(rec):
    ctx = rec.context()
    assert validity(ctx, {"title": "x", "validity": "現行有效"}).status == "in_force"
    assert validity(ctx, {"title": "x", "validity": "已废止"}).status == "out"
    assert validity(ctx, {"title": "x", "validity": "尚未生效"}).status == "not_yet"
    assert validity(ctx, {"title": "x（已失效）"}).status == "out"
    assert validity(ctx, {"title": "x"}).status == "unmarked"
    exp = expiry(ctx, {"url": "u", "written": "2020-02-29", "body_text": "本意见自印发之日起施行，有效期两年。"})
    assert exp.end.isoformat() == "2022-02-27" and exp.start.isoformat() == "2020-02-29"


def test_decision_inline_keep_after_repeal(rec):
    reg(rec, 1, "甲办法", written="2010-01-01")
    reg(rec, 2, "乙办法", written="2010-01-01")
    reg(rec, 9, "关于废止和继续执行部分规范性文件的决定", written="2024-01-01",
        body_text="决定对《甲办法》等2件文件予以废止，对《乙办法》继续有效。")
    assert set(stale(rec)) == {"t1.html"}


def test_list_before_keyword_in_running_text(rec):
    reg(rec, 1, "甲办法", doc_no="某政规〔2015〕1号", written="2015-01-01")
    reg(rec, 2, "乙办法", doc_no="某政规〔2016〕2号", written="2016-01-01")
    reg(rec, 3, "丙办法", doc_no="某政规〔2017〕3号", written="2017-01-01")
    reg(rec, 4, "新办法", written="2024-01-01", validity="现行有效",
        body_text="本办法自2024年2月1日起施行。《甲办法》（某政规〔2015〕1号）、《乙办法》（某政规〔2016〕2号）同时废止。"
                  "《丙办法》继续有效。")
    assert set(stale(rec)) == {"t1.html", "t2.html"}


def test_decision_list_without_heading_keyword_before(rec):
    """The sample portal's decision: 决定对《A》、《B》、《C》予以废止；对《D》宣布失效。"""
    for n, (title, no, day) in enumerate([("甲", "示政规〔2019〕3号", "2019-04-08"), ("乙", "示政规〔2020〕2号", "2020-03-02"),
                                          ("丙", "示政办规〔2018〕9号", "2018-01-01"),
                                          ("丁", "示政办规〔2021〕11号", "2021-06-07")], 1):
        reg(rec, n, title + "办法", doc_no=no, written=day, validity="有效")
    reg(rec, 9, "示例市人民政府关于废止和宣布失效部分行政规范性文件的决定", doc_no="示政规〔2026〕4号",
        written="2026-09-14", validity="有效",
        body_text="经市人民政府研究，决定对《甲办法》（示政规〔2019〕3号）、《乙办法》（示政规〔2020〕2号）、《丙办法》"
                  "（示政办规〔2018〕9号）予以废止；对《丁办法》（示政办规〔2021〕11号）宣布失效。本决定自印发之日起施行。")
    assert set(stale(rec, "2026-11-20")) == {"t1.html", "t2.html", "t3.html", "t4.html"}


def test_sample_portal_regulations(rec):
    """The bundled sample's 行政规范性文件 cases (xxgk/sample/build.py), as_of 2026-11-20."""
    cases = [  # n, title, 文号, 成文, 有效性, last paragraph
        (1, "示例市老旧小区改造资金管理办法", "示政规〔2024〕3号", "2024-06-24", "有效",
         "第六条　本办法自2024年7月1日起施行，有效期至2026年6月30日。"),
        (2, "示例市城区公共停车场收费管理办法", "示政办规〔2022〕5号", "2022-08-10", None,
         "第六条　本办法自2022年9月1日起施行，有效期3年。"),
        (3, "示例市促进数字经济高质量发展若干措施", "示政规〔2026〕6号", "2026-10-20", None, "本措施自印发之日起施行。"),
        (4, "示例市政府投资项目管理办法", "示政规〔2025〕4号", "2025-05-12", None, "第六条　本办法自2025年6月1日起施行。"),
        (5, "示例市户外广告设施设置管理办法", "示政规〔2025〕7号", "2025-08-04", "", "第六条　本办法自2025年9月1日起施行。"),
        (6, "示例市人民政府关于废止和宣布失效部分行政规范性文件的决定", "示政规〔2026〕4号", "2026-09-14", "有效",
         "经市人民政府研究，决定对《示例市城市道路挖掘管理办法》（示政规〔2019〕3号）、《示例市市区犬类管理规定》"
         "（示政规〔2020〕2号）、《示例市农村宅基地审批管理办法》（示政办规〔2018〕9号）予以废止；对《示例市高层次"
         "人才引进实施办法》（示政办规〔2021〕11号）宣布失效。本决定自印发之日起施行。附件：废止和宣布失效的行政规范性文件目录（共4件）"),
        (7, "示例市城市道路挖掘管理办法", "示政规〔2019〕3号", "2019-04-08", "有效", "第六条　本办法自2019年5月1日起施行。"),
        (8, "示例市市区犬类管理规定", "示政规〔2020〕2号", "2020-03-02", "有效", "第六条　本规定自2020年4月1日起施行。"),
        (9, "示例市高层次人才引进实施办法", "示政办规〔2021〕11号", "2021-06-07", "有效", "第六条　本办法自印发之日起施行。"),
        (10, "示例市城市道路挖掘管理办法", "示政规〔2026〕2号", "2026-08-20", "有效",
         "第六条　本办法自2026年10月1日起施行。2019年4月8日印发的《示例市城市道路挖掘管理办法》同时废止。"),
        (11, "示例市住房租赁补贴发放办法", "示政规〔2021〕5号", "2021-03-15", "失效",
         "第六条　本办法自2021年4月1日起施行，有效期至2023年12月31日。"),
        (12, "示例市物业服务收费管理办法", "示政规〔2023〕9号", "2023-11-06", "有效",
         "第六条　本办法自2024年1月1日起施行，有效期至2028年12月31日。"),
        (13, "示例市公共租赁住房管理办法", "示政规〔2021〕14号", "2021-11-15", "有效",
         "第六条　本办法自2021年11月21日起施行，有效期5年。"),
        (14, "示例市既有住宅加装电梯管理办法", "示政规〔2021〕13号", "2021-11-15", "有效",
         "第六条　本办法自2021年11月20日起施行，有效期5年。"),
    ]
    body = "第一条　为了规范管理，制定本办法。第二条　本办法适用于本市行政区域。"
    for n, title, no, written, valid, last in cases:
        fields = {"索引号": "x", "文号": no, "成文日期": written}
        if valid is not None:
            fields["有效性"] = valid
        reg(rec, n, title, doc_no=no, written=written, published=written, validity=valid, fields=fields,
            body_text=(last if n == 6 else body + last))
    assert sorted(stale(rec, "2026-11-20"), key=lambda u: int(u[1:-5])) == [
        "t1.html", "t2.html", "t7.html", "t8.html", "t9.html", "t14.html"]
    missing = {f.url.rsplit("/", 1)[-1] for f in run_rule(rec, check_reg_validity_missing, "2026-11-20")}
    assert missing == {"t2.html", "t3.html", "t4.html", "t5.html"}
