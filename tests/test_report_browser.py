"""The HTML report in a real browser: Debian's Chromium, headless, driven over the DevTools protocol.

Two reports are opened from file://: the demo report (`xxgk demo`, the bundled sample portal audited
on 127.0.0.1) and a report built from a store holding crawled markup (a page title
`<script>alert(1)</script>`, an anchor text `"><img src=x onerror=alert(1)>`, a `javascript:` URL).
Every page must load with no console error or exception, open no dialog, and fetch nothing but
file:// (or data:); the overview shows the score; tables filter and sort.

`make sysdeps` (run by `make test`) installs Chromium when it is missing and we are root with apt;
otherwise these tests skip and say so. XXGK_CHROMIUM=/path/to/chrome picks another browser.
XXGK_UPDATE_SCREENSHOTS=1 also writes the overview screenshot to docs/screenshots/report-overview.png.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from browser import Browser, find_chromium
from report_fixtures import (
    XSS_ANCHOR,
    XSS_TITLE,
    add_broken_link,
    add_finding,
    add_run,
    add_skipped,
    make_db,
)

from reports import html, overview

REPO = Path(__file__).resolve().parents[1]
SCREENSHOT = REPO / "docs" / "screenshots" / "report-overview.png"
W, H = 1280, 900
S = "https://www.example.gov.cn"


# ----------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def browser():
    binary = find_chromium()
    if binary is None:
        pytest.skip("no Chromium: `make sysdeps` installs Debian's chromium when run as root with apt-get "
                    "(or set XXGK_CHROMIUM to a Chrome/Chromium binary)")
    b = Browser(binary, width=W, height=H)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser):
    """The browser with its records (requests, console errors, dialogs) cleared for this test."""
    browser.reset_records()
    return browser


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory) -> Path:
    """`xxgk demo` once: the bundled sample portal served on 127.0.0.1, audited, reported."""
    out = tmp_path_factory.mktemp("demo")
    proc = subprocess.run([sys.executable, "-c", "from xxgk.cli import main; main()", "demo", "--out", str(out),
                           "--sites", "1", "--quiet"], capture_output=True, text=True, timeout=180, cwd=out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    report = out / "report"
    assert (report / "index.html").is_file()
    return report


@pytest.fixture(scope="module")
def xss_report(tmp_path_factory) -> Path:
    """A report (and a many-site overview) whose crawled text is markup that must stay text."""
    tmp = tmp_path_factory.mktemp("xss")
    db = make_db(tmp)
    r1 = add_run(db, as_of="2026-11-13")
    add_finding(db, r1, "doc.untimely", f"{S}/zcwj/old.html", column_name="政策文件", message="持续的问题")
    r2 = add_run(db, as_of="2026-11-20", stats={"pages": 40})
    db["pages"].insert({"run_id": r2, "url": f"{S}/", "final_url": f"{S}/", "status": 200, "kind": "home",
                        "title": XSS_TITLE, "depth": 0})
    add_finding(db, r2, "doc.untimely", f"{S}/zcwj/old.html", column_name="政策文件", message="持续的问题")
    add_finding(db, r2, "doc.untimely", f"{S}/zcwj/t1.html", column_name="政策文件", message=XSS_TITLE,
                evidence={"title": XSS_TITLE, "written": "2026-02-12"})
    add_finding(db, r2, "doc.date_missing", "javascript:alert(1)", page_url="javascript:alert(2)",
                column_name="通知公告", message="没有发布日期")
    add_broken_link(db, r2, f"{S}/footer-dead.html", [f"{S}/tzgg/p{i}.html" for i in range(12)],
                    text=XSS_ANCHOR, column="通知公告")
    add_broken_link(db, r2, f"{S}/only-here.pdf", [f"{S}/zwdt/a.html"], text="附件", column="工作动态")
    add_skipped(db, r2, "robots", 2)
    other = add_run(db, site="www.other.gov.cn", as_of="2026-11-20")
    add_finding(db, other, "doc.untimely", "https://www.other.gov.cn/a.html", message=XSS_TITLE)
    db.conn.commit()
    out = tmp / "report"
    html.write_report(db, r2, out)
    overview.write_overview(db, out / "overview")
    return out


# ----------------------------------------------------------------------------------------- helpers
def url_of(path: Path) -> str:
    return path.resolve().as_uri()


def html_pages(report: Path) -> list[Path]:
    return sorted(report.rglob("*.html"))


def assert_clean(b: Browser, where: str) -> None:
    """Nothing ran that should not have: no dialog, no console error or exception, only local requests."""
    b.settle(0.05)
    assert b.dialogs == [], f"{where}: a JavaScript dialog opened (injected script ran): {b.dialogs}"
    assert b.errors == [], f"{where}: console errors: {b.errors}"
    remote = [u for u in b.requests if not u.startswith(("file://", "data:"))]
    assert remote == [], f"{where}: requests leaving the machine: {remote}"


VISIBLE_ROWS = """(id => Array.from(document.getElementById(id).tBodies[0].rows)
  .filter(r => r.getClientRects().length > 0).map(r => r.textContent.replace(/\\s+/g, " ").trim()))"""
ALL_ROWS = """(id => Array.from(document.getElementById(id).tBodies[0].rows)
  .map(r => r.textContent.replace(/\\s+/g, " ").trim()))"""
COLUMN = """((id, i) => Array.from(document.getElementById(id).tBodies[0].rows).map(r => {
  const c = r.cells[i]; const v = c.getAttribute("data-sort"); return v !== null ? v : c.textContent.trim(); }))"""


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


# ----------------------------------------------------------------------------------------- demo report
def test_overview_shows_score_and_verdict(page, demo_report, tmp_path):
    page.open(url_of(demo_report / "index.html"))
    assert page.js("document.documentElement.lang") == "zh-CN"
    assert "政务公开巡检报告" in page.js("document.querySelector('h1').innerText")
    score = page.js("document.getElementById('score-total').innerText").strip()
    verdict = page.js("document.getElementById('verdict').innerText").strip()
    assert re.fullmatch(r"\d+(\.\d+)?", score), f"score shown as {score!r}"
    assert 0 <= float(score) <= 100
    assert verdict in ("合格", "不合格")
    # Both in the first screen a reader sees, big and not hidden.
    for el in ("score-total", "verdict"):
        box = page.js(f"(() => {{ const r = document.getElementById('{el}').getBoundingClientRect();"
                      f" const s = getComputedStyle(document.getElementById('{el}'));"
                      " return [r.top, r.bottom, r.width, parseFloat(s.fontSize), s.visibility]; })()")
        assert box[0] >= 0 and box[1] <= H and box[2] > 0, f"#{el} not in the first screen: {box}"
        assert box[3] >= 20 and box[4] == "visible", f"#{el} not prominent: {box}"
    # The breakdown beside it: the deduction table has rows and a total.
    assert "合计扣分" in page.js("document.getElementById('t-deductions').innerText")
    assert_clean(page, "index.html")
    assert any(u.startswith("file://") for u in page.requests), "request recording saw nothing"

    shot = page.screenshot(tmp_path / "overview.png")
    assert png_size(shot) == (W, H)
    assert len(shot) < 400_000, f"screenshot is {len(shot)} bytes"
    if os.environ.get("XXGK_UPDATE_SCREENSHOTS"):
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        SCREENSHOT.write_bytes(shot)


def test_chinese_text_renders_with_a_cjk_font(page, demo_report):
    """Chinese glyphs are drawn with a real font, not the empty 'tofu' box of a missing glyph."""
    page.open(url_of(demo_report / "index.html"))
    same = page.js("""(() => {
      const draw = ch => { const c = document.createElement("canvas"); c.width = 64; c.height = 64;
        const x = c.getContext("2d"); x.font = "48px sans-serif"; x.fillText(ch, 4, 52);
        return Array.from(x.getImageData(0, 0, 64, 64).data).join(","); };
      return draw("合") === draw("格") || draw("合") === draw("\\u{10FFFD}"); })()""")
    if same:
        pytest.fail("Chinese text renders as empty boxes: no CJK font (`make sysdeps` installs fonts-noto-cjk)")


def test_filter_box_hides_rows_that_do_not_match(page, demo_report):
    column_pages = sorted(demo_report.glob("col-*.html"), key=lambda p: -p.stat().st_size)
    # The per-column lists on the overview, then the longest column to-do list.
    for path, table in [(demo_report / "index.html", "t-columns"), (column_pages[0], "t-items")]:
        page.open(url_of(path))
        box = f".filter[data-table='{table}']"
        rows = page.js(f"{ALL_ROWS}('{table}')")
        assert len(rows) >= 2, f"{path.name}: too few rows to filter: {rows}"
        assert page.js(f"{VISIBLE_ROWS}('{table}')") == rows
        # A needle that some rows contain and some do not: a word of a row's first cell.
        first_cells = page.js(f"Array.from(document.getElementById('{table}').tBodies[0].rows)"
                              ".map(r => r.cells[2] ? r.cells[2].textContent.trim() : r.cells[0].textContent.trim())")
        needle = next((c for c in first_cells if c and 0 < sum(c.lower() in r.lower() for r in rows) < len(rows)),
                      None)
        assert needle, f"{path.name}: no cell text tells rows apart"
        expected = [r for r in rows if needle.lower() in r.lower()]
        page.type_into(f"{box} input[type=search]", needle)
        shown = page.js(f"{VISIBLE_ROWS}('{table}')")
        assert shown == expected and 0 < len(shown) < len(rows), f"{path.name}: filter {needle!r} showed {shown}"
        assert page.js(f"document.querySelector(\"{box} .count\").textContent") == \
            f"显示 {len(expected)} / {len(rows)} 行"
        page.type_into(f"{box} input[type=search]", "不会出现的词zzz")
        assert page.js(f"{VISIBLE_ROWS}('{table}')") == []
        page.type_into(f"{box} input[type=search]", "")
        assert page.js(f"{VISIBLE_ROWS}('{table}')") == rows
        assert_clean(page, path.name)


def test_severity_select_filters_rows(page, demo_report):
    path = max(demo_report.glob("col-*.html"), key=lambda p: p.stat().st_size)
    page.open(url_of(path))
    sevs = page.js("Array.from(document.getElementById('t-items').tBodies[0].rows).map(r => r.dataset.sev)")
    for sev in sorted(set(sevs)):
        page.js(f"""(() => {{ const s = document.querySelector(".filter[data-table='t-items'] select");
          s.value = "{sev}"; s.dispatchEvent(new Event("change")); }})()""")
        shown = page.js("Array.from(document.getElementById('t-items').tBodies[0].rows)"
                        ".filter(r => r.getClientRects().length > 0).map(r => r.dataset.sev)")
        assert shown == [sev] * sevs.count(sev)
    assert_clean(page, path.name)


def test_table_sorts_on_header_click(page, demo_report):
    page.open(url_of(demo_report / "index.html"))
    table, col = "t-columns", 1  # 待整改项, a number per column
    before = [float(v) for v in page.js(f"{COLUMN}('{table}', {col})")]
    assert len(set(before)) > 1, f"nothing to sort: {before}"
    th = f"#{table} thead th:nth-child({col + 1})"
    page.click(th)
    asc = [float(v) for v in page.js(f"{COLUMN}('{table}', {col})")]
    assert asc == sorted(before) and page.js(f"document.querySelector('{th}').dataset.dir") == "asc"
    page.click(th)
    desc = [float(v) for v in page.js(f"{COLUMN}('{table}', {col})")]
    assert desc == sorted(before, reverse=True) and page.js(f"document.querySelector('{th}').dataset.dir") == "desc"
    # A text column sorts too (Chinese collation): the column names come back in order.
    page.click(f"#{table} thead th:nth-child(1)")
    names = page.js(f"{COLUMN}('{table}', 0)")
    assert names == page.js(f"{COLUMN}('{table}', 0).slice().sort((a, b) => a.localeCompare(b, 'zh-CN'))")
    assert_clean(page, "index.html")


def test_every_demo_page_loads_clean(page, demo_report):
    pages = html_pages(demo_report)
    assert len(pages) >= 5
    for path in pages:
        page.reset_records()
        page.open(url_of(path))
        assert page.js("document.querySelector('main') !== null")
        assert_clean(page, path.name)


# ----------------------------------------------------------------------------------------- crawled markup
def test_crawled_markup_shows_as_text_and_runs_nothing(page, xss_report):
    seen = ""
    for path in html_pages(xss_report):
        page.reset_records()
        page.open(url_of(path))
        # Open every <details> so evidence and page lists are rendered as a reader would see them.
        page.js("document.querySelectorAll('details').forEach(d => d.open = true)")
        text = page.js("document.body.innerText")
        seen += text
        name = path.relative_to(xss_report).as_posix()
        dom = page.js("""({
          imgs: document.querySelectorAll("img").length,
          scripts: document.scripts.length,
          handlers: Array.from(document.querySelectorAll("*")).flatMap(e =>
              Array.from(e.attributes).filter(a => a.name.startsWith("on")).map(a => e.tagName + " " + a.name)),
          jsLinks: Array.from(document.querySelectorAll("[href],[src]")).map(e => e.getAttribute("href") ||
              e.getAttribute("src")).filter(u => /^\\s*javascript:/i.test(u)),
        })""")
        assert dom == {"imgs": 0, "scripts": 1, "handlers": [], "jsLinks": []}, f"{name}: {dom}"
        assert_clean(page, name)
        if name == "index.html":
            # The home page title names the site: in the heading, as text.
            assert XSS_TITLE in page.js("document.querySelector('h1').innerText")
            assert XSS_TITLE in page.js("document.title")
    assert XSS_TITLE in seen
    assert XSS_ANCHOR in seen
    assert "javascript:alert(1)" in seen  # shown as text, never a link


def test_harness_would_catch_an_injection(page, xss_report, tmp_path):
    """Control: the same markup written unescaped is caught: a dialog without the report's CSP,
    a CSP violation error with it. So the clean result above means the text was escaped."""
    bad = f"<!DOCTYPE html><meta charset=utf-8><title>t</title><p>{XSS_ANCHOR}</p>"
    (tmp_path / "nocsp.html").write_text(bad, encoding="utf-8")
    page.open(url_of(tmp_path / "nocsp.html"))
    page.settle(0.3)
    assert page.dialogs and page.dialogs[0]["type"] == "alert"

    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"',
                    (xss_report / "index.html").read_text(encoding="utf-8")).group(1)
    (tmp_path / "csp.html").write_text(bad.replace("<title>", f'<meta http-equiv="Content-Security-Policy" '
                                                   f'content="{csp}"><title>'), encoding="utf-8")
    page.reset_records()
    page.open(url_of(tmp_path / "csp.html"))
    page.settle(0.3)
    assert page.dialogs == []
    assert any("Content Security Policy" in e for e in page.errors), page.errors
