"""What the terminal shows during and after an audit (rich lives only here and in cli.py)."""

from __future__ import annotations

import time

from rich.console import Console
from rich.live import Live
from rich.table import Table

from xxgk import store


class Progress:
    """A live line of crawl counters on stderr; `update` is the crawler's on_progress hook."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.console = Console(stderr=True)
        self.counters: dict = {}
        self.started = time.monotonic()
        self.live: Live | None = None

    def __enter__(self) -> Progress:
        if self.enabled:
            self.live = Live(self._render(), console=self.console, refresh_per_second=4, transient=True)
            self.live.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None:
            self.live.__exit__(*exc)
            self.live = None

    def update(self, counters: dict) -> None:
        self.counters = dict(counters)
        if self.live is not None:
            self.live.update(self._render())

    def _render(self) -> Table:
        c = self.counters
        elapsed = max(time.monotonic() - self.started, 1e-6)
        rate = c.get("rate") or (c.get("pages", 0) / elapsed)
        grid = Table.grid(padding=(0, 2))
        grid.add_row(
            f"[bold]pages[/] {c.get('pages', 0)}",
            f"[bold]queued[/] {c.get('queued', 0)}",
            f"[bold]links checked[/] {c.get('links_checked', 0)}",
            f"[bold]errors[/] {c.get('errors', 0)}",
            f"[bold]rate[/] {rate:.1f} pages/s",
            f"{elapsed:.0f} s",
        )
        return grid


def summary_rows(db, run_id: int) -> dict:
    def one(sql: str) -> int:
        return db.execute(sql, [run_id]).fetchone()[0]

    return {
        "pages": one("select count(*) from pages where run_id = ?"),
        "documents": one("select count(*) from documents where run_id = ?"),
        "columns": one("select count(*) from columns where run_id = ?"),
        "links": one("select count(*) from targets where run_id = ?"),
        "not_checked": one("select count(*) from skipped where run_id = ?"),
        "rules": db.execute(
            "select rule, severity, count(*) from findings where run_id = ? group by rule, severity order by rule",
            [run_id],
        ).fetchall(),
    }


def print_summary(result) -> None:
    console = Console()
    db = store.open_db(result.db_path)
    try:
        rows = summary_rows(db, result.run_id)
        score = db.execute(
            "select points, note from scores where run_id = ? and indicator = 'total'", [result.run_id]
        ).fetchone() if "scores" in db.table_names() else None
    finally:
        db.close()
    head = Table(title=f"run {result.run_id}: {result.status}", show_header=False)
    head.add_row("pages", str(rows["pages"]))
    head.add_row("documents", str(rows["documents"]))
    head.add_row("columns", str(rows["columns"]))
    head.add_row("link targets checked", str(rows["links"]))
    head.add_row("not checked (skipped)", str(rows["not_checked"]))
    if score:
        head.add_row("score", f"{score[0]:.1f}  {score[1] or ''}")
    console.print(head)
    table = Table(title="findings per rule")
    table.add_column("rule")
    table.add_column("severity")
    table.add_column("count", justify="right")
    for rule, severity, count in rows["rules"]:
        table.add_row(rule, severity, str(count))
    console.print(table)
    if result.report_dir:
        console.print(f"report: {result.report_dir / 'index.html'}")
