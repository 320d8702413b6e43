"""``python -m kvsmock serve``: see :mod:`kvsmock.cli`."""

from __future__ import annotations

from kvsmock.cli import main

raise SystemExit(main())
