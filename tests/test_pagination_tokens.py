"""NextTokens are bound to the listing that issued them."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock


def test_a_list_streams_token_is_not_valid_for_list_signaling_channels(
    kvsmock: KinesisVideoMock, client: Any
) -> None:
    for name in ("a", "b"):
        kvsmock.state().create_stream(name)
        client.create_signaling_channel(ChannelName=name)
    stream_token = client.list_streams(MaxResults=1)["NextToken"]
    channel_token = client.list_signaling_channels(MaxResults=1)["NextToken"]
    assert stream_token != channel_token
    with pytest.raises(ClientError) as raised:
        client.list_signaling_channels(NextToken=stream_token)
    assert raised.value.response["Error"] == {
        "Code": "InvalidArgumentException",
        "Message": "The NextToken is not valid.",
    }
    with pytest.raises(ClientError) as raised:
        client.list_streams(NextToken=channel_token)
    assert raised.value.response["Error"]["Code"] == "InvalidArgumentException"
    page = client.list_signaling_channels(NextToken=channel_token)
    assert [c["ChannelName"] for c in page["ChannelInfoList"]] == ["b"]
    assert "NextToken" not in page


def test_a_list_streams_token_is_bound_to_its_account_and_region(
    kvsmock: KinesisVideoMock,
) -> None:
    import boto3

    for region in ("us-east-1", "eu-west-1"):
        for name in ("a", "b"):
            kvsmock.state(region=region).create_stream(name)
    east = boto3.client("kinesisvideo", region_name="us-east-1")
    west = boto3.client("kinesisvideo", region_name="eu-west-1")
    token = east.list_streams(MaxResults=1)["NextToken"]
    with pytest.raises(ClientError) as raised:
        west.list_streams(NextToken=token)
    assert raised.value.response["Error"] == {
        "Code": "InvalidArgumentException",
        "Message": "The NextToken is not valid.",
    }
    assert [s["StreamName"] for s in east.list_streams(NextToken=token)["StreamInfoList"]] == ["b"]
