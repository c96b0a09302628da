"""Pure page extraction: bytes + URL -> record (see docs/design.md §1)."""
from __future__ import annotations

from typing import Any, Mapping

__all__ = ["extract_page", "empty_record"]


def empty_record() -> dict[str, Any]:
    return {
        "kind": "other",
        "title": None,
        "column": None,
        "published": None,
        "written": None,
        "fields": {},
        "site": {"site_id_code": None, "icp": None, "police_record": None, "badge": False},
        "links": [],
        "entries": [],
        "pages": [],
        "encoding": None,
        "encoding_note": None,
        "meta": {},
        "follow": [],
        "refresh": None,
        "breadcrumb": [],
        "published_source": None,
        "written_source": None,
        "body_text": "",
        "empty_note": None,
        "subcolumns": [],
        "error": None,
    }


def extract_page(body: bytes, url: str, headers: Mapping[str, str] | None = None) -> dict:
    rec = empty_record()
    if not body:
        rec["error"] = "empty body"
    return rec
