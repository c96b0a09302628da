"""The many-site overview: every site's latest run with score, verdict, vetoes and trend."""

from __future__ import annotations

import re

from report_fixtures import XSS_TITLE, add_finding, add_run, make_db

from reports import overview, scoring

PROFILE = {"scoring": {
    "vetoes": {"home_stale": {"label": "首页不更新", "rules": ["home.stale"], "min_count": 1, "confirmed": True}},
    "deductions": [{"id": "untimely", "label": "公开不及时", "rule": "doc.untimely", "points_each": 5.0, "cap": 50.0,
                    "confirmed": True}]}}


def test_overview_of_three_sites(tmp_path):
    db = make_db(tmp_path)
    for site, untimely in (("a.gov.cn", [1, 2]), ("b.gov.cn", [0, 0]), ("c.gov.cn", [3, 9])):
        for n in untimely:
            run = add_run(db, site=site)
            for i in range(n):
                add_finding(db, run, "doc.untimely", f"https://{site}/d{i}.html", message=XSS_TITLE)
            if site == "b.gov.cn":
                add_finding(db, run, "home.stale", f"https://{site}/")
            scoring.score_run(db, run, PROFILE)
    add_run(db, site="d.gov.cn", status="failed")
    index = overview.write_overview(db, tmp_path / "ov", write_reports=True, profile_for=lambda run: PROFILE)
    page = index.read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr><td><a href="[^"]+">([a-z.]+)</a>.*?</tr>', page, re.S)}
    assert set(rows) == {"a.gov.cn", "b.gov.cn", "c.gov.cn", "d.gov.cn"}
    assert "<strong>90</strong>" in rows["a.gov.cn"] and "合格" in rows["a.gov.cn"] and "95 → 90" in rows["a.gov.cn"]
    assert "不合格" in rows["b.gov.cn"] and "首页不更新" in rows["b.gov.cn"]
    assert "<strong>55</strong>" in rows["c.gov.cn"] and "不合格" in rows["c.gov.cn"]
    assert "无法评分" in rows["d.gov.cn"]  # a failed crawl is never "100, 合格"
    for site in ("a.gov.cn", "b.gov.cn", "c.gov.cn"):
        assert f'href="{site}/index.html"' in page and (tmp_path / "ov" / site / "index.html").exists()
    add_run(db, site="e.gov.cn")  # stored but never scored
    summaries = {s["site"]: s for s in overview.site_summaries(db)}
    assert summaries["e.gov.cn"]["verdict"] == "未评分"
    assert summaries["a.gov.cn"]["delta"] == -5
