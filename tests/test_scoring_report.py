"""Scoring in the national inspection style: vetoes first, capped deductions, verdict bands,
placeholders flagged, waived and info findings free, `scores` rows idempotent."""

from __future__ import annotations

import datetime as dt

import pytest
from report_fixtures import add_broken_link, add_finding, add_run, make_db

from reports import scoring
from reports.waivers import Waiver

SITE = "https://www.example.gov.cn"


def profile(**over):
    """A scoring profile with known numbers (independent of the bundled default)."""
    sc = {
        "deduction_points": 100.0, "bonus_points": 30.0, "pass_mark": 60.0, "bonus_above": 80.0,
        "vetoes": {
            "site_unreachable": {"label": "站点无法访问", "rules": ["site.unreachable"], "scope": [], "min_count": 1,
                                 "confirmed": True, "note": ""},
            "home_stale": {"label": "首页不更新", "rules": ["home.stale"], "scope": [], "min_count": 1,
                           "confirmed": True, "note": ""},
            "column_stale": {"label": "栏目不更新", "rules": ["column.stale"], "scope": ["动态要闻", "通知公告", "政策文件"],
                             "min_count": 5, "confirmed": True, "note": ""},
            "column_empty": {"label": "空白栏目", "rules": ["column.empty"], "scope": [], "min_count": 5,
                             "confirmed": True, "note": ""},
            "interaction": {"label": "互动回应差", "rules": ["interaction.unanswered"], "scope": [], "min_count": 1,
                            "confirmed": True, "note": ""},
        },
        "deductions": [
            {"id": "link_broken_home", "label": "链接不可用（首页）", "rule": "link.broken", "scope": "home",
             "points_each": 1.0, "cap": 5.0, "confirmed": False},
            {"id": "link_broken_other", "label": "链接不可用（其他页面）", "rule": "link.broken", "scope": "other",
             "points_each": 0.1, "cap": 5.0, "confirmed": False},
            {"id": "policy_column_stale", "label": "政策文件栏目", "rule": "column.stale", "scope": "政策文件",
             "points_each": 5.0, "cap": 5.0, "confirmed": True},
            {"id": "untimely", "label": "公开不及时", "rule": "doc.untimely", "scope": "all",
             "points_each": 2.0, "cap": 60.0, "confirmed": True},
        ],
    }
    sc.update(over)
    return {"scoring": sc}


@pytest.fixture
def db(tmp_path):
    return make_db(tmp_path)


def rows(db, run_id):
    return {r["indicator"]: r for r in db.query("select * from scores where run_id = ?", [run_id])}


def test_clean_run_scores_full_marks(db):
    run = add_run(db)
    result = scoring.score_run(db, run, profile())
    assert result["total"] == 100 and result["verdict"] == "合格" and not result["vetoed"]
    assert rows(db, run)["total"]["points"] == 100


@pytest.mark.parametrize("rule,n,fires", [
    ("site.unreachable", 1, True), ("home.stale", 1, True), ("interaction.unanswered", 1, True),
    ("column.empty", 4, False), ("column.empty", 5, True),
])
def test_each_veto(db, rule, n, fires):
    run = add_run(db)
    for i in range(n):
        add_finding(db, run, rule, f"{SITE}/c{i}/")
    result = scoring.score_run(db, run, profile())
    assert result["vetoed"] is fires
    if fires:
        assert result["verdict"] == "不合格" and result["total"] == 0 and "单项否决" in result["band"]
        veto = next(v for v in result["vetoes"] if rule in v["rules"])
        assert rows(db, run)[veto["id"]]["points"] == 1 and rows(db, run)[veto["id"]]["evidence_count"] == n
    else:
        assert result["verdict"] == "合格"


def test_column_stale_veto_counts_only_scoped_classes(db):
    run = add_run(db)
    for i in range(6):
        add_finding(db, run, "column.stale", f"{SITE}/rs{i}/", column_name="人事信息", evidence={"class": "人事"})
    for i in range(4):
        add_finding(db, run, "column.stale", f"{SITE}/dt{i}/", column_name="工作动态", evidence={"class": "动态要闻"})
    assert not scoring.score_run(db, run, profile())["vetoed"]
    add_finding(db, run, "column.stale", f"{SITE}/tz/", column_name="通知公告", evidence={"class": "通知公告"})
    result = scoring.score_run(db, run, profile())
    assert result["vetoed"] and [v["id"] for v in result["vetoes_fired"]] == ["veto.column_stale"]


def test_deductions_per_finding_home_and_other_with_caps(db):
    run = add_run(db)
    add_broken_link(db, run, f"{SITE}/dead-home", [f"{SITE}/index.html"], on_home=True)
    add_broken_link(db, run, f"{SITE}/dead-footer", [f"{SITE}/p{i}.html" for i in range(30)])
    result = scoring.score_run(db, run, profile())
    by_id = {d["id"]: d for d in result["deductions"]}
    assert by_id["deduct.link_broken_home"]["points"] == 1.0
    assert by_id["deduct.link_broken_other"]["points"] == pytest.approx(3.0)
    assert result["total"] == pytest.approx(96.0)
    add_broken_link(db, run, f"{SITE}/dead2", [f"{SITE}/q{i}.html" for i in range(1000)])
    result = scoring.score_run(db, run, profile())
    other = next(d for d in result["deductions"] if d["id"] == "deduct.link_broken_other")
    assert other["points"] == 5.0 and other["capped"] and other["raw_points"] > 100  # 扣完为止
    assert rows(db, run)["deduct.link_broken_other"]["max_points"] == 5.0


