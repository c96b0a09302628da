"""doc.untimely, doc.date_missing and calendar.missing on stored records."""

from __future__ import annotations

import json

import pytest
from records import SITE, Records, platform, run_rule

import checks
from checks.site import check_calendar_missing
from checks.timeliness import check_doc_date_missing, check_doc_untimely
from xxgk.profile import load_profile


@pytest.fixture
def rec(tmp_path):
    return Records(tmp_path)


def doc(rec, col, n, written, published, **kw):
    return rec.document(f"{SITE}/zwgk/tzgg/t{n}.html", f"关于第{n}号事项的通知", col,
                        written=written, published=published, **kw)


def untimely(rec, as_of="2026-06-30", profile=None):
    return {f.url.rsplit("/", 1)[-1]: f for f in run_rule(rec, check_doc_untimely, as_of, profile)}


def test_exactly_tenth_working_day_on_time_and_next_late(rec):
    col = platform(rec)
    doc(rec, col, 1, "2026-02-12", "2026-03-04")
    doc(rec, col, 2, "2026-02-12", "2026-03-05")
    found = untimely(rec)
    assert set(found) == {"t2.html"}
    ev = found["t2.html"].evidence
    assert ev["deadline"] == "2026-03-04" and ev["working_days"] == 10 and ev["working_days_elapsed"] == 11
    assert ev["written"] == "2026-02-12" and ev["published"] == "2026-03-05"
    assert "2026-03-04" in found["t2.html"].message


@pytest.mark.parametrize("written, published, late", [
    ("2026-02-05", "2026-02-26", False),  # 春节 2026: Mon-Fri would call it late
    ("2026-02-05", "2026-02-27", True),
    ("2025-01-24", "2025-02-13", False),  # 春节 2025
    ("2025-01-24", "2025-02-14", True),
    ("2025-09-26", "2025-10-16", False),  # 国庆 2025
    ("2025-09-26", "2025-10-17", True),
    ("2026-09-28", "2026-10-16", False),  # 国庆 2026
    ("2026-09-28", "2026-10-19", True),
    ("2026-02-25", "2026-03-11", True),   # 02-28 make-up Saturday counts: Mon-Fri would say on time
    ("2025-10-09", "2025-10-23", True),   # 10-11 make-up Saturday counts
    ("2025-10-09", "2025-10-22", False),
])
def test_holiday_spans_both_ways(rec, written, published, late):
    col = platform(rec)
    doc(rec, col, 1, written, published)
    assert bool(untimely(rec, as_of="2026-12-31")) is late


def test_national_profile_twenty_days(rec):
    col = platform(rec)
    doc(rec, col, 1, "2026-02-12", "2026-03-18")
    doc(rec, col, 2, "2026-02-12", "2026-03-19")
    assert set(untimely(rec, profile=load_profile("national"))) == {"t2.html"}
    assert set(untimely(rec)) == {"t1.html", "t2.html"}


def test_not_judged_without_written_off_platform_or_backwards(rec):
    col = platform(rec)
    doc(rec, col, 1, None, "2026-03-30")
    doc(rec, col, 2, "2026-03-30", "2026-03-01")  # 发布 before 成文: a data error, not untimely
    rec.column(SITE + "/news/", "图片新闻", on_platform=0)
    rec.document(SITE + "/news/t3.html", "新闻", SITE + "/news/", written="2026-01-05", published="2026-03-30")
    assert untimely(rec) == {}


def test_written_date_from_fields_and_list_page_column(rec):
    col = platform(rec)
    rec.entry(col, "x", SITE + "/zwgk/tzgg/t1.html", "2026-03-30", list_url=col + "index_1.html")
    rec.document(SITE + "/zwgk/tzgg/t1.html", "x", col + "index_1.html", published="2026-03-30",
                 fields={"成文日期": "2026年01月05日"})
    found = untimely(rec)
    assert found["t1.html"].page_url == col + "index_1.html"
    assert found["t1.html"].column_name == "通知公告"


def test_platform_by_url_when_crawler_did_not_decide(rec):
    rec.column(SITE + "/xxgk/fgwj/", "法规文件", on_platform=None)
    rec.column(SITE + "/news/", "要闻", on_platform=None)
    rec.document(SITE + "/xxgk/fgwj/t1.html", "a", SITE + "/xxgk/fgwj/", written="2026-01-05", published="2026-03-30")
    rec.document(SITE + "/news/t2.html", "b", SITE + "/news/", written="2026-01-05", published="2026-03-30")
    assert set(untimely(rec)) == {"t1.html"}


def test_year_without_calendar_no_guess_and_one_calendar_missing(tmp_path):
    rec = Records(tmp_path, as_of="2027-06-30")
    col = platform(rec)
    doc(rec, col, 1, "2027-01-04", "2027-03-01")
    doc(rec, col, 2, "2027-02-01", "2027-04-01")
    doc(rec, col, 3, "2026-02-12", "2026-03-05")  # covered year: still judged
    rows = checks.run(rec.db, 1, load_profile(), __import__("datetime").date(2027, 6, 30))
    untimely_rows = [r for r in rows if r["rule"] == "doc.untimely"]
    assert [r["url"].rsplit("/", 1)[-1] for r in untimely_rows] == ["t3.html"]
    missing = [r for r in rows if r["rule"] == "calendar.missing"]
    assert len(missing) == 1
    ev = json.loads(missing[0]["evidence"])
    assert ev["year"] == 2027 and ev["count"] == 2 and ev["rules"] == ["doc.untimely"]
    assert "2027" in missing[0]["message"] and "holidays" in missing[0]["message"]
    assert missing[0]["severity"] == "info"


def test_holiday_file_fills_the_gap(tmp_path):
    rec = Records(tmp_path, as_of="2027-06-30")
    col = platform(rec)
    doc(rec, col, 1, "2027-01-04", "2027-03-01")
    hol = tmp_path / "h.toml"
    hol.write_text('[2027]\nholidays = ["2027-02-06..2027-02-12"]\nworkdays = []\n', encoding="utf-8")
    prof = load_profile(overrides={"timeliness": {"holiday_file": str(hol)}})
    ctx = rec.context("2027-06-30", prof)
    assert [f.rule for f in check_doc_untimely(ctx)] == ["doc.untimely"]
    assert list(check_calendar_missing(ctx)) == []


def test_date_missing(rec):
    col = platform(rec)
    doc(rec, col, 1, "2026-01-05", None)                               # nothing anywhere
    doc(rec, col, 2, None, None, meta={"PubDate": "2026-01-06 09:00"})  # meta only: fine
    doc(rec, col, 3, None, None, fields={"发布时间": "2026年01月06日"})   # table only: fine
    doc(rec, col, 4, None, None, fields={"发布日期": ""})                # empty field: missing
    doc(rec, col, 5, None, "2026-01-06", published_source="line")      # 发布时间 line: fine
    doc(rec, col, 6, None, "2026-01-06", published_source="list")      # list page only: missing
    rec.column(SITE + "/news/", "图片新闻", on_platform=0)
    rec.document(SITE + "/news/t7.html", "新闻", SITE + "/news/")      # off platform: not judged
    found = sorted(f.url.rsplit("/", 1)[-1] for f in run_rule(rec, check_doc_date_missing))
    assert found == ["t1.html", "t4.html", "t6.html"]


def test_list_date_counts_option(rec):
    col = platform(rec)
    doc(rec, col, 6, None, "2026-01-06", published_source="list")
    prof = load_profile(overrides={"timeliness": {"list_date_counts": True}})
    assert run_rule(rec, check_doc_date_missing, profile=prof) == []
