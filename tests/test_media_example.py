"""examples/media.py runs and reads its sample back."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "media.py"


def test_media_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert out.count("ack PERSISTED") == 4
    assert out.count("  chunk ") == 4
    assert "ListFragments: 4 fragments" in out
    assert "GetMediaForFragmentList: 1 chunk" in out
