"""columns.build over pages written by the pipeline (no network), and the pipeline itself."""

from __future__ import annotations

import json

import pytest

from crawler import columns
from crawler.pipelines import StorePipeline
from xxgk import store

H = "http://www.example.gov.cn"


def record(kind="other", **kw) -> dict:
    rec = {"kind": kind, "title": None, "column": None, "published": None, "written": None, "fields": {},
           "site": {}, "links": [], "entries": [], "pages": [], "encoding": "utf-8", "encoding_note": None,
           "meta": {}, "follow": [], "refresh": None, "breadcrumb": [], "published_source": None,
           "written_source": None, "body_text": "", "empty_note": None, "subcolumns": [], "error": None}
    rec.update(kw)
    return rec


def page_item(url, rec, depth=1, final_url=None, status=200):
    return {"_type": "page", "url": url, "final_url": final_url or url, "status": status, "kind": rec["kind"],
            "title": rec.get("title"), "column_name": rec.get("column"), "depth": depth, "extract": rec,
            "links": [(link["url"], link["tag"], link["attribute"], link["text"], 1) for link in rec["links"]],
            "entries": rec["entries"],
            "meta": rec["meta"], "site_identity": {}, "fetched_at": "2026-01-01T00:00:00Z"}


@pytest.fixture()
def built(tmp_path):
    path = tmp_path / "a.sqlite"
    db = store.open_db(path)
    run_id = db["runs"].insert({"start_url": H + "/", "status": "running"}).last_pk
    pipe = StorePipeline(str(path), run_id, batch_rows=3)
    pipe.open_spider()
    items = [
        page_item(H + "/", record("home", title="示例市人民政府", links=[
            {"url": H + "/xxgk/index.html", "tag": "a", "attribute": "href", "text": "政府信息公开"},
            {"url": H + "/xxgk/tzgg/index.html", "tag": "a", "attribute": "href", "text": "通知公告"},
        ]), depth=0),
        page_item(H + "/xxgk/index.html", record("platform", title="政府信息公开", column="政府信息公开", subcolumns=[
            {"title": "通知公告", "url": H + "/xxgk/tzgg/index.html"},
            {"title": "政府信息公开指南", "url": H + "/xxgk/zn.html"},
            {"title": "行政处罚", "url": H + "/xxgk/xzcf.html"},
            {"title": "执法公示", "url": "http://zfgs.example.gov.cn/"},
            {"title": "空栏目", "url": H + "/xxgk/kong/index.html"},
        ])),
        page_item(H + "/xxgk/tzgg/index.html", record(
            "list", column="通知公告", pages=[H + "/xxgk/tzgg/index_1.html"],
            entries=[{"title": "关于A的通知", "url": H + "/xxgk/tzgg/202601/t20260105_1.html", "date": "2026-01-05"},
                     {"title": "关于B的通知", "url": H + "/xxgk/tzgg/202512/t20251201_2.html", "date": "2025-12-01"}]),
            depth=2),
        page_item(H + "/xxgk/tzgg/index_1.html", record(
            "list", column="通知公告",
            entries=[{"title": "关于C的通知", "url": H + "/xxgk/tzgg/202511/t20251101_3.html", "date": "2025-11-01"}]),
            depth=3),
        page_item(H + "/xxgk/zn.html", record("guide", title="政府信息公开指南", column="政府信息公开指南")),
        page_item(H + "/xxgk/xzcf.html", record("other", refresh="http://zf.example.gov.cn/cf/")),
        page_item(H + "/xxgk/kong/index.html", record("list", column="空栏目", empty_note="暂无信息")),
        page_item(H + "/xxgk/tzgg/202601/t20260105_1.html", record(
            "document", title="关于A的通知", column="通知公告", written="2026-01-04", published="2026-01-05",
            published_source="table", body_text="正文",
            fields={"索引号": "000014348/2026-00001", "发布机构": "示例市人民政府办公室", "文号": "示政办〔2026〕1号",
                    "有效性": "有效", "有效期至": "2028-12-31"})),
        page_item(H + "/xxgk/tzgg/202511/t20251101_3.html", record("document", title="关于C的通知")),
        {"_type": "target", "url": H + "/", "outcome": "ok", "status": 200, "chain": [], "attempts": 1},
        {"_type": "skipped", "url": H + "/cal/2099/01.html", "reason": "trap_pattern", "detail": "x",
         "page_url": H + "/"},
    ]
    for item in items:
        pipe.process_item(item)
    pipe.close_spider()
    db = store.open_db(path)
    stats = columns.build(db, run_id)
    cols = {r["url"]: r for r in db.query("select * from columns where run_id = ?", [run_id])}
    docs = {r["url"]: r for r in db.query("select * from documents where run_id = ?", [run_id])}
    yield {"db": db, "run_id": run_id, "cols": cols, "docs": docs, "stats": stats}
    db.close()


def test_pipeline_rows(built):
    db, run_id = built["db"], built["run_id"]
    assert db.execute("select count(*) from pages where run_id = ?", [run_id]).fetchone()[0] == 9
    assert db.execute("select count(*) from links where run_id = ?", [run_id]).fetchone()[0] == 2
    assert db.execute("select count(*) from entries where run_id = ?", [run_id]).fetchone()[0] == 3
    assert db.execute("select outcome from targets").fetchone()[0] == "ok"
    assert db.execute("select reason from skipped").fetchone()[0] == "trap_pattern"
    extract = json.loads(db.execute("select extract from pages where url = ?", [H + "/xxgk/index.html"]).fetchone()[0])
    assert extract["kind"] == "platform"


