"""Helpers for the server tests: ``kvsmock serve`` started as a user starts it, clients that
talk to it over real HTTP, and the external tools some tests need."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List, NamedTuple, Optional

import boto3
import pytest
import requests

BIN = Path(sys.executable).parent
REGION = "us-east-1"
ACCOUNT = "123456789012"
ACCESS_KEY = "AKIAKVSMOCKSERVERT01"
SECRET_KEY = "kvsmock-server-fake-secret"
#: Mapped to OTHER_ACCOUNT by the module servers (``--account``).
OTHER_KEY = "AKIAKVSMOCKSERVERT02"
OTHER_ACCOUNT = "210987654321"
DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "h264_320x240_10fps_6s_gop2s.mkv"
#: The sample's three 2-second clusters start at these timecodes (ms).
SAMPLE_TIMECODES = [0, 2000, 4000]
PRODUCER_START = 1_700_000_000.0


class Served(NamedTuple):
    """A ``kvsmock serve`` process and the URL it printed."""

    url: str
    process: subprocess.Popen[str]
    ca_file: Optional[str]


def clean_env(home: Path) -> Dict[str, str]:
    """The environment of client processes: fake credentials, nobody's ~/.aws."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        HOME=str(home),
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_CONFIG_FILE=str(home / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(home / "no-credentials"),
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def same_kvsmock_env() -> Dict[str, str]:
    """This environment, with the kvsmock this test run imports first on ``PYTHONPATH``: the
    console script otherwise imports the installed one (an editable install of another
    checkout, in a git worktree)."""
    import kvsmock

    root = str(Path(kvsmock.__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


@contextmanager
def serve(*args: str, command: Optional[List[str]] = None) -> Iterator[Served]:
    """``kvsmock serve --port 0 ARGS`` in a subprocess until the block ends (then SIGTERM)."""
    argv = (command or [str(BIN / "kvsmock")]) + ["serve", "--port", "0", *args]
    process = subprocess.Popen(
        argv,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        bufsize=1,
        env=same_kvsmock_env(),
    )
    try:
        ca_file: Optional[str] = None
        assert process.stdout is not None
        while True:
            line = process.stdout.readline()
            if not line:
                raise AssertionError(f"kvsmock serve ended: {process.communicate()[1]}")
            if line.startswith("kvsmock CA file: "):
                ca_file = line.split(": ", 1)[1].strip()
            if line.startswith("kvsmock serving at "):
                url = line.split(" at ", 1)[1].strip()
                break
        yield Served(url, process, ca_file)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # pragma: no cover - a hung server
                process.kill()
                process.wait()
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()


def client(service: str, endpoint_url: str, *, key: str = ACCESS_KEY, **kwargs: Any) -> Any:
    """A boto3 client of ``service`` pointed at a server URL (no retries: errors show)."""
    from botocore.config import Config

    return boto3.client(
        service,
        endpoint_url=endpoint_url,
        region_name=kwargs.pop("region_name", REGION),
        aws_access_key_id=key,
        aws_secret_access_key=SECRET_KEY,
        config=Config(retries={"max_attempts": 1}, read_timeout=30),
        **kwargs,
    )


def data_endpoint(url: str, stream: str, api: str) -> str:
    endpoint: str = client("kinesisvideo", url).get_data_endpoint(StreamName=stream, APIName=api)[
        "DataEndpoint"
    ]
    return endpoint


def put_media_headers(stream: str, start: float = PRODUCER_START) -> Dict[str, str]:
    return {
        "x-amzn-stream-name": stream,
        "x-amzn-fragment-timecode-type": "RELATIVE",
        "x-amzn-producer-start-timestamp": f"{start:.3f}",
        "Authorization": (
            f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{REGION}/kinesisvideo/"
            "aws4_request, SignedHeaders=host, Signature=00"
        ),
    }


def put_media(url: str, stream: str, data: bytes, start: float = PRODUCER_START) -> List[str]:
    """PutMedia of ``data`` to the stream's PUT_MEDIA endpoint; the ack lines."""
    endpoint = data_endpoint(url, stream, "PUT_MEDIA")
    reply = requests.post(
        endpoint + "/putMedia", data=data, headers=put_media_headers(stream, start), timeout=60
    )
    assert reply.status_code == 200, reply.text
    return [line for line in reply.text.splitlines() if line]


def tool(name: str) -> str:
    """The path of an external tool; in CI (``CI`` set) a missing one fails the test."""
    found = shutil.which(name)
    if found is None:
        message = f"{name} is not installed (make deps-system installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def wait_for(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)
