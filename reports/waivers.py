"""Waivers: findings a webmaster or inspector accepted or judged a false alarm.

A waiver file is TOML, kept under version control beside the audit configuration:

```toml
[[waiver]]
fingerprint = "3f9c0a..."          # one finding, as shown in the report and the exports
kind = "false_alarm"               # false_alarm (误报) | accepted (接受风险)
reason = "该链接为内网地址，仅限内部访问"
author = "张三"
expires = 2026-12-31               # a TOML date or "YYYY-MM-DD"; last day the waiver applies

[[waiver]]
rule = "link.broken"               # or match by rule and URL patterns (regular expressions)
url_pattern = "^https?://old\\.example\\.gov\\.cn/"
page_url_pattern = ""              # optional
reason = "旧站点已下线，链接整改中"
author = "李四"
expires = "2026-09-30"
```

A waiver needs a `reason`, an `author` and an `expires` date, and either a `fingerprint` or a
`rule` (with optional `url_pattern` / `page_url_pattern`). Expiry is judged against the run's
`as_of`, never the clock: a waiver applies up to and including its `expires` day. Waived
findings stay in the report (marked 已豁免) but cost no points.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = {"false_alarm": "误报", "accepted": "接受"}


class WaiverError(Exception):
    """A waiver file that cannot be used; the message names the file and the entry."""


@dataclass
class Waiver:
    reason: str
    author: str
    expires: dt.date
    fingerprint: str | None = None
    rule: str | None = None
    url_pattern: str | None = None
    page_url_pattern: str | None = None
    kind: str = "accepted"
    source: str = ""
    index: int = 0
    _url_re: Any = field(default=None, repr=False, compare=False)
    _page_re: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._url_re = re.compile(self.url_pattern) if self.url_pattern else None
        self._page_re = re.compile(self.page_url_pattern) if self.page_url_pattern else None

    @property
    def kind_zh(self) -> str:
        return KINDS.get(self.kind, self.kind)

    def active(self, as_of: dt.date | str | None) -> bool:
        """True when the waiver still applies on `as_of` (its `expires` day included)."""
        day = _to_date(as_of) if as_of else None
        return day is None or day <= self.expires

    def matches(self, finding: dict) -> bool:
        if self.fingerprint:
            return finding.get("fingerprint") == self.fingerprint
        if self.rule and finding.get("rule") != self.rule:
            return False
        if self._url_re and not self._url_re.search(finding.get("url") or ""):
            return False
        if self._page_re and not self._page_re.search(finding.get("page_url") or ""):
            return False
        return True

    def describe(self) -> str:
        if self.fingerprint:
            return f"指纹 {self.fingerprint}"
        parts = [f"规则 {self.rule}"]
        if self.url_pattern:
            parts.append(f"地址匹配 {self.url_pattern}")
        if self.page_url_pattern:
            parts.append(f"所在页面匹配 {self.page_url_pattern}")
        return "，".join(parts)

    def as_dict(self) -> dict:
        return {"fingerprint": self.fingerprint, "rule": self.rule, "url_pattern": self.url_pattern,
                "page_url_pattern": self.page_url_pattern, "kind": self.kind, "reason": self.reason,
                "author": self.author, "expires": self.expires.isoformat(), "source": self.source,
                "describe": self.describe(), "kind_zh": self.kind_zh}


def _to_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip())


def parse_waivers(text: str, source: str = "<waivers>") -> list[Waiver]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise WaiverError(f"{source}: not valid TOML: {exc}") from exc
    items = data.get("waiver", [])
    if not isinstance(items, list):
        raise WaiverError(f"{source}: `waiver` must be an array of tables ([[waiver]])")
    out = []
    for i, item in enumerate(items):
        where = f"{source}: waiver #{i + 1}"
        if not isinstance(item, dict):
            raise WaiverError(f"{where}: must be a table")
        unknown = set(item) - {"fingerprint", "rule", "url_pattern", "page_url_pattern", "kind", "reason",
                               "author", "expires"}
        if unknown:
            raise WaiverError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        for key in ("reason", "author", "expires"):
            if not item.get(key):
                raise WaiverError(f"{where}: `{key}` is required")
        if not item.get("fingerprint") and not item.get("rule"):
            raise WaiverError(f"{where}: give a `fingerprint`, or a `rule` with optional URL patterns")
        kind = item.get("kind", "accepted")
        if kind not in KINDS:
            raise WaiverError(f"{where}: `kind` must be one of {', '.join(KINDS)}")
        try:
            expires = _to_date(item["expires"])
        except (TypeError, ValueError) as exc:
            raise WaiverError(f"{where}: `expires` must be a date YYYY-MM-DD, got {item['expires']!r}") from exc
        try:
            out.append(Waiver(reason=str(item["reason"]), author=str(item["author"]), expires=expires,
                              fingerprint=item.get("fingerprint") or None, rule=item.get("rule") or None,
                              url_pattern=item.get("url_pattern") or None,
                              page_url_pattern=item.get("page_url_pattern") or None,
                              kind=kind, source=source, index=i))
        except re.error as exc:
            raise WaiverError(f"{where}: bad regular expression: {exc}") from exc
    return out


def load_waivers(path: str | Path | None) -> list[Waiver]:
    """The waivers of a TOML file; an empty list for None or a file that does not exist yet."""
    if not path:
        return []
    path = Path(path)
    if not path.exists():
        return []
    return parse_waivers(path.read_text(encoding="utf-8"), str(path))


def resolve(waivers: Any = None, profile: Any = None) -> list[Waiver]:
    """Waivers given as a list, a path, or (when None) the profile's `waivers.file`."""
    if waivers is None and profile is not None:
        getter = getattr(profile, "get_path", None)
        waivers = getter("waivers.file", "") if getter else (profile.get("waivers") or {}).get("file", "")
    if isinstance(waivers, (str, Path)):
        return load_waivers(waivers)
    return list(waivers or [])