def test_count_by_url_counts_distinct_targets(db):
    run = add_run(db)
    add_broken_link(db, run, f"{SITE}/dead", [f"{SITE}/p{i}.html" for i in range(30)])
    prof = profile(deductions=[{"id": "links", "label": "链接", "rule": "link.broken", "scope": "all",
                                "points_each": 0.5, "cap": 5.0, "confirmed": False, "count_by": "url"}])
    assert scoring.score_run(db, run, prof)["points_lost"] == 0.5


def test_below_pass_mark_fails_and_bands(db):
    run = add_run(db)
    for i in range(10):
        add_finding(db, run, "doc.untimely", f"{SITE}/d{i}.html")
    result = scoring.score_run(db, run, profile())
    assert result["total"] == 80 and result["verdict"] == "合格" and result["band"] == "合格"
    for i in range(10, 20):
        add_finding(db, run, "doc.untimely", f"{SITE}/d{i}.html")
    result = scoring.score_run(db, run, profile())
    assert result["total"] == 60 and result["verdict"] == "合格"  # 60 passes, < 60 fails
    add_finding(db, run, "doc.untimely", f"{SITE}/d99.html")
    result = scoring.score_run(db, run, profile())
    assert result["total"] == 58 and result["verdict"] == "不合格"
    assert rows(db, run)["total"]["note"].startswith("不合格")


def test_above_80_band_mentions_bonus(db):
    run = add_run(db)
    add_finding(db, run, "doc.untimely", f"{SITE}/d.html")
    assert "加分" in scoring.score_run(db, run, profile())["band"]


def test_veto_overrides_deductions(db):
    run = add_run(db)
    add_finding(db, run, "home.stale", f"{SITE}/")
    add_finding(db, run, "doc.untimely", f"{SITE}/d.html")
    result = scoring.score_run(db, run, profile())
    assert result["total"] == 0 and result["verdict"] == "不合格"


def test_placeholders_are_flagged(db):
    run = add_run(db)
    add_broken_link(db, run, f"{SITE}/dead", [f"{SITE}/a.html"])
    result = scoring.score_run(db, run, profile())
    assert result["unconfirmed"] and "deduct.link_broken_other" in result["unconfirmed_items"]
    assert not result["official"]
    stored = rows(db, run)
    assert stored["deduct.link_broken_other"]["confirmed"] == 0 and "未经确认" in stored["deduct.link_broken_other"]["note"]
    assert stored["total"]["confirmed"] == 0 and "非官方" in stored["total"]["note"]
    assert stored["deduct.policy_column_stale"]["confirmed"] == 1


def test_confirmed_only_score_is_official(db):
    run = add_run(db)
    add_finding(db, run, "doc.untimely", f"{SITE}/d.html")
    result = scoring.score_run(db, run, profile())
    assert not result["unconfirmed"] and result["official"]
    assert "deduct.link_broken_home" in result["placeholders"]  # listed, but cost nothing


def test_waived_and_info_findings_cost_nothing(db):
    run = add_run(db, as_of="2026-11-20")
    fid = add_finding(db, run, "home.stale", f"{SITE}/", fingerprint="fp-home")
    add_finding(db, run, "doc.untimely", f"{SITE}/d.html", severity="info")
    active = Waiver(reason="误报", author="张三", expires=dt.date(2026, 12, 31), fingerprint="fp-home")
    result = scoring.score_run(db, run, profile(), waivers=[active])
    assert not result["vetoed"] and result["total"] == 100 and result["waived_count"] == 1
    expired = Waiver(reason="误报", author="张三", expires=dt.date(2026, 11, 19), fingerprint="fp-home")
    assert scoring.score_run(db, run, profile(), waivers=[expired])["vetoed"]
    assert fid


def test_scores_rows_are_idempotent(db):
    run = add_run(db)
    add_finding(db, run, "doc.untimely", f"{SITE}/d.html")
    scoring.score_run(db, run, profile())
    first = rows(db, run)
    scoring.score_run(db, run, profile())
    assert rows(db, run) == first
    kinds = {r["kind"] for r in first.values()}
    assert kinds == {"veto", "deduction", "total"}


def test_builtin_fallback_without_scoring_section(db):
    run = add_run(db)
    add_finding(db, run, "home.stale", f"{SITE}/")
    result = scoring.score_run(db, run, {})
    assert result["vetoed"] and set(result["builtin_weights"]) == {"vetoes", "deductions"}
    assert "非官方" in rows(db, run)["total"]["note"]


def test_bundled_profile_scoring_section_is_read():
    from xxgk.profile import load_profile

    cfg = scoring.scoring_config(load_profile(None))
    if cfg["sources"]["deductions"] != "profile":
        pytest.skip("the bundled profile has no [scoring] section yet")
    assert cfg["deductions"] and all(d["rules"] for d in cfg["deductions"])
    assert any(v["id"] == "veto.home_stale" for v in cfg["vetoes"])


def test_unknown_rule_in_scoring_profile_does_not_crash(db):
    run = add_run(db)
    add_finding(db, run, "no.such_rule", f"{SITE}/x")
    prof = profile(deductions=[{"id": "x", "label": "X", "rule": "no.such_rule", "points_each": 1.0, "cap": 2.0,
                                "confirmed": True}])
    result = scoring.score_run(db, run, prof)
    assert result["total"] == 99


def test_failed_run_is_not_scored_and_interrupted_is_flagged(db):
    failed = add_run(db, status="failed")
    result = scoring.score_run(db, failed, profile())
    assert result["total"] is None and result["verdict"] == "无法评分" and rows(db, failed) == {}
    partial = add_run(db, status="interrupted")
    result = scoring.score_run(db, partial, profile())
    assert result["total"] == 100 and "未完成" in result["band"] and "未完成" in rows(db, partial)["total"]["note"]
