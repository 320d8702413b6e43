"""Summarize a fuzz report (``make fuzz``): calls by operation and outcome.

Usage: ``python tests/fuzz/report.py build/fuzz-report.json`` (also reads the per-worker
``.gwN`` files pytest-xdist runs write next to it).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Dict


def main(path: str) -> int:
    merged: Dict[str, Dict[str, int]] = {}
    files = [Path(path), *sorted(Path(path).parent.glob(Path(path).name + ".gw*"))]
    for file in files:
        if not file.exists():
            continue
        for operation, outcomes in json.loads(file.read_text()).items():
            row = merged.setdefault(operation, {})
            for outcome, count in outcomes.items():
                row[outcome] = row.get(outcome, 0) + count
    total = sum(sum(row.values()) for row in merged.values())
    ok = sum(row.get("ok", 0) for row in merged.values())
    print(
        f"{total} generated calls over {len(merged)} operations: {ok} succeeded, "
        f"{total - ok} answered a modeled error (or the documented endpoint error)"
    )
    for operation in sorted(merged):
        row = merged[operation]
        detail = ", ".join(f"{k} {v}" for k, v in sorted(row.items(), key=lambda kv: -kv[1]))
        print(f"  {operation}: {sum(row.values())} ({detail})")
    return 0 if total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "build/fuzz-report.json"))
