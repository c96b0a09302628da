"""Resume after kill -9: `xxgk audit URL --job-dir DIR` killed midway (the CLI and its crawler
process, SIGKILL, nothing flushed on the way out), then the same command again, continues
the same run and ends with the pages, targets and findings of an uninterrupted audit,
without a duplicate row."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from proc import descendants

from xxgk.audit import AuditError, JobDir
from xxgk.sample import AS_OF
from xxgk.sample.server import SampleConfig, serve

REPO = Path(__file__).resolve().parents[1]


def audit_cmd(base: str, db: Path, *extra: str) -> list[str]:
    profile = db.parent / "fast.toml"  # shorter retry backoff: the same outcomes, sooner
    profile.write_text("[links]\nretry_backoff = 0.1\n", encoding="utf-8")
    return [sys.executable, "-c", "from xxgk.cli import main; main()", "audit", f"{base}/index.html",
            "--db", str(db), "--profile", str(profile), "--as-of", AS_OF.isoformat(),
            "--concurrency", "8", "--delay", "0", "--quiet", *extra]




def count(db: Path, sql: str, *params) -> int:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute(sql, params).fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


def snapshot(db: Path, run_id: int) -> dict:
    conn = sqlite3.connect(db)
    q = lambda sql: conn.execute(sql, [run_id]).fetchall()  # noqa: E731
    snap = {
        "pages": {(u, s, k) for u, s, k in q("select url, status, kind from pages where run_id = ?")},
        "targets": {(u, o) for u, o in q("select url, outcome from targets where run_id = ?")},
        "findings": {tuple(r) for r in q("select rule, url, page_url from findings where run_id = ?")},
        "counts": {t: q(f"select count(*) from {t} where run_id = ?")[0][0]
                   for t in ("pages", "links", "entries", "targets", "skipped", "findings", "documents", "columns")},
        "dup_links": q("select count(*) from (select page_url, url, tag, attribute, text from links where run_id = ? "
                       "group by 1, 2, 3, 4, 5 having count(*) > 1)")[0][0],
    }
    conn.close()
    return snap


@pytest.fixture(scope="module")
def sample():
    servers, base = serve(port=0, config=SampleConfig(slow_seconds=1.0))
    yield base
    servers.shutdown()


def test_kill9_then_resume_matches_an_uninterrupted_audit(tmp_path, sample):
    ref_db, db, job = tmp_path / "ref.sqlite", tmp_path / "a.sqlite", tmp_path / "job"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    ref = subprocess.run(audit_cmd(sample, ref_db), env=env, capture_output=True, timeout=120)
    assert ref.returncode == 0, ref.stderr.decode()
    reference = snapshot(ref_db, 1)
    conn = sqlite3.connect(ref_db)
    ref_requests = json.loads(conn.execute("select stats from runs where id = 1").fetchone()[0])["requests"]
    conn.close()
    total = reference["counts"]["pages"]

    proc = subprocess.Popen(audit_cmd(sample, db, "--job-dir", str(job)), env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while count(db, "select count(*) from pages") < total // 3:
        assert proc.poll() is None and time.monotonic() < deadline, "the audit ended before it could be killed"
        time.sleep(0.05)
    for pid in [*descendants(proc.pid), proc.pid]:  # the crawler sits in its own session: kill both
        os.kill(pid, signal.SIGKILL)
    proc.wait()
    time.sleep(0.2)
    stored = count(db, "select count(*) from pages")
    assert 0 < stored < total
    assert count(db, "select count(*) from runs where status = 'running'") == 1

    again = subprocess.run(audit_cmd(sample, db, "--job-dir", str(job)), env=env, capture_output=True, timeout=120)
    assert again.returncode == 0, again.stderr.decode()
    assert count(db, "select count(*) from runs") == 1, "the same run was continued"
    assert count(db, "select count(*) from runs where status = 'completed'") == 1
    conn = sqlite3.connect(db)
    stats = json.loads(conn.execute("select stats from runs where id = 1").fetchone()[0])
    conn.close()
    assert stats["resumed"] is True and stats["pages"] == total
    assert stats["requests"] < ref_requests, "the resumed crawl fetched only what was missing"
    resumed = snapshot(db, 1)
    assert resumed["dup_links"] == 0
    assert resumed["pages"] == reference["pages"]
    assert resumed["targets"] == reference["targets"]
    assert resumed["findings"] == reference["findings"]
    assert resumed["counts"] == reference["counts"]

    # a third run with the same job dir starts a new run (nothing unfinished)
    third = subprocess.run(audit_cmd(sample, db, "--job-dir", str(job), "--max-pages", "5"), env=env,
                           capture_output=True, timeout=120)
    assert third.returncode == 0, third.stderr.decode()
    assert count(db, "select count(*) from runs") == 2


def test_job_dir_is_locked_while_an_audit_uses_it(tmp_path):
    first = JobDir(tmp_path / "job")
    try:
        with pytest.raises(AuditError, match="another audit is using"):
            JobDir(tmp_path / "job")
    finally:
        first.close()
    JobDir(tmp_path / "job").close()  # free again
