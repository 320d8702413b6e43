"""Signaling channels: Create/Describe/List/Update/Delete and GetSignalingChannelEndpoint."""

from __future__ import annotations

import base64
import datetime as dt
import re
from typing import Any

import boto3
import pytest
from assertions import error
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock
from kvsmock.state import SignalingChannel

REGION = "us-east-1"
ACCOUNT = "123456789012"
FROZEN = "2024-05-01T12:00:00Z"
FROZEN_MS = 1714564800000
FROZEN_DT = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
VERSION = re.compile(r"[A-Za-z0-9]{20}")
HEX8 = re.compile(r"[0-9a-f]{8}")
NOT_FOUND = "The requested channel is not found or not active."


def channel_arn(name: str, ms: int = FROZEN_MS, region: str = REGION) -> str:
    return f"arn:aws:kinesisvideo:{region}:{ACCOUNT}:channel/{name}/{ms}"


def channel(kvsmock: KinesisVideoMock, name: str) -> SignalingChannel:
    return kvsmock.state().find_channel(name)


# -- CreateSignalingChannel ------------------------------------------------------------------


def test_create_returns_arn_with_creation_epoch_ms(client: Any) -> None:
    with freeze_time(FROZEN):
        result = client.create_signaling_channel(ChannelName="front-door")
    assert result["ChannelARN"] == channel_arn("front-door")
    assert result["ChannelARN"] == (
        "arn:aws:kinesisvideo:us-east-1:123456789012:channel/front-door/1714564800000"
    )


def test_create_defaults_in_describe(client: Any, kvsmock: KinesisVideoMock) -> None:
    with freeze_time(FROZEN):
        client.create_signaling_channel(ChannelName="cam")
        info = client.describe_signaling_channel(ChannelName="cam")["ChannelInfo"]
    version = info.pop("Version")
    assert VERSION.fullmatch(version)
    assert version == channel(kvsmock, "cam").version
    assert info == {
        "ChannelName": "cam",
        "ChannelARN": channel_arn("cam"),
        "ChannelType": "SINGLE_MASTER",
        "ChannelStatus": "ACTIVE",
        "CreationTime": FROZEN_DT,
        "SingleMasterConfiguration": {"MessageTtlSeconds": 60},
    }


@pytest.mark.parametrize("ttl", [5, 60, 120])
def test_create_with_message_ttl(client: Any, ttl: int) -> None:
    client.create_signaling_channel(
        ChannelName="cam",
        ChannelType="SINGLE_MASTER",
        SingleMasterConfiguration={"MessageTtlSeconds": ttl},
    )
    info = client.describe_signaling_channel(ChannelName="cam")["ChannelInfo"]
    assert info["SingleMasterConfiguration"] == {"MessageTtlSeconds": ttl}


@pytest.mark.parametrize(
    ("ttl", "constraint"),
    [
        (4, "Member must have value greater than or equal to 5"),
        (121, "Member must have value less than or equal to 120"),
    ],
)
def test_create_ttl_out_of_range(raw_client: Any, ttl: int, constraint: str) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.create_signaling_channel(
            ChannelName="cam", SingleMasterConfiguration={"MessageTtlSeconds": ttl}
        )
    assert error(e) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{ttl}' at "
        f"'singleMasterConfiguration.messageTtlSeconds' failed to satisfy constraint: "
        f"{constraint}",
    )


def test_create_full_mesh_is_not_supported(client: Any, kvsmock: KinesisVideoMock) -> None:
    with pytest.raises(ClientError) as e:
        client.create_signaling_channel(ChannelName="mesh", ChannelType="FULL_MESH")
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "The channel type FULL_MESH is not supported. Currently, SINGLE_MASTER is the only "
        "supported channel type.",
    )
    assert kvsmock.state().channels == []


def test_create_bad_name(raw_client: Any) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.create_signaling_channel(ChannelName="bad name!")
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'bad name!' at 'channelName' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )


