"""Link-target outcomes: pure classification, no network, no clock.

The spider (`crawler.spiders.portal`) performs the requests and keeps one `TargetCheck` per
distinct target; the functions here decide, from what came back, what to do next (follow a
redirect, fall back from HEAD to GET, retry later, stop) and which outcome to record.

Outcomes (`targets.outcome`), lychee-style: a closed set, each with a readable reason.

| outcome | broken? | meaning |
| --- | --- | --- |
| ok | no | 2xx, not an error page |
| redirect | no | works, but through 3xx hops (final_url + chain recorded) |
| http_status | yes | 4xx/5xx confirmed by GET (after retries for 5xx) |
| dns / refused / reset / tls | yes | connection-level failures (tls: which TLS error in `error`) |
| timeout | yes | no answer within the profile's `links.timeout` |
| redirect_loop / too_many_redirects | yes | a URL seen twice in the chain / more than `max_redirects` hops |
| soft_404 | yes | a 200 that is an error page (patterns, per-host fingerprint, deep link sent home) |
| blocked | no | bot protection (WAF / challenge / rate limit) still answering after the retries |
| not_checked | no | not requested: robots.txt, trap or page limits, unsupported scheme, check_external off |
| ignored | no | `links.ignore_patterns` |
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urljoin, urlsplit

OUTCOMES = (
    "ok", "redirect", "http_status", "dns", "refused", "reset", "tls", "timeout",
    "redirect_loop", "too_many_redirects", "soft_404", "blocked", "not_checked", "ignored",
)
BROKEN = frozenset(
    {"http_status", "dns", "refused", "reset", "tls", "timeout", "redirect_loop",
     "too_many_redirects", "soft_404"}
)
TRANSIENT_STATUSES = frozenset({408, 500, 502, 503, 504, 520, 522, 523, 524})
# refused and dns too: a loaded server drops connections from a full listen queue, resolvers time out
TRANSIENT_ERRORS = frozenset({"timeout", "reset", "refused", "dns"})
HEAD_REFUSED = frozenset({403, 405, 501})

NOT_LINK_SCHEMES = ("mailto:", "javascript:", "tel:", "data:", "sms:", "about:", "#")

# File types a reader downloads rather than reads: checked with HEAD, never crawled.
ATTACHMENT_EXT = frozenset(
    "pdf doc docx xls xlsx ppt pptx wps et dps ofd zip rar 7z gz tgz bz2 xz tar txt csv xml "
    "json rtf jpg jpeg png gif bmp webp svg ico tif tiff mp3 mp4 avi wmv flv mov mkv wav swf "
    "apk exe msi dmg iso css js woff woff2 ttf eot otf ceb cebx caj".split()
)
_HOME_PATH = re.compile(r"^/?((index|default|main|home)\.(s?html?|jsp|php|aspx?))?$", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([-\w]+)""", re.I)
_WS = re.compile(r"\s+")


def is_link(url: str | None) -> bool:
    """False for mailto:, javascript:, tel:, data:, bare fragments and empty values."""
    if not url:
        return False
    low = url.strip().lower()
    return bool(low) and not low.startswith(NOT_LINK_SCHEMES)


def is_http(url: str) -> bool:
    return url[:7].lower() == "http://" or url[:8].lower() == "https://"


def url_extension(url: str) -> str:
    path = urlsplit(url).path
    last = path.rsplit("/", 1)[-1]
    return last.rsplit(".", 1)[-1].lower() if "." in last else ""


def looks_like_attachment(url: str) -> bool:
    """A URL whose file name says it is not an HTML page (pdf, doc, images, scripts ...)."""
    return url_extension(url) in ATTACHMENT_EXT


def _host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


_HOSTS: dict[str, str] = {}
_NETLOC_END = re.compile(r"[/?#]")


