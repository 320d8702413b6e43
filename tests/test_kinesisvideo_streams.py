"""Behaviour of the ten ``kinesisvideo`` stream operations, through boto3.

Expected values come from the AWS API reference (quoted in ``../shared/AWS_BEHAVIOUR.md``)
and the botocore model: ARNs end in the creation time in epoch milliseconds, Versions are 20
mixed-case alphanumerics, not-found streams answer 404 "The requested stream is not found or
not active.", and so on. Time is pinned with freezegun wherever a value depends on it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any, Dict, List, Tuple

import boto3
import pytest
from assertions import error
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, mock_kinesisvideo

ACCOUNT = "123456789012"
REGION = "us-east-1"
UTC = dt.timezone.utc
NOT_FOUND = "The requested stream is not found or not active."
STALE_VERSION = "The stream version that you specified is not the latest version."
VERSION_RE = re.compile(r"[a-zA-Z0-9]{20}")
DEFAULT_KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/kinesisvideo"
S_HOST = re.compile(r"https://s-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com")
B_HOST = re.compile(r"https://b-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com")
S_APIS = ("PUT_MEDIA", "GET_MEDIA")
B_APIS = (
    "LIST_FRAGMENTS",
    "GET_MEDIA_FOR_FRAGMENT_LIST",
    "GET_HLS_STREAMING_SESSION_URL",
    "GET_DASH_STREAMING_SESSION_URL",
    "GET_CLIP",
    "GET_IMAGES",
)
# Real ARN and creation time from a public log (steampipe-plugin-aws PR #182).
REAL_NAME = "turbottest89934"
REAL_CREATED = dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)
REAL_MS = 1616399399939


def arn_of(name: str, ms: int, region: str = REGION, account: str = ACCOUNT) -> str:
    return f"arn:aws:kinesisvideo:{region}:{account}:stream/{name}/{ms}"


def info(client: Any, name: str) -> Dict[str, Any]:
    return client.describe_stream(StreamName=name)["StreamInfo"]


def names(client: Any, **kwargs: Any) -> List[str]:
    return [s["StreamName"] for s in client.list_streams(**kwargs)["StreamInfoList"]]


# -- CreateStream / DescribeStream ---------------------------------------------------------


def test_create_stream_arn_ends_in_creation_epoch_millis(client: Any) -> None:
    with freeze_time(REAL_CREATED):
        response = client.create_stream(StreamName=REAL_NAME)
    assert response["StreamARN"] == arn_of(REAL_NAME, REAL_MS)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_describe_stream_defaults(client: Any) -> None:
    with freeze_time(REAL_CREATED):
        client.create_stream(StreamName=REAL_NAME)
    stream = info(client, REAL_NAME)
    version = stream.pop("Version")
    assert VERSION_RE.fullmatch(version)
    assert stream == {
        "StreamName": REAL_NAME,
        "StreamARN": arn_of(REAL_NAME, REAL_MS),
        "KmsKeyId": DEFAULT_KMS,
        "Status": "ACTIVE",
        "CreationTime": REAL_CREATED,
        "DataRetentionInHours": 0,
    }
    # DeviceName and MediaType are absent: sent as JSON null, which botocore drops.
    assert "DeviceName" not in stream
    assert "MediaType" not in stream


def test_describe_stream_wire_body_has_nulls_and_millisecond_epoch(client: Any) -> None:
    bodies: List[bytes] = []

    def capture(response_dict: Dict[str, Any], **_: Any) -> None:
        bodies.append(response_dict["body"])

    client.meta.events.register("before-parse.kinesis-video.DescribeStream", capture)
    with freeze_time(REAL_CREATED):
        client.create_stream(StreamName=REAL_NAME)
    client.describe_stream(StreamName=REAL_NAME)
    wire = json.loads(bodies[0])["StreamInfo"]
    assert wire["DeviceName"] is None
    assert wire["MediaType"] is None
    assert wire["CreationTime"] == 1616399399.939


def test_create_stream_with_every_option(client: Any) -> None:
    kms = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    with freeze_time(REAL_CREATED):
        arn = client.create_stream(
            StreamName="demo-stream",
            DeviceName="android-client-library",
            MediaType="video/h264,audio/aac",
            KmsKeyId=kms,
            DataRetentionInHours=48,
            Tags={"team": "video", "env": "test"},
        )["StreamARN"]
    stream = info(client, "demo-stream")
    assert stream["StreamARN"] == arn == arn_of("demo-stream", REAL_MS)
    assert stream["DeviceName"] == "android-client-library"
    assert stream["MediaType"] == "video/h264,audio/aac"
    assert stream["KmsKeyId"] == kms
    assert stream["DataRetentionInHours"] == 48
    assert client.list_tags_for_stream(StreamARN=arn)["Tags"] == {"team": "video", "env": "test"}


def test_describe_by_arn_equals_describe_by_name(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    by_arn = client.describe_stream(StreamARN=arn)["StreamInfo"]
    by_both = client.describe_stream(StreamName="cam", StreamARN=arn)["StreamInfo"]
    assert by_arn == by_both == info(client, "cam")


def test_creation_times_follow_the_clock(client: Any) -> None:
    with freeze_time("2024-01-02T03:04:05.678Z") as frozen:
        first = client.create_stream(StreamName="a")["StreamARN"]
        frozen.tick(dt.timedelta(seconds=1, milliseconds=1))
        second = client.create_stream(StreamName="b")["StreamARN"]
    assert first == arn_of("a", 1704164645678)
    assert second == arn_of("b", 1704164646679)
    assert info(client, "b")["CreationTime"] == dt.datetime(2024, 1, 2, 3, 4, 6, 679000, tzinfo=UTC)


def test_each_stream_gets_its_own_version(client: Any) -> None:
    for name in ("a", "b", "c"):
        client.create_stream(StreamName=name)
    versions = {info(client, n)["Version"] for n in ("a", "b", "c")}
    assert len(versions) == 3
    assert all(VERSION_RE.fullmatch(v) for v in versions)


@pytest.mark.parametrize(
    ("region", "partition", "suffix"),
    [
        ("cn-north-1", "aws-cn", "amazonaws.com.cn"),
        ("us-gov-west-1", "aws-us-gov", "amazonaws.com"),
        ("eu-west-1", "aws", "amazonaws.com"),
    ],
)
def test_partition_follows_region(
    kvsmock: KinesisVideoMock, region: str, partition: str, suffix: str
) -> None:
    client = boto3.client("kinesisvideo", region_name=region)
    with freeze_time(REAL_CREATED):
        arn = client.create_stream(StreamName="cam")["StreamARN"]
    assert arn == f"arn:{partition}:kinesisvideo:{region}:{ACCOUNT}:stream/cam/{REAL_MS}"
    stream = info(client, "cam")
    assert stream["KmsKeyId"] == f"arn:{partition}:kms:{region}:{ACCOUNT}:alias/aws/kinesisvideo"
    # The partition's ARN is accepted back by every ARN-taking operation.
    assert client.describe_stream(StreamARN=arn)["StreamInfo"]["StreamName"] == "cam"
    endpoint = client.get_data_endpoint(StreamARN=arn, APIName="PUT_MEDIA")["DataEndpoint"]
    host = re.escape(f".kinesisvideo.{region}.{suffix}")
    assert re.fullmatch(rf"https://s-[0-9a-f]{{8}}{host}", endpoint)


def test_duplicate_name_is_resource_in_use(client: Any) -> None:
    client.create_stream(StreamName="cam", DataRetentionInHours=2)
    before = info(client, "cam")
    with pytest.raises(ClientError) as excinfo:
        client.create_stream(StreamName="cam", DataRetentionInHours=5)
    assert error(excinfo) == ("ResourceInUseException", 400, "The stream cam already exists.")
    assert info(client, "cam") == before


@pytest.mark.kvsmock(stream_limit=3)
def test_account_stream_limit(client: Any) -> None:
    arns = [client.create_stream(StreamName=f"cam-{i}")["StreamARN"] for i in range(3)]
    with pytest.raises(ClientError) as excinfo:
        client.create_stream(StreamName="cam-3")
    assert error(excinfo) == (
        "AccountStreamLimitExceededException",
        400,
        "The number of streams created for the account is too high. The limit is 3.",
    )
    assert names(client) == ["cam-0", "cam-1", "cam-2"]
    # Deleting one frees a slot.
    client.delete_stream(StreamARN=arns[0])
    client.create_stream(StreamName="cam-3")
    assert names(client) == ["cam-1", "cam-2", "cam-3"]


@pytest.mark.kvsmock(stream_limit=1)
def test_stream_limit_is_per_region(client: Any) -> None:
    # Kinesis Video quotas are regional: a full us-east-1 does not block us-west-2.
    client.create_stream(StreamName="east")
    west = boto3.client("kinesisvideo", region_name="us-west-2")
    west.create_stream(StreamName="west")
    assert names(west) == ["west"]


def test_data_retention_maximum_is_87600(client: Any) -> None:
    client.create_stream(StreamName="ten-years", DataRetentionInHours=87600)
    assert info(client, "ten-years")["DataRetentionInHours"] == 87600
    with pytest.raises(ClientError) as excinfo:
        client.create_stream(StreamName="too-long", DataRetentionInHours=87601)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value '87601' at 'dataRetentionInHours' failed to "
        "satisfy constraint: Member must have value less than or equal to 87600",
    )
    assert names(client) == ["ten-years"]


def test_describe_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream(StreamName="nope")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream(StreamARN=arn_of("nope", REAL_MS))
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_without_name_or_arn(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream()
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "Either StreamName or StreamARN must be specified.",
    )


def test_describe_with_name_and_arn_of_different_streams(client: Any) -> None:
    client.create_stream(StreamName="a")
    arn_b = client.create_stream(StreamName="b")["StreamARN"]
    # Documented choice: a name and an ARN that name different streams match no stream.
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream(StreamName="a", StreamARN=arn_b)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_describe_deleted_stream(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    client.delete_stream(StreamARN=arn)
    for kwargs in ({"StreamName": "cam"}, {"StreamARN": arn}):
        with pytest.raises(ClientError) as excinfo:
            client.describe_stream(**kwargs)
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_old_arn_does_not_match_recreated_stream_even_with_frozen_time(client: Any) -> None:
    with freeze_time(REAL_CREATED):
        old = client.create_stream(StreamName="cam")["StreamARN"]
        client.delete_stream(StreamARN=old)
        new = client.create_stream(StreamName="cam")["StreamARN"]
    assert old == arn_of("cam", REAL_MS)
    # Same millisecond: the new ARN must still differ (its creation time moves on by 1 ms).
    assert new == arn_of("cam", REAL_MS + 1)
    assert info(client, "cam")["CreationTime"] == REAL_CREATED + dt.timedelta(milliseconds=1)
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream(StreamARN=old)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    for call in (
        lambda: client.delete_stream(StreamARN=old),
        lambda: client.tag_stream(StreamARN=old, Tags={"k": "v"}),
        lambda: client.get_data_endpoint(StreamARN=old, APIName="GET_MEDIA"),
    ):
        with pytest.raises(ClientError) as excinfo:
            call()
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    assert client.describe_stream(StreamARN=new)["StreamInfo"]["StreamARN"] == new


# -- ListStreams ---------------------------------------------------------------------------


def test_list_streams_empty(client: Any) -> None:
    response = client.list_streams()
    assert response["StreamInfoList"] == []
    assert "NextToken" not in response


def test_list_streams_returns_stream_info_in_name_order(client: Any) -> None:
    for name in ("charlie", "alpha", "bravo"):
        client.create_stream(StreamName=name, DataRetentionInHours=1)
    response = client.list_streams()
    assert "NextToken" not in response
    listed = response["StreamInfoList"]
    # Documented choice: ListStreams returns streams in stream-name (code point) order.
    assert [s["StreamName"] for s in listed] == ["alpha", "bravo", "charlie"]
    assert listed == [info(client, n) for n in ("alpha", "bravo", "charlie")]


def test_list_streams_max_results_and_next_token(client: Any) -> None:
    for i in range(5):
        client.create_stream(StreamName=f"cam-{i}")
    first = client.list_streams(MaxResults=2)
    assert [s["StreamName"] for s in first["StreamInfoList"]] == ["cam-0", "cam-1"]
    assert re.fullmatch(r"[a-zA-Z0-9+/=]+", first["NextToken"])
    second = client.list_streams(MaxResults=2, NextToken=first["NextToken"])
    assert [s["StreamName"] for s in second["StreamInfoList"]] == ["cam-2", "cam-3"]
    third = client.list_streams(MaxResults=2, NextToken=second["NextToken"])
    assert [s["StreamName"] for s in third["StreamInfoList"]] == ["cam-4"]
    assert "NextToken" not in third


def test_list_streams_exactly_max_results_has_no_next_token(client: Any) -> None:
    for i in range(3):
        client.create_stream(StreamName=f"cam-{i}")
    response = client.list_streams(MaxResults=3)
    assert len(response["StreamInfoList"]) == 3
    assert "NextToken" not in response


@pytest.mark.kvsmock(stream_limit=10_001)
def test_list_streams_default_page_is_10000(kvsmock: KinesisVideoMock, client: Any) -> None:
    store = kvsmock.state()
    for i in range(10_001):
        store.create_stream(f"s{i:05d}")
    response = client.list_streams()
    assert len(response["StreamInfoList"]) == 10_000
    assert response["StreamInfoList"][-1]["StreamName"] == "s09999"
    rest = client.list_streams(NextToken=response["NextToken"])
    assert [s["StreamName"] for s in rest["StreamInfoList"]] == ["s10000"]


def test_list_streams_paginator(client: Any) -> None:
    for i in range(5):
        client.create_stream(StreamName=f"cam-{i}")
    paginator = client.get_paginator("list_streams")
    pages = list(paginator.paginate(PaginationConfig={"PageSize": 2}))
    assert [[s["StreamName"] for s in p["StreamInfoList"]] for p in pages] == [
        ["cam-0", "cam-1"],
        ["cam-2", "cam-3"],
        ["cam-4"],
    ]
    full = paginator.paginate(PaginationConfig={"PageSize": 2, "MaxItems": 3}).build_full_result()
    assert [s["StreamName"] for s in full["StreamInfoList"]] == ["cam-0", "cam-1", "cam-2"]
    assert "NextToken" in full
    resumed = paginator.paginate(
        PaginationConfig={"PageSize": 2, "StartingToken": full["NextToken"]}
    ).build_full_result()
    assert [s["StreamName"] for s in resumed["StreamInfoList"]] == ["cam-3", "cam-4"]


def test_list_streams_begins_with(client: Any) -> None:
    for name in ("cam-1", "cam-2", "camera", "door-1", "ca"):
        client.create_stream(StreamName=name)
    condition = {"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam-"}
    assert names(client, StreamNameCondition=condition) == ["cam-1", "cam-2"]
    condition["ComparisonValue"] = "cam"
    assert names(client, StreamNameCondition=condition) == ["cam-1", "cam-2", "camera"]
    condition["ComparisonValue"] = "zzz"
    assert names(client, StreamNameCondition=condition) == []
    # Paged with the condition: each page keeps to the prefix.
    paginator = client.get_paginator("list_streams")
    pages = paginator.paginate(
        StreamNameCondition={"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "cam"},
        PaginationConfig={"PageSize": 1},
    )
    assert [[s["StreamName"] for s in p["StreamInfoList"]] for p in pages] == [
        ["cam-1"],
        ["cam-2"],
        ["camera"],
    ]


def test_list_streams_changes_between_pages_neither_skip_nor_repeat(client: Any) -> None:
    arns = {n: client.create_stream(StreamName=n)["StreamARN"] for n in ("a", "c", "e", "g", "i")}
    first = client.list_streams(MaxResults=2)
    assert [s["StreamName"] for s in first["StreamInfoList"]] == ["a", "c"]
    client.create_stream(StreamName="b")  # before the cursor: not on a later page
    client.create_stream(StreamName="d")  # after the cursor: on a later page
    client.delete_stream(StreamARN=arns["c"])  # the cursor's own stream
    client.delete_stream(StreamARN=arns["g"])  # a stream not yet returned
    seen = [s["StreamName"] for s in first["StreamInfoList"]]
    token = first["NextToken"]
    while token:
        page = client.list_streams(MaxResults=2, NextToken=token)
        seen += [s["StreamName"] for s in page["StreamInfoList"]]
        token = page.get("NextToken")
    assert seen == ["a", "c", "d", "e", "i"]
    # Every stream that existed throughout (a, e, i) appears exactly once.
    assert all(seen.count(n) == 1 for n in ("a", "e", "i"))


def test_list_streams_bad_next_token(client: Any) -> None:
    client.create_stream(StreamName="cam")
    for token in ("bm90LWEtdG9rZW4=", "AAAA", "abc"):
        with pytest.raises(ClientError) as excinfo:
            client.list_streams(NextToken=token)
        assert error(excinfo) == ("InvalidArgumentException", 400, "The NextToken is not valid.")


def test_list_streams_empty_next_token_is_first_page(client: Any) -> None:
    client.create_stream(StreamName="cam")
    assert names(client, NextToken="") == ["cam"]


# -- DeleteStream --------------------------------------------------------------------------


def test_delete_stream(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    client.create_stream(StreamName="other")
    response = client.delete_stream(StreamARN=arn)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(response) == {"ResponseMetadata"}
    assert names(client) == ["other"]


def test_delete_stream_with_current_version(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    client.delete_stream(StreamARN=arn, CurrentVersion=info(client, "cam")["Version"])
    assert names(client) == []


def test_delete_stream_stale_version(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    old = info(client, "cam")["Version"]
    client.update_stream(StreamARN=arn, CurrentVersion=old, DeviceName="dev")
    with pytest.raises(ClientError) as excinfo:
        client.delete_stream(StreamARN=arn, CurrentVersion=old)
    assert error(excinfo) == ("VersionMismatchException", 400, STALE_VERSION)
    assert names(client) == ["cam"]


def test_delete_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.delete_stream(StreamARN=arn_of("ghost", REAL_MS))
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- UpdateStream --------------------------------------------------------------------------


def test_update_stream_changes_metadata_and_version(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", MediaType="video/h264", DataRetentionInHours=3)[
        "StreamARN"
    ]
    before = info(client, "cam")
    response = client.update_stream(
        StreamName="cam", CurrentVersion=before["Version"], DeviceName="porch-cam"
    )
    assert set(response) == {"ResponseMetadata"}
    after = info(client, "cam")
    assert after["DeviceName"] == "porch-cam"
    assert after["MediaType"] == "video/h264"  # not given: unchanged
    assert VERSION_RE.fullmatch(after["Version"])
    assert after["Version"] != before["Version"]
    unchanged = {k: v for k, v in after.items() if k not in ("DeviceName", "Version")}
    assert unchanged == {k: v for k, v in before.items() if k != "Version"}
    # By ARN, with the new version.
    client.update_stream(
        StreamARN=arn, CurrentVersion=after["Version"], MediaType="video/h265,audio/aac"
    )
    latest = info(client, "cam")
    assert latest["MediaType"] == "video/h265,audio/aac"
    assert latest["DeviceName"] == "porch-cam"
    assert latest["Version"] not in (before["Version"], after["Version"])


def test_update_stream_stale_version(client: Any) -> None:
    client.create_stream(StreamName="cam")
    old = info(client, "cam")["Version"]
    client.update_stream(StreamName="cam", CurrentVersion=old, DeviceName="one")
    current = info(client, "cam")
    with pytest.raises(ClientError) as excinfo:
        client.update_stream(StreamName="cam", CurrentVersion=old, DeviceName="two")
    assert error(excinfo) == ("VersionMismatchException", 400, STALE_VERSION)
    assert info(client, "cam") == current


def test_update_stream_unknown(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.update_stream(StreamName="ghost", CurrentVersion="abc", DeviceName="x")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- UpdateDataRetention -------------------------------------------------------------------


def _retention(client: Any, change: int, operation: str, version: str) -> Any:
    return client.update_data_retention(
        StreamName="cam",
        CurrentVersion=version,
        Operation=operation,
        DataRetentionChangeInHours=change,
    )


def test_update_data_retention_increase_and_decrease(client: Any) -> None:
    client.create_stream(StreamName="cam")
    v0 = info(client, "cam")["Version"]
    response = _retention(client, 24, "INCREASE_DATA_RETENTION", v0)
    assert set(response) == {"ResponseMetadata"}
    s1 = info(client, "cam")
    assert s1["DataRetentionInHours"] == 24
    assert s1["Version"] != v0
    _retention(client, 10, "DECREASE_DATA_RETENTION", s1["Version"])
    s2 = info(client, "cam")
    assert s2["DataRetentionInHours"] == 14
    assert s2["Version"] not in (v0, s1["Version"])
    assert VERSION_RE.fullmatch(s2["Version"])


def test_update_data_retention_bounds_are_inclusive(client: Any) -> None:
    client.create_stream(StreamName="cam", DataRetentionInHours=100)
    _retention(client, 87500, "INCREASE_DATA_RETENTION", info(client, "cam")["Version"])
    assert info(client, "cam")["DataRetentionInHours"] == 87600
    _retention(client, 87600, "DECREASE_DATA_RETENTION", info(client, "cam")["Version"])
    assert info(client, "cam")["DataRetentionInHours"] == 0


@pytest.mark.parametrize(
    ("start", "change", "operation", "result"),
    [
        (10, 11, "DECREASE_DATA_RETENTION", -1),
        (0, 1, "DECREASE_DATA_RETENTION", -1),
        (87000, 601, "INCREASE_DATA_RETENTION", 87601),
    ],
)
def test_update_data_retention_out_of_range(
    client: Any, start: int, change: int, operation: str, result: int
) -> None:
    client.create_stream(StreamName="cam", DataRetentionInHours=start)
    before = info(client, "cam")
    with pytest.raises(ClientError) as excinfo:
        _retention(client, change, operation, before["Version"])
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        f"The data retention period would become {result} hours; it must be between 0 and "
        "87600 hours.",
    )
    assert info(client, "cam") == before


def test_update_data_retention_stale_version(client: Any) -> None:
    client.create_stream(StreamName="cam")
    v0 = info(client, "cam")["Version"]
    _retention(client, 1, "INCREASE_DATA_RETENTION", v0)
    with pytest.raises(ClientError) as excinfo:
        _retention(client, 1, "INCREASE_DATA_RETENTION", v0)
    assert error(excinfo) == ("VersionMismatchException", 400, STALE_VERSION)
    assert info(client, "cam")["DataRetentionInHours"] == 1


def test_update_data_retention_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        _retention(client, 1, "INCREASE_DATA_RETENTION", "abc")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- TagStream / UntagStream / ListTagsForStream -------------------------------------------


def test_tags_round_trip_and_replace(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", Tags={"a": "1"})["StreamARN"]
    version = info(client, "cam")["Version"]
    response = client.tag_stream(StreamName="cam", Tags={"b": "2", "a": "one"})
    assert set(response) == {"ResponseMetadata"}
    client.tag_stream(StreamARN=arn, Tags={"c": ""})
    tags = client.list_tags_for_stream(StreamName="cam")
    assert tags["Tags"] == {"a": "one", "b": "2", "c": ""}
    assert "NextToken" not in tags
    assert client.list_tags_for_stream(StreamARN=arn)["Tags"] == tags["Tags"]
    # Tags are not stream metadata: the Version does not change.
    assert info(client, "cam")["Version"] == version


def test_list_tags_of_untagged_stream(client: Any) -> None:
    client.create_stream(StreamName="cam")
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {}


def test_untag_removes_keys_and_ignores_missing(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", Tags={"a": "1", "b": "2", "c": "3"})["StreamARN"]
    version = info(client, "cam")["Version"]
    client.untag_stream(StreamName="cam", TagKeyList=["a", "not-there"])
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {"b": "2", "c": "3"}
    client.untag_stream(StreamARN=arn, TagKeyList=["b", "c", "zzz"])
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {}
    client.untag_stream(StreamARN=arn, TagKeyList=["gone"])
    assert info(client, "cam")["Version"] == version


def test_fifty_tags_allowed_fifty_one_refused_whole(client: Any) -> None:
    tags = {f"k{i:02d}": str(i) for i in range(49)}
    client.create_stream(StreamName="cam", Tags=tags)
    with pytest.raises(ClientError) as excinfo:
        client.tag_stream(StreamName="cam", Tags={"new1": "x", "new2": "y", "k00": "changed"})
    assert error(excinfo) == (
        "TagsPerResourceExceededLimitException",
        400,
        "The resource can have at most 50 tags.",
    )
    # Nothing stored: no new key, and the existing key keeps its value.
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == tags
    client.tag_stream(StreamName="cam", Tags={"new1": "x", "k00": "changed"})
    stored = client.list_tags_for_stream(StreamName="cam")["Tags"]
    assert len(stored) == 50
    assert stored["k00"] == "changed"
    # At 50, replacing existing keys is still fine.
    client.tag_stream(StreamName="cam", Tags={"k01": "again"})
    assert client.list_tags_for_stream(StreamName="cam")["Tags"]["k01"] == "again"


def test_list_tags_next_token_is_refused(client: Any) -> None:
    client.create_stream(StreamName="cam", Tags={"a": "1"})
    with pytest.raises(ClientError) as excinfo:
        client.list_tags_for_stream(StreamName="cam", NextToken="abc")
    assert error(excinfo) == ("InvalidArgumentException", 400, "The NextToken is not valid.")


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.tag_stream(StreamName="ghost", Tags={"a": "1"}),
        lambda c: c.untag_stream(StreamName="ghost", TagKeyList=["a"]),
        lambda c: c.list_tags_for_stream(StreamName="ghost"),
    ],
    ids=["tag", "untag", "list"],
)
def test_tag_operations_on_unknown_stream(client: Any, call: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(client)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.tag_stream(Tags={"a": "1"}),
        lambda c: c.untag_stream(TagKeyList=["a"]),
        lambda c: c.list_tags_for_stream(),
        lambda c: c.update_stream(CurrentVersion="abc"),
        lambda c: c.get_data_endpoint(APIName="PUT_MEDIA"),
        lambda c: c.update_data_retention(
            CurrentVersion="abc", Operation="INCREASE_DATA_RETENTION", DataRetentionChangeInHours=1
        ),
    ],
    ids=["tag", "untag", "list-tags", "update", "endpoint", "retention"],
)
def test_operations_need_name_or_arn(client: Any, call: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        call(client)
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "Either StreamName or StreamARN must be specified.",
    )


# -- GetDataEndpoint -----------------------------------------------------------------------


def test_get_data_endpoint_fleets(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    s_hosts = {
        client.get_data_endpoint(StreamName="cam", APIName=a)["DataEndpoint"] for a in S_APIS
    }
    b_hosts = {client.get_data_endpoint(StreamARN=arn, APIName=a)["DataEndpoint"] for a in B_APIS}
    assert len(s_hosts) == 1
    assert len(b_hosts) == 1
    (s_host,) = s_hosts
    (b_host,) = b_hosts
    assert S_HOST.fullmatch(s_host)
    assert B_HOST.fullmatch(b_host)
    # The API name is not appended (API_GetDataEndpoint).
    assert not s_host.endswith("/putMedia")


def test_get_data_endpoint_is_stable_per_stream(client: Any) -> None:
    client.create_stream(StreamName="cam")
    client.create_stream(StreamName="other")
    first = client.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"]
    client.update_stream(
        StreamName="cam", CurrentVersion=info(client, "cam")["Version"], DeviceName="d"
    )
    client.tag_stream(StreamName="cam", Tags={"a": "b"})
    assert client.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")["DataEndpoint"] == first
    other = client.get_data_endpoint(StreamName="other", APIName="GET_MEDIA")["DataEndpoint"]
    assert other != first


def test_seeded_default_ids_are_pinned(kvsmock: KinesisVideoMock) -> None:
    # The default seed (0) and this exact call sequence give these ids. A change here changes
    # ids users may have pinned in their own tests: note it in the CHANGELOG.
    # Reads and failing calls before it draw only request ids, which have their own source,
    # so they do not shift these.
    client = boto3.client("kinesisvideo", region_name=REGION)
    client.list_streams()
    with pytest.raises(ClientError):
        client.describe_stream(StreamName="missing")
    client.create_stream(StreamName="cam")
    assert info(client, "cam")["Version"] == "thSEeXJKWojiggTPxyUT"
    put = client.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
    hls = client.get_data_endpoint(StreamName="cam", APIName="GET_HLS_STREAMING_SESSION_URL")
    assert put == "https://s-342f5d0a.kinesisvideo.us-east-1.amazonaws.com"
    assert hls["DataEndpoint"] == "https://b-3a5e4842.kinesisvideo.us-east-1.amazonaws.com"


def _ids_from_fresh_mock(seed: int) -> Tuple[str, str, str]:
    with mock_kinesisvideo(seed=seed):
        client = boto3.client("kinesisvideo", region_name=REGION)
        client.create_stream(StreamName="cam")
        version = info(client, "cam")["Version"]
        client.update_stream(StreamName="cam", CurrentVersion=version, DeviceName="d")
        return (
            version,
            info(client, "cam")["Version"],
            client.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"],
        )


def test_same_seed_same_ids_different_seed_different_ids() -> None:
    assert _ids_from_fresh_mock(7) == _ids_from_fresh_mock(7)
    a, b = _ids_from_fresh_mock(7), _ids_from_fresh_mock(8)
    assert all(x != y for x, y in zip(a, b))


def test_get_data_endpoint_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        client.get_data_endpoint(StreamName="ghost", APIName="PUT_MEDIA")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- asynchronous transitions (transition_seconds) -----------------------------------------

FIVE = dt.timedelta(seconds=5)
JUST_UNDER = dt.timedelta(seconds=4, milliseconds=999)


@pytest.mark.kvsmock(transition_seconds=5)
def test_creating_then_active(client: Any) -> None:
    with freeze_time(REAL_CREATED) as frozen:
        client.create_stream(StreamName="cam")
        assert info(client, "cam")["Status"] == "CREATING"
        assert client.list_streams()["StreamInfoList"][0]["Status"] == "CREATING"
        with pytest.raises(ClientError) as excinfo:
            client.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
        with pytest.raises(ClientError) as excinfo:
            client.update_stream(
                StreamName="cam", CurrentVersion=info(client, "cam")["Version"], DeviceName="d"
            )
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status; the operation needs an ACTIVE stream.",
        )
        with pytest.raises(ClientError) as excinfo:
            client.delete_stream(StreamARN=arn_of("cam", REAL_MS))
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status and cannot be deleted now.",
        )
        frozen.tick(JUST_UNDER)
        assert info(client, "cam")["Status"] == "CREATING"
        frozen.tick(dt.timedelta(milliseconds=1))
        stream = info(client, "cam")
        assert stream["Status"] == "ACTIVE"
        assert stream["CreationTime"] == REAL_CREATED
        assert S_HOST.fullmatch(
            client.get_data_endpoint(StreamName="cam", APIName="PUT_MEDIA")["DataEndpoint"]
        )


@pytest.mark.kvsmock(transition_seconds=5)
def test_updating_then_active(client: Any) -> None:
    with freeze_time(REAL_CREATED) as frozen:
        client.create_stream(StreamName="cam")
        frozen.tick(FIVE)
        v0 = info(client, "cam")["Version"]
        client.update_stream(StreamName="cam", CurrentVersion=v0, DeviceName="d")
        updating = info(client, "cam")
        assert updating["Status"] == "UPDATING"
        assert updating["DeviceName"] == "d"
        for call in (
            lambda: client.update_stream(
                StreamName="cam", CurrentVersion=updating["Version"], DeviceName="e"
            ),
            lambda: _retention(client, 1, "INCREASE_DATA_RETENTION", updating["Version"]),
        ):
            with pytest.raises(ClientError) as excinfo:
                call()
            assert error(excinfo) == (
                "ResourceInUseException",
                400,
                "The stream cam is in UPDATING status; the operation needs an ACTIVE stream.",
            )
        frozen.tick(JUST_UNDER)
        assert info(client, "cam")["Status"] == "UPDATING"
        frozen.tick(dt.timedelta(milliseconds=1))
        assert info(client, "cam")["Status"] == "ACTIVE"
        # UpdateDataRetention is asynchronous too.
        _retention(client, 2, "INCREASE_DATA_RETENTION", updating["Version"])
        assert info(client, "cam")["Status"] == "UPDATING"
        frozen.tick(FIVE)
        assert info(client, "cam")["Status"] == "ACTIVE"
        assert info(client, "cam")["DataRetentionInHours"] == 2


@pytest.mark.kvsmock(transition_seconds=5)
def test_deleting_then_gone(client: Any) -> None:
    with freeze_time(REAL_CREATED) as frozen:
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        frozen.tick(FIVE)
        client.delete_stream(StreamARN=arn)
        assert info(client, "cam")["Status"] == "DELETING"
        assert [
            (s["StreamName"], s["Status"]) for s in client.list_streams()["StreamInfoList"]
        ] == [("cam", "DELETING")]
        # The name stays taken while DELETING; deleting again finds no active stream.
        with pytest.raises(ClientError) as excinfo:
            client.create_stream(StreamName="cam")
        assert error(excinfo) == ("ResourceInUseException", 400, "The stream cam already exists.")
        with pytest.raises(ClientError) as excinfo:
            client.delete_stream(StreamARN=arn)
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
        with pytest.raises(ClientError) as excinfo:
            client.get_data_endpoint(StreamARN=arn, APIName="GET_MEDIA")
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
        frozen.tick(JUST_UNDER)
        assert info(client, "cam")["Status"] == "DELETING"
        frozen.tick(dt.timedelta(milliseconds=1))
        with pytest.raises(ClientError) as excinfo:
            client.describe_stream(StreamARN=arn)
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
        assert client.list_streams()["StreamInfoList"] == []
        new = client.create_stream(StreamName="cam")["StreamARN"]
        assert new == arn_of("cam", REAL_MS + 10_000)
        assert info(client, "cam")["Status"] == "CREATING"


# -- isolation -----------------------------------------------------------------------------

OTHER_KEY = "AKIAOTHERACCOUNT0001"
OTHER_ACCOUNT = "111111111111"


@pytest.mark.kvsmock(accounts={OTHER_KEY: OTHER_ACCOUNT})
def test_accounts_are_isolated(kvsmock: KinesisVideoMock, client: Any) -> None:
    other = boto3.client(
        "kinesisvideo",
        region_name=REGION,
        aws_access_key_id=OTHER_KEY,
        aws_secret_access_key="other-secret",
    )
    with freeze_time(REAL_CREATED):
        mine = client.create_stream(StreamName="cam", Tags={"owner": "me"})["StreamARN"]
        theirs = other.create_stream(StreamName="cam")["StreamARN"]
    assert mine == arn_of("cam", REAL_MS)
    assert theirs == arn_of("cam", REAL_MS, account=OTHER_ACCOUNT)
    assert info(other, "cam")["KmsKeyId"] == (
        f"arn:aws:kms:{REGION}:{OTHER_ACCOUNT}:alias/aws/kinesisvideo"
    )
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {"owner": "me"}
    assert other.list_tags_for_stream(StreamName="cam")["Tags"] == {}
    with pytest.raises(ClientError) as excinfo:
        other.describe_stream(StreamARN=mine)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    other.delete_stream(StreamARN=theirs)
    assert names(other) == []
    assert names(client) == ["cam"]
    assert [s.arn for s in kvsmock.state(account_id=OTHER_ACCOUNT).streams] == []
    assert [s.arn for s in kvsmock.state().streams] == [mine]


def test_regions_are_isolated(client: Any) -> None:
    west = boto3.client("kinesisvideo", region_name="us-west-2")
    with freeze_time(REAL_CREATED):
        east_arn = client.create_stream(StreamName="cam")["StreamARN"]
        west_arn = west.create_stream(StreamName="cam", DataRetentionInHours=5)["StreamARN"]
    assert west_arn == arn_of("cam", REAL_MS, region="us-west-2")
    assert info(client, "cam")["DataRetentionInHours"] == 0
    assert info(west, "cam")["DataRetentionInHours"] == 5
    assert re.fullmatch(
        r"https://b-[0-9a-f]{8}\.kinesisvideo\.us-west-2\.amazonaws\.com",
        west.get_data_endpoint(StreamName="cam", APIName="GET_CLIP")["DataEndpoint"],
    )
    client.delete_stream(StreamARN=east_arn)
    assert names(client) == []
    assert names(west) == ["cam"]


@pytest.mark.parametrize("run", [1, 2])
def test_state_does_not_leak_between_tests(client: Any, run: int) -> None:
    # Both runs must start empty, whichever runs first.
    assert client.list_streams()["StreamInfoList"] == []
    client.create_stream(StreamName="leak-check")
    assert names(client) == ["leak-check"]


@pytest.mark.kvsmock(transition_seconds=5, stream_limit=1)
def test_finished_deletion_frees_the_limit_slot(client: Any) -> None:
    with freeze_time(REAL_CREATED) as frozen:
        arn = client.create_stream(StreamName="old")["StreamARN"]
        frozen.tick(FIVE)
        client.delete_stream(StreamARN=arn)
        # While DELETING the stream still exists and still counts.
        with pytest.raises(ClientError) as excinfo:
            client.create_stream(StreamName="new")
        assert error(excinfo)[:2] == ("AccountStreamLimitExceededException", 400)
        frozen.tick(FIVE)
        # Deletion has finished even though nothing has looked at the stream since.
        client.create_stream(StreamName="new")
    assert names(client) == ["new"]