def test_create_with_tags(client: Any) -> None:
    arn = client.create_signaling_channel(
        ChannelName="cam",
        Tags=[{"Key": "team", "Value": "video"}, {"Key": "env", "Value": ""}],
    )["ChannelARN"]
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        "team": "video",
        "env": "",
    }


def test_create_with_empty_tag_list(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam", Tags=[])["ChannelARN"]
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {}


def test_create_with_fifty_tags(client: Any) -> None:
    tags = [{"Key": f"k{i}", "Value": f"v{i}"} for i in range(50)]
    arn = client.create_signaling_channel(ChannelName="cam", Tags=tags)["ChannelARN"]
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        f"k{i}": f"v{i}" for i in range(50)
    }


def test_create_with_fifty_one_tags(raw_client: Any) -> None:
    tags = [{"Key": f"k{i}", "Value": "v"} for i in range(51)]
    with pytest.raises(ClientError) as e:
        raw_client.create_signaling_channel(ChannelName="cam", Tags=tags)
    code, status, message = error(e)
    assert (code, status) == ("InvalidArgumentException", 400)
    assert message.startswith("1 validation error detected: Value '[")
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )


def test_create_duplicate_name(client: Any) -> None:
    client.create_signaling_channel(ChannelName="cam")
    with pytest.raises(ClientError) as e:
        client.create_signaling_channel(ChannelName="cam")
    assert error(e) == ("ResourceInUseException", 400, "The signaling channel cam already exists.")


def test_channel_and_stream_names_are_separate(client: Any) -> None:
    with freeze_time(FROZEN):
        stream_arn = client.create_stream(StreamName="cam")["StreamARN"]
        arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    assert arn == channel_arn("cam")
    assert stream_arn == f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam/{FROZEN_MS}"


@pytest.mark.kvsmock(channel_limit=2)
def test_account_channel_limit(client: Any) -> None:
    client.create_signaling_channel(ChannelName="a")
    arn_b = client.create_signaling_channel(ChannelName="b")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        client.create_signaling_channel(ChannelName="c")
    assert error(e) == (
        "AccountChannelLimitExceededException",
        400,
        "The number of signaling channels created for the account is too high. The limit is 2.",
    )
    client.delete_signaling_channel(ChannelARN=arn_b)
    client.create_signaling_channel(ChannelName="c")
    names = [c["ChannelName"] for c in client.list_signaling_channels()["ChannelInfoList"]]
    assert names == ["a", "c"]


def test_default_channel_limit_is_ten_thousand(kvsmock: KinesisVideoMock) -> None:
    assert kvsmock.channel_limit == 10_000
    assert kvsmock.state().channel_limit == 10_000


def test_recreated_channel_gets_new_arn_under_frozen_clock(client: Any) -> None:
    with freeze_time(FROZEN):
        first = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        client.delete_signaling_channel(ChannelARN=first)
        second = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        info = client.describe_signaling_channel(ChannelName="cam")["ChannelInfo"]
        with pytest.raises(ClientError) as e:
            client.describe_signaling_channel(ChannelARN=first)
    assert first == channel_arn("cam", FROZEN_MS)
    assert second == channel_arn("cam", FROZEN_MS + 1)
    assert info["CreationTime"] == FROZEN_DT + dt.timedelta(milliseconds=1)
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_arn_uses_region_partition(kvsmock: KinesisVideoMock) -> None:
    cn = boto3.client("kinesisvideo", region_name="cn-north-1")
    with freeze_time(FROZEN):
        arn = cn.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        endpoints = cn.get_signaling_channel_endpoint(
            ChannelARN=arn,
            SingleMasterChannelEndpointConfiguration={"Protocols": ["HTTPS"], "Role": "MASTER"},
        )["ResourceEndpointList"]
    assert arn == f"arn:aws-cn:kinesisvideo:cn-north-1:{ACCOUNT}:channel/cam/{FROZEN_MS}"
    rid = kvsmock.state(region="cn-north-1").find_channel("cam").endpoint_ids["r"]
    assert endpoints == [
        {
            "Protocol": "HTTPS",
            "ResourceEndpoint": f"https://r-{rid}.kinesisvideo.cn-north-1.amazonaws.com.cn",
        }
    ]


