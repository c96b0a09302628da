"""The report-side commands as a user runs them: diff, export, waive, batch."""

from __future__ import annotations

import json

from report_fixtures import add_finding, add_run, make_db
from typer.testing import CliRunner

from xxgk.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def _two_runs(tmp_path):
    db = make_db(tmp_path)
    a = add_run(db)
    add_finding(db, a, "link.broken", "https://www.example.gov.cn/old.pdf", "https://www.example.gov.cn/")
    add_finding(db, a, "column.stale", "https://www.example.gov.cn/gzdt/")
    b = add_run(db)
    add_finding(db, b, "column.stale", "https://www.example.gov.cn/gzdt/")
    add_finding(db, b, "doc.untimely", "https://www.example.gov.cn/t1.html")
    db.close()
    return tmp_path / "audit.sqlite", a, b


def test_diff_shows_new_and_fixed(tmp_path):
    path, a, b = _two_runs(tmp_path)
    result = invoke("diff", a, b, "--db", path, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [f["rule"] for f in data["new"]] == ["doc.untimely"]
    assert [f["rule"] for f in data["fixed"]] == ["link.broken"]
    assert invoke("diff", a, 99, "--db", path).exit_code == 2


def test_export_formats_read_back(tmp_path):
    from reports.export import read_findings

    path, _a, b = _two_runs(tmp_path)
    for fmt in ("csv", "json", "xlsx"):
        out = tmp_path / f"f.{fmt}"
        result = invoke("export", "--db", path, "--out", out)
        assert result.exit_code == 0, result.output
        assert len(read_findings(out)) == 2
    assert invoke("export", "--db", path, "--out", tmp_path / "f.txt").exit_code == 2


def test_waive_appends_and_validates(tmp_path):
    file = tmp_path / "waivers.toml"
    ok = invoke("waive", "--file", file, "--rule", "link.broken", "--url-pattern", "^https://old\\.",
                "--reason", "旧站点下线", "--author", "张三", "--expires", "2026-12-31")
    assert ok.exit_code == 0, ok.output
    assert "link.broken" in file.read_text(encoding="utf-8")
    bad = invoke("waive", "--file", file, "--reason", "x", "--author", "y", "--expires", "2026-12-31")
    assert bad.exit_code == 2


def test_batch_rejects_bad_sites_file(tmp_path):
    sites = tmp_path / "sites.toml"
    sites.write_text('[[site]]\nname = "x"\nurl = "http://127.0.0.1:9/"\ncolour = "red"\n', encoding="utf-8")
    result = invoke("batch", sites, "--db", tmp_path / "b.sqlite")
    assert result.exit_code == 2
    assert "colour" in result.output


def test_batch_audits_each_site_and_writes_overview(tmp_path):
    from xxgk.sample.server import serve

    started = [serve(port=0) for _ in range(2)]
    try:
        sites = tmp_path / "sites.toml"
        sites.write_text(
            f'[[site]]\nname = "甲市"\nurl = "{started[0][1]}/index.html"\nowner = "甲市政府办"\n\n'
            f'[[site]]\nname = "乙市"\nurl = "{started[1][1]}/index.html"\nprofile = "national"\n'
            '\n[[site]]\nname = "丙市（无法访问）"\nurl = "http://no-such-host.invalid/"\n',
            encoding="utf-8")
        result = invoke("batch", sites, "--db", tmp_path / "b.sqlite", "--out", tmp_path / "ov",
                        "--as-of", "2026-11-20", "--max-pages", "40", "--delay", "0")
        assert result.exit_code == 0, result.output
    finally:
        for servers, _base in started:
            servers.shutdown()
    page = (tmp_path / "ov" / "index.html").read_text(encoding="utf-8")
    assert "甲市" in page and "乙市" in page and "甲市政府办" in page
    assert "failed" in result.output or "cannot resolve" in result.output
    assert len(list((tmp_path / "ov").glob("*/index.html"))) == 2
