"""The registry tests itself: ids, severities, basis, sections, examples, profile keys; every
text a reader sees is Chinese, and so is every finding message the rules write."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from checks import registry
from xxgk.profile import load_profile

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]+(?:[ ,;]+[A-Za-z]+){4,}\b")  # five English words in a row
CHECKS = Path(registry.__file__).parent

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
    assert rule.title_zh and CJK.search(rule.title_zh)
    for name in ("summary", "rationale", "fix", "bad", "good"):
        text = getattr(rule, name)
        assert len(text.strip()) >= 10, f"{rule.id}.{name} too short"
        assert CJK.search(text), f"{rule.id}.{name} is not Chinese"
    for name in ("summary", "rationale", "fix"):  # prose, not code: no English sentences left
        assert not ENGLISH_PROSE.search(getattr(rule, name)), f"{rule.id}.{name} has English prose"
    assert len(CJK.findall(rule.summary)) >= 30 and len(CJK.findall(rule.rationale)) >= 20
    assert rule.basis and all(b.document and b.article for b in rule.basis)
    assert all(CJK.search(b.document) and CJK.search(b.article) for b in rule.basis)
    assert any(re.search(r"《.+》|〔\d{4}〕\d+号", b.document) for b in rule.basis), "cite a document by name"
    assert "①" in rule.fix and "②" in rule.fix, f"{rule.id}: fix as concrete numbered steps"
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
    headings = ("# doc.untimely — 信息公开不及时", "## 检查内容（What it checks）", "## 为什么重要（Why it matters）",
                "## 示例（Example）", "## 整改方法（How to fix）", "## 配置项（Profile options）")
    for heading in headings + ("第二十六条", "timeliness.working_days", "不合格：", "合格："):
        assert heading in text
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)  # the ruff doc shape, in order
    assert text.index("## English summary") > positions[-1]  # Chinese first, the English gloss last
    assert "出处未经核实" in registry.render_text(registry.get("link.redirect"))
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


def _message_arg(call: ast.Call) -> ast.expr | None:
    """The `message` argument of a Finding(...) or _finding(...) call in checks/*.py."""
    for kw in call.keywords:
        if kw.arg == "message":
            return kw.value
    name = call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")
    index = {"Finding": 2, "_finding": 6}.get(name)
    return call.args[index] if index is not None and len(call.args) > index else None


def _literal_text(node: ast.expr) -> str:
    """The literal parts of a message expression (string constants and f-string text)."""
    return "".join(n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str))


def test_finding_messages_are_chinese():
    """Every message a rule writes is a Chinese sentence (the report shows it as is)."""
    seen = 0
    for path in sorted(CHECKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name not in ("Finding", "_finding"):
                continue
            arg = _message_arg(node)
            if arg is None or isinstance(arg, ast.Name):
                continue  # a variable built above (checked through its literals below)
            seen += 1
            assert CJK.search(_literal_text(arg)), f"{path.name}:{node.lineno}: message is not Chinese"
    assert seen >= 15
    reasons = __import__("checks.links", fromlist=["_REASON_ZH"])._REASON_ZH
    assert all(CJK.search(v) or v.startswith("HTTP") for v in reasons.values())