def test_channels_are_per_region(client: Any) -> None:
    client.create_signaling_channel(ChannelName="cam")
    west = boto3.client("kinesisvideo", region_name="us-west-2")
    assert west.list_signaling_channels()["ChannelInfoList"] == []
    with pytest.raises(ClientError) as e:
        west.describe_signaling_channel(ChannelName="cam")
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- DescribeSignalingChannel ----------------------------------------------------------------


def test_describe_by_arn_equals_by_name(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    by_arn = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
    by_name = client.describe_signaling_channel(ChannelName="cam")["ChannelInfo"]
    both = client.describe_signaling_channel(ChannelName="cam", ChannelARN=arn)["ChannelInfo"]
    assert by_arn == by_name == both
    assert by_arn["ChannelARN"] == arn


def test_describe_unknown_name(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel(ChannelName="nope")
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_unknown_arn(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel(ChannelARN=channel_arn("nope"))
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_arn_of_other_account_or_region(client: Any) -> None:
    with freeze_time(FROZEN):
        client.create_signaling_channel(ChannelName="cam")
    for arn in (
        channel_arn("cam", region="eu-west-1"),
        f"arn:aws:kinesisvideo:{REGION}:210987654321:channel/cam/{FROZEN_MS}",
    ):
        with pytest.raises(ClientError) as e:
            client.describe_signaling_channel(ChannelARN=arn)
        assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_stream_arn_is_not_a_channel(client: Any) -> None:
    stream_arn = client.create_stream(StreamName="cam")["StreamARN"]
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel(ChannelARN=stream_arn)
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_name_and_arn_of_different_channels(client: Any) -> None:
    client.create_signaling_channel(ChannelName="a")
    arn_b = client.create_signaling_channel(ChannelName="b")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel(ChannelName="a", ChannelARN=arn_b)
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_without_identifier(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel()
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "Either ChannelName or ChannelARN must be specified.",
    )


# -- ListSignalingChannels -------------------------------------------------------------------


def test_list_empty(client: Any) -> None:
    result = client.list_signaling_channels()
    assert result["ChannelInfoList"] == []
    assert "NextToken" not in result


def test_list_in_name_order_with_channel_info(client: Any, kvsmock: KinesisVideoMock) -> None:
    with freeze_time(FROZEN):
        for name in ("b", "a", "c"):
            client.create_signaling_channel(ChannelName=name)
    infos = client.list_signaling_channels()["ChannelInfoList"]
    assert [i["ChannelName"] for i in infos] == ["a", "b", "c"]
    assert infos[0] == client.describe_signaling_channel(ChannelName="a")["ChannelInfo"]
    assert infos[1] == {
        "ChannelName": "b",
        "ChannelARN": channel_arn("b"),
        "ChannelType": "SINGLE_MASTER",
        "ChannelStatus": "ACTIVE",
        "CreationTime": FROZEN_DT,
        "SingleMasterConfiguration": {"MessageTtlSeconds": 60},
        "Version": channel(kvsmock, "b").version,
    }


def test_list_pages_with_opaque_next_token(client: Any) -> None:
    for name in ("a", "b", "c", "d", "e"):
        client.create_signaling_channel(ChannelName=name)
    first = client.list_signaling_channels(MaxResults=2)
    assert [i["ChannelName"] for i in first["ChannelInfoList"]] == ["a", "b"]
    token = first["NextToken"]
    assert re.fullmatch(r"[a-zA-Z0-9+/=]+", token)
    assert token != "b"
    second = client.list_signaling_channels(MaxResults=2, NextToken=token)
    assert [i["ChannelName"] for i in second["ChannelInfoList"]] == ["c", "d"]
    third = client.list_signaling_channels(MaxResults=2, NextToken=second["NextToken"])
    assert [i["ChannelName"] for i in third["ChannelInfoList"]] == ["e"]
    assert "NextToken" not in third


def test_list_exact_page_has_no_token(client: Any) -> None:
    for name in ("a", "b"):
        client.create_signaling_channel(ChannelName=name)
    result = client.list_signaling_channels(MaxResults=2)
    assert [i["ChannelName"] for i in result["ChannelInfoList"]] == ["a", "b"]
    assert "NextToken" not in result


def test_list_default_page_is_500(client: Any, kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    for i in range(501):
        store.create_signaling_channel(f"ch-{i:04d}")
    first = client.list_signaling_channels()
    assert len(first["ChannelInfoList"]) == 500
    assert first["ChannelInfoList"][-1]["ChannelName"] == "ch-0499"
    rest = client.list_signaling_channels(NextToken=first["NextToken"])
    assert [i["ChannelName"] for i in rest["ChannelInfoList"]] == ["ch-0500"]
    assert "NextToken" not in rest


def test_list_begins_with(client: Any) -> None:
    for name in ("cam-1", "cam-2", "camera", "door", "ca"):
        client.create_signaling_channel(ChannelName=name)
    result = client.list_signaling_channels(
        ChannelNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam-"}
    )
    assert [i["ChannelName"] for i in result["ChannelInfoList"]] == ["cam-1", "cam-2"]
    paged = client.list_signaling_channels(
        MaxResults=1,
        ChannelNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam"},
    )
    assert [i["ChannelName"] for i in paged["ChannelInfoList"]] == ["cam-1"]
    rest = client.list_signaling_channels(
        NextToken=paged["NextToken"],
        ChannelNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam"},
    )
    assert [i["ChannelName"] for i in rest["ChannelInfoList"]] == ["cam-2", "camera"]


def test_list_page_survives_deletion_between_pages(client: Any) -> None:
    arns = {n: client.create_signaling_channel(ChannelName=n)["ChannelARN"] for n in "abcd"}
    first = client.list_signaling_channels(MaxResults=2)
    client.delete_signaling_channel(ChannelARN=arns["b"])
    client.delete_signaling_channel(ChannelARN=arns["c"])
    client.create_signaling_channel(ChannelName="bb")
    second = client.list_signaling_channels(NextToken=first["NextToken"])
    assert [i["ChannelName"] for i in second["ChannelInfoList"]] == ["bb", "d"]


def test_list_paginator(client: Any) -> None:
    names = [f"cam-{i}" for i in range(7)]
    for name in names:
        client.create_signaling_channel(ChannelName=name)
    pages = list(
        client.get_paginator("list_signaling_channels").paginate(PaginationConfig={"PageSize": 3})
    )
    assert [len(p["ChannelInfoList"]) for p in pages] == [3, 3, 1]
    result = (
        client.get_paginator("list_signaling_channels")
        .paginate(PaginationConfig={"PageSize": 2, "MaxItems": 5})
        .build_full_result()
    )
    assert [i["ChannelName"] for i in result["ChannelInfoList"]] == names[:5]
    assert "NextToken" in result


def test_list_invalid_next_token(client: Any) -> None:
    bogus = base64.b64encode(b"something else").decode()
    for token in (bogus, "Zm9v"):
        with pytest.raises(ClientError) as e:
            client.list_signaling_channels(NextToken=token)
        assert error(e) == ("InvalidArgumentException", 400, "The NextToken is not valid.")


@pytest.mark.parametrize(
    ("value", "constraint"),
    [
        (0, "Member must have value greater than or equal to 1"),
        (10001, "Member must have value less than or equal to 10000"),
    ],
)
def test_list_max_results_range(raw_client: Any, value: int, constraint: str) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.list_signaling_channels(MaxResults=value)
    assert error(e) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy "
        f"constraint: {constraint}",
    )


def test_list_max_results_10000_is_allowed(client: Any) -> None:
    client.create_signaling_channel(ChannelName="a")
    result = client.list_signaling_channels(MaxResults=10000)
    assert [i["ChannelName"] for i in result["ChannelInfoList"]] == ["a"]


def test_list_comparison_operator_enum(raw_client: Any) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.list_signaling_channels(
            ChannelNameCondition={"ComparisonOperator": "ENDS_WITH", "ComparisonValue": "a"}
        )
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'ENDS_WITH' at "
        "'channelNameCondition.comparisonOperator' failed to satisfy constraint: Member must "
        "satisfy enum value set: [BEGINS_WITH]",
    )


# -- UpdateSignalingChannel ------------------------------------------------------------------


def test_update_changes_ttl_and_rotates_version(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    before = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
    client.update_signaling_channel(
        ChannelARN=arn,
        CurrentVersion=before["Version"],
        SingleMasterConfiguration={"MessageTtlSeconds": 120},
    )
    after = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
    assert after["SingleMasterConfiguration"] == {"MessageTtlSeconds": 120}
    assert VERSION.fullmatch(after["Version"])
    assert after["Version"] != before["Version"]
    assert {
        k: v for k, v in after.items() if k not in ("Version", "SingleMasterConfiguration")
    } == {k: v for k, v in before.items() if k not in ("Version", "SingleMasterConfiguration")}
    # The old version is now stale.
    with pytest.raises(ClientError) as e:
        client.update_signaling_channel(
            ChannelARN=arn,
            CurrentVersion=before["Version"],
            SingleMasterConfiguration={"MessageTtlSeconds": 30},
        )
    assert error(e) == (
        "VersionMismatchException",
        400,
        "The channel version that you specified is not the latest version.",
    )


def test_update_version_mismatch_changes_nothing(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    version = channel(kvsmock, "cam").version
    with pytest.raises(ClientError) as e:
        client.update_signaling_channel(
            ChannelARN=arn,
            CurrentVersion="NotTheVersion0000000",
            SingleMasterConfiguration={"MessageTtlSeconds": 30},
        )
    assert error(e)[:2] == ("VersionMismatchException", 400)
    assert channel(kvsmock, "cam").version == version
    assert channel(kvsmock, "cam").message_ttl_seconds == 60


def test_update_without_configuration(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    version = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]["Version"]
    for config in ({}, None):
        kwargs = {} if config is None else {"SingleMasterConfiguration": config}
        with pytest.raises(ClientError) as e:
            client.update_signaling_channel(ChannelARN=arn, CurrentVersion=version, **kwargs)
        assert error(e) == (
            "InvalidArgumentException",
            400,
            "SingleMasterConfiguration.MessageTtlSeconds must be specified for a "
            "SINGLE_MASTER channel.",
        )


def test_update_requires_current_version(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.update_signaling_channel(
            ChannelARN=arn, SingleMasterConfiguration={"MessageTtlSeconds": 30}
        )
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value null at 'currentVersion' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_update_unknown_channel(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.update_signaling_channel(
            ChannelARN=channel_arn("nope"),
            CurrentVersion="abc",
            SingleMasterConfiguration={"MessageTtlSeconds": 30},
        )
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- DeleteSignalingChannel ------------------------------------------------------------------


def test_delete_then_gone(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    assert (
        client.delete_signaling_channel(ChannelARN=arn)["ResponseMetadata"]["HTTPStatusCode"] == 200
    )
    with pytest.raises(ClientError) as e:
        client.describe_signaling_channel(ChannelName="cam")
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)
    assert client.list_signaling_channels()["ChannelInfoList"] == []
    assert kvsmock.state().channels == []
    with pytest.raises(ClientError) as e:
        client.delete_signaling_channel(ChannelARN=arn)
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_delete_with_current_version(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    version = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]["Version"]
    with pytest.raises(ClientError) as e:
        client.delete_signaling_channel(ChannelARN=arn, CurrentVersion="Stale000000000000000")
    assert error(e) == (
        "VersionMismatchException",
        400,
        "The channel version that you specified is not the latest version.",
    )
    assert client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]["ChannelStatus"] == (
        "ACTIVE"
    )
    client.delete_signaling_channel(ChannelARN=arn, CurrentVersion=version)
    assert client.list_signaling_channels()["ChannelInfoList"] == []


def test_delete_bad_arn(raw_client: Any) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.delete_signaling_channel(ChannelARN="cam")
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'cam' at 'channelARN' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+",
    )


# -- lifecycle with transition_seconds -------------------------------------------------------


def _status(client: Any, name: str) -> str:
    status: str = client.describe_signaling_channel(ChannelName=name)["ChannelInfo"][
        "ChannelStatus"
    ]
    return status


@pytest.mark.kvsmock(transition_seconds=5)
def test_create_update_delete_transitions(client: Any) -> None:
    with freeze_time(FROZEN) as clock:
        arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        assert _status(client, "cam") == "CREATING"
        version = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]["Version"]
        with pytest.raises(ClientError) as e:
            client.update_signaling_channel(
                ChannelARN=arn,
                CurrentVersion=version,
                SingleMasterConfiguration={"MessageTtlSeconds": 30},
            )
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The channel cam is in CREATING status; the operation needs an ACTIVE channel.",
        )
        with pytest.raises(ClientError) as e:
            client.delete_signaling_channel(ChannelARN=arn)
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The channel cam is in CREATING status and cannot be deleted now.",
        )
        clock.tick(4.999)
        assert _status(client, "cam") == "CREATING"
        clock.tick(0.001)
        assert _status(client, "cam") == "ACTIVE"

        client.update_signaling_channel(
            ChannelARN=arn,
            CurrentVersion=version,
            SingleMasterConfiguration={"MessageTtlSeconds": 30},
        )
        info = client.describe_signaling_channel(ChannelARN=arn)["ChannelInfo"]
        assert info["ChannelStatus"] == "UPDATING"
        assert info["SingleMasterConfiguration"] == {"MessageTtlSeconds": 30}
        assert info["Version"] != version
        with pytest.raises(ClientError) as e:
            client.update_signaling_channel(
                ChannelARN=arn,
                CurrentVersion=info["Version"],
                SingleMasterConfiguration={"MessageTtlSeconds": 40},
            )
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The channel cam is in UPDATING status; the operation needs an ACTIVE channel.",
        )
        with pytest.raises(ClientError) as e:
            client.delete_signaling_channel(ChannelARN=arn)
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The channel cam is in UPDATING status and cannot be deleted now.",
        )
        clock.tick(5)
        assert _status(client, "cam") == "ACTIVE"

        client.delete_signaling_channel(ChannelARN=arn)
        assert _status(client, "cam") == "DELETING"
        listed = client.list_signaling_channels()["ChannelInfoList"]
        assert [(i["ChannelName"], i["ChannelStatus"]) for i in listed] == [("cam", "DELETING")]
        with pytest.raises(ClientError) as e:
            client.delete_signaling_channel(ChannelARN=arn)
        assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)
        with pytest.raises(ClientError) as e:
            client.create_signaling_channel(ChannelName="cam")
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The signaling channel cam already exists.",
        )
        clock.tick(5)
        with pytest.raises(ClientError) as e:
            client.describe_signaling_channel(ChannelName="cam")
        assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)
        assert client.list_signaling_channels()["ChannelInfoList"] == []
        again = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        assert again == channel_arn("cam", FROZEN_MS + 15_000)