def waived_findings(findings: list[dict], waivers: list[Waiver], as_of: dt.date | str | None) -> dict[Any, Waiver]:
    """{finding id: the first active waiver that covers it}. Expired waivers do not apply."""
    active = [w for w in waivers if w.active(as_of)]
    out: dict[Any, Waiver] = {}
    if not active:
        return out
    for f in findings:
        for w in active:
            if w.matches(f):
                out[f.get("id")] = w
                break
    return out


def format_waiver(*, reason: str, author: str, expires: str | dt.date, fingerprint: str | None = None,
                  rule: str | None = None, url_pattern: str | None = None, page_url_pattern: str | None = None,
                  kind: str = "accepted") -> str:
    """One `[[waiver]]` block as TOML text (for `xxgk waive` to append to a file)."""
    if kind not in KINDS:
        raise WaiverError(f"`kind` must be one of {', '.join(KINDS)}")
    if not fingerprint and not rule:
        raise WaiverError("give a fingerprint, or a rule with optional URL patterns")
    expires = _to_date(expires)

    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    lines = ["[[waiver]]"]
    for key, value in (("fingerprint", fingerprint), ("rule", rule), ("url_pattern", url_pattern),
                       ("page_url_pattern", page_url_pattern)):
        if value:
            lines.append(f"{key} = {q(value)}")
    lines += [f"kind = {q(kind)}", f"reason = {q(reason)}", f"author = {q(author)}",
              f"expires = {expires.isoformat()}"]
    return "\n".join(lines) + "\n"


def add_waiver(path: str | Path, **fields: Any) -> Waiver:
    """Append a waiver to the file (created when missing); the file is re-read to validate it."""
    path = Path(path)
    block = format_waiver(**fields)
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    new = old + ("\n" if old and not old.endswith("\n\n") else "") + block
    waivers = parse_waivers(new, str(path))
    path.write_text(new, encoding="utf-8")
    return waivers[-1]
