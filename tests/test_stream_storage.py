"""Describe/UpdateStreamStorageConfiguration through boto3.

Expected values come from the API reference and the botocore model: the tiers are HOT and
WARM, HOT by default (API_CreateStream); Describe returns StreamName, StreamARN and
StreamStorageConfiguration; Update needs CurrentVersion (VersionMismatchException "The
stream version that you specified is not the latest version."), gives the stream a new
Version and is asynchronous like UpdateStream (UPDATING, then ACTIVE).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Dict

import pytest
from assertions import error, without_metadata
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock
from kvsmock.errors import ServiceError

NOT_FOUND = "The requested stream is not found or not active."
STALE_VERSION = "The stream version that you specified is not the latest version."
VERSION_RE = re.compile(r"[a-zA-Z0-9]{20}")
T0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def described(client: Any, **ident: str) -> Dict[str, Any]:
    return without_metadata(client.describe_stream_storage_configuration(**ident))


def info(client: Any, name: str = "cam") -> Dict[str, Any]:
    return dict(client.describe_stream(StreamName=name)["StreamInfo"])


def update(client: Any, tier: str, version: str, **ident: str) -> Dict[str, Any]:
    ident = ident or {"StreamName": "cam"}
    return dict(
        client.update_stream_storage_configuration(
            CurrentVersion=version,
            StreamStorageConfiguration={"DefaultStorageTier": tier},
            **ident,
        )
    )


# -- Describe ---------------------------------------------------------------------------------


def test_a_new_stream_is_hot_by_default(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    expected = {
        "StreamName": "cam",
        "StreamARN": arn,
        "StreamStorageConfiguration": {"DefaultStorageTier": "HOT"},
    }
    assert described(client, StreamName="cam") == expected
    assert described(client, StreamARN=arn) == expected


def test_a_stream_created_warm_is_warm(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_stream(
        StreamName="cold-cam", StreamStorageConfiguration={"DefaultStorageTier": "WARM"}
    )["StreamARN"]
    assert described(client, StreamARN=arn) == {
        "StreamName": "cold-cam",
        "StreamARN": arn,
        "StreamStorageConfiguration": {"DefaultStorageTier": "WARM"},
    }
    assert kvsmock.state().find_stream("cold-cam").storage_tier == "WARM"


# -- Update -----------------------------------------------------------------------------------


def test_update_changes_the_tier_and_the_version(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    before = info(client)
    response = update(client, "WARM", before["Version"])
    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert described(client, StreamName="cam") == {
        "StreamName": "cam",
        "StreamARN": arn,
        "StreamStorageConfiguration": {"DefaultStorageTier": "WARM"},
    }
    after = info(client)
    assert VERSION_RE.fullmatch(after["Version"])
    assert after["Version"] != before["Version"]
    assert {k: v for k, v in after.items() if k != "Version"} == {
        k: v for k, v in before.items() if k != "Version"
    }
    assert after["Status"] == "ACTIVE"
    stream = kvsmock.state().find_stream("cam")
    assert (stream.storage_tier, stream.version) == ("WARM", after["Version"])
    listed = client.list_streams()["StreamInfoList"]
    assert [s["Version"] for s in listed] == [after["Version"]]


def test_update_by_arn_and_back(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    update(client, "WARM", info(client)["Version"], StreamARN=arn)
    update(client, "HOT", info(client)["Version"], StreamARN=arn)
    assert described(client, StreamName="cam")["StreamStorageConfiguration"] == {
        "DefaultStorageTier": "HOT"
    }


def test_setting_the_same_tier_is_accepted_and_rotates_the_version(client: Any) -> None:
    client.create_stream(StreamName="cam")
    first = info(client)["Version"]
    update(client, "HOT", first)
    second = info(client)["Version"]
    assert second != first
    assert described(client, StreamName="cam")["StreamStorageConfiguration"] == {
        "DefaultStorageTier": "HOT"
    }


def test_a_stale_version_is_a_mismatch(client: Any) -> None:
    client.create_stream(StreamName="cam")
    old = info(client)["Version"]
    update(client, "WARM", old)
    with pytest.raises(ClientError) as excinfo:
        update(client, "HOT", old)
    assert error(excinfo) == ("VersionMismatchException", 400, STALE_VERSION)
    assert described(client, StreamName="cam")["StreamStorageConfiguration"] == {
        "DefaultStorageTier": "WARM"
    }


def test_a_version_from_another_update_api_is_checked_too(client: Any) -> None:
    client.create_stream(StreamName="cam")
    old = info(client)["Version"]
    client.update_stream(StreamName="cam", CurrentVersion=old, MediaType="video/h264")
    with pytest.raises(ClientError) as excinfo:
        update(client, "WARM", old)
    assert error(excinfo) == ("VersionMismatchException", 400, STALE_VERSION)
    update(client, "WARM", info(client)["Version"])  # the new Version works


# -- asynchronous update ----------------------------------------------------------------------


@pytest.mark.kvsmock(transition_seconds=5)
def test_update_is_asynchronous(client: Any) -> None:
    with freeze_time(T0) as clock:
        client.create_stream(StreamName="cam")
        version = info(client)["Version"]
        with pytest.raises(ClientError) as excinfo:
            update(client, "WARM", version)
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(5)
        assert info(client)["Status"] == "ACTIVE"
        update(client, "WARM", version)
        updated = info(client)
        assert updated["Status"] == "UPDATING"
        # Describe shows the new tier at once, while the stream is UPDATING.
        assert described(client, StreamName="cam")["StreamStorageConfiguration"] == {
            "DefaultStorageTier": "WARM"
        }
        with pytest.raises(ClientError) as excinfo:
            update(client, "HOT", updated["Version"])
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in UPDATING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(4.999)
        assert info(client)["Status"] == "UPDATING"
        clock.tick(0.001)
        assert info(client)["Status"] == "ACTIVE"
        update(client, "HOT", updated["Version"])
        assert described(client, StreamName="cam")["StreamStorageConfiguration"] == {
            "DefaultStorageTier": "HOT"
        }


@pytest.mark.kvsmock(transition_seconds=5)
def test_a_deleting_stream_can_still_be_described(client: Any) -> None:
    with freeze_time(T0) as clock:
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        clock.tick(5)
        client.delete_stream(StreamARN=arn)
        assert described(client, StreamName="cam")["StreamName"] == "cam"
        with pytest.raises(ClientError) as excinfo:
            update(client, "WARM", info(client)["Version"])
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in DELETING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(5)
        with pytest.raises(ClientError) as excinfo:
            described(client, StreamName="cam")
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- errors ----------------------------------------------------------------------------------


def test_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as excinfo:
        described(client, StreamName="nope")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        update(client, "WARM", "abc", StreamName="nope")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_arn_of_an_earlier_stream_of_the_same_name(client: Any) -> None:
    old = client.create_stream(StreamName="cam")["StreamARN"]
    client.delete_stream(StreamARN=old)
    client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        described(client, StreamARN=old)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        update(client, "WARM", info(client)["Version"], StreamARN=old)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


def test_neither_name_nor_arn(client: Any) -> None:
    message = "Either StreamName or StreamARN must be specified."
    with pytest.raises(ClientError) as excinfo:
        client.describe_stream_storage_configuration()
    assert error(excinfo) == ("InvalidArgumentException", 400, message)
    with pytest.raises(ClientError) as excinfo:
        client.update_stream_storage_configuration(
            CurrentVersion="abc", StreamStorageConfiguration={"DefaultStorageTier": "HOT"}
        )
    assert error(excinfo) == ("InvalidArgumentException", 400, message)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"CurrentVersion": "abc", "StreamStorageConfiguration": {"DefaultStorageTier": "COLD"}},
            "1 validation error detected: Value 'COLD' at "
            "'streamStorageConfiguration.defaultStorageTier' failed to satisfy constraint: "
            "Member must satisfy enum value set: [HOT, WARM]",
        ),
        (
            {"StreamStorageConfiguration": {"DefaultStorageTier": "HOT"}},
            "1 validation error detected: Value null at 'currentVersion' failed to satisfy "
            "constraint: Member must not be null",
        ),
        (
            {"CurrentVersion": "abc"},
            "1 validation error detected: Value null at 'streamStorageConfiguration' failed "
            "to satisfy constraint: Member must not be null",
        ),
        (
            {"CurrentVersion": "abc", "StreamStorageConfiguration": {}},
            "1 validation error detected: Value null at "
            "'streamStorageConfiguration.defaultStorageTier' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            {"CurrentVersion": "bad!", "StreamStorageConfiguration": {"DefaultStorageTier": "HOT"}},
            "1 validation error detected: Value 'bad!' at 'currentVersion' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9]+",
        ),
        (
            {
                "CurrentVersion": "a" * 65,
                "StreamStorageConfiguration": {"DefaultStorageTier": "HOT"},
            },
            "1 validation error detected: Value '"
            + "a" * 65
            + "' at 'currentVersion' failed to satisfy constraint: Member must have length "
            "less than or equal to 64",
        ),
    ],
)
def test_model_constraints(raw_client: Any, params: Dict[str, Any], message: str) -> None:
    raw_client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        raw_client.update_stream_storage_configuration(StreamName="cam", **params)
    assert error(excinfo) == ("InvalidArgumentException", 400, message)
    assert described(raw_client, StreamName="cam")["StreamStorageConfiguration"] == {
        "DefaultStorageTier": "HOT"
    }


def test_store_method(kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    stream = store.create_stream("cam")
    version = stream.version
    store.update_storage_tier(stream, "WARM")
    assert (stream.storage_tier, store.status(stream)) == ("WARM", "ACTIVE")
    assert stream.version != version
    with pytest.raises(ServiceError) as excinfo:
        store.update_storage_tier(stream, "COLD")
    assert (excinfo.value.code, excinfo.value.message) == (
        "InvalidArgumentException",
        "1 validation error detected: Value 'COLD' at "
        "'streamStorageConfiguration.defaultStorageTier' failed to satisfy constraint: "
        "Member must satisfy enum value set: [HOT, WARM]",
    )
    assert stream.storage_tier == "WARM"
