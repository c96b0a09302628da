"""The store: schema creation, migrations, refusal of foreign or newer files."""

import sqlite3

import pytest

from xxgk import store


def test_new_database_has_contract_tables(tmp_path):
    db = store.open_db(tmp_path / "a.sqlite")
    names = set(db.table_names())
    assert {"runs", "findings", "pages", "links", "columns", "documents", "targets", "skipped", "scores"} <= names
    runs = set(db["runs"].columns_dict)
    assert {"id", "start_url", "as_of", "started_at", "finished_at", "status"} <= runs
    findings = set(db["findings"].columns_dict)
    assert {"run_id", "rule", "severity", "url", "page_url", "column_name", "message", "evidence"} <= findings


def test_reopen_is_idempotent(tmp_path):
    path = tmp_path / "a.sqlite"
    db = store.open_db(path)
    db["runs"].insert({"start_url": "http://x/", "status": "completed"})
    db.close()
    db = store.open_db(path)
    assert db["runs"].count == 1
    assert store.schema_version(db) == store.SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "a.sqlite"
    db = store.open_db(path)
    db["_migrations"].insert({"version": store.SCHEMA_VERSION + 5})
    db.close()
    with pytest.raises(store.StoreError, match="newer"):
        store.open_db(path)


def test_foreign_database_is_refused(tmp_path):
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("create table runs (x)")
    conn.commit()
    conn.close()
    with pytest.raises(store.StoreError, match="not an xxgk-audit"):
        store.open_db(path)


def test_not_sqlite_is_refused(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(store.StoreError):
        store.open_db(path)


def test_unwritable_path_fails_early(tmp_path):
    target = tmp_path / "dir"
    target.mkdir()
    with pytest.raises(store.StoreError):
        store.check_writable(target)
    with pytest.raises(store.StoreError):
        store.check_writable("/proc/xxgk-no/audit.sqlite")
