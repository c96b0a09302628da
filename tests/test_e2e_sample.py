"""End to end: `xxgk audit` on the bundled sample portal finds exactly the planted defects.

One audit per test session (the module-scoped fixture); each rule is its own test so a
miss or an extra finding names the rule. `expected.json` is written by the generator
(xxgk/sample/build.py) from the planted cases, not from our output.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.sample import AS_OF, load_expected
from xxgk.sample.server import SampleConfig, serve

CORE_RULES = [
    "link.broken", "doc.untimely", "doc.date_missing", "reg.validity_missing", "reg.stale",
    "category.missing", "column.empty", "column.stale",
]


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    work = tmp_path_factory.mktemp("e2e")
    servers, base = serve(port=0, config=SampleConfig(slow_seconds=1.0))
    try:
        db = work / "audit.sqlite"
        result = CliRunner().invoke(app, [
            "audit", f"{base}/index.html", "--db", str(db), "--report", str(work / "report"),
            "--as-of", AS_OF.isoformat(), "--concurrency", "16", "--delay", "0", "--quiet",
        ])
        assert result.exit_code == 0, result.output
        expected = load_expected()
        yield {"db": db, "work": work, "expected": expected, "url": servers.url, "base": base, "output": result.output}
    finally:
        servers.shutdown()


def _keys(rule: str, match: dict) -> list[str]:
    return match.get(rule) or match["*"]


def _found(audited, rule: str) -> set[tuple]:
    keys = _keys(rule, audited["expected"]["match"])
    conn = sqlite3.connect(audited["db"])
    conn.row_factory = sqlite3.Row
    out = set()
    for row in conn.execute("select * from findings where rule = ?", [rule]):
        item = dict(row)
        if rule == "category.missing":
            item["category"] = json.loads(row["evidence"]).get("category")
        out.add(tuple(item[k] for k in keys))
    return out


def _expected(audited, rule: str) -> set[tuple]:
    keys = _keys(rule, audited["expected"]["match"])
    out = set()
    for item in audited["expected"]["findings"]:
        if item["rule"] == rule:
            out.add(tuple(audited["url"](item[k]) if k in ("url", "page_url") else item[k] for k in keys))
    return out


@pytest.mark.e2e
@pytest.mark.parametrize("rule", CORE_RULES)
def test_rule_finds_exactly_the_planted_cases(audited, rule):
    found, expected = _found(audited, rule), _expected(audited, rule)
    assert found - expected == set(), f"{rule}: extra findings (false alarms)"
    assert expected - found == set(), f"{rule}: missed planted defects"


@pytest.mark.e2e
def test_must_not_flag_look_alikes(audited):
    conn = sqlite3.connect(audited["db"])
    flagged = {(r, u) for r, u in conn.execute("select rule, url from findings")}
    # a look-alike may share its URL with a planted finding (category.missing names the platform)
    planted = {(f["rule"], audited["url"](f["url"])) for f in audited["expected"]["findings"]}
    wrong = []
    for rule, items in audited["expected"]["must_not_flag"].items():
        for item in items:
            key = (rule, audited["url"](item["url"]))
            if key in flagged and key not in planted:
                wrong.append((rule, item["url"], item["why"]))
    assert wrong == []


@pytest.mark.e2e
def test_every_page_a_reader_can_reach_is_crawled(audited):
    conn = sqlite3.connect(audited["db"])
    fetched = {u for (u,) in conn.execute("select url from pages where status = 200")}
    fetched |= {u for (u,) in conn.execute("select final_url from pages where status = 200")}
    missing = [p for p in audited["expected"]["pages"] if audited["url"](p) not in fetched]
    assert missing == []


@pytest.mark.e2e
def test_run_row_and_report(audited):
    conn = sqlite3.connect(audited["db"])
    status, as_of, finished = conn.execute("select status, as_of, finished_at from runs").fetchone()
    assert (status, as_of) == ("completed", AS_OF.isoformat()) and finished
    index = (audited["work"] / "report" / "index.html").read_text(encoding="utf-8")
    assert "示例市" in index


@pytest.mark.e2e
def test_check_on_stored_run_gives_same_findings(audited, tmp_path):
    import shutil

    copy = tmp_path / "copy.sqlite"
    shutil.copy(audited["db"], copy)
    before = sorted(sqlite3.connect(copy).execute("select rule, url, page_url, message from findings"))
    result = CliRunner().invoke(app, ["check", "--db", str(copy)])
    assert result.exit_code == 0, result.output
    after = sorted(sqlite3.connect(copy).execute("select rule, url, page_url, message from findings"))
    assert after == before
