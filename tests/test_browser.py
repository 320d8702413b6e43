"""Real browsers against ``kvsmock serve``: headless Chromium (Debian's ``chromium``, driven by
playwright-core from ``tests/node``) plays an HLS session through hls.js from a page on
another origin that got the URL with the AWS SDK for JavaScript v3.

Needs ``make deps-browser deps-node``; without them the tests skip, and fail in CI."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Iterator
from urllib.parse import urlencode

import pytest
from browser_support import BROWSER_DIR, NODE_DIR, bundle, node_with, run_pages, static_site
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


#: What the console test reads from the page once the player has played 1.5 s.
CONSOLE_WAIT = (
    "(() => { const v = document.querySelector('#detail video');"
    " return !!v && v.currentTime >= 1.5 && document.querySelectorAll('.thumbs img').length > 0;"
    " })()"
)
CONSOLE_RESULT = """(() => {
  const v = document.querySelector('#detail video');
  const texts = (sel) => [...document.querySelectorAll(sel)].map((n) => n.textContent.trim());
  const scopes = texts('#scope option');
  return {
    streams: [...document.querySelectorAll('#streams li[data-stream]')]
      .map((n) => n.dataset.stream),
    channels: texts('#channels li[data-channel]'),
    scopes,
    title: document.querySelector('#detail h2')?.textContent,
    details: texts('#detail dd'),
    producerBars: document.querySelectorAll('svg.timeline rect.producer').length,
    serverBars: document.querySelectorAll('svg.timeline rect.server').length,
    thumbnails: [...document.querySelectorAll('.thumbs img')].map((i) => i.naturalWidth),
    videoWidth: v?.videoWidth, videoHeight: v?.videoHeight, currentTime: v?.currentTime,
    errors: texts('.error'),
  };
})()"""


def test_console_lists_a_seeded_stream_and_plays_it(server: Served, tmp_path: Path) -> None:
    kv = client("kinesisvideo", server.url)
    kv.create_signaling_channel(ChannelName="doorbell")
    client("kinesisvideo", server.url, region_name="eu-west-1").create_stream(
        StreamName="elsewhere"
    )
    shot = tmp_path / "console.png"
    out = run_pages(
        f"{server.url}/#stream=cam",
        timeout=60,
        screenshot=shot,
        wait_for=CONSOLE_WAIT,
        result=CONSOLE_RESULT,
    )
    page = out["pages"][0]
    assert page is not None, out["console"]
    assert page["errors"] == [], page
    assert page["streams"] == ["cam"]
    assert page["channels"] == ["doorbellACTIVE"]
    assert any("us-east-1" in s for s in page["scopes"])
    assert any("eu-west-1" in s for s in page["scopes"])
    assert page["title"] == "cam"
    assert "ACTIVE" in page["details"]
    # The sample's three 2-second fragments, on the producer and the server timelines.
    assert page["producerBars"] == page["serverBars"] == 3
    assert page["thumbnails"] and set(page["thumbnails"]) == {160}
    assert (page["videoWidth"], page["videoHeight"]) == (SOURCE_WIDTH, SOURCE_HEIGHT)
    assert page["currentTime"] >= 1.5
    assert out["blocked"] == []
    assert shot.stat().st_size > 10_000
    keep = os.environ.get("KVSMOCK_CONSOLE_SCREENSHOT")
    if keep:  # how docs/console.png is made
        shutil.copy(shot, keep)


def test_official_webrtc_sdk_master_and_viewer_exchange_video_in_chromium(tmp_path: Path) -> None:
    """The npm package amazon-kinesis-video-streams-webrtc (its browser build) as master and
    viewer in two Chromium pages: signaling through kvsmock's WSS endpoints (``--tls``, as
    the SDK accepts only ``wss://``), media over a real RTCPeerConnection from the fake
    camera."""
    node_with("amazon-kinesis-video-streams-webrtc")
    dist = NODE_DIR / "node_modules" / "amazon-kinesis-video-streams-webrtc" / "dist"
    shutil.copy(dist / "kvs-webrtc.min.js", tmp_path / "kvs-webrtc.min.js")
    for name in ("webrtc_page.html", "webrtc_page.js"):
        shutil.copy(BROWSER_DIR / name, tmp_path / name)
    with serve("--tls") as tls:
        kv = client("kinesisvideo", tls.url, verify=tls.ca_file)
        arn = kv.create_signaling_channel(ChannelName="doorbell")["ChannelARN"]
        wss = {}
        for role in ("MASTER", "VIEWER"):
            (entry,) = kv.get_signaling_channel_endpoint(
                ChannelARN=arn,
                SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS"], "Role": role},
            )["ResourceEndpointList"]
            wss[role] = entry["ResourceEndpoint"]
        assert wss["MASTER"].startswith(tls.url.replace("https://", "wss://") + "/m-")
        with static_site(tmp_path) as site:
            pages = [
                f"{site}/webrtc_page.html?"
                + urlencode(
                    {"role": role, "endpoint": wss[role], "channelARN": arn, "server": tls.url}
                )
                for role in ("MASTER", "VIEWER")
            ]
            out = run_pages(*pages, timeout=60)
    master, viewer = out["pages"]
    assert master is not None and viewer is not None, out["console"]
    assert "error" not in master and "error" not in viewer, (master, viewer, out["console"])
    assert master["viewerId"] == "browser-viewer"
    assert master["connectionState"] == viewer["connectionState"] == "connected"
    assert viewer["framesDecoded"] > 20
    assert viewer["currentTime"] > 1
    assert (
        (viewer["videoWidth"], viewer["videoHeight"])
        == (
            master["cameraWidth"],
            master["cameraHeight"],
        )
        == (320, 240)
    )
    assert out["blocked"] == []


def test_console_follows_a_live_stream(tmp_path: Path) -> None:
    """A producer keeps putting media; the console's LIVE session plays it and the timeline
    grows as fragments arrive."""
    with serve() as live:
        client("kinesisvideo", live.url).create_stream(StreamName="live", DataRetentionInHours=1)
        sample = SAMPLE.read_bytes()
        stop = threading.Event()

        def produce() -> None:
            start = PRODUCER_START
            while not stop.is_set():
                put_media(live.url, "live", sample, start=start)
                start += SOURCE_SECONDS
                stop.wait(3.0)

        producer = threading.Thread(target=produce)
        producer.start()
        try:
            out = run_pages(
                f"{live.url}/#stream=live&live=1",
                timeout=60,
                wait_for=(
                    "(() => { const v = document.querySelector('#detail video');"
                    " return !!v && v.currentTime >= 1.5 &&"
                    " document.querySelectorAll('svg.timeline rect.producer').length > 3; })()"
                ),
                result=CONSOLE_RESULT.replace(
                    "errors: texts('.error'),",
                    "errors: texts('.error'), note: texts('#detail p.hint'),",
                ),
            )
        finally:
            stop.set()
            producer.join()
    page = out["pages"][0]
    assert page is not None, out["console"]
    assert page["errors"] == [], page
    assert any(n.startswith("LIVE session: ") for n in page["note"]), page["note"]
    assert page["producerBars"] > 3
    assert page["currentTime"] >= 1.5
    assert (page["videoWidth"], page["videoHeight"]) == (SOURCE_WIDTH, SOURCE_HEIGHT)
