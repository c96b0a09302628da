"""Page kind: home | platform | guide | list | document | error | other."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from .text import t2s

_ERROR_RE = re.compile(r"页面不存在|页面未找到|找不到(?:该|此|您要的|您访问的)?(?:页面|网页)|您(?:所)?访问的(?:页面|网页|资源)(?:已)?不存在|"
                       r"(?:页面|网页|文章|信息)已(?:被)?删除|页面出错|出错了|无法找到(?:该)?页面|\b404\b|not\s+found|"
                       r"页面已失效|访问的页面不存在|抱歉.{0,10}(?:不存在|找不到)", re.IGNORECASE)
_HOME_PATHS = {"", "/", "/index.html", "/index.htm", "/index.shtml", "/index.jsp", "/index.php", "/index.aspx",
               "/default.htm", "/default.html", "/default.aspx", "/default.shtml", "/index.asp", "/default.asp"}
_DOC_URL_RE = re.compile(r"/t\d{8}_\d+\.s?html?$|/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html$|/content_\d+\.s?html?$|"
                         r"/post_\d+\.html$|/OpennessContent/show/\d+\.html$|/c\d+/\d{4}-\d{2}/\d{2}/content_\d+\.s?html?$",
                         re.IGNORECASE)
_PLATFORM_NAME_RE = re.compile(r"信息公开|政务公开")
_PARTS = (
    re.compile(r"公开指南"),
    re.compile(r"公开制度|制度文件"),
    re.compile(r"法定主动公开|主动公开"),
    re.compile(r"年报|年度报告"),
    re.compile(r"依申请公开|依法申请公开"),
)
_GUIDE_RE = re.compile(r"公开指南")
_JS_CHALLENGE_RE = re.compile(r"eval\(function\(p,a,c,k,e,[rd]\)|wzws|__jsl_clearance|\$_ts\s*=|_\$[a-z]{2}\s*=|"
                              r"challenge-platform|cf-browser-verification|acw_sc__v2")


def is_home_url(url: str) -> bool:
    try:
        p = urlsplit(url)
    except ValueError:
        return False
    return p.path in _HOME_PATHS and not p.query


def is_doc_url(url: str) -> bool:
    try:
        return bool(_DOC_URL_RE.search(urlsplit(url).path))
    except ValueError:
        return False


def is_error(title: str, headings: str, visible_len: int, short_text: str) -> bool:
    if _ERROR_RE.search(t2s(title or "")):
        return True
    if headings and _ERROR_RE.search(t2s(headings)):
        return True
    return visible_len < 600 and bool(_ERROR_RE.search(t2s(short_text)))


def is_platform_name(name: str) -> bool:
    """"政府信息公开" / "XX市政务公开", but not one of the platform's parts ("政府信息公开年报")."""
    return bool(_PLATFORM_NAME_RE.search(name)) and not any(r.search(name) for r in _PARTS)


def platform_parts(link_texts: str) -> int:
    s = t2s(link_texts)
    return sum(1 for r in _PARTS if r.search(s))


def is_js_challenge(scripts_text: str, visible_len: int) -> bool:
    return visible_len < 200 and bool(_JS_CHALLENGE_RE.search(scripts_text))