def host_of(url: str) -> str:
    """Lower-case host name of `url` ("" if none or unparsable).

    Called for every link of every page (scope, link rows): the host of an http(s) URL
    depends only on its `scheme://netloc` prefix, so that prefix is memoised (a page's
    ~90 links name a handful of hosts)."""
    if url.startswith(("http://", "https://")):
        m = _NETLOC_END.search(url, 8 if url[4] == "s" else 7)
        key = url[: m.start()] if m else url
        host = _HOSTS.get(key)
        if host is None:
            if len(_HOSTS) > 50_000:
                _HOSTS.clear()
            host = _HOSTS[key] = _host_of(key)
        return host
    return _host_of(url)


def is_home_url(url: str) -> bool:
    """The root of a host: `/`, `/index.html`, `/default.aspx` ... with no query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return not parts.query and bool(_HOME_PATH.match(parts.path or "/"))


def redirect_location(url: str, location: bytes | str | None) -> str | None:
    """Absolute target of a Location header; raw bytes kept (UTF-8, else Latin-1 as sent)."""
    if not location:
        return None
    if isinstance(location, bytes):
        try:
            location = location.decode("utf-8")
        except UnicodeDecodeError:
            location = location.decode("latin-1")
    location = location.strip()
    if not location:
        return None
    return urljoin(url, location).split("#", 1)[0]


def parse_retry_after(value: str | bytes | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not value:
        return None
    if isinstance(value, bytes):
        value = value.decode("latin-1", "replace")
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


def backoff_delay(attempt: int, base: float, retry_after: float | None, cap: float) -> float:
    """Wait before retry number `attempt` (1-based): Retry-After when given, else base * 2^(n-1)."""
    if retry_after is not None:
        return min(max(retry_after, 0.0), cap)
    return min(base * (2 ** max(attempt - 1, 0)), cap)


# --------------------------------------------------------------------------- errors


_ERROR_CLASSES = (
    ("dns", {"DNSLookupError", "gaierror", "CannotResolveHostError", "NoNameservers"}),
    ("timeout", {"TimeoutError", "TCPTimedOutError", "UserTimeoutError", "ServerTimeoutError",
                 "DownloadTimeoutError"}),
    ("refused", {"ConnectionRefusedError", "DownloadConnectionRefusedError"}),
)


def classify_error(exc: BaseException) -> tuple[str, str, str]:
    """(outcome, error class, text) of a failed request: dns, refused, reset, tls, timeout.

    Class names are matched (Scrapy's Download*Error wrappers, Twisted, OpenSSL), so this
    module imports none of them; TLS errors are told apart by their text and say which.
    """
    names = {c.__name__ for c in type(exc).__mro__}
    cls = type(exc).__name__
    text = str(exc) or cls
    for outcome, classes in _ERROR_CLASSES:
        if names & classes:
            return outcome, cls, text
    low = text.lower()
    if "ssl" in low or "tls" in low or "certificate" in low or "handshake" in low or "SSL" in names:
        return "tls", cls, _tls_detail(text)
    if "dns" in low or "resolve" in low:
        return "dns", cls, text
    if "refused" in low:
        return "refused", cls, text
    if "timed out" in low or "took longer than" in low:
        return "timeout", cls, text
    return "reset", cls, text


def _tls_detail(text: str) -> str:
    low = text.lower()
    if "certificate verify failed" in low or "certificate" in low:
        kind = "certificate"
    elif "handshake" in low or "wrong version" in low or "protocol" in low:
        kind = "handshake"
    else:
        kind = "tls"
    return f"TLS {kind} error: {text}"


# --------------------------------------------------------------------------- page text


def sniff_encoding(body: bytes, content_type: str | None) -> str:
    m = re.search(r"charset\s*=\s*[\"']?([-\w]+)", content_type or "", re.I)
    cand = [m.group(1)] if m else []
    mm = _META_CHARSET.search(body[:4096])
    if mm:
        cand.append(mm.group(1).decode("ascii", "ignore"))
    cand += ["utf-8", "gb18030"]
    for enc in cand:
        enc = enc.lower()
        if enc in ("gb2312", "gbk", "x-gbk"):
            enc = "gb18030"
        try:
            body[:65536].decode(enc)
            return enc
        except (LookupError, UnicodeDecodeError):
            continue
    return "utf-8"


@dataclass
class PageText:
    title: str = ""
    text: str = ""  # visible text, whitespace folded
    plain_len: int = 0  # length of visible text outside <a> (chrome-free measure)
    scripts: str = ""  # inline script text (first 8,000 characters): where JS challenges live


PAGE_TEXT_BYTES = 256 * 1024


def page_text(body: bytes, content_type: str | None = None, encoding: str | None = None) -> PageText:
    """Title and visible text of an HTML body (light parse, for soft-404 / block checks).

    Only the first 256 KB are read: error and challenge pages are small, and a longer
    page's text is long whatever follows.
    """
    if not body:
        return PageText()
    body = body[:PAGE_TEXT_BYTES]
    enc = encoding or sniff_encoding(body, content_type)
    try:
        html = body.decode(enc, "replace")
    except LookupError:
        html = body.decode("utf-8", "replace")
    try:
        import lxml.html
        from lxml import etree

        html = re.sub(r"^\s*<\?xml[^>]*\?>", "", html)
        parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True)
        doc = lxml.html.document_fromstring(html or "<html></html>", parser=parser)
        scripts = " ".join(s.text or "" for s in doc.iter("script"))[:8000]
        etree.strip_elements(doc, "script", "style", "noscript", with_tail=False)
        title = " ".join(doc.xpath("string(//title)").split())
        body_el = doc.find("body")
        root = body_el if body_el is not None else doc
        text = _WS.sub(" ", root.text_content()).strip()
        link_len = sum(len(_WS.sub("", a.text_content())) for a in root.iter("a"))
        plain = max(0, len(_WS.sub("", text)) - link_len)
        return PageText(title=title, text=text, plain_len=plain, scripts=scripts)
    except Exception:  # noqa: BLE001 - garbage in, empty text out
        text = _WS.sub(" ", re.sub(r"<[^>]+>", " ", html)).strip()
        m = re.search(r"<title[^>]*>(.*?)</title>", html, re.I | re.S)
        return PageText(title=_WS.sub(" ", m.group(1)).strip() if m else "", text=text, plain_len=len(text))


def is_html_type(content_type: str | None) -> bool:
    ct = (content_type or "").split(";", 1)[0].strip().lower()
    return ct in ("", "text/html", "application/xhtml+xml", "text/plain")


# --------------------------------------------------------------------------- judgements


@lru_cache(maxsize=64)
def _compiled(patterns: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns)


def _search(patterns, text: str) -> str | None:
    if not text:
        return None
    for rx in _compiled(tuple(patterns or ())):
        m = rx.search(text)
        if m:
            return m.group(0)
    return None


def blocked_reason(status: int, headers: dict[str, str], text: PageText, links_cfg: dict) -> str | None:
    """Why an answer looks like bot protection rather than a dead page, or None.

    4xx/5xx in `blocked_statuses`: 429 always (rate limit), others with `Retry-After` or a
    `blocked_patterns` match in headers or body. A 200 only when its visible text is short
    and matches (a JS challenge page); a long page that mentions 验证 is a page.
    """
    patterns = links_cfg.get("blocked_patterns", [])
    statuses = set(links_cfg.get("blocked_statuses", [403, 412, 429, 503, 521]))
    if status in statuses:
        if status == 429:
            return "429 Too Many Requests"
        if headers.get("retry-after"):
            return f"{status} with Retry-After: {headers['retry-after']}"
        header_blob = "\n".join(f"{k}: {v}" for k, v in headers.items())
        hit = _search(patterns, header_blob)
        if hit:
            return f"{status}; header matches {hit!r}"
        hit = _search(patterns, text.title + "\n" + text.text[:5000] + "\n" + text.scripts)
        if hit:
            return f"{status}; body matches {hit!r}"
        if status == 521 or status == 412:
            if text.plain_len < 200:
                return f"{status} with an empty page (JS challenge)"
        return None
    if 200 <= status < 300 and len(text.text) < 300:
        hit = _search(patterns, text.title + "\n" + text.text[:5000] + "\n" + text.scripts)
        if hit:
            return f"{status} challenge page; body matches {hit!r}"
    return None


# Page kinds (crawler.extract) that are real content, never an error page by their words.
CONTENT_KINDS = frozenset({"document", "list", "platform", "guide", "home"})
PATTERN_REASONS = ("title ", "short page text")


def soft404_reason(
    url: str,
    final_url: str,
    redirected: bool,
    text: PageText,
    links_cfg: dict,
    *,
    home_urls: frozenset[str] | set[str] = frozenset(),
    fingerprint: Fingerprint | None = None,
    extractor_kind: str | None = None,
) -> str | None:
    """Why a 2xx answer is an error page, or None.

    Guards: a home page (its URL is a host root or a known home) is never a soft 404; a page
    the extractor reads as a document, list, platform, guide or home page is judged only by
    the fingerprint (its words are content); the body patterns apply only to short pages (visible text outside links under
    `soft404_max_text`), title patterns to pages under twice that, so a phrase inside a long
    article is not an error page.
    """
    if url in home_urls or is_home_url(url):
        return None
    max_text = int(links_cfg.get("soft404_max_text", 1500))
    if redirected and (final_url in home_urls or is_home_url(final_url)):
        return f"deep link redirected to the home page {final_url}"
    if extractor_kind == "error":
        return "the page reads as an error page"
    if extractor_kind in CONTENT_KINDS:
        # the extractor found a document / list / platform structure: words such as 404 or
        # 页面不存在 inside it are content (an announcement about broken links is not one)
        return fingerprint.matches(final_url, text) if fingerprint is not None else None
    if text.plain_len < 2 * max_text:
        hit = _search(links_cfg.get("soft404_title_patterns", []), text.title)
        if hit:
            return f"title {text.title[:80]!r} matches {hit!r}"
    if text.plain_len < max_text:
        hit = _search(links_cfg.get("soft404_body_patterns", []), text.text[:5000])
        if hit:
            return f"short page text matches {hit!r}"
    if fingerprint is not None:
        why = fingerprint.matches(final_url, text)
        if why:
            return why
    return None


def _shingles(text: str, n: int = 4) -> set[str]:
    text = _WS.sub("", text)[:4000]
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


@dataclass
class Fingerprint:
    """What a host answers (with 200) for a random path that cannot exist."""

    probe_url: str
    final_url: str
    title: str
    text: str
    shingles: set[str] = field(default_factory=set)

    @classmethod
    def from_answer(cls, probe_url: str, final_url: str, text: PageText) -> Fingerprint:
        clean = _strip_url(text.text, probe_url)
        return cls(probe_url, final_url, text.title, clean, _shingles(clean))

    def matches(self, final_url: str, text: PageText) -> str | None:
        if self.final_url != self.probe_url and final_url == self.final_url:
            return f"lands on the same page as a missing path ({self.final_url})"
        if text.title != self.title:
            return None
        other = _shingles(_strip_url(text.text, final_url))
        if not self.shingles and not other:
            return "same (empty) answer as a missing path"
        union = self.shingles | other
        jaccard = len(self.shingles & other) / len(union) if union else 1.0
        if jaccard >= 0.9:
            return f"same answer as a random missing path ({self.probe_url}), similarity {jaccard:.2f}"
        return None


def _strip_url(text: str, url: str) -> str:
    parts = urlsplit(url)
    for token in sorted({url, parts.path, parts.path.rsplit("/", 1)[-1]}, key=len, reverse=True):
        if token and len(token) > 3:
            text = text.replace(token, "")
    return text


def matches_any(patterns, url: str) -> str | None:
    return _search(patterns, url)
