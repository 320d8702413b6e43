"""The AWS CLI (awscli, driven in-process) against kvsmock: signaling channels and tags."""

from __future__ import annotations

from cli_support import Cli
from freezegun import freeze_time

from kvsmock import KinesisVideoMock

FROZEN = "2024-05-01T12:00:00Z"
CHANNEL_ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1714564800000"


def test_cli_channel_session(aws: Cli, cli_mock: KinesisVideoMock) -> None:
    with freeze_time(FROZEN):
        rc, created, _ = aws.call(
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

    rc, described, _ = aws.call("describe-signaling-channel", "--channel-name", "front-door")
    assert rc == 0
    channel = cli_mock.state().find_channel("front-door")
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

    rc, endpoints, _ = aws.call(
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

    rc, tagged, _ = aws.call(
        "tag-resource",
        "--resource-arn",
        CHANNEL_ARN,
        "--tags",
        "Key=team,Value=webrtc",
        "Key=env,Value=test",
    )
    assert (rc, tagged) == (0, None)
    rc, tags, _ = aws.call("list-tags-for-resource", "--resource-arn", CHANNEL_ARN)
    assert (rc, tags) == (0, {"Tags": {"team": "webrtc", "env": "test"}})

    rc, untagged, _ = aws.call(
        "untag-resource", "--resource-arn", CHANNEL_ARN, "--tag-key-list", "env"
    )
    assert (rc, untagged) == (0, None)
    rc, listed, _ = aws.call("list-signaling-channels")
    assert rc == 0
    assert [c["ChannelName"] for c in listed["ChannelInfoList"]] == ["front-door"]
    rc, tags, _ = aws.call("list-tags-for-resource", "--resource-arn", CHANNEL_ARN)
    assert (rc, tags) == (0, {"Tags": {"team": "webrtc"}})


def test_cli_paginates_list_signaling_channels(aws: Cli, cli_mock: KinesisVideoMock) -> None:
    store = cli_mock.state()
    for i in range(5):
        store.create_signaling_channel(f"cam-{i}")
    rc, listed, _ = aws.call("list-signaling-channels", "--page-size", "2")
    assert rc == 0
    assert [c["ChannelName"] for c in listed["ChannelInfoList"]] == [f"cam-{i}" for i in range(5)]


def test_cli_errors(aws: Cli, cli_mock: KinesisVideoMock) -> None:
    rc, out, err = aws.call(
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
    aws.call("create-signaling-channel", "--channel-name", "cam")
    rc, out, err = aws.call("create-signaling-channel", "--channel-name", "cam")
    assert (rc, out) == (255, None)
    assert (
        "An error occurred (ResourceInUseException) when calling the CreateSignalingChannel "
        "operation: The signaling channel cam already exists." in err
    )