@pytest.mark.kvsmock(transition_seconds=5)
def test_endpoint_of_creating_or_deleting_channel(client: Any) -> None:
    with freeze_time(FROZEN) as clock:
        arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        with pytest.raises(ClientError) as e:
            client.get_signaling_channel_endpoint(ChannelARN=arn)
        assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)
        clock.tick(5)
        assert len(client.get_signaling_channel_endpoint(ChannelARN=arn)["ResourceEndpointList"])
        client.delete_signaling_channel(ChannelARN=arn)
        with pytest.raises(ClientError) as e:
            client.get_signaling_channel_endpoint(ChannelARN=arn)
        assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.kvsmock(transition_seconds=5, channel_limit=1)
def test_deleting_channel_counts_against_limit_until_gone(client: Any) -> None:
    with freeze_time(FROZEN) as clock:
        arn = client.create_signaling_channel(ChannelName="a")["ChannelARN"]
        clock.tick(5)
        client.delete_signaling_channel(ChannelARN=arn)
        with pytest.raises(ClientError) as e:
            client.create_signaling_channel(ChannelName="b")
        assert error(e)[:2] == ("AccountChannelLimitExceededException", 400)
        clock.tick(5)
        client.create_signaling_channel(ChannelName="b")


# -- GetSignalingChannelEndpoint -------------------------------------------------------------


