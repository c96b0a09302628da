"""Shared fixtures: where the real saved pages live, and the bundled sample portal."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir(name: str) -> Path:
    """../shared/<name> beside the repo, or $XXGK_SHARED/<name>."""
    base = Path(os.environ.get("XXGK_SHARED", REPO.parent / "shared"))
    return base / name


@pytest.fixture(scope="session")
def realpages() -> Path:
    path = Path(os.environ.get("XXGK_REALPAGES", shared_dir("realpages")))
    if not (path / "MANIFEST.md").exists():
        pytest.skip(f"real government pages not found at {path} (set XXGK_REALPAGES); they are not shipped in the repo")
    return path


@pytest.fixture(scope="session")
def realpages_more() -> Path:
    path = Path(os.environ.get("XXGK_REALPAGES_MORE", shared_dir("realpages-more")))
    if not path.is_dir():
        pytest.skip(f"unlabelled real pages not found at {path} (set XXGK_REALPAGES_MORE)")
    return path
