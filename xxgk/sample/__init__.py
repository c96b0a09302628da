"""The bundled sample portal: a fictional 示例市人民政府 site with planted defects.

``build_site()`` generates it in memory (deterministic); ``serve()`` serves it on 127.0.0.1
(plus an "external" host on 127.0.0.2 and a dead port); ``load_expected()`` returns the
findings an audit with ``--as-of AS_OF`` must produce. See README.md in this directory.
"""

from __future__ import annotations

import json
from importlib import resources

from .build import AS_OF, SEED, build_site

__all__ = ["AS_OF", "SEED", "build_site", "load_expected", "serve"]


def load_expected() -> dict:
    """The committed expected.json (package data)."""
    return json.loads(resources.files(__package__).joinpath("expected.json").read_text(encoding="utf-8"))


def serve(*args, **kwargs):
    """See :func:`xxgk.sample.server.serve`."""
    from .server import serve as _serve

    return _serve(*args, **kwargs)
