"""How fast a 20,000-finding report is written and opens in a real browser.

    .venv/bin/python bench/report_open.py [N_FINDINGS] [--out DIR]

Builds a database with N findings shaped like a large portal's audit (a footer link broken
on thousands of pages, many columns with late documents, stale regulations, broken
attachments), writes the report with `reports.html.write_report` (timed, exports included),
then opens the overview and the largest page in headless Chromium (Debian `chromium`, as the
browser test uses it) and reads the browser's own navigation timing (load event end) and
the time a filter keystroke takes on the largest table. Prints one Markdown table row set.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from browser import Browser, find_chromium  # noqa: E402  (tests/browser.py: CDP over a stdlib websocket)

from reports.html import write_report  # noqa: E402
from xxgk import store  # noqa: E402

RULES = [("doc.untimely", "error"), ("reg.stale", "error"), ("reg.validity_missing", "warning"),
         ("doc.date_missing", "warning"), ("meta.missing", "warning"), ("column.stale", "error")]


def build(db, n: int) -> int:
    rng = random.Random(7)
    run_id = db["runs"].insert({"start_url": "https://www.example.gov.cn/", "site": "www.example.gov.cn",
                                "as_of": "2026-11-20", "started_at": "2026-11-20T00:00:00+00:00",
                                "finished_at": "2026-11-20T01:00:00+00:00", "status": "completed",
                                "profile": "bundled:default", "settings": "{}", "stats": "{}"}).last_pk
    rows = []
    columns = [f"栏目{i:03d}" for i in range(120)]
    footer_pages = n // 4  # one footer link broken on a quarter of the findings' pages
    for i in range(footer_pages):
        page = f"https://www.example.gov.cn/{columns[i % 120]}/t{i}.html"
        rows.append(("link.broken", "error", "https://www.example.gov.cn/images/wza.png", page, columns[i % 120],
                     "“无障碍”图片不可用：HTTP 404", {"tag": "img", "text": "无障碍", "status": 404}))
    while len(rows) < n:
        i = len(rows)
        col = columns[rng.randrange(120)]
        if rng.random() < 0.4:
            target = f"https://www.example.gov.cn/{col}/附件{i}.pdf"
            rows.append(("link.broken", "error", target, f"https://www.example.gov.cn/{col}/t{i}.html", col,
                         "“附件”不可用：HTTP 404", {"tag": "a", "text": f"附件{i}", "status": 404}))
        else:
            rule, sev = RULES[rng.randrange(len(RULES))]
            url = f"https://www.example.gov.cn/{col}/t{i}.html"
            rows.append((rule, sev, url, url, col, f"文件{i}：问题说明", {"title": f"文件{i}"}))
    db["findings"].insert_all(
        ({"run_id": run_id, "rule": r, "severity": s, "url": u, "page_url": p, "column_name": c, "message": m,
          "evidence": json.dumps(e, ensure_ascii=False), "fingerprint": f"{r}|{u}|{p}"}
         for r, s, u, p, c, m, e in rows), batch_size=2000)
    return run_id


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("n", nargs="?", type=int, default=20000)
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="xxgk-report-bench-"))
    db = store.open_db(out / "audit.sqlite")
    run_id = build(db, args.n)
    t0 = time.perf_counter()
    index = write_report(db, run_id, out / "report", exports=())
    html_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    write_report(db, run_id, out / "report-exports")
    all_s = time.perf_counter() - t0
    pages = sorted((out / "report").glob("*.html"), key=lambda p: p.stat().st_size)
    largest = pages[-1]
    print(f"| findings | {args.n:,} |")
    print(f"| write report (HTML only) | {html_s:.1f} s |")
    print(f"| write report (HTML + csv/json/xlsx) | {all_s:.1f} s |")
    print(f"| pages | {len(pages)}; largest {largest.name} {largest.stat().st_size / 1e6:.2f} MB |")
    binary = find_chromium()
    if not binary:
        print("| browser | no Chromium: install Debian's chromium to measure opening |")
        return 0
    browser = Browser(binary)
    try:
        for page in (index, largest):
            browser.open(page.as_uri())
            load_ms = browser.js("(() => { const t = performance.getEntriesByType('navigation')[0];"
                                 " return Math.round(t.loadEventEnd); })()")
            print(f"| open {page.name} (load event) | {load_ms} ms |")
        filter_ms = browser.js(
            "(() => { const i = document.querySelector('input[data-filter], input.filter, input[type=search]');"
            " if (!i) return null; const t0 = performance.now(); i.value = '附件1';"
            " i.dispatchEvent(new Event('input', {bubbles: true})); return Math.round(performance.now() - t0); })()")
        print(f"| filter keystroke on {largest.name} | {filter_ms if filter_ms is not None else 'n/a'} ms |")
        if browser.errors:
            print(f"| console errors | {len(browser.errors)} |")
    finally:
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
