"""Real browsers against ``kvsmock serve``: headless Chromium (Debian's ``chromium``, driven by
playwright-core from ``tests/node``) plays an HLS session through hls.js from a page on
another origin that got the URL with the AWS SDK for JavaScript v3.

Needs ``make deps-browser deps-node``; without them the tests skip, and fail in CI."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest
from browser_support import BROWSER_DIR, bundle, run_pages, static_site
from server_support import PRODUCER_START, SAMPLE, Served, client, put_media, serve

#: tests/data/h264_320x240_10fps_6s_gop2s.mkv
SOURCE_WIDTH, SOURCE_HEIGHT, SOURCE_SECONDS = 320, 240, 6.0


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve() as s:
        client("kinesisvideo", s.url).create_stream(StreamName="cam", DataRetentionInHours=24)
        put_media(s.url, "cam", SAMPLE.read_bytes())
        yield s


def test_chromium_plays_an_hls_session_from_a_page_on_another_origin(
    server: Served, tmp_path: Path
) -> None:
    bundle(BROWSER_DIR / "hls_page.mjs", tmp_path / "hls_page.bundle.js")
    shutil.copy(BROWSER_DIR / "hls_page.html", tmp_path / "hls_page.html")
    with static_site(tmp_path) as site:
        page = (
            f"{site}/hls_page.html?endpoint={server.url}&stream=cam"
            f"&start={PRODUCER_START:.0f}&end={PRODUCER_START + 60:.0f}"
        )
        out = run_pages(page, timeout=60)
    result = out["pages"][0]
    assert result is not None, out["console"]
    assert "error" not in result, (result, out["console"])
    assert result["origin"] == site != server.url
    assert result["dataEndpoint"].startswith(server.url + "/b-")
    assert "/hls/v1/getHLSMasterPlaylist.m3u8?SessionToken=" in result["url"]
    assert result["currentTime"] >= 1.5
    assert (result["videoWidth"], result["videoHeight"]) == (SOURCE_WIDTH, SOURCE_HEIGHT)
    assert result["duration"] == pytest.approx(SOURCE_SECONDS, abs=0.5)
    assert out["blocked"] == []
