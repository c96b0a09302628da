"""Finding the codec of a page: BOM > HTTP charset > <meta> charset, verified on the bytes.

gb2312/gbk are decoded as GB18030 (pages labelled gb2312 use GBK-only characters such as 鄚).
When the declared codec cannot decode the bytes, the other declaration, then UTF-8 and GB18030
are tried and `note` says what happened.
"""
from __future__ import annotations

import codecs
import re
from collections.abc import Mapping

_META_CHARSET_RE = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE
)
_HTTP_CHARSET_RE = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_\-:.]+)""", re.IGNORECASE)

_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030", "x-gbk": "gb18030",
    "cp936": "gb18030", "ms936": "gb18030", "windows-936": "gb18030", "csgb2312": "gb18030",
    "gb18030": "gb18030", "euc-cn": "gb18030", "hz-gb-2312": "gb18030",
    "utf8": "utf-8", "utf-8": "utf-8", "unicode-1-1-utf-8": "utf-8",
    # as browsers do (WHATWG encoding standard)
    "iso-8859-1": "cp1252", "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252",
    "big5": "big5hkscs", "big5-hkscs": "big5hkscs",
}


_WESTERN = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "ascii"}


def normalise_codec(name: str | None) -> str | None:
    """Python codec name for a declared charset, or None when unknown."""
    if not name:
        return None
    n = name.strip().strip("'\"").lower()
    if n in _ALIASES:
        return _ALIASES[n]
    try:
        found = codecs.lookup(n).name
    except LookupError:
        return None
    return _ALIASES.get(found, found)


def http_charset(headers: Mapping[str, str] | None) -> str | None:
    if not headers:
        return None
    ctype = None
    try:
        for k, v in headers.items():
            k = k.decode("latin-1") if isinstance(k, bytes) else str(k)
            if k.lower() == "content-type":
                ctype = v
                break
    except Exception:
        return None
    if isinstance(ctype, (list, tuple)):
        ctype = ctype[0] if ctype else None
    if isinstance(ctype, bytes):
        ctype = ctype.decode("latin-1", "replace")
    if not ctype:
        return None
    m = _HTTP_CHARSET_RE.search(str(ctype))
    return m.group(1) if m else None


def meta_charset(body: bytes) -> str | None:
    m = _META_CHARSET_RE.search(body[:8192])
    return m.group(1).decode("ascii", "replace") if m else None


def _try(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def decode(body: bytes, headers: Mapping[str, str] | None = None) -> tuple[str, str, str | None]:
    """(text, codec, note). Never raises; falls back to UTF-8 with replacement characters."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", "replace"), "utf-8", None
    if body.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return body.decode("utf-16", "replace").lstrip("\ufeff"), "utf-16", None

    declared_http = http_charset(headers)
    declared_meta = meta_charset(body)
    http_codec = normalise_codec(declared_http)
    meta_codec = normalise_codec(declared_meta)

    candidates: list[tuple[str, str]] = []
    if http_codec:
        candidates.append((http_codec, f"HTTP header charset={declared_http}"))
    if meta_codec:
        candidates.append((meta_codec, f"<meta> charset={declared_meta}"))
    # Servers (Tomcat, IIS defaults) send ISO-8859-1 for pages they know nothing about, and
    # windows-1252 decodes almost any bytes: a page's own GB/UTF-8 <meta> is the better witness.
    if http_codec in _WESTERN and meta_codec and meta_codec not in _WESTERN:
        candidates.reverse()
    declared = candidates[0] if candidates else None

    if body.isascii():
        codec = declared[0] if declared else "utf-8"
        return body.decode("ascii"), codec, None

    tried: list[str] = []
    for codec, origin in candidates + [("utf-8", "detection"), ("gb18030", "detection")]:
        if codec in tried:
            continue
        tried.append(codec)
        text = _try(body, codec)
        if text is None:
            continue
        # a GB-declared page whose bytes are valid UTF-8 is UTF-8 (GBK text is almost never valid UTF-8)
        if codec == "gb18030" and "utf-8" not in tried:
            utf = _try(body, "utf-8")
            if utf is not None:
                note = f"declared {origin} but the bytes are UTF-8; decoded as utf-8"
                return utf, "utf-8", note
        note = None
        if declared is None:
            note = None if codec == "utf-8" else f"no charset declared; detected {codec}"
        elif codec != declared[0]:
            note = f"{declared[1]} cannot decode the bytes; decoded as {codec} ({origin})"
        elif http_codec and meta_codec and http_codec != meta_codec:
            used = "the <meta>" if codec == meta_codec else "the header"
            note = f"HTTP header charset={declared_http} disagrees with <meta> charset={declared_meta}; used {used}"
        return text, codec, note
    codec = declared[0] if declared else "utf-8"
    return (body.decode(codec, "replace"), codec,
            f"no codec decodes the bytes cleanly; decoded as {codec} with replacement characters")
