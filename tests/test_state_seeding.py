"""Seeding and inspecting state without API calls: ``mock.state(account_id=..., region=...)``.

A seeded stream must be indistinguishable from one made by ``CreateStream``, and what the
API does must be visible through ``store.streams``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, mock_kinesisvideo
from kvsmock.errors import ServiceError
from kvsmock.state import Store, Stream

UTC = dt.timezone.utc
CREATED = dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)
CREATED_MS = 1616399399939
VERSION_RE = re.compile(r"[a-zA-Z0-9]{20}")


def test_seeded_stream_is_visible_through_the_api(kvsmock: KinesisVideoMock, client: Any) -> None:
    with freeze_time(CREATED):
        stream = kvsmock.state().create_stream(
            "cam-1",
            data_retention_in_hours=24,
            media_type="video/h264",
            device_name="porch",
            tags={"team": "video"},
        )
    assert isinstance(stream, Stream)
    assert stream.arn == f"arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-1/{CREATED_MS}"
    info = client.describe_stream(StreamName="cam-1")["StreamInfo"]
    assert info == {
        "StreamName": "cam-1",
        "StreamARN": stream.arn,
        "DeviceName": "porch",
        "MediaType": "video/h264",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",
        "Version": stream.version,
        "Status": "ACTIVE",
        "CreationTime": CREATED,
        "DataRetentionInHours": 24,
    }
    assert VERSION_RE.fullmatch(stream.version)
    assert client.list_tags_for_stream(StreamARN=stream.arn)["Tags"] == {"team": "video"}
    assert [s["StreamName"] for s in client.list_streams()["StreamInfoList"]] == ["cam-1"]
    endpoint = client.get_data_endpoint(StreamName="cam-1", APIName="PUT_MEDIA")["DataEndpoint"]
    assert endpoint == f"https://s-{stream.endpoint_ids['s']}.kinesisvideo.us-east-1.amazonaws.com"


def test_seeded_stream_can_be_changed_through_the_api(
    kvsmock: KinesisVideoMock, client: Any
) -> None:
    stream = kvsmock.state().create_stream("cam")
    old = stream.version
    client.update_stream(StreamName="cam", CurrentVersion=old, MediaType="video/h265")
    assert stream.media_type == "video/h265"
    assert stream.version != old
    client.delete_stream(StreamARN=stream.arn)
    assert kvsmock.state().streams == []


def test_seed_with_explicit_creation_time(kvsmock: KinesisVideoMock, client: Any) -> None:
    stream = kvsmock.state().create_stream("old-cam", now=CREATED)
    assert stream.creation_time == CREATED
    assert stream.arn.endswith(f"/old-cam/{CREATED_MS}")
    info = client.describe_stream(StreamARN=stream.arn)["StreamInfo"]
    assert info["CreationTime"] == CREATED


def test_api_changes_are_visible_in_the_store(kvsmock: KinesisVideoMock, client: Any) -> None:
    arn = client.create_stream(StreamName="b", DataRetentionInHours=5, Tags={"k": "v"})["StreamARN"]
    client.create_stream(StreamName="a")
    store = kvsmock.state()
    assert [s.name for s in store.streams] == ["a", "b"]  # name order
    b = store.streams[1]
    assert b.arn == arn
    assert b.data_retention_in_hours == 5
    assert b.tags == {"k": "v"}
    assert b.device_name is None
    assert b.media_type is None
    assert b.kms_key_id == "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo"
    assert b.storage_tier == "HOT"
    assert b.version == client.describe_stream(StreamName="b")["StreamInfo"]["Version"]
    assert store.find_stream("b") is b
    assert store.find_stream(arn=arn) is b
    assert store.status(b) == "ACTIVE"
    client.untag_stream(StreamARN=arn, TagKeyList=["k"])
    assert b.tags == {}


def test_storage_tier_from_create_stream(kvsmock: KinesisVideoMock, client: Any) -> None:
    client.create_stream(
        StreamName="warm", StreamStorageConfiguration={"DefaultStorageTier": "WARM"}
    )
    assert kvsmock.state().find_stream("warm").storage_tier == "WARM"


def test_store_lookups_raise_service_errors(kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    with pytest.raises(ServiceError) as excinfo:
        store.find_stream("ghost")
    assert (excinfo.value.code, excinfo.value.message) == (
        "ResourceNotFoundException",
        "The requested stream is not found or not active.",
    )
    store.create_stream("cam")
    with pytest.raises(ServiceError) as excinfo:
        store.create_stream("cam")
    assert (excinfo.value.code, excinfo.value.message) == (
        "ResourceInUseException",
        "The stream cam already exists.",
    )
    with pytest.raises(ServiceError) as excinfo:
        store.create_stream("long", data_retention_in_hours=87601)
    assert excinfo.value.code == "InvalidArgumentException"
    with pytest.raises(ServiceError) as excinfo:
        store.create_stream("tagged", tags={f"k{i}": "v" for i in range(51)})
    assert (excinfo.value.code, excinfo.value.message) == (
        "TagsPerResourceExceededLimitException",
        "The resource can have at most 50 tags.",
    )
    assert [s.name for s in store.streams] == ["cam"]


OTHER_KEY = "AKIAOTHERACCOUNT0001"
OTHER_ACCOUNT = "111111111111"


@pytest.mark.kvsmock(accounts={OTHER_KEY: OTHER_ACCOUNT})
def test_seed_another_account_and_region(kvsmock: KinesisVideoMock, client: Any) -> None:
    store = kvsmock.state(account_id=OTHER_ACCOUNT, region="eu-west-1")
    assert isinstance(store, Store)
    assert (store.account_id, store.region) == (OTHER_ACCOUNT, "eu-west-1")
    with freeze_time(CREATED):
        seeded = store.create_stream("theirs")
    assert (
        seeded.arn == f"arn:aws:kinesisvideo:eu-west-1:{OTHER_ACCOUNT}:stream/theirs/{CREATED_MS}"
    )
    assert seeded.kms_key_id == f"arn:aws:kms:eu-west-1:{OTHER_ACCOUNT}:alias/aws/kinesisvideo"
    theirs = boto3.client(
        "kinesisvideo",
        region_name="eu-west-1",
        aws_access_key_id=OTHER_KEY,
        aws_secret_access_key="other-secret",
    )
    assert [s["StreamName"] for s in theirs.list_streams()["StreamInfoList"]] == ["theirs"]
    # Not visible to the default account, nor to the other account in another region.
    mine_eu = boto3.client("kinesisvideo", region_name="eu-west-1")
    assert mine_eu.list_streams()["StreamInfoList"] == []
    assert client.list_streams()["StreamInfoList"] == []
    theirs_us = boto3.client(
        "kinesisvideo",
        region_name="us-east-1",
        aws_access_key_id=OTHER_KEY,
        aws_secret_access_key="other-secret",
    )
    with pytest.raises(ClientError) as excinfo:
        theirs_us.describe_stream(StreamName="theirs")
    assert excinfo.value.response["Error"]["Code"] == "ResourceNotFoundException"


def test_state_is_one_store_per_account_and_region(kvsmock: KinesisVideoMock) -> None:
    assert kvsmock.state() is kvsmock.state(account_id="123456789012", region="us-east-1")
    assert kvsmock.state(region="us-west-2") is not kvsmock.state()
    assert kvsmock.state(account_id="111111111111") is not kvsmock.state()


@pytest.mark.parametrize(
    ("region", "prefix", "kms"),
    [
        ("cn-north-1", "arn:aws-cn:kinesisvideo:cn-north-1:", "arn:aws-cn:kms:cn-north-1:"),
        ("us-gov-west-1", "arn:aws-us-gov:kinesisvideo:us-gov-west-1:", "arn:aws-us-gov:kms:"),
    ],
)
def test_seeded_partition_follows_region(
    kvsmock: KinesisVideoMock, region: str, prefix: str, kms: str
) -> None:
    store = kvsmock.state(region=region)
    assert store.partition == prefix.split(":")[1]
    stream = store.create_stream("cam")
    assert stream.arn.startswith(prefix + "123456789012:stream/cam/")
    assert stream.kms_key_id.startswith(kms)


@pytest.mark.kvsmock(transition_seconds=5)
def test_seeded_streams_follow_transitions(kvsmock: KinesisVideoMock, client: Any) -> None:
    with freeze_time(CREATED) as frozen:
        store = kvsmock.state()
        stream = store.create_stream("cam")
        assert store.status(stream) == "CREATING"
        assert client.describe_stream(StreamName="cam")["StreamInfo"]["Status"] == "CREATING"
        frozen.tick(dt.timedelta(seconds=5))
        assert store.status(stream) == "ACTIVE"
        client.delete_stream(StreamARN=stream.arn)
        assert [(s.name, store.status(s)) for s in store.streams] == [("cam", "DELETING")]
        frozen.tick(dt.timedelta(seconds=5))
        assert store.streams == []


def test_reset_forgets_everything_and_reseeds() -> None:
    mock = mock_kinesisvideo(seed=3)
    first = mock.state().create_stream("cam")
    mock.state(region="us-west-2").create_stream("west")
    mock.reset()
    assert mock.state().streams == []
    assert mock.state(region="us-west-2").streams == []
    again = mock.state().create_stream("cam", now=first.creation_time)
    # Same seed and calls after reset: the same ids.
    assert (again.version, again.endpoint_ids) == (first.version, first.endpoint_ids)


def test_seeding_works_before_start_and_survives_it() -> None:
    mock = mock_kinesisvideo()
    stream = mock.state().create_stream("pre-seeded")
    with mock:
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        info = client.describe_stream(StreamName="pre-seeded")["StreamInfo"]
    assert info["StreamARN"] == stream.arn
