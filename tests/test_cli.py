"""The CLI as a user meets it: help, version, usage errors and their exit codes."""

from __future__ import annotations

import json
import socket
import sqlite3

import pytest
from typer.testing import CliRunner

from xxgk import __version__
from xxgk.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_version_and_help():
    assert __version__ in invoke("--version").output
    out = invoke("--help").output
    for command in ("audit", "extract", "check", "report", "rules", "profiles", "demo", "sample"):
        assert command in out


@pytest.mark.parametrize("command", ["audit", "extract", "check", "report", "demo"])
def test_every_command_has_help(command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize("url", ["ftp://example.gov.cn/", "example.gov.cn", "http://", "javascript:alert(1)"])
def test_unusable_start_url_exits_2(tmp_path, url):
    result = invoke("audit", url, "--db", tmp_path / "a.sqlite")
    assert result.exit_code == 2
    assert "start URL" in result.output


def test_bad_as_of_exits_2(tmp_path):
    result = invoke("audit", "http://127.0.0.1:9/", "--db", tmp_path / "a.sqlite", "--as-of", "2026/11/20")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output


def test_bad_profile_exits_2(tmp_path):
    bad = tmp_path / "p.toml"
    bad.write_text("[crawl]\nconcurrency = 'x'\n", encoding="utf-8")
    result = invoke("audit", "http://127.0.0.1:9/", "--db", tmp_path / "a.sqlite", "--profile", bad)
    assert result.exit_code == 2
    assert "crawl.concurrency" in result.output


def test_unwritable_db_fails_before_any_request(tmp_path):
    # a listening socket that would see any request the audit sent
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    target = tmp_path / "is-a-directory"
    target.mkdir()
    result = invoke("audit", f"http://127.0.0.1:{port}/", "--db", target)
    assert result.exit_code == 2
    assert "directory" in result.output
    with pytest.raises(TimeoutError):
        listener.accept()
    listener.close()


def test_dns_failure_exits_2_and_records_failed_run(tmp_path):
    db = tmp_path / "a.sqlite"
    result = invoke("audit", "http://no-such-host.invalid/", "--db", db, "--quiet")
    assert result.exit_code == 2
    assert "cannot resolve host" in result.output
    row = sqlite3.connect(db).execute("select status, error from runs").fetchone()
    assert row[0] == "failed" and "no-such-host.invalid" in row[1]


def test_extract_missing_file_exits_2(tmp_path):
    result = invoke("extract", tmp_path / "nope.html", "--url", "http://x.gov.cn/")
    assert result.exit_code == 2


def test_extract_prints_contract_keys(tmp_path):
    page = tmp_path / "p.html"
    page.write_bytes("<html><head><title>测试</title></head><body><a href='/a.pdf'>附件</a></body></html>".encode())
    result = invoke("extract", page, "--url", "http://x.gov.cn/")
    assert result.exit_code == 0
    record = json.loads(result.stdout)
    for key in ("kind", "title", "column", "published", "written", "fields", "site", "links", "entries", "pages"):
        assert key in record
    assert any(link["url"] == "http://x.gov.cn/a.pdf" for link in record["links"])


def test_check_without_database_exits_2(tmp_path):
    result = invoke("check", "--db", tmp_path / "none.sqlite")
    assert result.exit_code == 2
    assert "no database" in result.output


def test_profiles_list_and_show():
    out = invoke("profiles", "list").output
    assert "default" in out and "national" in out
    assert "working_days = 20" in invoke("profiles", "show", "national").output


def test_unreachable_host_exits_2_and_records_failed_run(tmp_path):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nothing listens there now: connection refused
    db = tmp_path / "a.sqlite"
    result = invoke("audit", f"http://127.0.0.1:{port}/", "--db", db, "--quiet")
    assert result.exit_code == 2
    assert "not reachable" in result.output and "check the address" in result.output
    assert sqlite3.connect(db).execute("select status from runs").fetchone()[0] == "failed"
