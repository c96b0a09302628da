"""Findings exports for spreadsheet users and scripts: CSV, JSON, XLSX.

One row per finding with the columns a webmaster or inspector works with (Chinese headers in
CSV/XLSX, English keys in JSON). CSV is UTF-8 with a BOM so Excel opens it as Chinese text.
Crawled text that starts like a formula (= + - @) is prefixed with an apostrophe in CSV and
stored as text in XLSX, so a spreadsheet never evaluates it (CSV injection); `read_findings`
removes the prefix again.
"""

from __future__ import annotations

import collections
import contextlib
import csv
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from xxgk import store

from . import catalogue, xlsx
from . import waivers as waivers_mod
from .catalogue import SEVERITY_ZH
from .data import element_of, fingerprint_of, slim_ev

# (key, Chinese header): the order of the columns in every format.
COLUMNS: list[tuple[str, str]] = [
    ("site", "站点"),
    ("run_id", "巡检批次"),
    ("as_of", "基准日期"),
    ("column_name", "栏目"),
    ("rule", "规则"),
    ("rule_title", "问题类型"),
    ("severity", "严重程度"),
    ("message", "问题描述"),
    ("url", "问题地址"),
    ("page_url", "所在页面"),
    ("element", "页面元素"),
    ("fix", "整改建议"),
    ("basis", "依据"),
    ("lifecycle", "状态"),
    ("first_seen", "首次发现"),
    ("waived", "豁免"),
    ("fingerprint", "指纹"),
    ("evidence", "证据"),
]
HEADERS = {key: zh for key, zh in COLUMNS}
KEYS_BY_HEADER = {zh: key for key, zh in COLUMNS}
LIFECYCLE_ZH = {"new": "新增", "regressed": "复现", "persisting": "持续", "fixed": "已修复"}
FORMATS = ("csv", "json", "xlsx")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def iter_rows(db, run_id: int, column: str | None = None, waivers: Any = None, profile: Any = None,
              lifecycle: dict | None = None) -> Iterator[dict]:
    """The export rows of one run (optionally one column's), one at a time from a cursor in
    load_findings' order: nothing but the current row is held (the ~120,000 findings of a
    100,000-page run took ~500 MB as findings plus rows)."""
    if "findings" not in db.table_names():
        return
    run = store.get_run(db, run_id) or {}
    as_of = run.get("as_of")
    active = [w for w in waivers_mod.resolve(waivers, profile) if w.active(as_of)]
    site, day = run.get("site") or "", run.get("as_of") or ""
    sql = "select * from findings where run_id = ?"
    params: list[Any] = [run_id]
    if column is not None:
        sql += " and coalesce(column_name, '') = ?"
        params.append(column)
    cursor = db.conn.execute(sql + " order by rule, url, page_url, id", params)
    names = [d[0] for d in cursor.description]
    lifecycle = lifecycle or {}
    for values in cursor:
        f = dict(zip(names, values, strict=True))
        f["ev"] = slim_ev(f.get("evidence"))
        f["fingerprint"] = fingerprint_of(f)
        info = catalogue.rule_info(f["rule"])
        w = next((w for w in active if w.matches(f)), None)
        state = lifecycle.get(f["fingerprint"]) or f.get("lifecycle")
        yield {
            "site": site, "run_id": run_id, "as_of": day,
            "column_name": f.get("column_name") or "", "rule": f["rule"],
            "rule_title": info.get("title_zh") or f["rule"], "severity": SEVERITY_ZH.get(f.get("severity"),
                                                                                          f.get("severity") or ""),
            "message": f.get("message") or "", "url": f.get("url") or "", "page_url": f.get("page_url") or "",
            "element": element_of(f), "fix": info.get("fix") or "", "basis": info.get("basis") or "",
            "lifecycle": LIFECYCLE_ZH.get(state, state or ""), "first_seen": f.get("first_seen") or "",
            "waived": f"{w.kind_zh}：{w.reason}（{w.author}，至 {w.expires.isoformat()}）" if w else "",
            "fingerprint": f["fingerprint"], "evidence": f.get("evidence") or "",
        }


def _lifecycle(db, run_id: int, with_lifecycle: bool, lifecycle: dict | None) -> dict | None:
    if with_lifecycle and lifecycle is None:
        from .diff import diff_previous

        d = diff_previous(db, run_id, slim=True)
        if not d["baseline"]:
            lifecycle = {f["fingerprint"]: f["lifecycle"] for key in ("new", "regressed", "persisting")
                         for f in d[key]}
    return lifecycle


def findings_rows(db, run_id: int, column: str | None = None, waivers: Any = None, profile: Any = None,
                  with_lifecycle: bool = True, lifecycle: dict | None = None) -> list[dict]:
    """The export rows (keys of COLUMNS) of one run, optionally one column's.

    `lifecycle` ({fingerprint: new | regressed | persisting}) saves recomputing the diff."""
    lifecycle = _lifecycle(db, run_id, with_lifecycle, lifecycle)
    return list(iter_rows(db, run_id, column, waivers, profile, lifecycle))


def _safe_cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv_cells(row: dict) -> list[str]:
    return [_safe_cell(_text(row.get(key))) for key, _ in COLUMNS]


