"""``docs/coverage.md`` is generated; this fails when it is stale (run ``make coverage-doc``)."""

from __future__ import annotations

import re
from pathlib import Path

from kvsmock import _coverage, _model
from kvsmock.services import handler_for

COVERAGE_MD = Path(__file__).resolve().parent.parent / "docs" / "coverage.md"


def test_coverage_doc_is_up_to_date() -> None:
    committed = COVERAGE_MD.read_text(encoding="utf-8")
    assert committed == _coverage.render(), "docs/coverage.md is stale: run `make coverage-doc`"


def test_rendered_counts_match_the_models_and_handlers() -> None:
    text = _coverage.render()
    total = done = 0
    for service in _model.SERVICE_NAMES.values():
        ops = _model.operation_names(service)
        have = [op for op in ops if handler_for(service, op) is not None]
        total += len(ops)
        done += len(have)
        assert f"## `{service}` " in text
        assert f": {len(have)} of {len(ops)}\n" in text
        for op in ops:
            assert f"| {op} | {'yes' if op in have else 'no'} |" in text
    assert total == 43
    assert re.search(rf"\*\*{done} of {total}\*\* modeled operations are implemented\.", text)
    assert "CreateStream | yes" in text
