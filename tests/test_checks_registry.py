"""The registry tests itself: ids, severities, basis, sections, examples, profile keys."""

from __future__ import annotations

import re

import pytest

from checks import registry
from xxgk.profile import load_profile

CONTRACT_IDS = {"link.broken", "doc.untimely", "doc.date_missing", "reg.validity_missing", "reg.stale",
                "category.missing", "column.empty", "column.stale"}
OWN_IDS = {"link.redirect", "link.blocked", "calendar.missing", "home.stale", "annual_report.missing",
           "annual_report.late", "annual_report.incomplete", "site.identity_missing", "meta.missing",
           "interaction.unanswered", "interpretation.late"}


def test_every_id_present_once():
    ids = [r.id for r in registry.RULES]
    assert len(ids) == len(set(ids))
    assert CONTRACT_IDS | OWN_IDS == set(ids)
    assert registry.RULES[-1].id == "calendar.missing"  # reports the gaps the others met


@pytest.mark.parametrize("rule", registry.RULES, ids=lambda r: r.id)
def test_rule_record(rule):
    assert re.fullmatch(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*", rule.id)
    assert rule.severity in registry.SEVERITIES and rule.status in registry.STATUSES
    assert re.fullmatch(r"\d+\.\d+\.\d+", rule.since)
    assert rule.family in {"links", "timeliness", "regulations", "categories", "columns", "site"}
    assert rule.title_zh and re.search(r"[\u4e00-\u9fff]", rule.title_zh)
    for text in (rule.summary, rule.rationale, rule.fix, rule.bad, rule.good):
        assert len(text.strip()) >= 10
    assert rule.basis and all(b.document and b.article for b in rule.basis)
    assert callable(rule.func)


@pytest.mark.parametrize("rule", registry.RULES, ids=lambda r: r.id)
def test_profile_options_exist(rule):
    prof = load_profile()
    for key in rule.options:
        assert prof.get_path(key) is not None, f"{rule.id}: profile key {key} not declared"


def test_contract_severities():
    assert registry.get("link.broken").severity == "error"
    assert registry.get("meta.missing").severity == "warning"
    assert registry.get("link.redirect").severity == "info"
    assert registry.get("link.blocked").severity == "info"


def test_render_text_sections():
    text = registry.render_text(registry.get("doc.untimely"))
    for heading in ("# doc.untimely", "## What it checks", "## Why it matters (legal basis)", "## Example",
                    "## How to fix", "## Profile options", "第二十六条", "timeliness.working_days"):
        assert heading in text
    assert registry.get("nope") is None
    cat = registry.catalogue()
    assert [c["id"] for c in cat] == [r.id for r in registry.RULES]
    assert all(c["basis"] for c in cat)


def _patterns(node, path=""):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _patterns(v, f"{path}.{k}" if path else k)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _patterns(v, f"{path}[{i}]")
    elif isinstance(node, str) and re.search(r"patterns?(\[\d+\])?$", path):
        yield path, node


@pytest.mark.parametrize("name", ["default", "national"])
def test_profile_patterns_compile(name):
    for path, pattern in _patterns(dict(load_profile(name))):
        assert re.compile(pattern), path


def test_profile_arrays_have_uniform_keys():
    prof = load_profile()
    for key in ("categories.mandatory", "column_classes", "annual_report.sections", "scoring.deductions"):
        items = prof.get_path(key)
        assert items and all(set(i) == set(items[0]) for i in items), key
    for veto in prof.get_path("scoring.vetoes").values():
        assert set(veto) == {"label", "rules", "scope", "min_count", "confirmed", "note"}
    cats = [c["name"] for c in prof.get_path("categories.mandatory")]
    for part in ("政府信息公开指南", "政府信息公开制度", "法定主动公开内容", "政府信息公开工作年度报告"):
        assert part in cats
