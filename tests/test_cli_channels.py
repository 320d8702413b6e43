"""The AWS CLI (awscli, driven in-process) against kvsmock: signaling channels and tags."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, List

import pytest
from awscli.clidriver import create_clidriver
from freezegun import freeze_time

from kvsmock import KinesisVideoMock

FROZEN = "2024-05-01T12:00:00Z"
CHANNEL_ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1714564800000"


@pytest.fixture(autouse=True)
def _no_aws_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "missing-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "missing-credentials"))
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    monkeypatch.delenv("AWS_DEFAULT_PROFILE", raising=False)


def aws(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    """Run ``aws kinesisvideo <args>``; return (exit code, parsed JSON stdout or None, stderr)."""
    argv: List[str] = ["kinesisvideo", *args, "--region", "us-east-1", "--output", "json"]
    rc = create_clidriver().main(argv)
    out = capsys.readouterr()
    return rc, (json.loads(out.out) if out.out.strip() else None), out.err


def test_cli_channel_session(kvsmock: KinesisVideoMock, capsys: pytest.CaptureFixture[str]) -> None:
    with freeze_time(FROZEN):
        rc, created, _ = aws(
            capsys,
            "create-signaling-channel",
            "--channel-name",
            "front-door",
            "--single-master-configuration",
            "MessageTtlSeconds=30",
            "--tags",
            "Key=team,Value=video",
        )
    assert rc == 0
    assert created == {"ChannelARN": CHANNEL_ARN}

    rc, described, _ = aws(capsys, "describe-signaling-channel", "--channel-name", "front-door")
    assert rc == 0
    channel = kvsmock.state().find_channel("front-door")
    assert described == {
        "ChannelInfo": {
            "ChannelName": "front-door",
            "ChannelARN": CHANNEL_ARN,
            "ChannelType": "SINGLE_MASTER",
            "ChannelStatus": "ACTIVE",
            "CreationTime": 1714564800.0,  # awscli v1 prints raw epoch seconds
            "SingleMasterConfiguration": {"MessageTtlSeconds": 30},
            "Version": channel.version,
        }
    }

    rc, endpoints, _ = aws(
        capsys,
        "get-signaling-channel-endpoint",
        "--channel-arn",
        CHANNEL_ARN,
        "--single-master-channel-endpoint-configuration",
        "Protocols=WSS,HTTPS,Role=MASTER",
    )
    assert rc == 0
    ids = channel.endpoint_ids
    assert endpoints == {
        "ResourceEndpointList": [
            {
                "Protocol": "WSS",
                "ResourceEndpoint": f"wss://m-{ids['m']}.kinesisvideo.us-east-1.amazonaws.com",
            },
            {
                "Protocol": "HTTPS",
                "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
            },
        ]
    }

    rc, tagged, _ = aws(
        capsys,
        "tag-resource",
        "--resource-arn",
        CHANNEL_ARN,
        "--tags",
        "Key=team,Value=webrtc",
        "Key=env,Value=test",
    )
    assert (rc, tagged) == (0, None)
    rc, tags, _ = aws(capsys, "list-tags-for-resource", "--resource-arn", CHANNEL_ARN)
    assert (rc, tags) == (0, {"Tags": {"team": "webrtc", "env": "test"}})

    rc, untagged, _ = aws(
        capsys, "untag-resource", "--resource-arn", CHANNEL_ARN, "--tag-key-list", "env"
    )
    assert (rc, untagged) == (0, None)
    rc, listed, _ = aws(capsys, "list-signaling-channels")
    assert rc == 0
    assert [c["ChannelName"] for c in listed["ChannelInfoList"]] == ["front-door"]
    rc, tags, _ = aws(capsys, "list-tags-for-resource", "--resource-arn", CHANNEL_ARN)
    assert (rc, tags) == (0, {"Tags": {"team": "webrtc"}})


def test_cli_paginates_list_signaling_channels(
    kvsmock: KinesisVideoMock, capsys: pytest.CaptureFixture[str]
) -> None:
    store = kvsmock.state()
    for i in range(5):
        store.create_signaling_channel(f"cam-{i}")
    rc, listed, _ = aws(capsys, "list-signaling-channels", "--page-size", "2")
    assert rc == 0
    assert [c["ChannelName"] for c in listed["ChannelInfoList"]] == [f"cam-{i}" for i in range(5)]


def test_cli_errors(kvsmock: KinesisVideoMock, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = aws(
        capsys,
        "get-signaling-channel-endpoint",
        "--channel-arn",
        CHANNEL_ARN,
    )
    assert (rc, out) == (255, None)
    assert (
        "An error occurred (ResourceNotFoundException) when calling the "
        "GetSignalingChannelEndpoint operation: The requested channel is not found or not "
        "active." in err
    )
    aws(capsys, "create-signaling-channel", "--channel-name", "cam")
    rc, out, err = aws(capsys, "create-signaling-channel", "--channel-name", "cam")
    assert (rc, out) == (255, None)
    assert (
        "An error occurred (ResourceInUseException) when calling the CreateSignalingChannel "
        "operation: The signaling channel cam already exists." in err
    )
