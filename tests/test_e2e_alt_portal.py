"""End to end on a portal the tool was not tuned on (tests/portals/alt_portal.py).

`xxgk audit` crawls 青禾市人民政府 (other CMS markup than xxgk/sample) with a profile that
keeps timeouts short and trap caps small; each core rule must match the generator's own truth
exactly, every reachable page (pager-only ones included) must be fetched, traps stay within
their caps and are recorded as skipped, and robots.txt is obeyed.
"""

from __future__ import annotations

import json
import sqlite3
from urllib.parse import urlsplit

import pytest
from portals import alt_portal
from typer.testing import CliRunner

from xxgk.cli import app

PROFILE = """
[profile]
description = "alt portal e2e: short timeouts, small trap caps"

[crawl]
delay = 0.0
timeout = 1.5
retries = 1
max_per_pattern = 60
max_query_variants = 12

[links]
timeout = 1.5
transient_retries = 1
retry_backoff = 0.2
blocked_retries = 1
max_retry_after = 2.0
"""
FARM_CAP = 60
QUERY_CAP = 12


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    work = tmp_path_factory.mktemp("alt")
    profile = work / "alt.toml"
    profile.write_text(PROFILE, encoding="utf-8")
    srv = alt_portal.serve()
    try:
        db = work / "audit.sqlite"
        result = CliRunner().invoke(app, [
            "audit", srv.start_url, "--db", str(db), "--report", str(work / "report"), "--profile", str(profile),
            "--as-of", alt_portal.AS_OF.isoformat(), "--concurrency", "16", "--delay", "0", "--quiet",
        ])
        assert result.exit_code == 0, result.output
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        yield {"db": db, "conn": conn, "srv": srv, "portal": srv.portal, "output": result.output}
    finally:
        srv.shutdown()


def _found(conn, rule: str) -> set:
    out = set()
    for row in conn.execute("select * from findings where rule = ?", [rule]):
        if rule == "link.broken":
            out.add((row["page_url"], row["url"]))
        elif rule == "category.missing":
            out.add((row["url"], json.loads(row["evidence"]).get("category")))
        else:
            out.add(row["url"])
    return out


def _expected(portal, rule: str) -> set:
    if rule == "category.missing":
        return {(portal.u("/xxgk/index.html"), c) for c in portal.category_missing}
    return set(portal.findings[rule])


@pytest.mark.e2e
@pytest.mark.parametrize("rule", alt_portal.CORE_RULES)
def test_rule_exact_on_unseen_portal(audited, rule):
    found, expected = _found(audited["conn"], rule), _expected(audited["portal"], rule)
    assert sorted(found - expected) == [], f"{rule}: extra findings (false alarms)"
    assert sorted(expected - found) == [], f"{rule}: missed planted defects"


@pytest.mark.e2e
def test_look_alikes_not_flagged(audited):
    flagged = {(r, u) for r, u in audited["conn"].execute("select rule, url from findings")}
    wrong = [(rule, item["url"], item["why"]) for rule, items in audited["portal"].must_not.items()
             for item in items if (rule, item["url"]) in flagged]
    assert wrong == []


@pytest.mark.e2e
def test_every_reachable_page_crawled(audited):
    conn = audited["conn"]
    fetched = {u for (u,) in conn.execute("select url from pages where status = 200")}
    fetched |= {u for (u,) in conn.execute("select final_url from pages where status = 200")}
    missing = [u for u in audited["portal"].pages if u not in fetched]
    assert missing == []


@pytest.mark.e2e
def test_traps_capped_and_recorded(audited):
    conn, srv = audited["conn"], audited["srv"]
    requested = [path for role, _m, path in srv.state["requests"] if role == "main"]
    pre = srv.portal.trap_prefixes
    farm = {p for p in requested if p.startswith(pre["farm"])}
    explosion = {p for p in requested if p.startswith(pre["explosion"])}
    assert 0 < len(farm) <= FARM_CAP
    assert 0 < len(explosion) <= QUERY_CAP
    assert not [p for p in requested if p.startswith(pre["calendar"]) or p.startswith(pre["search"])]
    skipped = {(r["url"], r["reason"]) for r in conn.execute("select url, reason from skipped")}
    paths = {(urlsplit(u).path, reason) for u, reason in skipped}
    assert ("/bq/" in {p[:4] for p, r in paths if r == "trap_pattern"})
    assert any(p == "/xwzx/zwyw/search.jsp" and r == "trap_query" for p, r in paths)
    assert any(p == "/hdjl/hdrl/index.html" and r == "trap_query" for p, r in paths)
    assert any(p == "/search/result.jsp" and r == "trap_query" for p, r in paths)


@pytest.mark.e2e
def test_robots_disallowed_not_fetched(audited):
    conn, srv = audited["conn"], audited["srv"]
    requested = [path for role, _m, path in srv.state["requests"] if role == "main"]
    assert "/robots.txt" in requested
    assert not [p for p in requested if p.startswith("/nbbg/")]
    reasons = {r for (r,) in conn.execute("select reason from skipped where url = ?", [srv.portal.robots_url])}
    assert reasons == {"robots"}


@pytest.mark.e2e
def test_blocked_kept_apart(audited):
    conn, portal = audited["conn"], audited["portal"]
    blocked = {u for (u,) in conn.execute("select url from findings where rule = 'link.blocked'")}
    assert portal.x("/waf/index.html") in blocked
