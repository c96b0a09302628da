"""Site identity from the footer (or meta): 网站标识码, ICP备案, 公安备案, 党政机关 badge."""
from __future__ import annotations

import re

from .text import halfwidth

_SITE_ID_RE = re.compile(r"标识码\s*[:：]?\s*((?:bm|BM)\d{8}|\d{10})(?!\d)")
_PROVINCES = "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀贵黔云滇藏陕秦甘陇青宁新港澳"
_ICP_RE = re.compile(rf"([{_PROVINCES}]?\s*ICP\s*[备證证]\s*[:：]?\s*\d{{4,12}}\s*号?(?:\s*[-－]\s*\d{{1,3}})?)")
_POLICE_RE = re.compile(r"公\s*网\s*安\s*备\s*[:：]?\s*(\d{10,16})")
_POLICE_ALT_RE = re.compile(r"公安(?:机关)?备案(?:号|编号)?\s*[:：]?\s*(\d[\d\-]{7,24}\d)")
_RECORDCODE_RE = re.compile(r"beian\.gov\.cn/portal/registerSystemInfo\?recordcode=([\d\-]+)", re.IGNORECASE)
_WS_RE = re.compile(r"\s+")


def site_identity(visible: str, meta: dict[str, str], links: list[dict], root) -> dict:
    text = halfwidth(visible.replace("\u3000", " ").replace("\xa0", " "))
    site_id = None
    found = _SITE_ID_RE.findall(text)
    if found:  # the last one: the footer comes last
        site_id = found[-1].lower() if found[-1][:2].lower() == "bm" else found[-1]
    if not site_id:
        for k, v in meta.items():
            if k.lower() == "siteidcode" and v.strip():
                site_id = v.strip()
                break
    icp = None
    found = _around(text, "ICP", _ICP_RE, 4)
    if found:
        icp = _WS_RE.sub("", found).replace("－", "-")
    police = _around(text, "安备", _POLICE_RE, 8) or _around(text, "备案", _POLICE_ALT_RE, 10)
    if not police:
        for link in links:
            m2 = _RECORDCODE_RE.search(link["url"].replace("-gov-cn", ".gov.cn"))
            if m2 and link["tag"] == "a":
                police = m2.group(1)
                break
    return {"site_id_code": site_id, "icp": icp, "police_record": police, "badge": has_badge(root)}


def _around(text: str, needle: str, pattern: re.Pattern, before: int) -> str | None:
    """Group 1 of the last match of `pattern` near an occurrence of `needle` (cheap on long pages)."""
    i = text.rfind(needle)
    while i >= 0:
        matches = list(pattern.finditer(text, max(0, i - before), i + 60))
        if matches:
            return matches[-1].group(1)
        i = text.rfind(needle, 0, i)
    return None


def has_badge(root) -> bool:
    """The 党政机关网站标识 (conac.cn red badge), as an image link or its loader script."""
    for el in root.iter("a", "img", "script"):
        tag = el.tag
        if tag == "a":
            if "conac.cn" in (el.get("href") or ""):
                return True
        elif tag == "img":
            src = el.get("src") or ""
            if "conac" in src.lower() or "党政机关" in (el.get("alt") or "") + (el.get("title") or ""):
                return True
        else:
            src = el.get("src") or ""
            if "conac.cn" in src:
                return True
            if el.text and "conac.cn" in el.text and "document.write" in el.text:
                return True
    return False
