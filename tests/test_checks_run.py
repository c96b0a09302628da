"""checks.run: replaces the run's findings, fingerprints, first_seen / fail_count across runs."""

from __future__ import annotations

import datetime as dt
import json
import re

from records import SITE, Records

import checks
from xxgk.profile import load_profile

AS_OF = dt.date(2026, 3, 20)


def seed(rec):
    rec.page(SITE + "/", "home", site_identity={"site_id_code": "1400000045", "icp": "晋ICP备05001234号",
                                                "police_record": "14010502000123", "badge": True})
    rec.page(SITE + "/zwgk/", "platform")
    rec.column(SITE + "/zwgk/tzgg/", "通知公告", parent_url=SITE + "/zwgk/")
    rec.entry(SITE + "/zwgk/tzgg/", "a", SITE + "/zwgk/tzgg/a.html", "2026-03-18")
    rec.document(SITE + "/zwgk/tzgg/a.html", "a", SITE + "/zwgk/tzgg/", written="2026-01-05", published="2026-03-18")
    rec.target(SITE + "/gone", "http_status", 404)
    rec.link(SITE + "/zwgk/tzgg/a.html", SITE + "/gone", "附件")


def test_run_is_idempotent_and_complete(tmp_path):
    rec = Records(tmp_path)
    seed(rec)
    prof = load_profile()
    first = checks.run(rec.db, 1, prof, AS_OF)
    second = checks.run(rec.db, 1, prof, AS_OF)
    strip = [{k: v for k, v in r.items() if k != "id"} for r in first]
    assert strip == [{k: v for k, v in r.items() if k != "id"} for r in second]
    stored = rec.findings()
    assert len(stored) == len(first)
    rules = {r["rule"] for r in stored}
    assert {"link.broken", "doc.untimely", "category.missing"} <= rules
    for row in stored:
        assert row["severity"] in ("error", "warning", "info")
        assert row["message"] and re.search(r"[\u4e00-\u9fff]", row["message"])
        json.loads(row["evidence"])
        assert row["fingerprint"] and row["fail_count"] == 1 and row["first_seen"] == "2026-03-20T01:00:00Z"


def test_history_across_runs(tmp_path):
    rec = Records(tmp_path)
    seed(rec)
    prof = load_profile()
    checks.run(rec.db, 1, prof, AS_OF)
    rec.new_run(2, "2026-04-20")
    seed(rec)
    rec.target(SITE + "/gone2", "dns", None)
    rec.link(SITE + "/zwgk/tzgg/a.html", SITE + "/gone2", "外链")
    checks.run(rec.db, 2, prof, dt.date(2026, 4, 20))
    broken = {r["url"]: r for r in rec.findings("link.broken", 2)}
    old = broken[SITE + "/gone"]
    assert old["fail_count"] == 2 and old["first_seen"] == "2026-03-20T01:00:00Z"
    new = broken[SITE + "/gone2"]
    assert new["fail_count"] == 1 and new["first_seen"] == "2026-04-20T01:00:00Z"
    assert old["fingerprint"] == rec.findings("link.broken", 1)[0]["fingerprint"]
    # re-running run 2 keeps the history it computed
    checks.run(rec.db, 2, prof, dt.date(2026, 4, 20))
    assert {r["url"]: r["fail_count"] for r in rec.findings("link.broken", 2)} == {
        SITE + "/gone": 2, SITE + "/gone2": 1}


def test_fingerprint_stable_and_specific():
    a = checks.fingerprint("link.broken", "u", "p", "http_status")
    assert a == checks.fingerprint("link.broken", "u", "p", "http_status")
    assert a != checks.fingerprint("link.broken", "u", "p2", "http_status")
    assert a != checks.fingerprint("link.redirect", "u", "p", "http_status")




def test_context_rows_keep_equal_values_of_other_types_apart():
    """The context shares equal texts between rows; 1 and 1.0 (equal keys) stay what they were."""
    import sqlite_utils

    from checks.context import Context

    db = sqlite_utils.Database(memory=True)
    db.execute("create table targets (run_id integer, url text, elapsed, outcome text, note text)")  # elapsed: any type
    db["targets"].insert_all([
        {"run_id": 1, "url": "http://a/1", "elapsed": 1, "outcome": "ok", "note": "x"},
        {"run_id": 1, "url": "http://a/2", "elapsed": 1.0, "outcome": "ok", "note": "x"},
        {"run_id": 1, "url": "http://a/3", "elapsed": True, "outcome": "ok", "note": None},
    ])
    rows = Context(db, 1, {}, AS_OF)._rows("targets")
    assert [type(r["elapsed"]) for r in rows] == [int, float, int]
    assert [r["outcome"] for r in rows] == ["ok"] * 3 and rows[0]["note"] is rows[1]["note"]
