"""The bundled profile's [scoring] section: every scored rule has an indicator, every weight says
whether it is confirmed, every note tells the reader (in Chinese) where the item sits in 19号
or that the placement is our assumption."""

from __future__ import annotations

import re

import pytest
from report_fixtures import add_broken_link, add_finding, add_run, make_db

from checks import registry
from reports import scoring
from xxgk.profile import load_profile

SITE = "https://www.example.gov.cn"
CJK = re.compile(r"[\u4e00-\u9fff]")
HEADINGS = ("发布解读", "办事服务", "互动交流", "功能设计", "链接不可用", "单项否决")
# Vetoes of 19号 (DOMAIN §5, thresholds confirmed) and the rules that are scored only by a veto.
VETO_ONLY = {"home.stale", "interaction.unanswered"}
# The one deduction weight DOMAIN §5 confirms (a self-check table): 政策文件 一级栏目 6 months, −5.
CONFIRMED_DEDUCTIONS = {"deduct.policy_column_stale": ("column.stale", "政策文件", 5.0, 5.0)}


@pytest.fixture(scope="module")
def cfg():
    config = scoring.scoring_config(load_profile())
    assert config["sources"]["vetoes"] == "profile" and config["sources"]["deductions"] == "profile"
    return config


def test_every_scored_rule_has_an_indicator(cfg):
    scored = {r for item in cfg["vetoes"] + cfg["deductions"] for r in item["rules"]}
    for rule in registry.RULES:
        if rule.severity == "info":
            assert rule.id not in scored, f"{rule.id}: info rules are never scored"
            continue
        assert rule.id in scored, f"{rule.id} has no deduction or veto in the default profile"
        if rule.id not in VETO_ONLY:
            assert any(rule.id in d["rules"] for d in cfg["deductions"]), f"{rule.id}: no deduction"
    known = {r.id for r in registry.RULES} | {"site.unreachable"}  # the veto whose rule is not written yet
    assert scored <= known


def test_link_broken_home_and_other_capped(cfg):
    by_id = {d["id"]: d for d in cfg["deductions"]}
    home, other = by_id["deduct.link_broken_home"], by_id["deduct.link_broken_other"]
    assert (home["scope"], other["scope"]) == ("home", "other")
    assert home["points_each"] > other["points_each"] > 0  # the home page counts more (19号)
    assert home["cap"] > 0 and other["cap"] > 0
    assert not home["confirmed"] and not other["confirmed"]  # DOMAIN §5: UNCONFIRMED placeholders


def test_column_stale_deductions_per_class(cfg):
    classes = {c["name"] for c in load_profile().get_path("column_classes")}
    stale = {d["scope"] for d in cfg["deductions"] if d["rules"] == ["column.stale"]}
    assert stale == classes  # every column class costs points, each with its own cap


def test_only_domain_confirmed_weights_are_confirmed(cfg):
    for d in cfg["deductions"]:
        if d["id"] in CONFIRMED_DEDUCTIONS:
            rule, scope, each, cap = CONFIRMED_DEDUCTIONS[d["id"]]
            assert d["confirmed"] and (d["rules"], d["scope"], d["points_each"], d["cap"]) == ([rule], scope, each, cap)
        else:
            assert not d["confirmed"], f"{d['id']}: DOMAIN §5 does not confirm this weight"
        assert d["cap"] > 0 and 0 < d["points_each"] <= d["cap"], d["id"]  # 扣完为止
    assert sum(d["cap"] for d in cfg["deductions"]) < cfg["deduction_points"]


def test_vetoes_follow_19hao(cfg):
    vetoes = {v["id"]: v for v in cfg["vetoes"]}
    assert vetoes["veto.column_stale"]["min_count"] == 5
    assert set(vetoes["veto.column_stale"]["scope"]) == {"动态要闻", "通知公告", "政策文件"}
    assert vetoes["veto.column_stale_all"]["min_count"] == 10 and not vetoes["veto.column_stale_all"]["scope"]
    assert vetoes["veto.column_empty"]["min_count"] == 5
    for vid in ("veto.home_stale", "veto.interaction", "veto.site_unreachable"):
        assert vetoes[vid]["min_count"] == 1


def test_labels_and_notes_are_chinese_and_placed(cfg):
    for item in cfg["vetoes"] + cfg["deductions"]:
        assert CJK.search(item["label"]), item["id"]
        note = item["note"]
        assert note and CJK.search(note) and not re.search(r"[A-Za-z]{4,}", note), item["id"]
        assert "19号" in note or "本工具假设" in note, f"{item['id']}: say where it sits in 19号, or that it is ours"
        assert any(h in note for h in HEADINGS) or "本工具假设" in note, item["id"]
        if not item["confirmed"] and item["id"].startswith("deduct."):
            assert "占位" in note or "未经核实" in note, f"{item['id']}: say the weight is a placeholder"


def test_sample_like_run_is_a_deduction_not_a_veto(tmp_path):
    """The planted defects of the sample portal (2 stale and 2 empty columns, late and undated
    documents, broken links): points are lost, no veto fires, the score says it is unofficial."""
    db = make_db(tmp_path)
    run = add_run(db)
    add_finding(db, run, "column.stale", f"{SITE}/gzdt/", column_name="工作动态", evidence={"class": "动态要闻"})
    add_finding(db, run, "column.stale", f"{SITE}/tzgg/", column_name="通知公告", evidence={"class": "通知公告"})
    for i in range(2):
        add_finding(db, run, "column.empty", f"{SITE}/empty{i}/")
        add_finding(db, run, "category.missing", f"{SITE}/xxgk/", fingerprint=f"cat{i}")
        add_finding(db, run, "doc.date_missing", f"{SITE}/nodate{i}.html")
    for i in range(8):
        add_finding(db, run, "doc.untimely", f"{SITE}/late{i}.html")
    add_broken_link(db, run, f"{SITE}/dead-home", [f"{SITE}/index.html"], on_home=True)
    add_broken_link(db, run, f"{SITE}/dead", [f"{SITE}/p{i}.html" for i in range(3)])
    result = scoring.score_run(db, run, load_profile())
    assert not result["vetoed"] and result["verdict"] == "合格"
    assert 60 <= result["total"] < 100
    assert result["unconfirmed"] and not result["official"]
    stored = scoring.stored_scores(db, run)
    assert "非官方" in stored["total"]["note"]
    assert stored["veto.column_stale"]["evidence_count"] == 2 and stored["veto.column_stale"]["points"] == 0


def test_five_stale_core_columns_veto(tmp_path):
    db = make_db(tmp_path)
    run = add_run(db)
    for i, cls in enumerate(["动态要闻", "动态要闻", "通知公告", "政策文件", "通知公告"]):
        add_finding(db, run, "column.stale", f"{SITE}/c{i}/", evidence={"class": cls})
    result = scoring.score_run(db, run, load_profile())
    assert result["vetoed"] and [v["id"] for v in result["vetoes_fired"]] == ["veto.column_stale"]
    assert result["total"] == 0 and result["verdict"] == "不合格"
