"""Findings exports read back: csv, json, xlsx; per column; formula-like text stays text."""

from __future__ import annotations

import json

import pytest
from report_fixtures import XSS_TITLE, add_broken_link, add_finding, add_run, make_db

from reports import export

S = "https://www.example.gov.cn"


@pytest.fixture
def db(tmp_path):
    db = make_db(tmp_path)
    r1 = add_run(db)
    add_finding(db, r1, "doc.untimely", f"{S}/zcwj/a.html", column_name="政策文件", message="持续")
    r2 = add_run(db)
    add_finding(db, r2, "doc.untimely", f"{S}/zcwj/a.html", column_name="政策文件", message="持续")
    add_finding(db, r2, "doc.date_missing", f"{S}/tzgg/b.html", column_name="通知公告", message=XSS_TITLE)
    add_finding(db, r2, "doc.date_missing", f"{S}/tzgg/c.html", column_name="通知公告",
                message="=HYPERLINK(\"http://evil\",\"x\")", evidence={"title": "+1 标题"})
    add_broken_link(db, r2, f"{S}/dead.html", [f"{S}/tzgg/p1.html", f"{S}/tzgg/p2.html"], text="失效附件",
                    column="通知公告")
    db.r2 = r2
    return db


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_round_trip(db, tmp_path, fmt):
    path = export.export_findings(db, db.r2, tmp_path / f"out.{fmt}")
    rows = export.read_findings(path)
    assert len(rows) == 5
    by_msg = {r["message"]: r for r in rows}
    assert XSS_TITLE in by_msg  # exported as data, unchanged
    assert '=HYPERLINK("http://evil","x")' in by_msg  # formula text survives as text
    link = next(r for r in rows if r["rule"] == "link.broken")
    assert link["url"] == f"{S}/dead.html" and link["element"] == "<a> 失效附件"
    assert link["column_name"] == "通知公告" and link["severity"] == "严重"
    assert by_msg["持续"]["lifecycle"] == "持续" and by_msg[XSS_TITLE]["lifecycle"] == "新增"
    assert all(r["fingerprint"] for r in rows) and all(str(r["run_id"]) == str(db.r2) for r in rows)


def test_csv_has_chinese_headers_bom_and_formula_guard(db, tmp_path):
    path = export.export_findings(db, db.r2, tmp_path / "out.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["站点", "巡检批次", "基准日期", "栏目", "规则"] and "整改建议" in header
    assert "'=HYPERLINK" in text  # not evaluated by a spreadsheet


def test_xlsx_cells_are_text_and_sheets_per_column(db, tmp_path):
    from openpyxl import load_workbook

    path = export.export_findings(db, db.r2, tmp_path / "out.xlsx", by_column=True)
    wb = load_workbook(path)
    assert wb.sheetnames[0] == "问题清单" and {"政策文件", "通知公告"} <= set(wb.sheetnames)
    ws = wb["问题清单"]
    assert ws.freeze_panes == "A2" and ws["A1"].value == "站点"
    cell = next(c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=HYP"))
    assert cell.data_type == "s"
    assert wb["通知公告"].max_row == 1 + 4


def test_one_column_only(db, tmp_path):
    path = export.export_findings(db, db.r2, tmp_path / "p.json", column="政策文件")
    rows = json.loads(path.read_text(encoding="utf-8"))
    assert [r["column_name"] for r in rows] == ["政策文件"]
    assert isinstance(rows[0]["evidence"], dict)


def test_waived_column(db, tmp_path):
    import datetime as dt

    from reports.waivers import Waiver

    w = Waiver(reason="暂缓", author="张三", expires=dt.date(2099, 1, 1), rule="link.broken")
    rows = export.read_findings(export.export_findings(db, db.r2, tmp_path / "w.csv", waivers=[w]))
    assert {bool(r["waived"]) for r in rows if r["rule"] == "link.broken"} == {True}
    assert not any(r["waived"] for r in rows if r["rule"] != "link.broken")


def test_unknown_format(db, tmp_path):
    with pytest.raises(ValueError, match="format"):
        export.export_findings(db, db.r2, tmp_path / "out.txt")
