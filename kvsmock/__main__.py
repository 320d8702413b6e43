"""``python -m kvsmock serve``: see :mod:`kvsmock.cli`."""

from __future__ import annotations

from kvsmock.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
