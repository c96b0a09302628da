"""Many workers through Redis (crawler.distributed): a real redis-server on 127.0.0.1 on a free
port, the bundled sample portal, and

- `xxgk audit URL --redis ... --workers 2` ends with the pages, targets and findings of a
  one-process audit (same rule/url/page_url set), every row once;
- two `xxgk worker --redis ...` processes joining a coordinator (`--workers 0`), one of them
  SIGKILLed midway (with its crawler and extraction processes): the other finishes, the
  coordinator notices the claimed-but-never-written URLs and fetches them (the resume pass
  of crawler.resume), and the run equals the uninterrupted one.
"""

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
from redis_server import redis_binary, redis_server

from xxgk.audit import run_audit
from xxgk.profile import load_profile
from xxgk.sample import AS_OF
from xxgk.sample.server import SampleConfig, serve

REPO = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(redis_binary() is None,
                                reason="redis-server is not installed (scripts/sysdeps.sh installs it; `make test`)")


def snapshot(db: Path, run_id: int = 1) -> dict:
    conn = sqlite3.connect(db)
    q = lambda sql: conn.execute(sql, [run_id]).fetchall()  # noqa: E731
    snap = {
        "pages": set(q("select url, status, kind from pages where run_id = ?")),
        "targets": set(q("select url, outcome from targets where run_id = ?")),
        "findings": set(q("select rule, url, page_url from findings where run_id = ?")),
        "counts": {t: q(f"select count(*) from {t} where run_id = ?")[0][0]
                   for t in ("pages", "links", "entries", "targets", "skipped", "findings", "documents", "columns")},
        "dup_links": q("select count(*) from (select page_url, url, tag, attribute, text from links where run_id = ? "
                       "group by 1, 2, 3, 4, 5 having count(*) > 1)")[0][0],
        "stats": json.loads(q("select stats from runs where id = ?")[0][0] or "{}"),
        "status": q("select status from runs where id = ?")[0][0],
    }
    conn.close()
    return snap


def fast_profile(tmp: Path) -> Path:
    path = tmp / "fast.toml"  # shorter retry backoff: the same outcomes, sooner
    path.write_text("[links]\nretry_backoff = 0.1\n", encoding="utf-8")
    return path


def same_run(got: dict, want: dict) -> None:
    assert got["status"] == "completed"
    assert got["dup_links"] == 0
    assert got["pages"] == want["pages"]
    assert got["targets"] == want["targets"]
    assert got["findings"] == want["findings"]
    assert got["counts"] == want["counts"]


@pytest.fixture(scope="module")
def sample():
    servers, base = serve(port=0, config=SampleConfig(slow_seconds=1.0))
    yield base
    servers.shutdown()


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def reference(sample, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("ref")
    result = run_audit(f"{sample}/index.html", db_path=tmp / "one.sqlite", profile=load_profile(str(fast_profile(tmp))),
                       as_of=AS_OF, concurrency=8, delay=0.0)
    assert result.status == "completed"
    return snapshot(tmp / "one.sqlite")


def test_two_workers_give_the_pages_and_findings_of_one_process(sample, redis_url, reference, tmp_path):
    import redis

    db = tmp_path / "two.sqlite"
    result = run_audit(f"{sample}/index.html", db_path=db, profile=load_profile(str(fast_profile(tmp_path))),
                       as_of=AS_OF, concurrency=8, delay=0.0, redis_url=redis_url, workers=2)
    assert result.status == "completed", result.error
    got = snapshot(db)
    same_run(got, reference)
    stats = got["stats"]
    assert stats["workers"] == 2 and stats["lost_workers"] == 0 and not stats["worker_errors"]
    assert "repaired" not in stats, "nothing was lost, nothing had to be fetched again"
    shares = [w["pages"] for w in stats["worker_stats"]]
    assert len(shares) == 2 and all(n > 0 for n in shares), f"both workers crawled: {shares}"
    assert sum(shares) == reference["counts"]["pages"], "every page was fetched by exactly one worker"
    assert not redis.Redis.from_url(redis_url).keys("xxgk:*"), "the job's keys are removed"




def count_pages(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=30)
        try:
            return conn.execute("select count(*) from pages").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_a_worker_killed_midway_loses_nothing(sample, redis_url, reference, tmp_path):
    db = tmp_path / "killed.sqlite"
    env = dict(os.environ, PYTHONPATH=str(REPO))
    xxgk = [sys.executable, "-c", "from xxgk.cli import main; main()"]
    coordinator = subprocess.Popen(
        [*xxgk, "audit", f"{sample}/index.html", "--db", str(db), "--profile", str(fast_profile(tmp_path)),
         "--as-of", AS_OF.isoformat(), "--concurrency", "8", "--delay", "0", "--quiet",
         "--redis", redis_url, "--workers", "0"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    workers = [subprocess.Popen([*xxgk, "worker", "--redis", redis_url, "--once", "--idle-exit", "60", "--quiet"],
                                env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL) for _ in range(2)]
    try:
        total = reference["counts"]["pages"]
        deadline = time.monotonic() + 60
        while count_pages(db) < total // 3:
            assert coordinator.poll() is None and time.monotonic() < deadline, "the crawl ended before the kill"
            time.sleep(0.05)
        victim = workers[0]
        for pid in [*descendants(victim.pid), victim.pid]:  # the worker, its crawler, its extraction process
            os.kill(pid, signal.SIGKILL)
        victim.wait()
        assert count_pages(db) < total
        out, err = coordinator.communicate(timeout=120)
        assert coordinator.returncode == 0, err.decode()
        assert workers[1].wait(timeout=30) == 0
    finally:
        for proc in [coordinator, *workers]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    got = snapshot(db)
    same_run(got, reference)
    stats = got["stats"]
    assert "repaired" in stats, f"the killed worker's claimed URLs were noticed and fetched: {stats}"
    assert stats["claimed"][0] > stats["stored"][0]
