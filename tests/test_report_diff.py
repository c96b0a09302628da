"""Lifecycle across three runs of one site: new, persisting (first seen), fixed, regressed."""

from __future__ import annotations

import pytest
from report_fixtures import add_finding, add_run, make_db

from reports import diff

S = "https://www.example.gov.cn"


@pytest.fixture
def three(tmp_path):
    db = make_db(tmp_path)
    r1 = add_run(db, started_at="2026-10-01T08:00:00Z")
    r2 = add_run(db, started_at="2026-10-08T08:00:00Z")
    r3 = add_run(db, started_at="2026-10-15T08:00:00Z")
    other = add_run(db, site="other.gov.cn", started_at="2026-10-09T08:00:00Z")
    # A: in all three runs; B: in 1, fixed in 2, back in 3; C: new in 2, fixed in 3; D: new in 3
    for run in (r1, r2, r3):
        add_finding(db, run, "link.broken", f"{S}/a", f"{S}/p")
    add_finding(db, r1, "link.broken", f"{S}/b", f"{S}/p")
    add_finding(db, r3, "link.broken", f"{S}/b", f"{S}/p")
    add_finding(db, r2, "column.empty", f"{S}/c/")
    add_finding(db, r3, "doc.untimely", f"{S}/d.html")
    add_finding(db, other, "doc.untimely", f"{S}/d.html")  # another site: not history of this one
    return db, r1, r2, r3


def urls(items):
    return sorted(f["url"].rsplit("/", 2)[-1] or f["url"].rsplit("/", 2)[-2] for f in items)


def test_second_run(three):
    db, r1, r2, _ = three
    d = diff.diff_runs(db, r1, r2)
    assert urls(d["persisting"]) == ["a"] and urls(d["new"]) == ["c"] and urls(d["fixed"]) == ["b"]
    assert d["regressed"] == []


def test_third_run_regressed_and_first_seen(three):
    db, r1, r2, r3 = three
    d = diff.diff_runs(db, r2, r3)
    assert urls(d["new"]) == ["d.html"]
    assert urls(d["regressed"]) == ["b"]
    assert urls(d["fixed"]) == ["c"]
    (a,) = d["persisting"]
    assert a["first_seen_run"] == r1 and a["first_seen_at"].startswith("2026-10-01")
    assert d["counts"] == {"new": 1, "regressed": 1, "persisting": 1, "fixed": 1}


def test_previous_run_and_baseline(three):
    db, r1, _, r3 = three
    assert diff.diff_previous(db, r3)["run_a"] == r3 - 1
    first = diff.diff_previous(db, r1)
    assert first["baseline"] and len(first["new"]) == 2 and first["fixed"] == []
    assert "新增" in diff.format_diff(diff.diff_runs(db, r1, r3))


def test_fingerprint_fallback_without_stored_fingerprint(tmp_path):
    db = make_db(tmp_path)
    r1, r2 = add_run(db), add_run(db)
    for run in (r1, r2):
        fid = add_finding(db, run, "link.broken", f"{S}/x", f"{S}/p")
        db.execute("update findings set fingerprint = null where id = ?", [fid])
    db.conn.commit()
    d = diff.diff_runs(db, r1, r2)
    assert len(d["persisting"]) == 1 and not d["new"] and not d["fixed"]
