"""category.missing over the platform's column tree."""

from __future__ import annotations

import json

import pytest
from records import SITE, Records, run_rule

import checks
from checks.categories import check_category_missing
from xxgk.profile import load_profile

P = SITE + "/zwgk/"
ALL = {
    "zn": "政府信息公开指南", "zd": "政府信息公开制度", "fdzdgknr": "法定主动公开内容",
    "nb": "政府信息公开工作年度报告", "zcwj": "政策文件", "jgzn": "机构职能", "czyjs": "财政预决算",
    "xzxk": "行政许可",
}


@pytest.fixture
def rec(tmp_path):
    r = Records(tmp_path)
    r.page(P, "platform", title="政务公开")
    return r


def build(rec, skip=(), rename=None, **kinds):
    for slug, name in ALL.items():
        if slug in skip:
            continue
        name = (rename or {}).get(slug, name)
        rec.column(f"{P}{slug}/", name, kind=kinds.get(slug, "list"), parent_url=P)


def missing(rec, profile=None):
    return sorted(f.evidence["category"] for f in run_rule(rec, check_category_missing, profile=profile))


def test_all_present(rec):
    build(rec)
    assert missing(rec) == []


def test_one_missing_with_evidence(rec):
    build(rec, skip={"czyjs"})
    found = run_rule(rec, check_category_missing)
    assert [f.evidence["category"] for f in found] == ["财政预决算"]
    f = found[0]
    assert f.url == P and f.page_url == P and "财政预决算" in f.message
    assert "部门预决算" in f.evidence["synonyms_tried"]


def test_present_only_under_a_synonym(rec):
    build(rec, rename={"nb": "年报", "czyjs": "部门预决算", "zn": "公开指南", "fdzdgknr": "主动公开目录",
                       "jgzn": "机构概况", "zcwj": "行政规范性文件"})
    assert missing(rec) == []


def test_traditional_script_names(rec):
    build(rec, rename={"czyjs": "財政預決算", "jgzn": "機構職能"})
    assert missing(rec) == []


def test_stub_and_no_function_note_count_as_present(rec):
    build(rec, skip={"xzxk", "czyjs"})
    rec.column(P + "xzxk/", "行政许可", kind="stub", parent_url=P, stub_target="http://other.test/xzxk")
    rec.column(P + "czyjs/", "财政预决算", kind="list", parent_url=P, entry_count=0, note="本单位无此项职能")
    assert missing(rec) == []


def test_name_from_nav_and_anchor_text(rec):
    build(rec, skip={"nb", "czyjs"})
    rec.column(P + "col123/", "专栏", parent_url=P, nav_names=["政府信息公开年报"])
    rec.link(P, SITE + "/col/col9/index.html", "财政预算决算")
    assert missing(rec) == []


def test_long_document_title_does_not_count(rec):
    build(rec, skip={"czyjs"})
    rec.link(P, SITE + "/zwgk/t1.html", "关于2025年度财政预决算公开情况的说明及有关事项的通知")
    assert missing(rec) == ["财政预决算"]


def test_columns_off_platform_do_not_count(rec):
    build(rec, skip={"czyjs"})
    rec.column(SITE + "/news/czyjs/", "财政预决算", on_platform=0)
    assert missing(rec) == ["财政预决算"]


def test_profile_list_replaces(rec):
    build(rec)
    prof = load_profile(overrides={"categories": {"mandatory": [
        {"name": "三公经费", "synonyms": ["三公经费预决算"], "basis": "profile"}]}})
    assert missing(rec, prof) == ["三公经费"]


def test_run_writes_contract_evidence(rec):
    build(rec, skip={"zd"})
    import datetime as dt

    rows = [r for r in checks.run(rec.db, 1, load_profile(), dt.date(2026, 3, 20)) if r["rule"] == "category.missing"]
    assert len(rows) == 1
    assert json.loads(rows[0]["evidence"])["category"] == "政府信息公开制度"
