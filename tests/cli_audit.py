"""Run `xxgk audit` through the CLI on a local site and read back what the link tests assert."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from xxgk.cli import app


def audit_links(start_url: str, db) -> tuple[dict[str, str], dict[str, dict]]:
    """(target url -> outcome, broken url -> evidence) of a default-profile audit at --delay 0."""
    result = CliRunner().invoke(app, ["audit", start_url, "--db", str(db), "--quiet",
                                      "--as-of", "2026-11-20", "--delay", "0"])
    assert result.exit_code == 0, result.output
    conn = sqlite3.connect(db)
    try:
        outcomes = dict(conn.execute("select url, outcome from targets"))
        broken = {u: json.loads(e) for u, e in
                  conn.execute("select url, evidence from findings where rule = 'link.broken'")}
    finally:
        conn.close()
    return outcomes, broken
