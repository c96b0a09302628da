"""column.empty and column.stale."""

from __future__ import annotations

import pytest
from records import SITE, Records, run_rule

from checks.columns import check_column_empty, check_column_stale
from xxgk.profile import load_profile

P = SITE + "/zwgk/"


@pytest.fixture
def rec(tmp_path):
    return Records(tmp_path)


def names(findings):
    return sorted(f.column_name for f in findings)


def test_empty_list_column(rec):
    rec.column(P + "zcjd/", "政策解读", entry_count=0, note="暂无信息")
    rec.column(P + "ghjh/", "规划计划", entry_count=0)
    found = run_rule(rec, check_column_empty)
    assert names(found) == ["政策解读", "规划计划"]
    assert found[0].severity is None and "暂无信息" in found[0].message + found[1].message


def test_not_empty_parent_single_stub_spa_and_entries(rec):
    rec.column(P, "政务公开", kind="parent", entry_count=0)
    rec.column(P + "zn/", "政府信息公开指南", kind="single", entry_count=0)
    rec.column(P + "xzcf/", "行政处罚", kind="stub", entry_count=0, stub_target="http://zfgs.test/")
    rec.column(P + "spa/", "数据发布", kind="spa", entry_count=0)
    rec.column(P + "tzgg/", "通知公告", entry_count=None)
    rec.entry(P + "tzgg/", "a", P + "tzgg/a.html", "2026-03-01")
    assert run_rule(rec, check_column_empty) == []


def test_no_function_note_explains(rec):
    rec.column(P + "xzqz/", "行政强制", entry_count=0, note="本单位无此项职能")
    assert run_rule(rec, check_column_empty) == []
    prof = load_profile(overrides={"columns": {"report_explained": True}})
    found = run_rule(rec, check_column_empty, profile=prof)
    assert [f.severity for f in found] == ["info"]


def stale_col(rec, slug, name, dates):
    rec.column(P + slug + "/", name)
    for i, d in enumerate(dates):
        rec.entry(P + slug + "/", f"{name}{i}", f"{P}{slug}/t{i}.html", d, position=i)


@pytest.mark.parametrize("name, newest, as_of, stale", [
    ("工作动态", "2026-03-06", "2026-03-20", False),   # exactly 14 days
    ("工作动态", "2026-03-05", "2026-03-20", True),    # 15 days
    ("要闻", "2026-03-05", "2026-03-20", True),
    ("通知公告", "2025-09-20", "2026-03-20", False),   # exactly 6 calendar months
    ("通知公告", "2025-09-19", "2026-03-20", True),
    ("政策文件", "2025-08-31", "2026-02-28", False),   # month end clamps: 08-31 + 6 months = 02-28
    ("政策文件", "2025-08-31", "2026-03-01", True),
    ("人事信息", "2025-03-20", "2026-03-20", False),   # 12 months
    ("人事信息", "2025-03-19", "2026-03-20", True),
    ("规划计划", "2025-03-19", "2026-03-20", True),
    ("其他信息", "2010-01-01", "2026-03-20", False),   # unclassed: not judged
    ("废止和失效政策文件", "2010-01-01", "2026-03-20", False),  # excluded from the class
])
def test_stale_limits(rec, name, newest, as_of, stale):
    stale_col(rec, "c", name, [newest])
    found = run_rule(rec, check_column_stale, as_of)
    assert bool(found) is stale
    if found:
        assert found[0].evidence["newest"] == newest and found[0].url == P + "c/"


def test_takes_the_maximum_date_not_the_first_row(rec):
    stale_col(rec, "dt", "工作动态", ["2025-01-01", "2026-03-18", "2026-01-01"])  # pinned old row first
    assert run_rule(rec, check_column_stale, "2026-03-20") == []


def test_year_less_dates_and_stored_newest(rec):
    stale_col(rec, "dt", "部门动态", ["03-10"])
    assert run_rule(rec, check_column_stale, "2026-03-20") == []
    rec.column(P + "yw/", "要闻", newest_date="2026-03-19", entry_count=20)
    assert run_rule(rec, check_column_stale, "2026-03-20") == []


def test_parent_and_undated_not_judged(rec):
    rec.column(P + "p/", "动态", kind="parent")
    stale_col(rec, "u", "工作动态", [None, None])
    assert run_rule(rec, check_column_stale, "2026-03-20") == []
    prof = load_profile(overrides={"columns": {"undated_is_stale": True}})
    assert names(run_rule(rec, check_column_stale, "2026-03-20", prof)) == ["工作动态"]
