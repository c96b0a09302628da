"""What a reader of the HTML report sees: score and verdict, escaped crawled text, grouped links,
fix lists per column, new/fixed marks, what was not checked, a self-contained file."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from report_fixtures import (
    XSS_ANCHOR,
    XSS_TITLE,
    add_broken_link,
    add_column,
    add_finding,
    add_run,
    add_skipped,
    add_target,
    make_db,
)

from reports import html
from reports.waivers import Waiver

S = "https://www.example.gov.cn"
PROFILE = {"scoring": {
    "pass_mark": 60.0, "bonus_above": 80.0, "deduction_points": 100.0,
    "vetoes": {"home_stale": {"label": "首页不更新", "rules": ["home.stale"], "min_count": 1, "confirmed": True}},
    "deductions": [{"id": "link_broken_other", "label": "链接不可用（其他页面）", "rule": "link.broken", "scope": "other",
                    "points_each": 0.1, "cap": 5.0, "confirmed": False},
                   {"id": "untimely", "label": "公开不及时", "rule": "doc.untimely", "points_each": 1.0, "cap": 10.0,
                    "confirmed": True}]}}


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("report")
    db = make_db(tmp_path)
    r1 = add_run(db, as_of="2026-11-13")
    add_finding(db, r1, "doc.untimely", f"{S}/zcwj/fixed.html", column_name="政策文件", message="已修复的问题")
    add_finding(db, r1, "doc.untimely", f"{S}/zcwj/old.html", column_name="政策文件", message="持续的问题")
    r2 = add_run(db, as_of="2026-11-20", stats={"pages": 1234})
    db["pages"].insert({"run_id": r2, "url": f"{S}/", "final_url": f"{S}/", "status": 200, "kind": "home",
                        "title": "示例市人民政府" + XSS_TITLE, "depth": 0})
    add_finding(db, r2, "doc.untimely", f"{S}/zcwj/old.html", column_name="政策文件", message="持续的问题")
    add_finding(db, r2, "doc.untimely", f"{S}/zcwj/t1.html", column_name="政策文件", message=XSS_TITLE,
                evidence={"title": XSS_TITLE, "written": "2026-02-12"})
    add_finding(db, r2, "doc.date_missing", "javascript:alert(1)", page_url="javascript:alert(2)",
                column_name="通知公告", message="没有发布日期")
    footer_pages = [f"{S}/col{i % 3}/p{i}.html" for i in range(1000)]
    add_broken_link(db, r2, f"{S}/footer-dead.html", footer_pages, text=XSS_ANCHOR)
    db.execute("update findings set column_name = '栏目' || substr(page_url, length(?) + 5, 1) where rule = "
               "'link.broken'", [S])
    add_broken_link(db, r2, f"{S}/only-here.pdf", [f"{S}/zwdt/a.html"], text="附件", column="工作动态")
    add_finding(db, r2, "mystery.rule", f"{S}/m", column_name="工作动态", message="未知规则的问题")
    add_skipped(db, r2, "robots", 3)
    add_skipped(db, r2, "max_pages", 2)
    add_target(db, r2, f"{S}/waf", "blocked")
    add_target(db, r2, f"{S}/slow", "timeout")
    add_column(db, r2, f"{S}/zcwj/", "政策文件")
    db.conn.commit()
    out = tmp_path / "report"
    waiver = Waiver(reason="模板链接已提交整改", author="张三", expires=dt.date(2026, 12, 31), rule="mystery.rule")
    index = html.write_report(db, r2, out, PROFILE, waivers=[waiver])
    return db, out, index, r2


def read(out, name):
    return (out / name).read_text(encoding="utf-8")


def all_html(out):
    return {p.name: p.read_text(encoding="utf-8") for p in out.glob("*.html")}


def test_overview_shows_score_verdict_breakdown(report):
    _, out, index, _ = report
    page = index.read_text(encoding="utf-8")
    text = text_of(page)
    assert index.name == "index.html" and '<html lang="zh-CN">' in page
    # 2 untimely (2.0) + 1001 link findings, all "other" (capped at 5) -> 93
    assert re.search(r'id="score-total">93<', page) and re.search(r'id="verdict">合格<', page)
    assert "链接不可用（其他页面）" in text and "扣完为止" in text
    assert 'id="unconfirmed"' in page and "未经确认" in text  # placeholder weights were used
    assert "www.example.gov.cn" in text and "2026-11-20" in text
    assert "<h1>示例市人民政府&lt;script&gt;" in page  # the portal's name, from its home page, escaped


def test_crawled_text_is_escaped_everywhere(report):
    _, out, _, _ = report
    pages = all_html(out)
    assert len(pages) >= 6
    for name, page in pages.items():
        assert "<script>alert(1)" not in page, name
        assert "<img src=x" not in page, name
        assert 'href="javascript:' not in page.lower(), name
        assert "onerror=alert(1)>" not in page.replace("onerror=alert(1)&gt;", ""), name
        # the only <script> element is our own
        assert page.count("<script") == 1, name
    assert any("&lt;script&gt;alert(1)&lt;/script&gt;" in p for p in pages.values())
    assert any("&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in p for p in pages.values())
    # a javascript: URL is shown as text, not as a link
    assert any('<span class="url">javascript:alert(1)</span>' in p for p in pages.values())


def test_self_contained_no_network(report):
    _, out, _, _ = report
    for name, page in all_html(out).items():
        assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="(https?:)?//', page), name
        assert 'http-equiv="Content-Security-Policy"' in page and "default-src &#39;none&#39;" in page
        assert "<style>" in page


def test_one_footer_link_on_1000_pages_is_one_item(report):
    _, out, index, _ = report
    overview = text_of(index.read_text(encoding="utf-8"))
    assert "多个栏目共有" in overview
    sitewide = read(out, "col-1.html")
    assert sitewide.count(f"{S}/footer-dead.html</a>") == 1
    assert "1000 个页面" in sitewide
    assert "另有 900 个页面" in sitewide  # 100 listed, the rest in the exports
    rule_page = read(out, "rule-link.broken.html")
    assert rule_page.count("<tr data-sev=") == 2  # footer target + the pdf


def test_fix_list_per_column_has_page_element_fix_and_basis(report):
    _, out, index, _ = report
    page = index.read_text(encoding="utf-8")
    m = re.search(r'<a href="(col-\d+\.html)">工作动态</a>', page)
    assert m
    col = read(out, m.group(1))
    text = text_of(col)
    assert "附件" in text and f"{S}/zwdt/a.html" in text and f"{S}/only-here.pdf" in text
    assert "依据" in text  # legal basis from the registry (or a stand-in)
    assert "未知规则的问题" in text


def test_new_and_fixed_marks(report):
    _, out, _, _ = report
    col = next(p for n, p in all_html(out).items() if n.startswith("col-") and "持续的问题" in p)
    row_new = next(r for r in col.split("<tr ") if "t1.html" in r)
    row_old = next(r for r in col.split("<tr ") if "持续的问题" in r)
    assert "tag-new" in row_new and "tag-new" not in row_old
    changes = text_of(read(out, "changes.html"))
    assert "已修复" in changes and "已修复的问题" in changes


def test_waived_findings_marked_not_hidden(report):
    _, out, _, _ = report
    page = read(out, "rule-mystery.rule.html")
    assert "已豁免" in page and "未知规则的问题" in page


def test_unknown_rule_degrades(report):
    _, out, index, _ = report
    assert "mystery.rule" in read(out, "rules.html")
    assert "规则目录中没有此规则" in index.read_text(encoding="utf-8")


def test_not_checked_counts(report):
    _, out, index, _ = report
    text = text_of(index.read_text(encoding="utf-8"))
    assert re.search(r"robots\.txt 禁止抓取 robots 3", text)
    assert re.search(r"达到页面数上限 max_pages 2", text)
    assert "被访问防护拦截" in text and "超时" in text
    assert "安全、泄密事故" in text  # vetoes the tool cannot judge
    skipped = text_of(read(out, "skipped.html"))
    assert "https://x/robots/0" in skipped and "1234" in skipped


def test_trend_lists_earlier_runs(report):
    db, out, index, r2 = report
    page = index.read_text(encoding="utf-8")
    assert "#1" in text_of(page) and f"#{r2}（本次）" in text_of(page)


def test_rule_catalogue_page(report):
    _, out, _, _ = report
    from reports import catalogue

    page = read(out, "rules.html")
    for rule in catalogue.all_rules():
        assert rule["id"] in page


def test_exports_written_and_linked(report):
    _, out, index, _ = report
    page = index.read_text(encoding="utf-8")
    for name in ("findings.csv", "findings.json", "findings.xlsx"):
        assert (out / name).exists() and f'href="{name}"' in page


def test_pagination_of_large_lists(tmp_path, monkeypatch):
    monkeypatch.setattr(html, "PAGE_ITEMS", 50)
    db = make_db(tmp_path)
    run = add_run(db)
    for i in range(120):
        add_finding(db, run, "doc.untimely", f"{S}/d{i}.html", column_name="政策文件")
    html.write_report(db, run, tmp_path / "r", PROFILE, exports=())
    pages = sorted(p.name for p in (tmp_path / "r").glob("rule-doc.untimely*.html"))
    assert pages == ["rule-doc.untimely-p2.html", "rule-doc.untimely-p3.html", "rule-doc.untimely.html"]
    assert 'href="rule-doc.untimely-p2.html"' in read(tmp_path / "r", "rule-doc.untimely.html")
    assert read(tmp_path / "r", "rule-doc.untimely-p3.html").count("<tr data-sev=") == 20


def test_vetoed_run_says_so(tmp_path):
    db = make_db(tmp_path)
    run = add_run(db)
    add_finding(db, run, "home.stale", f"{S}/", message="首页 30 天未更新")
    page = html.write_report(db, run, tmp_path / "r", PROFILE, exports=()).read_text(encoding="utf-8")
    assert re.search(r'id="verdict">不合格<', page) and 'id="vetoes"' in page and "首页不更新" in page


def test_safe_href():
    assert html.safe_href("https://a.gov.cn/x?y=1") == "https://a.gov.cn/x?y=1"
    for bad in ("javascript:alert(1)", " javascript:alert(1)", "java\tscript:alert(1)", "data:text/html,x",
                "/relative", "vbscript:x", "", None, "https:///nohost"):
        assert html.safe_href(bad) is None, bad


def test_twenty_thousand_findings_render_in_small_pages(tmp_path):

    db = make_db(tmp_path)
    run = add_run(db)
    rows = []
    for i in range(20000):
        target = f"{S}/dead{i % 400}.html"
        page = f"{S}/col{i % 25}/p{i}.html"
        rows.append({"run_id": run, "rule": "link.broken", "severity": "error", "url": target, "page_url": page,
                     "column_name": f"栏目{i % 25}", "message": "链接不可用：HTTP 404",
                     "evidence": '{"tag": "a", "text": "链接"}', "fingerprint": f"fp{i}"})
    db["findings"].insert_all(rows, batch_size=2000)
    html.write_report(db, run, tmp_path / "r", PROFILE, exports=())  # (its time: bench/report_open.py)
    sizes = [p.stat().st_size for p in (tmp_path / "r").glob("*.html")]
    assert max(sizes) < 3_000_000  # every page small enough to open at once
