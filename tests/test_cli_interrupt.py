"""Ctrl-C on a real `xxgk audit`: exit 130, the run marked interrupted, what was crawled kept."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from xxgk.sample.server import serve

XXGK = [sys.executable, "-c", "from xxgk.cli import main; main()"]


def _pages(db: Path) -> int:
    try:
        return sqlite3.connect(db).execute("select count(*) from pages").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_ctrl_c_marks_run_interrupted_and_keeps_pages(tmp_path):
    servers, base = serve(port=0)
    db = tmp_path / "a.sqlite"
    try:
        proc = subprocess.Popen(
            XXGK + ["audit", f"{base}/index.html", "--db", str(db), "--quiet", "--concurrency", "2",
                    "--delay", "0.05", "--as-of", "2026-11-20"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path, env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        deadline = time.monotonic() + 60
        while _pages(db) < 20 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.2)
        assert proc.poll() is None, "the audit ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=90)
    finally:
        servers.shutdown()
    assert proc.returncode == 130, err.decode(errors="replace")
    assert b"interrupted" in err
    status, finished = sqlite3.connect(db).execute("select status, finished_at from runs").fetchone()
    assert status == "interrupted" and finished
    assert _pages(db) >= 20