def _endpoints(client: Any, arn: str, protocols: Any, role: str) -> Any:
    return client.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": protocols, "Role": role},
    )["ResourceEndpointList"]


def test_endpoints_for_master(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    ids = channel(kvsmock, "cam").endpoint_ids
    assert sorted(ids) == ["m", "r", "v", "w"]
    assert all(HEX8.fullmatch(v) for v in ids.values())
    assert len(set(ids.values())) == 4
    assert _endpoints(client, arn, ["WSS", "HTTPS"], "MASTER") == [
        {
            "Protocol": "WSS",
            "ResourceEndpoint": f"wss://m-{ids['m']}.kinesisvideo.us-east-1.amazonaws.com",
        },
        {
            "Protocol": "HTTPS",
            "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
        },
    ]


def test_endpoints_for_viewer(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    ids = channel(kvsmock, "cam").endpoint_ids
    assert _endpoints(client, arn, ["HTTPS", "WSS"], "VIEWER") == [
        {
            "Protocol": "HTTPS",
            "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
        },
        {
            "Protocol": "WSS",
            "ResourceEndpoint": f"wss://v-{ids['v']}.kinesisvideo.us-east-1.amazonaws.com",
        },
    ]


def test_endpoints_are_stable_and_per_channel(client: Any) -> None:
    arn_a = client.create_signaling_channel(ChannelName="a")["ChannelARN"]
    arn_b = client.create_signaling_channel(ChannelName="b")["ChannelARN"]
    first = _endpoints(client, arn_a, ["WSS", "HTTPS"], "MASTER")
    client.create_stream(StreamName="noise")
    assert _endpoints(client, arn_a, ["WSS", "HTTPS"], "MASTER") == first
    other = _endpoints(client, arn_b, ["WSS", "HTTPS"], "MASTER")
    assert {e["ResourceEndpoint"] for e in other}.isdisjoint({e["ResourceEndpoint"] for e in first})


def test_endpoints_same_seed_same_hosts() -> None:
    from kvsmock import mock_kinesisvideo

    hosts = []
    for _ in range(2):
        with mock_kinesisvideo(seed=42):
            c = boto3.client("kinesisvideo", region_name=REGION)
            arn = c.create_signaling_channel(ChannelName="cam")["ChannelARN"]
            hosts.append(_endpoints(c, arn, ["WSS", "HTTPS"], "MASTER"))
    assert hosts[0] == hosts[1]


def test_endpoint_protocols_deduplicated_in_request_order(
    client: Any, kvsmock: KinesisVideoMock
) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    ids = channel(kvsmock, "cam").endpoint_ids
    assert _endpoints(client, arn, ["HTTPS", "HTTPS", "WSS", "HTTPS"], "MASTER") == [
        {
            "Protocol": "HTTPS",
            "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
        },
        {
            "Protocol": "WSS",
            "ResourceEndpoint": f"wss://m-{ids['m']}.kinesisvideo.us-east-1.amazonaws.com",
        },
    ]


def test_endpoint_defaults_without_configuration(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    ids = channel(kvsmock, "cam").endpoint_ids
    expected = [
        {
            "Protocol": "WSS",
            "ResourceEndpoint": f"wss://m-{ids['m']}.kinesisvideo.us-east-1.amazonaws.com",
        },
        {
            "Protocol": "HTTPS",
            "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
        },
    ]
    assert client.get_signaling_channel_endpoint(ChannelARN=arn)["ResourceEndpointList"] == expected
    only_role = client.get_signaling_channel_endpoint(
        ChannelARN=arn, SingleMasterChannelEndpointConfiguration={"Role": "MASTER"}
    )
    assert only_role["ResourceEndpointList"] == expected
    only_protocols = client.get_signaling_channel_endpoint(
        ChannelARN=arn, SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS"]}
    )
    assert only_protocols["ResourceEndpointList"] == expected[:1]


def test_webrtc_endpoint_needs_media_storage(client: Any) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    for role in ("MASTER", "VIEWER"):
        with pytest.raises(ClientError) as e:
            _endpoints(client, arn, ["WSS", "HTTPS", "WEBRTC"], role)
        assert error(e) == (
            "InvalidArgumentException",
            400,
            "The signaling channel cam is not configured for ingestion "
            "(MediaStorageConfiguration is DISABLED), so it has no WEBRTC endpoint.",
        )


def test_endpoint_unknown_channel(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.get_signaling_channel_endpoint(ChannelARN=channel_arn("nope"))
    assert error(e) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"Protocols": ["SFTP"]},
            "1 validation error detected: Value 'SFTP' at "
            "'singleMasterChannelEndpointConfiguration.protocols.1.member' failed to satisfy "
            "constraint: Member must satisfy enum value set: [WSS, HTTPS, WEBRTC]",
        ),
        (
            {"Role": "OWNER"},
            "1 validation error detected: Value 'OWNER' at "
            "'singleMasterChannelEndpointConfiguration.role' failed to satisfy constraint: "
            "Member must satisfy enum value set: [MASTER, VIEWER]",
        ),
        (
            {"Protocols": []},
            "1 validation error detected: Value '[]' at "
            "'singleMasterChannelEndpointConfiguration.protocols' failed to satisfy "
            "constraint: Member must have length greater than or equal to 1",
        ),
    ],
)
def test_endpoint_configuration_validation(raw_client: Any, config: Any, message: str) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.get_signaling_channel_endpoint(
            ChannelARN=arn, SingleMasterChannelEndpointConfiguration=config
        )
    assert error(e) == ("InvalidArgumentException", 400, message)


