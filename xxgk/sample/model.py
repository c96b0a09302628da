"""Data model of the generated sample portal: resources keyed by request path, and the site.

Bodies hold ASCII placeholders (``@@BASE@@`` ...) that the server replaces at serve time with
the real scheme://host:port of each server, so the portal works on any port.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

# Placeholders substituted at serve time (bytes are ASCII, so they survive GBK encoding).
BASE = "@@BASE@@"  # http://127.0.0.1:PORT (the portal)
EXT = "@@EXT@@"  # http://127.0.0.2:PORT2 (other government sites)
DEAD = "@@DEAD@@"  # http://127.0.0.1:DEADPORT (nothing listens: connection refused)
HOST = "@@HOST@@"  # 127.0.0.1:PORT (protocol-relative links)
PLACEHOLDERS = {BASE: "base", EXT: "ext", DEAD: "dead", HOST: "host"}

TEXTUAL = ("text/", "application/javascript", "application/xml", "application/json")


@dataclass
class Resource:
    """One answer of a sample server.

    kind: ``static`` (status + body), ``redirect`` (status + location), ``slow`` (static after
    ``config.slow_seconds``), ``hang`` (after ``config.hang_seconds``), ``ratelimit`` (429 with
    Retry-After for the first ``config.ratelimit_count`` requests, then static), ``nohead``
    (405 to HEAD, static to GET).
    """

    body: bytes = b""
    content_type: str = "text/html"
    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    kind: str = "static"
    location: str | None = None
    page: bool = False  # an HTML page of the portal a reader can reach (counted, walked by tests)
    note: str = ""

    @property
    def textual(self) -> bool:
        return self.content_type.startswith(TEXTUAL)


@dataclass
class Site:
    """The whole sample: the portal's resources, the external host's, and the truth."""

    resources: dict[str, Resource] = field(default_factory=dict)  # portal, key = path[?query]
    ext_resources: dict[str, Resource] = field(default_factory=dict)  # the 127.0.0.2 host
    expected: dict = field(default_factory=dict)
    hanweb_columns: dict[str, str] = field(default_factory=dict)  # column path -> datastore uid
    records: dict[str, list[str]] = field(default_factory=dict)  # Hanweb columnid -> <record> elements

    def pages(self) -> list[str]:
        """Keys of the portal's HTML pages (what a complete crawl fetches)."""
        return [k for k, r in self.resources.items() if r.page]

    def write(self, directory: str | Path) -> Path:
        """Write static bodies under ``directory/site`` and ``directory/ext`` (placeholders kept).

        Query keys are written with ``?`` replaced by ``%3F``. Special routes (redirects,
        slow, 429, HEAD refusal) need the server; this is for inspection with other tools.
        """
        root = Path(directory)
        for sub, table in (("site", self.resources), ("ext", self.ext_resources)):
            for key, res in table.items():
                if res.kind == "redirect":
                    continue
                rel = key.lstrip("/").replace("?", "%3F") or "index.html"
                if rel.endswith("/"):
                    rel += "index.html"
                path = root / sub / rel
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(res.body)
        return root
