"""``python -m xxgk.sample [--out DIR]``: regenerate expected.json (and optionally dump the files)."""

from .build import main

raise SystemExit(main())