# -- mock.state() ----------------------------------------------------------------------------


def test_state_seeding_is_visible_to_the_api(client: Any, kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    with freeze_time(FROZEN):
        seeded = store.create_signaling_channel(
            "seeded", message_ttl_seconds=30, tags={"owner": "tests"}
        )
    assert isinstance(seeded, SignalingChannel)
    assert seeded.arn == channel_arn("seeded")
    assert seeded.creation_time == FROZEN_DT
    assert seeded.channel_type == "SINGLE_MASTER"
    assert seeded.media_storage_status == "DISABLED"
    info = client.describe_signaling_channel(ChannelName="seeded")["ChannelInfo"]
    assert info["SingleMasterConfiguration"] == {"MessageTtlSeconds": 30}
    assert info["Version"] == seeded.version
    assert client.list_tags_for_resource(ResourceARN=seeded.arn)["Tags"] == {"owner": "tests"}
    client.create_signaling_channel(ChannelName="api")
    assert [c.name for c in store.channels] == ["api", "seeded"]
    assert store.find_channel(arn=seeded.arn) is seeded
    assert repr(seeded) == (
        f"SignalingChannel(name='seeded', arn='{seeded.arn}', version='{seeded.version}')"
    )


def test_state_rules_match_the_api(kvsmock: KinesisVideoMock) -> None:
    from kvsmock import ServiceError

    store = kvsmock.state()
    store.create_signaling_channel("cam")
    with pytest.raises(ServiceError) as e:
        store.create_signaling_channel("cam")
    assert (e.value.code, e.value.message) == (
        "ResourceInUseException",
        "The signaling channel cam already exists.",
    )
    with pytest.raises(ServiceError) as e:
        store.create_signaling_channel("ttl", message_ttl_seconds=500)
    assert e.value.code == "InvalidArgumentException"
    with pytest.raises(ServiceError) as e:
        store.create_signaling_channel("many", tags={f"k{i}": "v" for i in range(51)})
    assert (e.value.code, e.value.message) == (
        "TagsPerResourceExceededLimitException",
        "The resource can have at most 50 tags.",
    )
    with pytest.raises(ServiceError) as e:
        store.find_channel("nope")
    assert (e.value.code, e.value.message) == ("ResourceNotFoundException", NOT_FOUND)
    assert [c.name for c in store.channels] == ["cam"]
