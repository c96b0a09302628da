"""Browser-like URL resolution.

- whitespace stripped (tabs/newlines removed anywhere), backslashes read as slashes;
- protocol-relative and relative references resolved against the base (``<base href>``);
- raw non-ASCII in the path -> UTF-8 percent escapes; in the query -> escapes of the page's
  encoding (as browsers do for http/https); existing ``%XX`` kept byte for byte;
- the fragment removed; ``mailto:``, ``tel:``, ``javascript:``, ``data:``, bare ``#frag`` skipped.
"""
from __future__ import annotations

import re
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

_SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "about:", "sms:", "callto:", "vbscript:",
                 "blob:", "file:", "weixin:", "thunder:", "ed2k:", "magnet:")
_ALLOWED = {"http", "https", "ftp"}
_STRIP_RE = re.compile(r"[\t\n\r]")
_NEEDS_WORK_RE = re.compile(r"[^A-Za-z0-9\-._~:/?@!$&'()*+,;=%\[\]|^]")
# characters that stay as they are (everything else is percent-encoded; '%' keeps %XX as is)
_PATH_SAFE = "/!$&'()*+,;=:@%[]|^"
_QUERY_SAFE = "/!$&'()*+,;=:@%[]|^?{}`\\"
_WS_TRIM = " \t\n\r\f\v\x00\u00a0\u3000\u200b\ufeff"


def _codec_for_query(encoding: str | None) -> str:
    if not encoding or encoding.lower().startswith("utf-16"):
        return "utf-8"
    return encoding


def _remove_dot_segments(path: str) -> str:
    out: list[str] = []
    segs = path.split("/")
    for i, seg in enumerate(segs):
        last = i == len(segs) - 1
        if seg == ".":
            if last:
                out.append("")
            continue
        if seg == "..":
            if len(out) > 1:
                out.pop()
            if last:
                out.append("")
            continue
        out.append(seg)
    res = "/".join(out)
    return res if res.startswith("/") else "/" + res


def _host(netloc: str) -> str:
    if "@" in netloc:
        return netloc
    if not netloc.isascii():
        try:
            host, sep, port = netloc.partition(":")
            netloc = host.encode("idna").decode("ascii") + sep + port
        except Exception:
            netloc = quote(netloc, safe=":[]")
    return netloc.lower()


def clean_href(href: str | None) -> str | None:
    """The reference as a browser reads it, or None when it is not a navigable link."""
    if href is None:
        return None
    h = href.strip(_WS_TRIM)
    if "\t" in h or "\n" in h or "\r" in h:
        h = _STRIP_RE.sub("", h)
    if not h or h[0] == "#":
        return None
    low = h[:12].lower()
    if low.startswith(_SKIP_SCHEMES):
        return None
    return h


def resolve(href: str | None, base: str, encoding: str | None = "utf-8", keep_fragment: bool = False) -> str | None:
    """Absolute URL for `href` on a page at `base`, or None when it is not an http(s)/ftp link."""
    h = clean_href(href)
    if h is None:
        return None
    try:
        if (h.startswith(("http://", "https://")) and not _NEEDS_WORK_RE.search(h)
                and "/." not in h and not keep_fragment and "@" not in h):
            i = h.find("/", 8)
            q = h.find("?", 8)
            if i < 0 and q < 0:
                return h.lower() + "/"
            if i > 0 and (q < 0 or i < q):
                return h[:i].lower() + h[i:]
        return _slow(h, base, encoding, keep_fragment)
    except Exception:
        return None


def _slow(h: str, base: str, encoding: str | None, keep_fragment: bool) -> str | None:
    if "\\" in h:
        h = h.replace("\\", "/")
    absu = urljoin(base, h) if base else h
    parts = urlsplit(absu)
    scheme = parts.scheme.lower()
    if scheme not in _ALLOWED:
        return None
    netloc = _host(parts.netloc)
    if not netloc:
        return None
    path = parts.path or "/"
    if "/." in path:
        path = _remove_dot_segments(path)
    path = quote(path, safe=_PATH_SAFE)
    query = parts.query
    if query:
        query = quote(query, safe=_QUERY_SAFE, encoding=_codec_for_query(encoding), errors="xmlcharrefreplace")
    frag = ""
    if keep_fragment and parts.fragment:
        frag = quote(parts.fragment, safe=_QUERY_SAFE + "#")
    out = urlunsplit((scheme, netloc, path, query, frag))
    if parts.query == "" and absu.split("#", 1)[0].endswith("?"):
        out = out.split("#", 1)[0] + "?" + (("#" + frag) if frag else "")
    return out


class Resolver:
    """`resolve` bound to one base URL, with a fast path for plain ASCII references and a cache."""

    __slots__ = ("base", "encoding", "_cache", "_origin", "_dir", "_nq", "_scheme", "_ok")

    def __init__(self, base: str, encoding: str | None = "utf-8"):
        self.base = base
        self.encoding = encoding
        self._cache: dict[str, str | None] = {}
        self._ok = False
        try:
            p = urlsplit(base)
        except ValueError:
            return
        if p.scheme.lower() in _ALLOWED and p.netloc and base.isascii() and not _NEEDS_WORK_RE.search(base.split("#")[0]):
            self._scheme = p.scheme.lower()
            self._origin = f"{self._scheme}://{p.netloc.lower()}"
            path = p.path or "/"
            self._dir = path[: path.rfind("/") + 1]
            self._nq = self._origin + path
            self._ok = True

    def __call__(self, href: str | None, keep_fragment: bool = False) -> str | None:
        if href is None:
            return None
        key = href if not keep_fragment else "#" + href
        cache = self._cache
        if key in cache:
            return cache[key]
        res = self._resolve(href, keep_fragment)
        if len(cache) < 20000:
            cache[key] = res
        return res

    def _resolve(self, href: str, keep_fragment: bool) -> str | None:
        if not self._ok or keep_fragment:
            return resolve(href, self.base, self.encoding, keep_fragment)
        h = clean_href(href)
        if h is None:
            return None
        if "#" in h:
            h = h[: h.find("#")]
            if not h:
                return None
        if not h.isascii() or _NEEDS_WORK_RE.search(h) or "\\" in h:
            return resolve(h, self.base, self.encoding)
        c = h[0]
        if c == "/":
            if h.startswith("//"):
                return resolve(h, self.base, self.encoding)
            path, q, query = h.partition("?")
            if "/." in path:
                path = _remove_dot_segments(path)
            return self._origin + path + q + query
        if c == "?":
            return self._nq + h
        colon = h.find(":")
        if colon >= 0:
            slash = h.find("/")
            if slash < 0 or colon < slash:  # a scheme
                return resolve(h, self.base, self.encoding)
        path, q, query = h.partition("?")
        path = self._dir + path
        if "/." in path or path.endswith("/.."):
            path = _remove_dot_segments(path)
        return self._origin + path + q + query


def strip_fragment(url: str) -> str:
    i = url.find("#")
    return url if i < 0 else url[:i]
