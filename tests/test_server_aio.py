"""aiobotocore (its own process, in its own venv: it pins a narrow botocore range) against
``kvsmock serve``: control plane, a modeled error, data endpoints, ListFragments, GetMedia.

Runs under ``make test-server-aio``, which builds ``.venv-async`` (``make test-async``'s,
pinned by ``constraints-async.txt``) and sets ``KVSMOCK_AIO_PYTHON``; plain ``make test`` skips it
(CI runs the target)."""

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
)

AIO_PYTHON = os.environ.get("KVSMOCK_AIO_PYTHON")
pytestmark = pytest.mark.skipif(
    not AIO_PYTHON, reason="run by make test-server-aio (KVSMOCK_AIO_PYTHON unset)"
)


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve("--get-media-idle-seconds", "0.3") as s:
        yield s


def test_aiobotocore(server: Served, tmp_path: Path) -> None:
    assert AIO_PYTHON is not None
    if not Path(AIO_PYTHON).exists():
        pytest.fail(f"{AIO_PYTHON} does not exist (make test-server-aio builds it)")
    client("kinesisvideo", server.url).create_stream(StreamName="cam", DataRetentionInHours=24)
    acks = [json.loads(a) for a in put_media(server.url, "cam", SAMPLE.read_bytes())]
    numbers = sorted(a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED")
    done = subprocess.run(
        [
            AIO_PYTHON,
            str(Path(__file__).parent / "aio" / "client.py"),
            server.url,
            "cam",
            str(PRODUCER_START),
            str(PRODUCER_START + 6),
        ],
        capture_output=True,
        text=True,
        env=clean_env(tmp_path),
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    out: Dict[str, Any] = json.loads(done.stdout)
    assert (
        out["created"]
        == out["described"]
        == (f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/aio-cam/{out['creation_ms']}")
    )
    assert out["error"]["Code"] == "ResourceNotFoundException"
    assert out["error"]["Message"] == "The requested stream is not found or not active."
    assert out["fragments"] == numbers
    assert (out["media_type"], out["ebml_headers"]) == ("video/webm", 3)
