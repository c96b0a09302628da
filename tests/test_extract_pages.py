"""Pages we wrote ourselves: tests/pages/<case>/{page.html, url.txt, expected.json[, headers.json]}.

expected.json holds only the keys a case checks; one test per case x key. Key forms:
a record key; "fields.<label>", "no_field.<label>", "site.<key>"; "pages.count|first|second|last";
"links.contains" (each link dict present), "links.absent" (no URL contains the text),
"links.count"; "follow.contains"; "body_text.contains"; "encoding_note.present".
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawler.extract import extract_page

PAGES = Path(__file__).parent / "pages"


def _cases():
    for d in sorted(p for p in PAGES.iterdir() if p.is_dir()):
        expected = json.loads((d / "expected.json").read_text("utf-8"))
        for key, value in expected.items():
            yield pytest.param(d.name, key, value, id=f"{d.name}-{key}")


_cache: dict[str, dict] = {}


def record(case: str) -> dict:
    if case not in _cache:
        d = PAGES / case
        headers_file = d / "headers.json"
        headers = json.loads(headers_file.read_text("utf-8")) if headers_file.exists() else None
        url = (d / "url.txt").read_text("utf-8").strip()
        _cache[case] = extract_page((d / "page.html").read_bytes(), url, headers)
    return _cache[case]


@pytest.mark.parametrize("case,key,expected", list(_cases()))
def test_page_value(case, key, expected):
    rec = record(case)
    head, _, rest = key.partition(".")
    if head == "fields" and rest:
        assert rest in rec["fields"], rec["fields"]
        assert rec["fields"][rest] == expected
    elif head == "no_field":
        assert rest not in rec["fields"]
    elif head == "site":
        assert rec["site"][rest] == expected
    elif head == "pages" and rest:
        pages = rec["pages"]
        got = {"count": len(pages), "first": pages[:1], "second": pages[1:2], "last": pages[-1:]}[rest]
        assert got == (expected if rest == "count" else [expected])
    elif key == "links.contains":
        for link in expected:
            assert link in rec["links"], (link, rec["links"])
    elif key == "links.absent":
        for text in expected:
            assert not [x for x in rec["links"] if text in x["url"]], text
    elif key == "links.count":
        assert len(rec["links"]) == expected, rec["links"]
    elif key == "follow.contains":
        for u in expected:
            assert u in rec["follow"]
    elif key == "body_text.contains":
        assert expected in rec["body_text"]
    elif key == "encoding_note.present":
        assert (rec["encoding_note"] is not None) is expected
    else:
        assert rec[key] == expected
