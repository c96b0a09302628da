"""category.missing over the platform's column tree."""

from __future__ import annotations

import json

import pytest
from records import SITE, Records, run_rule

import checks
from checks.categories import check_category_missing
from xxgk.profile import load_profile

P = SITE + "/zwgk/"
CANONICAL = [c["name"] for c in load_profile().get_path("categories.mandatory")]


@pytest.fixture
def rec(tmp_path):
    r = Records(tmp_path)
    r.page(P, "platform", title="政务公开")
    return r


def build(rec, skip=(), rename=None, **kinds):
    """One platform column per mandatory category (named canonically unless renamed)."""
    for i, name in enumerate(CANONICAL):
        if name in skip:
            continue
        rec.column(f"{P}c{i}/", (rename or {}).get(name, name), kind=kinds.get(name, "list"), parent_url=P)


def missing(rec, profile=None):
    return sorted(f.evidence["category"] for f in run_rule(rec, check_category_missing, profile=profile))


def test_all_present(rec):
    build(rec)
    assert missing(rec) == []


def test_one_missing_with_evidence(rec):
    build(rec, skip={"财政预决算"})
    found = run_rule(rec, check_category_missing)
    assert [f.evidence["category"] for f in found] == ["财政预决算"]
    f = found[0]
    assert f.url == P and f.page_url == P and "财政预决算" in f.message
    assert "部门预决算" in f.evidence["synonyms_tried"]


def test_present_only_under_a_synonym(rec):
    build(rec, rename={"政府信息公开工作年度报告": "年报", "财政预决算": "部门预决算", "政府信息公开指南": "公开指南",
                       "法定主动公开内容": "主动公开目录", "机构职能": "机构概况",
                       "行政法规、规章和规范性文件": "行政规范性文件", "统计信息": "数据发布",
                       "扶贫": "乡村振兴", "公务员招考": "招考录用"})
    assert missing(rec) == []


def test_traditional_script_names(rec):
    build(rec, rename={"财政预决算": "財政預決算", "机构职能": "機構職能"})
    assert missing(rec) == []


def test_stub_and_no_function_note_count_as_present(rec):
    build(rec, skip={"行政许可", "财政预决算", "行政处罚", "行政强制"})
    rec.column(P + "xzcf/", "行政处罚与行政强制", kind="stub", parent_url=P, stub_target="http://other.test/zfgs")
    rec.column(P + "xzxk/", "行政许可", kind="stub", parent_url=P, stub_target="http://other.test/xzxk")
    rec.column(P + "czyjs/", "财政预决算", kind="list", parent_url=P, entry_count=0, note="本单位无此项职能")
    assert missing(rec) == []


def test_name_from_nav_and_anchor_text(rec):
    build(rec, skip={"政府信息公开工作年度报告", "财政预决算"})
    rec.column(P + "col123/", "专栏", parent_url=P, nav_names=["政府信息公开年报"])
    rec.link(P, SITE + "/col/col9/index.html", "财政预算决算")
    assert missing(rec) == []


def test_long_document_title_does_not_count(rec):
    build(rec, skip={"财政预决算", "重大建设项目"})
    rec.link(P + "c2/", SITE + "/zwgk/t2.html", "全市重点项目建设推进情况")  # a list page's entry
    rec.entry(P + "c2/", "全市重点项目建设推进情况", SITE + "/zwgk/t2.html", "2026-03-01")
    rec.link(P, SITE + "/zwgk/t3.html", "重大项目签约")  # a document linked from the platform index
    rec.document(SITE + "/zwgk/t3.html", "重大项目签约")
    rec.link(P, SITE + "/zwgk/t1.html", "关于2025年度财政预决算公开情况的说明及有关事项的通知")
    assert missing(rec) == ["财政预决算", "重大建设项目"]


def test_columns_off_platform_do_not_count(rec):
    build(rec, skip={"财政预决算"})
    rec.column(SITE + "/news/czyjs/", "财政预决算", on_platform=0)
    assert missing(rec) == ["财政预决算"]


def test_profile_list_replaces(rec):
    build(rec)
    prof = load_profile(overrides={"categories": {"mandatory": [
        {"name": "依申请公开", "synonyms": ["依法申请公开"], "basis": "profile"}]}})
    assert missing(rec, prof) == ["依申请公开"]


def test_run_writes_contract_evidence(rec):
    build(rec, skip={"政府信息公开制度"})
    import datetime as dt

    rows = [r for r in checks.run(rec.db, 1, load_profile(), dt.date(2026, 3, 20)) if r["rule"] == "category.missing"]
    assert len(rows) == 1
    assert json.loads(rows[0]["evidence"])["category"] == "政府信息公开制度"


def test_sample_portal_tree(rec):
    """The bundled sample's platform (xxgk/sample/build.py): exactly 行政许可 and 重大建设项目 missing."""
    tree = [("政府信息公开指南", "single"), ("政府信息公开制度", "list"), ("法定主动公开内容", "parent"),
            ("政府信息公开工作年度报告", "list"), ("依申请公开", "single"), ("机构职能", "list"),
            ("政策文件", "parent"), ("政府规章", "list"), ("行政规范性文件", "list"), ("其他文件", "list"),
            ("政策解读", "list"), ("规划计划", "list"), ("数据发布", "list"), ("财政预决算", "list"),
            ("三公经费", "list"), ("行政处罚与行政强制", "stub"), ("行政事业性收费", "list"), ("政府采购", "list"),
            ("教育信息", "list"), ("医疗卫生", "list"), ("社会保障", "list"), ("促进就业", "list"),
            ("乡村振兴", "list"), ("应急管理", "list"), ("环境保护", "list"), ("安全生产", "list"),
            ("食品药品监管", "list"), ("人事信息", "parent"), ("人事任免", "list"), ("招考录用", "list"),
            ("市政建设", "list"), ("公共服务", "list"), ("公益事业", "list"), ("土地征收", "list"),
            ("房屋征收", "list"), ("治安管理", "list"), ("社会救助", "list")]
    for i, (name, kind) in enumerate(tree):
        rec.column(f"{SITE}/col/col{1002 + i}/index.html", name, kind=kind, parent_url=P,
                   entry_count=0 if name == "社会救助" else None)
    assert missing(rec) == ["行政许可", "重大建设项目"]


def test_platform_url_is_the_root_with_most_columns(tmp_path):
    rec = Records(tmp_path)
    root = SITE + "/col/col1001/index.html"
    rec.page(SITE + "/aaa/index.html", "platform")  # a second, smaller platform-like page
    rec.page(root, "platform")
    rec.column(root, "政府信息公开", kind="parent")
    rec.column(SITE + "/col/col1004/index.html", "法定主动公开内容", kind="parent", parent_url=root)
    rec.column(SITE + "/col/col1010/index.html", "机构职能", parent_url=SITE + "/col/col1004/index.html")
    found = run_rule(rec, check_category_missing)
    assert found and {f.url for f in found} == {root}
