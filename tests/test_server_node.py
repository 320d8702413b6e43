"""The AWS SDK for JavaScript v3 (Node, its own process) against ``kvsmock serve``: control
plane, a modeled error, data endpoints, ListFragments, GetMedia, GetClip, an HLS URL.

The SDK packages are pinned by ``tests/node/package-lock.json`` and installed by
``make deps-node`` (``npm ci``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest
from server_support import (
    ACCOUNT,
    PRODUCER_START,
    REGION,
    SAMPLE,
    Served,
    clean_env,
    client,
    put_media,
    serve,
    tool,
)

NODE_DIR = Path(__file__).parent / "node"


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve("--get-media-idle-seconds", "0.3") as s:
        yield s


def _node() -> str:
    node = tool("node")
    if not (NODE_DIR / "node_modules" / "@aws-sdk" / "client-kinesis-video").is_dir():
        message = "the Node SDK packages are not installed (make deps-node)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return node


def test_aws_sdk_for_javascript_v3(server: Served, tmp_path: Path) -> None:
    node = _node()
    client("kinesisvideo", server.url).create_stream(StreamName="cam", DataRetentionInHours=24)
    acks = [json.loads(a) for a in put_media(server.url, "cam", SAMPLE.read_bytes())]
    numbers = sorted(a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED")
    done = subprocess.run(
        [
            node,
            str(NODE_DIR / "client.mjs"),
            server.url,
            "cam",
            f"{PRODUCER_START:.0f}",
            f"{PRODUCER_START + 6:.0f}",
        ],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=120,
        check=False,
        cwd=str(NODE_DIR),
    )
    assert done.returncode == 0, done.stderr
    out: Dict[str, Any] = json.loads(done.stdout)
    assert out["created"] == out["described"]
    assert out["created"].startswith(f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/js-cam/")
    assert out["listed"] == ["cam", "js-cam"]
    assert out["error"] == {
        "name": "ResourceNotFoundException",
        "message": "The requested stream is not found or not active.",
        "status": 404,
    }
    assert out["fragments"] == numbers
    assert out["mediaContentType"] == "video/webm"
    assert out["mediaBytes"] > len(SAMPLE.read_bytes())  # three tagged chunks
    assert (out["clipContentType"], out["clipBox"]) == ("video/mp4", "ftyp")
    assert out["hls"].startswith(server.url + "/b-")
    assert (out["hlsStatus"], out["hlsFirstLine"]) == (200, "#EXTM3U")
