"""The sample portal generator: deterministic, big enough, fully reachable, truth in sync."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from xxgk.sample import AS_OF, build_site, load_expected
from xxgk.sample.build import SCAN_ORIGIN, expected_json
from xxgk.sample.graph import decode, links, normalise, pager_pages
from xxgk.sample.server import default_site

NAV_TAGS = {"a", "area", "frame", "iframe", "meta"}


@pytest.fixture(scope="module")
def site():
    return default_site()


def digest(site) -> str:
    h = hashlib.sha256()
    for table in (site.resources, site.ext_resources):
        for key in sorted(table):
            r = table[key]
            h.update(f"{key}\0{r.status}\0{r.kind}\0{r.content_type}\0{r.location}\0{r.headers}\0".encode())
            h.update(r.body)
    return h.hexdigest()


def key_of(url: str) -> str | None:
    if not url.startswith(SCAN_ORIGIN + "/"):
        return None
    parts = urlsplit(url)
    return unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


def walk(site, use_pager: bool = True) -> set[str]:
    seen, todo = set(), ["/index.html"]
    while todo:
        key = todo.pop()
        if key in seen or key not in site.resources or not site.resources[key].page:
            continue
        seen.add(key)
        page_url = normalise(SCAN_ORIGIN + key)
        html = decode(site.resources[key].body)
        targets = [u for tag, u in links(html, page_url) if tag in NAV_TAGS]
        if use_pager:
            targets += pager_pages(html, page_url)
        for url in targets:
            k = key_of(url)
            if k and k not in seen:
                todo.append(k)
    return seen


def test_deterministic(site):
    again = build_site()
    assert digest(again) == digest(site)
    assert again.expected == site.expected


def test_at_least_500_pages_of_realistic_size(site):
    pages = site.pages()
    assert len(pages) >= 500
    sizes = {k: len(site.resources[k].body) for k in pages}
    small = {k: n for k, n in sizes.items() if n < 3000}
    assert set(small) == {"/col/col1020/index.html"}  # the meta-refresh stub (as real stubs are)
    assert max(sizes.values()) <= 15_000


def test_every_page_reachable_from_home(site):
    assert walk(site) == set(site.pages())


def test_list_pages_reachable_only_through_pagers(site):
    without = walk(site, use_pager=False)
    only_pager = set(site.pages()) - without
    assert any(re.search(r"/index_\d+\.html$", k) for k in only_pager)
    assert any("pageNum=" in k for k in only_pager)
    for key in site.pages():
        html = decode(site.resources[key].body)
        assert not re.search(r'href="[^"]*index_\d+\.html"', html), key
        assert not re.search(r'href="[^"]*pageNum=', html), key


def test_trs_pager_function_lives_in_external_script(site):
    html = decode(site.resources["/xwzx/ywdt/index.html"].body)
    assert 'src="/js/page.js"' in html
    assert "function createPageHTML" not in html
    assert 'createPageHTML(4, 0, "index", "html");' in html
    assert "function createPageHTML" in site.resources["/js/page.js"].body.decode()
    html = decode(site.resources["/zwgk/szfwj/index_1.html"].body)
    assert "var countPage = 3;" in html and "createPageHTML(countPage, currentPage" in html


def test_hanweb_lists_exist_only_as_datastore_records(site):
    html = site.resources["/col/col1013/index.html"].body.decode("utf-8")
    assert '<script type="text/xml"><datastore>' in html
    assert "<totalrecord>" in html and "<perpage>15</perpage>" in html
    outside = re.sub(r"<script type=\"text/xml\">.*?</script>", "", html, flags=re.S)
    assert "/art/" not in outside
    page2 = site.resources["/col/col1013/index.html?uid=4471313&pageNum=2"].body.decode("utf-8")
    recs1 = re.findall(r'<a href="(/art/[^"]+)"', html)
    recs2 = re.findall(r'<a href="(/art/[^"]+)"', page2)
    assert len(recs1) == 15 and recs2 and not set(recs1) & set(recs2)


def test_trs_pages_are_gbk_with_meta_charset_only(site):
    home = site.resources["/index.html"]
    assert home.content_type == "text/html"
    assert b'charset=gb2312' in home.body[:600]
    with pytest.raises(UnicodeDecodeError):
        home.body.decode("utf-8")
    assert "示例市人民政府" in home.body.decode("gb18030")
    wrong = [k for k, r in site.resources.items() if r.page and "charset=UTF-8" in r.content_type and b"gb2312" in r.body[:600]]
    assert wrong and all(k.startswith("/xwzx/tzgg/") for k in wrong)
    xzqh = site.resources["/zjsl/xzqh/index.html"].body
    with pytest.raises(UnicodeDecodeError):
        xzqh.decode("gb2312")  # declared gb2312, holds GBK-only 鄚
    assert "鄚家坝镇" in xzqh.decode("gb18030")


def test_traditional_pages(site):
    html = site.resources["/fanti/index.html"].body.decode("utf-8")
    assert "繁體版" in html and "當前位置" in html
    doc = next(k for k in site.pages() if k.startswith("/fanti/zwgk/"))
    text = site.resources[doc].body.decode("utf-8")
    assert "索引號" in text and "網站標識碼" in text


def test_footer_identity_and_meta_on_every_page(site):
    for key in site.pages():
        if key == "/col/col1020/index.html":
            continue
        html = decode(site.resources[key].body)
        assert re.search(r"網站標識碼|网站标识码", html), key
        assert "ICP备" in html or "ICP備" in html, key
        assert re.search(r"公[网網]安[备備] \d{14}[号號]", html), key
        assert 'alt="党政机关"' in html or 'alt="黨政機關"' in html, key
        assert 'name="SiteIDCode" content="9999000001"' in html, key


def test_expected_json_in_sync(site):
    committed = Path(__file__).resolve().parents[1] / "xxgk" / "sample" / "expected.json"
    assert committed.read_text(encoding="utf-8") == expected_json(site), "run: python -m xxgk.sample"
    assert load_expected() == json.loads(expected_json(site))


def test_expected_covers_every_core_rule(site):
    rules = {f["rule"] for f in site.expected["findings"]}
    assert {"link.broken", "doc.untimely", "doc.date_missing", "reg.validity_missing", "reg.stale",
            "category.missing", "column.empty", "column.stale"} <= rules
    for rule in rules - {"link.blocked", "link.redirect"}:
        assert site.expected["must_not_flag"].get(rule), rule
    pairs = [(f["page_url"], f["url"]) for f in site.expected["findings"] if f["rule"] == "link.broken"]
    assert len(pairs) == len(set(pairs))
    cats = {f["category"] for f in site.expected["findings"] if f["rule"] == "category.missing"}
    assert cats == {"行政许可", "重大建设项目"}
    pages = set(site.expected["pages"])
    for f in site.expected["findings"]:
        if f["rule"].startswith(("doc.", "reg.", "column.")):
            assert f["url"] in pages, f


def tenth_working_day(written: date, n: int = 10) -> date:
    import chinese_calendar

    d, count = written, 0
    while count < n:
        d += timedelta(days=1)
        if chinese_calendar.is_workday(d):
            count += 1
    return d


def test_untimely_truth_matches_the_holiday_calendar(site):
    pytest.importorskip("chinese_calendar")
    late = [f for f in site.expected["findings"] if f["rule"] == "doc.untimely"]
    assert len(late) >= 6
    for f in late:
        w, p = date.fromisoformat(f["written"]), date.fromisoformat(f["published"])
        assert p > tenth_working_day(w), f
    assert tenth_working_day(date(2026, 2, 12)) == date(2026, 3, 4)
    assert tenth_working_day(date(2026, 9, 28)) == date(2026, 10, 16)
    assert tenth_working_day(date(2025, 9, 26)) == date(2025, 10, 16)
    assert tenth_working_day(date(2026, 4, 30)) == date(2026, 5, 18)
    on_time = [m for m in site.expected["must_not_flag"]["doc.untimely"] if "written" in m]
    assert len(on_time) >= 4
    for m in on_time:
        assert date.fromisoformat(m["published"]) <= tenth_working_day(date.fromisoformat(m["written"])), m
    exact = [m for m in on_time if date.fromisoformat(m["published"]) == tenth_working_day(date.fromisoformat(m["written"]))]
    assert len(exact) >= 4  # boundary cases: exactly the 10th working day


def test_documents_with_both_dates_are_timely_unless_planted(site):
    """Fillers never become accidental doc.untimely findings."""
    pytest.importorskip("chinese_calendar")
    planted = {f["url"].replace("{base}", "") for f in site.expected["findings"] if f["rule"] == "doc.untimely"}
    date_re = r"(\d{4})(?:-|年)(\d{2})(?:-|月)(\d{2})"
    checked = 0
    for key in site.pages():
        html = re.sub(r"<!--.*?-->", "", decode(site.resources[key].body), flags=re.S)
        w = re.search(r"(?:成文日期|生成日期|发文日期|成文日期)</(?:th|strong)>(?:<td>|：)" + date_re, html)
        p = re.search(r"(?:发布日期|公开日期)</(?:th|strong)>(?:<td>|：)" + date_re, html)
        if not (w and p):
            continue
        checked += 1
        wd, pd = (date(*map(int, m.groups())) for m in (w, p))
        assert (pd > tenth_working_day(wd)) == (key in planted), key
    assert checked > 200


def test_column_freshness_truth(site):
    stale = {f["url"] for f in site.expected["findings"] if f["rule"] == "column.stale"}
    assert stale == {"{base}/xwzx/gzdt/index.html", "{base}/xwzx/tzgg/index.html"}
    newest = {}
    for path in ("/xwzx/gzdt/index.html", "/xwzx/tzgg/index.html", "/xwzx/qxdt/index.html"):
        html = decode(site.resources[path].body)
        dates = re.findall(r'<span class="date">(\d{4}-\d{2}-\d{2})</span>', html)
        newest[path] = max(date.fromisoformat(d) for d in dates) if dates else None
    assert (AS_OF - newest["/xwzx/gzdt/index.html"]).days == 20
    assert newest["/xwzx/tzgg/index.html"] == date(2026, 4, 20)
    assert (AS_OF - newest["/xwzx/qxdt/index.html"]).days == 14
