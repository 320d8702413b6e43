"""examples/media.py and examples/viewer.py run and read their sample back."""

from __future__ import annotations

import runpy
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "media.py"
VIEWER = EXAMPLE.with_name("viewer.py")


def test_media_example_runs(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(EXAMPLE), run_name="__main__")
    out = capsys.readouterr().out
    assert out.count("ack PERSISTED") == 4
    assert out.count("  chunk ") == 4
    assert "ListFragments: 4 fragments" in out
    assert "GetMediaForFragmentList: 1 chunk" in out


def test_viewer_example_plays_hls_and_downloads_a_clip(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(VIEWER), run_name="__main__")
    out = capsys.readouterr().out
    assert "CODECS avc1.64000c,mp4a.40.2" in out
    assert "video media playlist: 4 segments, 4.453 s" in out
    assert "audio media playlist: 4 segments, 4.453 s" in out
    assert out.count("  segment ") == 8  # 4 of video, 4 of audio
    assert "played by FFmpeg: 60 video frames (320x240), 189 audio frames" in out
    assert "GetClip: video/mp4, " in out
    assert "front-door.mp4): 60 video frames (320x240), 189 audio frames, 4.03 s" in out
