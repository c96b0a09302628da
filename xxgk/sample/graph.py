"""The generator's own link scanner: what a page links to, and which pages a list pages to.

This is not the project's extractor (crawler/extract); it reads only the HTML this package
writes, to compute the truth (which page holds which broken link) and to let the tests walk
the link graph: ``<a>``/``<img>``/``<script>``/``<link>``/``<iframe>`` and meta refresh, the TRS
``createPageHTML(count, current, "index", "html")`` call, and Hanweb datastore paging
(``<totalrecord>``/``<perpage>`` and the container id = ``uid``). HTML comments are not links.
"""

from __future__ import annotations

import math
import re
from urllib.parse import quote, unquote, urljoin, urlsplit, urlunsplit

from .model import BASE, DEAD, EXT, HOST

# Stand-in origins used while scanning (the placeholders mapped to real-looking URLs).
SCAN_ORIGINS = {BASE: "http://127.0.0.1:1", EXT: "http://127.0.0.2:1", DEAD: "http://127.0.0.1:2",
                HOST: "127.0.0.1:1"}
TEMPLATE_FOR = {"http://127.0.0.1:1": "{base}", "http://127.0.0.2:1": "{ext}", "http://127.0.0.1:2": "{dead}"}

COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
TAG_RE = re.compile(r"<(a|area|link|script|img|iframe|frame|embed|source)\b([^>]*)>", re.I | re.S)
ATTR_RE = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.I)
REFRESH_RE = re.compile(r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["'][^"']*url=([^"'>]+)""", re.I)
CREATE_RE = re.compile(r'createPageHTML\(\s*(\w+)\s*,\s*(\w+)\s*,\s*"(\w+)"\s*,\s*"(\w+)"')
VAR_RE = r"var\s+{name}\s*=\s*(\d+)"
DATASTORE_RE = re.compile(r'id="(\d+)"><script type="text/xml"><datastore>', re.S)
TOTAL_RE = re.compile(r"<totalrecord>(\d+)</totalrecord>")
PERPAGE_RE = re.compile(r"<perpage>(\d+)</perpage>")
CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)

SAFE = "/:@!$&'()*+,;=-._~%"


def decode(body: bytes) -> str:
    m = CHARSET_RE.search(body[:2048])
    charset = (m.group(1).decode().lower() if m else "utf-8")
    if charset in ("gb2312", "gbk", "gb18030"):
        charset = "gb18030"
    return body.decode(charset)


def to_scan(text: str) -> str:
    for ph, origin in SCAN_ORIGINS.items():
        text = text.replace(ph, origin)
    return text


def normalise(url: str) -> str:
    """Absolute URL as a browser requests it: path percent-encoded as UTF-8, no fragment."""
    parts = urlsplit(url)
    path = quote(unquote(parts.path), safe=SAFE) or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def template(url: str) -> str:
    """http://127.0.0.1:1/x -> {base}/x (the form expected.json uses)."""
    for origin, name in TEMPLATE_FOR.items():
        if url == origin or url.startswith(origin + "/"):
            return name + url[len(origin):]
    return url


def links(html: str, page_url: str) -> list[tuple[str, str]]:
    """(tag, absolute normalised URL) of every link a checker would check; no mailto/javascript."""
    text = COMMENT_RE.sub("", to_scan(html))
    out: list[tuple[str, str]] = []
    for m in TAG_RE.finditer(text):
        tag = m.group(1).lower()
        for a in ATTR_RE.finditer(m.group(2)):
            raw = (a.group(2) if a.group(2) is not None else a.group(3) if a.group(3) is not None else a.group(4))
            _add(out, tag, raw, page_url)
    for m in REFRESH_RE.finditer(text):
        _add(out, "meta", m.group(1), page_url)
    return out


def _add(out: list, tag: str, raw: str, page_url: str) -> None:
    raw = raw.strip().replace("&amp;", "&")
    if not raw or raw.startswith("#") or raw.split(":", 1)[0].lower() in ("mailto", "javascript", "tel", "data"):
        return
    out.append((tag, normalise(urljoin(page_url, raw))))


def pager_pages(html: str, page_url: str) -> list[str]:
    """Other pages of a list: createPageHTML call, or Hanweb datastore paging."""
    text = COMMENT_RE.sub("", html)
    found: list[str] = []
    m = CREATE_RE.search(text)
    if m:
        count = _resolve(m.group(1), text)
        prefix, ext = m.group(3), m.group(4)
        for i in range(count):
            found.append(urljoin(page_url, f"{prefix}.{ext}" if i == 0 else f"{prefix}_{i}.{ext}"))
    d = DATASTORE_RE.search(text)
    if d:
        total = int(TOTAL_RE.search(text).group(1))
        per = int(PERPAGE_RE.search(text).group(1))
        base = page_url.split("?", 1)[0]
        found.append(base)
        for n in range(2, math.ceil(total / per) + 1):
            found.append(f"{base}?uid={d.group(1)}&pageNum={n}")
    return [normalise(u) for u in found]


def _resolve(token: str, text: str) -> int:
    if token.isdigit():
        return int(token)
    m = re.search(VAR_RE.format(name=re.escape(token)), text)
    return int(m.group(1)) if m else 0