def _json_text(row: dict) -> str:
    item = {key: row.get(key) for key, _ in COLUMNS}
    item["evidence"] = store.loads(row.get("evidence"), row.get("evidence") or None)
    return json.dumps(item, ensure_ascii=False, default=str)


def write_csv(rows: Iterable[dict], path: Path) -> Path:
    return write_files(rows, {"csv": path})["csv"]


def write_json(rows: Iterable[dict], path: Path) -> Path:
    return write_files(rows, {"json": path})["json"]


def write_files(rows: Iterable[dict], paths: dict[str, Path], by_column: bool = False) -> dict[str, Path]:
    """Write `rows` to every format of `paths` ({"csv" | "json" | "xlsx": path}) in one pass
    over them (an iterator is read once, row by row). `by_column`: XLSX sheets per column (the
    rows are then held: it is meant for small exports)."""
    if by_column and "xlsx" in paths:
        rows = list(rows)
    with contextlib.ExitStack() as stack:
        csv_writer = json_fh = None
        if "csv" in paths:
            csv_writer = csv.writer(stack.enter_context(open(paths["csv"], "w", encoding="utf-8-sig", newline="")))
            csv_writer.writerow([zh for _, zh in COLUMNS])
        if "json" in paths:  # one finding per line: compact, still diffable
            json_fh = stack.enter_context(open(paths["json"], "w", encoding="utf-8"))
            json_fh.write("[\n")

        def passing():
            first = True
            for row in rows:
                if csv_writer is not None:
                    csv_writer.writerow(_csv_cells(row))
                if json_fh is not None:
                    json_fh.write(("" if first else ",") + _json_text(row) + "\n")
                first = False
                yield row

        if "xlsx" in paths:
            write_xlsx(rows if by_column else passing(), paths["xlsx"], by_column=by_column)
            if by_column:
                collections.deque(passing(), maxlen=0)
        else:
            collections.deque(passing(), maxlen=0)
        if json_fh is not None:
            json_fh.write("]\n")
    return paths


def write_xlsx(rows: Iterable[dict], path: Path, sheet_title: str = "问题清单", by_column: bool = False) -> Path:
    """Streamed workbook (reports/xlsx.py): one sheet of all rows, plus one per column if asked."""
    if by_column:
        rows = list(rows)
    sheets: list[tuple[str, Iterable[dict]]] = [(sheet_title[:31], rows)]
    if by_column:
        groups: dict[str, list[dict]] = {}
        for row in rows:
            groups.setdefault(row.get("column_name") or "未归属栏目", []).append(row)
        used = {sheets[0][0]}
        sheets += [(_sheet_name(name, used), items) for name, items in sorted(groups.items())]
    widths = {"message": 50, "url": 45, "page_url": 45, "fix": 40, "basis": 30, "evidence": 30,
              "element": 25, "rule_title": 20, "column_name": 18, "waived": 20}
    header = [zh for _, zh in COLUMNS]
    width = [widths.get(key, 12) for key, _ in COLUMNS]
    return xlsx.write_workbook(path, [
        (title, header, width, ([_text(row.get(key)) for key, _ in COLUMNS] for row in items))
        for title, items in sheets])


def _sheet_name(name: str, used: set[str]) -> str:
    base = "".join("_" if c in '[]:*?/\\' else c for c in name)[:28] or "栏目"
    title, n = base, 2
    while title in used:
        title, n = f"{base[:27]}~{n}", n + 1
    used.add(title)
    return title


def export_findings(db, run_id: int, path: str | Path, fmt: str | None = None, column: str | None = None,
                    waivers: Any = None, profile: Any = None, by_column: bool = False) -> Path:
    """Write the run's findings (all, or one column's) to `path` as csv, json or xlsx.

    `fmt` defaults to the file suffix. `by_column` adds one XLSX sheet per column."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (use {', '.join(FORMATS)})")
    path.parent.mkdir(parents=True, exist_ok=True)
    lifecycle = _lifecycle(db, run_id, True, None)
    rows = iter_rows(db, run_id, column, waivers, profile, lifecycle)
    if fmt == "xlsx" and not by_column:
        return write_xlsx(rows, path)
    return write_files(rows, {fmt: path}, by_column=by_column)[fmt]


def read_findings(path: str | Path, fmt: str | None = None) -> list[dict]:
    """Read an export back into rows keyed like COLUMNS (first sheet for XLSX)."""
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.reader(fh)
            header = next(reader, [])
            keys = [KEYS_BY_HEADER.get(h, h) for h in header]
            return [{k: (v[1:] if v.startswith("'") and v[1:].startswith(_FORMULA_START) else v)
                     for k, v in zip(keys, line, strict=False)} for line in reader]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True)
        ws = wb.worksheets[0]
        lines = ws.iter_rows(values_only=True)
        keys = [KEYS_BY_HEADER.get(h, h) for h in next(lines, ())]
        out = [{k: ("" if v is None else str(v)) for k, v in zip(keys, line, strict=False)} for line in lines]
        wb.close()
        return out
    raise ValueError(f"unknown export format {fmt!r}")
