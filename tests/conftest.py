"""Shared fixtures. The ``kvsmock`` fixture itself comes from the installed pytest plugin."""

from __future__ import annotations

import http.server
import threading
from pathlib import Path
from typing import Any, Iterator

import boto3
import pytest
from cli_support import Cli, isolate_from_local_aws, restore_awscli_logger

from kvsmock import KinesisVideoMock, mock_kinesisvideo

REGION = "us-east-1"
ACCOUNT = "123456789012"


@pytest.fixture
def client(kvsmock: KinesisVideoMock) -> Any:
    """A ``kinesisvideo`` client in us-east-1 inside an active mock."""
    return boto3.client("kinesisvideo", region_name=REGION)


@pytest.fixture
def raw_client(kvsmock: KinesisVideoMock) -> Any:
    """A ``kinesisvideo`` client with botocore's own parameter validation turned off, so
    every value reaches kvsmock's server-side validation."""
    from botocore.config import Config

    return boto3.client(
        "kinesisvideo", region_name=REGION, config=Config(parameter_validation=False)
    )


@pytest.fixture
def cam(client: Any) -> str:
    """A stream ``cam`` with 24 hours of retention, created through the API; its ARN."""
    arn: str = client.create_stream(StreamName="cam", DataRetentionInHours=24)["StreamARN"]
    return arn


@pytest.fixture
def cli_mock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[KinesisVideoMock]:
    """An active mock for CLI tests, started after the local AWS setup was hidden."""
    isolate_from_local_aws(monkeypatch, tmp_path)
    with mock_kinesisvideo() as mock:
        yield mock


@pytest.fixture
def aws(cli_mock: KinesisVideoMock, capsys: pytest.CaptureFixture[str]) -> Iterator[Cli]:
    """The AWS CLI, in-process, inside :func:`cli_mock`."""
    restore = restore_awscli_logger()
    next(restore)
    yield Cli(capsys)
    next(restore, None)


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b"hello from loopback " + self.path.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def loopback() -> Iterator[str]:
    """A real HTTP server on 127.0.0.1 that answers GET with ``hello from loopback <path>``;
    yields its base URL."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
