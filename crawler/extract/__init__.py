"""Pure page extraction: bytes + URL -> record (docs/design.md §1).

`extract_page` parses the page once (lxml), builds the visible-text token stream once, and
hands both to small field extractors. It never raises: a page it cannot read gives
`kind: "other"` (or "error") with `error` set.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from . import breadcrumb, content, fields, footer, kind, listing, title
from .dates import parse_date, pure_date
from .dom import parse_html, tokens
from .encoding import decode
from .links import FOLLOW_TAGS, LinkCollector
from .meta import base_url, meta_ci, metas, refresh_target
from .text import fold, t2s
from .urls import Resolver, strip_fragment

__all__ = ["extract_page", "empty_record", "MAX_BYTES"]

MAX_BYTES = 8 * 1024 * 1024
_BINARY_MAGIC = (
    (b"%PDF", "pdf"), (b"\x89PNG", "png"), (b"GIF8", "gif"), (b"\xff\xd8\xff", "jpeg"), (b"PK\x03\x04", "zip/office"),
    (b"\xd0\xcf\x11\xe0", "ole/office"), (b"\x1f\x8b", "gzip"), (b"Rar!", "rar"), (b"7z\xbc\xaf", "7z"),
    (b"RIFF", "riff"), (b"\x00\x00\x01\x00", "ico"), (b"ID3", "mp3"), (b"OggS", "ogg"),
)
_PUB_META = ("PubDate", "pubdate", "firstpublishedtime", "publishdate", "publish_date", "pubtime",
             "article:published_time", "dc.date", "Date")


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
    """The extraction record of one page (see docs/design.md §1). Never raises."""
    rec = empty_record()
    try:
        _extract(body, url, headers, rec)
    except Exception as exc:  # a bug must not stop a crawl: report it on the record
        rec["kind"] = "other"
        rec["error"] = f"extraction failed: {type(exc).__name__}: {exc}"[:500]
    return rec


def _sniff_binary(body: bytes) -> str | None:
    for magic, name in _BINARY_MAGIC:
        if body.startswith(magic):
            return name
    head = body[:4096]
    if head.count(b"\x00") > len(head) // 100 + 1 and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "binary data"
    return None


def _extract(body: bytes, url: str, headers: Mapping[str, str] | None, rec: dict) -> None:
    url = url if isinstance(url, str) else str(url or "")
    if body is None:
        body = b""
    if isinstance(body, str):
        body = body.encode("utf-8", "surrogatepass")
    elif not isinstance(body, (bytes, bytearray, memoryview)):
        rec["error"] = f"body is {type(body).__name__}, not bytes"
        return
    body = bytes(body)
    if not body.strip():
        rec["error"] = "empty body"
        return
    if len(body) > MAX_BYTES:
        rec["error"] = f"page too large: {len(body)} bytes (limit {MAX_BYTES})"
        return
    binary = _sniff_binary(body)
    if binary:
        rec["error"] = f"not an HTML page: {binary} content"
        return

    text, enc, note = decode(body, headers)
    rec["encoding"], rec["encoding_note"] = enc, note
    root = parse_html(text)
    if root is None:
        rec["error"] = "the page does not parse as HTML"
        return

    meta = metas(root)
    rec["meta"] = meta
    base = base_url(root, url, enc)
    refresh = refresh_target(root, base, enc)
    rec["refresh"] = refresh
    toks = tokens(root)
    visible = toks.joined()
    visible_len = sum(len(t.strip()) for t in toks.raw)

    # links (the page, then Hanweb datastore records, which a browser renders as links too)
    res = Resolver(base, enc)
    collector = LinkCollector(res)
    collector.collect(root)
    scripts = [(el, el.text) for el in root.iter("script") if el.text]
    ds_roots, ds_pages, has_ds = listing.datastore(scripts, text if len(text) < 2_000_000 else "", url)
    for r in ds_roots:
        collector.collect(r)
    if refresh:
        collector.add(refresh, "meta", "content")
    links = collector.links
    rec["links"] = links

    # metadata table, title, breadcrumb
    fres = fields.extract(toks)
    html_title = title.page_title(root)
    article_title = meta_ci(meta, "ArticleTitle")
    heading, heading_idx = title.heading(toks, article_title, html_title)
    crumb_el = breadcrumb.find(root, toks)
    crumbs = breadcrumb.items(crumb_el) if crumb_el is not None else []
    rec["breadcrumb"] = crumbs

    # list parts (skipped on pages that are plainly documents)
    has_table = fres.region is not None
    editor = content.has_editor(root)
    doc_markers = has_table or bool(article_title) or kind.is_doc_url(url)
    entries: list[dict] = []
    pages = ds_pages
    for r in ds_roots:
        entries += listing.entries_in(r, res)
    if not doc_markers:
        known = {e["url"] for e in entries}
        entries += [e for e in listing.entries_in(root, res, exclude=crumb_el, anchors=collector.anchors)
                    if e["url"] not in known]
        if not pages:
            pages = listing.script_pages([s for _, s in scripts], res) or listing.link_pages(root, res)
    note_empty = listing.empty_note(toks.simp, toks.raw)

    # kind
    headings = " ".join(fold("".join(h.itertext())) for h in root.iter("h1", "h2"))[:500]
    # a TRS_Editor block on a list page is the column's description, not an article
    strong_doc = doc_markers or (editor and len(entries) < 3 and not pages)
    names = " ".join(x for x in (html_title, meta_ci(meta, "ColumnName") or "", heading or "", headings) if x)
    names_s = t2s(names)
    # the page's own name: its breadcrumb's last item, else ColumnName, else the <title>'s first part
    own_name = (breadcrumb.column_from(crumbs, None) or meta_ci(meta, "ColumnName")
                or (title._prefixes(html_title)[-1] if html_title else ""))
    anchor_texts = " ".join(link["text"] for link in links if link["tag"] == "a" and len(link["text"]) < 40)
    if kind.is_js_challenge(" ".join(s[:5000] for _, s in scripts), visible_len):
        k = "other"
        rec["error"] = "JavaScript challenge page: the content needs a browser"
    elif (not (has_table or article_title) and not kind.is_home_url(url)
          and kind.is_error(html_title, headings, visible_len, visible[:3000])):
        k = "error"
    elif refresh and visible_len < 200 and not entries:
        k = "other"
    elif kind._GUIDE_RE.search(names_s) and not has_table:
        k = "guide"
    elif strong_doc:
        k = "document"
    elif kind.is_platform_name(t2s(own_name)) and kind.platform_parts(anchor_texts) >= 3:
        k = "platform"
    elif kind.is_home_url(url):
        k = "home"
    elif entries or pages or has_ds or note_empty:
        k = "list"
    elif meta_ci(meta, "PubDate") or any(h.canon == "发布日期" and parse_date(h.value) for h in fres.line_hits):
        k = "document"
    else:
        k = "other"
    rec["kind"] = k

    # title
    if k == "document":
        t = heading or (fold(article_title) if article_title else None)
        if not t:
            h1 = next((fold("".join(h.itertext())) for h in root.iter("h1") if len(fold("".join(h.itertext()))) >= 4), None)
            t = h1 or (title._prefixes(html_title)[-1] if html_title else None)
        rec["title"] = t or None
    else:
        rec["title"] = html_title or (fold(article_title) if article_title else None) or heading or None

    # column: breadcrumb, else ColumnName meta
    col = breadcrumb.column_from(crumbs, rec["title"])
    rec["column"] = None if k == "home" else (col or meta_ci(meta, "ColumnName") or None)

    # fields and dates
    rec["fields"] = dict(fres.fields)
    if k in ("document", "guide", "other"):
        _dates(rec, fres, toks, meta, heading_idx)

    # site identity
    rec["site"] = footer.site_identity(visible, meta, links, root)

    # list parts on list-like pages
    if k != "document":
        rec["entries"] = entries
        rec["pages"] = pages
        if k in ("list", "platform", "guide", "other", "home"):
            rec["empty_note"] = note_empty if not entries else None
        # "other": a parent column page that shows only its sub-columns (法定主动公开内容)
        if k in ("platform", "home", "list", "guide", "other"):
            from .listing import subcolumns

            rec["subcolumns"] = subcolumns(links, strip_fragment(url), k in ("platform", "home"))
    if k in ("document", "guide", "other", "error"):
        rec["body_text"] = content.main_text(root)

    # follow: what a reader can navigate to
    follow: list[str] = []
    seen: set[str] = set()

    def add(u: str | None):
        if u:
            u = strip_fragment(u)
            if u not in seen:
                seen.add(u)
                follow.append(u)

    add(refresh)
    for link in links:
        if link["tag"] in FOLLOW_TAGS:
            add(link["url"])
    for p in rec["pages"]:
        add(p)
    for e in rec["entries"]:
        add(e["url"])
    rec["follow"] = follow


def _dates(rec: dict, fres, toks, meta: dict, heading_idx: int | None) -> None:
    pub = src = None
    for h in fres.table_hits:
        if h.canon == "发布日期":
            d = parse_date(h.value)
            if d:
                pub, src = d, "table"
                break
    if pub is None:
        for h in fres.line_hits:
            if h.canon == "发布日期":
                d = parse_date(h.value)
                if d:
                    pub, src = d, "line"
                    break
    meta_pub = None
    for name in _PUB_META:
        v = meta_ci(meta, name)
        if v:
            meta_pub = parse_date(v)
            if meta_pub:
                break
    if pub is None:
        for h in fres.line_hits:
            if h.canon != "时间":
                continue
            near = heading_idx is not None and 0 < h.index - heading_idx <= 80
            if near or (heading_idx is None and meta_pub is None):
                d = parse_date(h.value)
                if d:
                    pub, src = d, "line"
                    break
    if pub is None and meta_pub:
        pub, src = meta_pub, "meta"
    if pub is None and heading_idx is not None:
        for i in range(heading_idx + 1, min(heading_idx + 12, len(toks.raw))):
            d = pure_date(toks.raw[i])
            if d:
                pub, src = d, "line"
                break
    rec["published"], rec["published_source"] = pub, src

    wr = wsrc = None
    for hits, label in ((fres.table_hits, "table"), (fres.line_hits, "line")):
        for h in hits:
            if h.canon == "成文日期":
                d = parse_date(h.value)
                if d:
                    wr, wsrc = d, label
                    break
        if wr:
            break
    rec["written"], rec["written_source"] = wr, wsrc