def test_list_series(built):
    col = built["cols"][H + "/xxgk/tzgg/index.html"]
    assert col["kind"] == "list" and col["name"] == "通知公告"
    assert col["entry_count"] == 3 and col["list_pages"] == 2 and col["newest_date"] == "2026-01-05"
    assert json.loads(col["nav_names"]) == ["通知公告"]
    assert col["parent_url"] == H + "/xxgk/index.html"
    assert col["on_platform"] == 1
    assert H + "/xxgk/tzgg/index_1.html" not in built["cols"]
    rows = built["db"].execute("select distinct column_url from entries").fetchall()
    assert rows == [(H + "/xxgk/tzgg/index.html",)]


def test_other_column_kinds(built):
    cols = built["cols"]
    assert cols[H + "/xxgk/index.html"]["kind"] == "parent"
    assert cols[H + "/xxgk/zn.html"]["kind"] == "single"
    stub = cols[H + "/xxgk/xzcf.html"]
    assert stub["kind"] == "stub" and stub["stub_target"] == "http://zf.example.gov.cn/cf/"
    assert cols["http://zfgs.example.gov.cn/"]["kind"] == "stub"
    empty = cols[H + "/xxgk/kong/index.html"]
    assert empty["entry_count"] == 0 and empty["note"] == "暂无信息" and empty["on_platform"] == 1
    assert H + "/" not in cols


def test_documents(built):
    doc = built["docs"][H + "/xxgk/tzgg/202601/t20260105_1.html"]
    assert doc["index_no"] == "000014348/2026-00001"
    assert doc["publisher"] == "示例市人民政府办公室" and doc["doc_no"] == "示政办〔2026〕1号"
    assert doc["validity"] == "有效" and doc["expires"] == "2028-12-31"
    assert doc["written"] == "2026-01-04" and doc["published"] == "2026-01-05" and doc["published_source"] == "table"
    assert doc["column_url"] == H + "/xxgk/tzgg/index.html" and doc["column_name"] == "通知公告"
    undated = built["docs"][H + "/xxgk/tzgg/202511/t20251101_3.html"]
    assert undated["published"] == "2025-11-01" and undated["published_source"] == "list"


def test_build_is_idempotent(built):
    again = columns.build(built["db"], built["run_id"])
    assert again == built["stats"]
    n = built["db"].execute("select count(*) from columns where run_id = ?", [built["run_id"]]).fetchone()[0]
    assert n == again["columns"]


def test_document_belongs_to_its_column_not_a_shallower_latest_list(tmp_path):
    """A platform page listing the newest documents must not take them from their column,
    whatever order the pages were crawled in."""
    doc = H + "/xxgk/tzgg/202601/t20260105_1.html"
    platform = record("platform", title="政府信息公开", column="政府信息公开",
                      entries=[{"title": "关于A的通知", "url": doc, "date": "2026-01-05"}])
    column = record("list", column="通知公告", entries=[{"title": "关于A的通知", "url": doc, "date": None}])
    document = record("document", title="关于A的通知", fields={"成文日期": "2026年01月04日"})
    for order in ([("p", 1), ("c", 2)], [("c", 2), ("p", 1)]):
        path = tmp_path / f"{order[0][0]}.sqlite"
        db = store.open_db(path)
        run_id = db["runs"].insert({"start_url": H + "/", "status": "running"}).last_pk
        pipe = StorePipeline(str(path), run_id, batch_rows=1)
        pipe.open_spider()
        for which, depth in order:
            url, rec = (H + "/xxgk/index.html", platform) if which == "p" else (H + "/xxgk/tzgg/index.html", column)
            pipe.process_item(page_item(url, rec, depth=depth))
        pipe.process_item(page_item(doc, document, depth=3))
        pipe.close_spider()
        columns.build(db, run_id)
        row = db.execute("select column_url, published, published_source from documents where url = ?", [doc]).fetchone()
        assert row[0] == H + "/xxgk/tzgg/index.html"
        assert row[1:] == ("2026-01-05", "list")  # the date the reader sees on the platform's list


def test_documents_body_text_and_an_unreadable_record(built):
    """The body text is copied from the page's record; a record that is not JSON reads as empty
    (as store.loads reads it), its document is still listed."""
    db, run_id = built["db"], built["run_id"]
    assert built["docs"][H + "/xxgk/tzgg/202601/t20260105_1.html"]["body_text"] == "正文"
    broken = H + "/xxgk/tzgg/202511/t20251101_3.html"
    with db.conn:
        db.execute("update pages set extract = '{\"kind\": \"document\", \"body_text\": \"x' where url = ?", [broken])
    columns.build(db, run_id)
    rows = {r["url"]: r for r in db.query("select url, title, body_text from documents where run_id = ?", [run_id])}
    assert rows[broken]["body_text"] is None and rows[broken]["title"] == "关于C的通知"
    assert rows[H + "/xxgk/tzgg/202601/t20260105_1.html"]["body_text"] == "正文"
