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


# ---------------------------------------------------------------------------- xxgk batch --redis


def site_snapshot(db: Path) -> dict:
    """start URL -> what must equal between a local and a Redis batch (run ids aside)."""
    conn = sqlite3.connect(db)
    out = {}
    for run_id, url, status, stats in conn.execute("select id, start_url, status, stats from runs"):
        q = lambda sql, run_id=run_id: set(conn.execute(sql, [run_id]).fetchall())  # noqa: E731
        out[url] = {"status": status,
                    "pages": q("select url, status, kind from pages where run_id = ?"),
                    "targets": q("select url, outcome from targets where run_id = ?"),
                    "findings": q("select rule, url, page_url from findings where run_id = ?"),
                    "scores": q("select indicator, points from scores where run_id = ?"),
                    "links": conn.execute("select count(*) from links where run_id = ?", [run_id]).fetchone()[0],
                    "stats": json.loads(stats or "{}")}
    conn.close()
    return out


def same_sites(got: dict, want: dict) -> None:
    assert set(got) == set(want)
    for url, site in want.items():
        assert got[url]["status"] == "completed", (url, got[url]["stats"])
        for part in ("pages", "targets", "findings", "scores", "links"):
            assert got[url][part] == site[part], (url, part)


@pytest.fixture(scope="module")
def portals():
    started = [serve(port=0, config=SampleConfig(slow_seconds=1.0)) for _ in range(2)]
    yield [f"{base}/index.html" for _servers, base in started]
    for servers, _base in started:
        servers.shutdown()


def sites_file(tmp: Path, portals: list[str]) -> Path:
    sites = tmp / "sites.toml"
    sites.write_text(f'[[site]]\nname = "甲市"\nurl = "{portals[0]}"\nprofile = "{fast_profile(tmp)}"\n\n'
                     f'[[site]]\nname = "乙市"\nurl = "{portals[1]}"\nprofile = "{fast_profile(tmp)}"\n',
                     encoding="utf-8")
    return sites


@pytest.fixture(scope="module")
def local_batch(portals, tmp_path_factory):
    from xxgk.batch import load_sites, run_batch

    tmp = tmp_path_factory.mktemp("local-batch")
    run_batch(load_sites(sites_file(tmp, portals)), db_path=tmp / "local.sqlite", out_dir=tmp / "ov", as_of=AS_OF,
              concurrency=8, delay=0.0)
    return site_snapshot(tmp / "local.sqlite")


def xxgk_cmd(*args) -> list[str]:
    return [sys.executable, "-c", "from xxgk.cli import main; main()", *map(str, args)]


def test_batch_through_redis_gives_the_sites_of_a_local_batch(portals, redis_url, local_batch, tmp_path):
    """Two `xxgk worker` processes take one site each; the batch writes what a local batch writes."""
    import redis

    env = dict(os.environ, PYTHONPATH=str(REPO))
    workers = [subprocess.Popen(xxgk_cmd("worker", "--redis", redis_url, "--idle-exit", "3"), env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
               for _ in range(2)]
    try:
        result = subprocess.run(
            xxgk_cmd("batch", sites_file(tmp_path, portals), "--db", tmp_path / "red.sqlite", "--out", tmp_path / "ov",
                     "--as-of", AS_OF.isoformat(), "--concurrency", "8", "--delay", "0", "--redis", redis_url),
            env=env, capture_output=True, timeout=240)
        assert result.returncode == 0, result.stderr.decode()
        outputs = [w.communicate(timeout=60)[0].decode() for w in workers]
    finally:
        for proc in workers:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    got = site_snapshot(tmp_path / "red.sqlite")
    same_sites(got, local_batch)
    taken = [[url for url in portals if f": {url}" in out and "taking site" in out] for out in outputs]
    assert sorted(map(len, taken)) == [1, 1] and taken[0] != taken[1], f"one site each: {outputs}"
    for site in got.values():
        assert len(site["stats"]["worker_stats"]) == 1 and "repaired" not in site["stats"]
        assert site["stats"]["batch"]["name"] in ("甲市", "乙市")
    page = (tmp_path / "ov" / "index.html").read_text(encoding="utf-8")
    assert "甲市" in page and "乙市" in page
    assert len(list((tmp_path / "ov").glob("*/index.html"))) >= 1
    assert not redis.Redis.from_url(redis_url).keys("xxgk:*"), "the batch's keys are removed"


def count_site_pages(db: Path, run_id: int) -> int:
    try:
        conn = sqlite3.connect(db, timeout=30)
        try:
            return conn.execute("select count(*) from pages where run_id = ?", [run_id]).fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0


def test_batch_worker_killed_midway_its_site_is_taken_again(portals, redis_url, local_batch, tmp_path):
    """The only worker is SIGKILLed (with its crawler) a third into the first site; a worker
    started afterwards takes that site again (its hold expired) and then the second: the
    batch ends with both sites as a local batch has them."""
    env = dict(os.environ, PYTHONPATH=str(REPO), XXGK_OWNER_TTL="2")
    db = tmp_path / "killed.sqlite"
    coordinator = subprocess.Popen(
        xxgk_cmd("batch", sites_file(tmp_path, portals), "--db", db, "--out", tmp_path / "ov", "--as-of",
                 AS_OF.isoformat(), "--concurrency", "8", "--delay", "0", "--redis", redis_url, "--quiet"),
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    worker = lambda: subprocess.Popen(xxgk_cmd("worker", "--redis", redis_url, "--idle-exit", "3"),  # noqa: E731
                                      env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                      start_new_session=True)
    first = worker()
    second = None
    try:
        total = len(local_batch[portals[0]]["pages"])
        deadline = time.monotonic() + 90
        while count_site_pages(db, 1) < total // 3:
            assert coordinator.poll() is None and time.monotonic() < deadline, "the site ended before the kill"
            time.sleep(0.05)
        for pid in [*descendants(first.pid), first.pid]:  # the worker, its crawler, its extraction process
            os.kill(pid, signal.SIGKILL)
        first.wait()
        assert count_site_pages(db, 1) < total
        second = worker()
        out, err = coordinator.communicate(timeout=240)
        assert coordinator.returncode == 0, err.decode()
        taken = second.communicate(timeout=60)[0].decode()
    finally:
        for proc in [coordinator, first, *([second] if second else [])]:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    assert all("taking site" in line for line in taken.splitlines() if "http" in line)
    assert portals[0] in taken and portals[1] in taken, taken
    got = site_snapshot(db)
    same_sites(got, local_batch)
    killed = got[portals[0]]["stats"]
    assert len(killed["worker_stats"]) == 1, "only the second worker finished a crawl of the first site"
