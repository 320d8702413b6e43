"""Describe/UpdateImageGenerationConfiguration through boto3.

Expected values come from the API reference (API_UpdateImageGenerationConfiguration,
API_ImageGenerationConfiguration) and the botocore model: ``SamplingInterval`` is at least
200 ms, the one ``FormatConfig`` key ``JPEGQuality`` takes an integer from 1 to 100 (80 by
default), images go to an S3 bucket in the stream's Region, enabling needs data retention
(NoDataRetentionException) and an ACTIVE stream (ResourceInUseException), and a null
configuration deletes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import boto3
import pytest
from assertions import error, without_metadata
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock
from kvsmock.errors import ServiceError
from kvsmock.state import ImageGenerationConfiguration

REGION = "us-east-1"
NOT_FOUND = "The requested stream is not found or not active."
NO_RETENTION = "The data retention in hours of the stream cam is equal to zero."
T0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)

#: The example of the developer guide (gs-s3Delivery.html).
FULL: Dict[str, Any] = {
    "Status": "ENABLED",
    "ImageSelectorType": "PRODUCER_TIMESTAMP",
    "DestinationConfig": {"Uri": "s3://bucket-name", "DestinationRegion": "us-east-1"},
    "SamplingInterval": 200,
    "Format": "JPEG",
    "FormatConfig": {"JPEGQuality": "80"},
    "WidthPixels": 320,
    "HeightPixels": 240,
}
#: Only the required members.
MINIMAL: Dict[str, Any] = {
    "Status": "ENABLED",
    "ImageSelectorType": "SERVER_TIMESTAMP",
    "DestinationConfig": {"Uri": "s3://images.example/cam-1/", "DestinationRegion": "us-east-1"},
    "SamplingInterval": 1000,
    "Format": "PNG",
}


def described(client: Any, **ident: str) -> Dict[str, Any]:
    return without_metadata(client.describe_image_generation_configuration(**ident))


def with_(base: Dict[str, Any], **members: Any) -> Dict[str, Any]:
    return {**base, **members}


# -- success paths -------------------------------------------------------------------------


def test_a_new_stream_has_no_configuration(client: Any, cam: str) -> None:
    assert described(client, StreamName="cam") == {}
    assert described(client, StreamARN=cam) == {}


def test_update_then_describe_by_name_and_by_arn(client: Any, cam: str) -> None:
    response = client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert set(response) == {"ResponseMetadata"}
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": FULL}
    assert described(client, StreamARN=cam) == {"ImageGenerationConfiguration": FULL}


def test_update_by_arn(client: Any, cam: str) -> None:
    client.update_image_generation_configuration(StreamARN=cam, ImageGenerationConfiguration=FULL)
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": FULL}


def test_optional_members_are_only_echoed_when_given(client: Any, cam: str) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=MINIMAL
    )
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": MINIMAL}


def test_typed_state(client: Any, cam: str, kvsmock: KinesisVideoMock) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    config = kvsmock.state().find_stream("cam").image_generation_configuration
    assert config == ImageGenerationConfiguration(
        status="ENABLED",
        image_selector_type="PRODUCER_TIMESTAMP",
        destination_uri="s3://bucket-name",
        destination_region="us-east-1",
        sampling_interval=200,
        format="JPEG",
        format_config={"JPEGQuality": "80"},
        width_pixels=320,
        height_pixels=240,
    )
    assert config is not None
    assert config.enabled is True
    assert config.jpeg_quality == 80
    assert config.to_api() == FULL


@pytest.mark.parametrize(
    ("members", "quality"),
    [
        ({"Format": "JPEG"}, 80),  # documented default
        ({"Format": "JPEG", "FormatConfig": {"JPEGQuality": "1"}}, 1),
        ({"Format": "JPEG", "FormatConfig": {"JPEGQuality": "100"}}, 100),
        ({"Format": "PNG"}, None),
    ],
)
def test_effective_jpeg_quality(
    client: Any, cam: str, kvsmock: KinesisVideoMock, members: Dict[str, Any], quality: Any
) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=with_(MINIMAL, **members)
    )
    config = kvsmock.state().find_stream("cam").image_generation_configuration
    assert config is not None
    assert config.jpeg_quality == quality


def test_seeding_through_state_shows_in_describe(
    client: Any, cam: str, kvsmock: KinesisVideoMock
) -> None:
    stream = kvsmock.state().find_stream("cam")
    stream.image_generation_configuration = ImageGenerationConfiguration.from_api(MINIMAL)
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": MINIMAL}


@pytest.mark.parametrize(
    "members",
    [
        {"SamplingInterval": 200},  # the documented minimum
        {"SamplingInterval": 86_400_000},  # no documented maximum
        {"WidthPixels": 3840, "HeightPixels": 2160},
        {"WidthPixels": 1},  # alone: the height keeps the aspect ratio
        {"HeightPixels": 1},
        {"Format": "JPEG", "FormatConfig": {"JPEGQuality": "1"}},
        {"Format": "JPEG", "FormatConfig": {"JPEGQuality": "100"}},
        {"Format": "PNG", "FormatConfig": {"JPEGQuality": "50"}},  # accepted, unused
        {"DestinationConfig": {"Uri": "s3://a.b-c/x/y/z", "DestinationRegion": "us-east-1"}},
        {"DestinationConfig": {"Uri": "s3://abc", "DestinationRegion": "us-east-1"}},
        {"Status": "DISABLED"},
    ],
)
def test_boundary_values_are_accepted(client: Any, cam: str, members: Dict[str, Any]) -> None:
    config = with_(MINIMAL, **members)
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=config
    )
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": config}


def test_an_update_replaces_the_whole_configuration(client: Any, cam: str) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=MINIMAL
    )
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": MINIMAL}


def test_a_null_configuration_deletes_it(client: Any, cam: str, kvsmock: KinesisVideoMock) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    client.update_image_generation_configuration(StreamName="cam")
    assert described(client, StreamName="cam") == {}
    assert kvsmock.state().find_stream("cam").image_generation_configuration is None
    client.update_image_generation_configuration(StreamName="cam")  # deleting again is fine
    assert described(client, StreamName="cam") == {}


def test_the_update_keeps_the_stream_version_and_status(client: Any, cam: str) -> None:
    before = client.describe_stream(StreamName="cam")["StreamInfo"]
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    after = client.describe_stream(StreamName="cam")["StreamInfo"]
    assert after == before
    assert after["Status"] == "ACTIVE"


def test_in_another_region_the_destination_is_that_region(kvsmock: KinesisVideoMock) -> None:
    west = boto3.client("kinesisvideo", region_name="eu-west-1")
    west.create_stream(StreamName="cam", DataRetentionInHours=1)
    config = with_(
        FULL, DestinationConfig={"Uri": "s3://bucket-name", "DestinationRegion": "eu-west-1"}
    )
    west.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=config
    )
    assert described(west, StreamName="cam") == {"ImageGenerationConfiguration": config}


# -- data retention --------------------------------------------------------------------------


def test_enabling_on_a_stream_without_retention_fails_until_retention_is_added(
    client: Any, kvsmock: KinesisVideoMock
) -> None:
    client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        client.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=FULL
        )
    assert error(excinfo) == ("NoDataRetentionException", 400, NO_RETENTION)
    assert described(client, StreamName="cam") == {}

    version = client.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    client.update_data_retention(
        StreamName="cam",
        CurrentVersion=version,
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=1,
    )
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=FULL
    )
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": FULL}


def test_a_disabled_configuration_needs_no_retention(client: Any) -> None:
    client.create_stream(StreamName="cam")
    disabled = with_(FULL, Status="DISABLED")
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=disabled
    )
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": disabled}
    client.update_image_generation_configuration(StreamName="cam")  # delete
    assert described(client, StreamName="cam") == {}


# -- stream status ---------------------------------------------------------------------------


@pytest.mark.kvsmock(transition_seconds=5)
def test_a_stream_that_is_not_active_is_in_use(client: Any) -> None:
    with freeze_time(T0) as clock:
        client.create_stream(StreamName="cam", DataRetentionInHours=24)
        with pytest.raises(ClientError) as excinfo:
            client.update_image_generation_configuration(
                StreamName="cam", ImageGenerationConfiguration=FULL
            )
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status; the operation needs an ACTIVE stream.",
        )
        assert described(client, StreamName="cam") == {}  # Describe works in any status
        clock.tick(5)
        client.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=FULL
        )
        version = client.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
        client.update_stream(StreamName="cam", CurrentVersion=version, MediaType="video/h264")
        with pytest.raises(ClientError) as excinfo:
            client.update_image_generation_configuration(StreamName="cam")
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in UPDATING status; the operation needs an ACTIVE stream.",
        )
        assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": FULL}


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op", ["describe_image_generation_configuration", "update_image_generation_configuration"]
)
def test_unknown_stream(client: Any, op: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(StreamName="nope")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.parametrize(
    "op", ["describe_image_generation_configuration", "update_image_generation_configuration"]
)
def test_arn_of_a_deleted_stream(client: Any, cam: str, op: str) -> None:
    client.delete_stream(StreamARN=cam)
    client.create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(StreamARN=cam)
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.parametrize(
    "op", ["describe_image_generation_configuration", "update_image_generation_configuration"]
)
def test_neither_name_nor_arn(client: Any, op: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)()
    assert error(excinfo) == (
        "InvalidArgumentException",
        400,
        "Either StreamName or StreamARN must be specified.",
    )


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            {"SamplingInterval": 199},
            "1 validation error detected: Value '199' at "
            "'imageGenerationConfiguration.samplingInterval' failed to satisfy constraint: "
            "Member must have value greater than or equal to 200",
        ),
        (
            {"SamplingInterval": 0},
            "1 validation error detected: Value '0' at "
            "'imageGenerationConfiguration.samplingInterval' failed to satisfy constraint: "
            "Member must have value greater than or equal to 200",
        ),
        (
            {"FormatConfig": {"JPEGQuality": "0"}},
            "The FormatConfig value of JPEGQuality must be an integer from 1 to 100, not '0'.",
        ),
        (
            {"FormatConfig": {"JPEGQuality": "101"}},
            "The FormatConfig value of JPEGQuality must be an integer from 1 to 100, not '101'.",
        ),
        (
            {"FormatConfig": {"JPEGQuality": "high"}},
            "The FormatConfig value of JPEGQuality must be an integer from 1 to 100, not 'high'.",
        ),
        (
            {"DestinationConfig": {"Uri": "https://bucket/x", "DestinationRegion": "us-east-1"}},
            "The DestinationConfig Uri 'https://bucket/x' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>]).",
        ),
        (
            {"DestinationConfig": {"Uri": "s3:bucket", "DestinationRegion": "us-east-1"}},
            "The DestinationConfig Uri 's3:bucket' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>]).",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://Bucket_Name", "DestinationRegion": "us-east-1"}},
            "The DestinationConfig Uri 's3://Bucket_Name' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>]).",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://ab", "DestinationRegion": "us-east-1"}},
            "The DestinationConfig Uri 's3://ab' is not an Amazon S3 URI "
            "(s3://<bucket>[/<prefix>]).",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://bucket-name", "DestinationRegion": "us-west-2"}},
            "The DestinationRegion us-west-2 must match the Region of the stream, us-east-1.",
        ),
    ],
)
def test_documented_rules_beyond_the_model(
    client: Any, cam: str, members: Dict[str, Any], message: str
) -> None:
    client.update_image_generation_configuration(
        StreamName="cam", ImageGenerationConfiguration=MINIMAL
    )
    with pytest.raises(ClientError) as excinfo:
        client.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=with_(FULL, **members)
        )
    assert error(excinfo) == ("InvalidArgumentException", 400, message)
    # Nothing changed.
    assert described(client, StreamName="cam") == {"ImageGenerationConfiguration": MINIMAL}


def test_invalid_input_wins_over_missing_retention(client: Any) -> None:
    client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        client.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=with_(FULL, SamplingInterval=100)
        )
    assert error(excinfo)[0] == "InvalidArgumentException"


@pytest.mark.parametrize(
    ("members", "message"),
    [
        (
            {"Format": "GIF"},
            "1 validation error detected: Value 'GIF' at 'imageGenerationConfiguration.format' "
            "failed to satisfy constraint: Member must satisfy enum value set: [JPEG, PNG]",
        ),
        (
            {"ImageSelectorType": "CLOCK"},
            "1 validation error detected: Value 'CLOCK' at "
            "'imageGenerationConfiguration.imageSelectorType' failed to satisfy constraint: "
            "Member must satisfy enum value set: [SERVER_TIMESTAMP, PRODUCER_TIMESTAMP]",
        ),
        (
            {"Status": "ON"},
            "1 validation error detected: Value 'ON' at 'imageGenerationConfiguration.status' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[ENABLED, DISABLED]",
        ),
        (
            {"FormatConfig": {"Quality": "80"}},
            "1 validation error detected: Value '{Quality=80}' at "
            "'imageGenerationConfiguration.formatConfig' failed to satisfy constraint: "
            "Map keys must satisfy constraint: [Member must satisfy enum value set: "
            "[JPEGQuality]]",
        ),
        (
            {"FormatConfig": {"JPEGQuality": "8.5"}},
            "1 validation error detected: Value '{JPEGQuality=8.5}' at "
            "'imageGenerationConfiguration.formatConfig' failed to satisfy constraint: "
            "Map value must satisfy constraint: [Member must satisfy regular expression "
            "pattern: ^[a-zA-Z_0-9]+]",
        ),
        (
            {"WidthPixels": 3841},
            "1 validation error detected: Value '3841' at "
            "'imageGenerationConfiguration.widthPixels' failed to satisfy constraint: "
            "Member must have value less than or equal to 3840",
        ),
        (
            {"HeightPixels": 2161},
            "1 validation error detected: Value '2161' at "
            "'imageGenerationConfiguration.heightPixels' failed to satisfy constraint: "
            "Member must have value less than or equal to 2160",
        ),
        (
            {"HeightPixels": 0},
            "1 validation error detected: Value '0' at "
            "'imageGenerationConfiguration.heightPixels' failed to satisfy constraint: "
            "Member must have value greater than or equal to 1",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://bucket/*", "DestinationRegion": "us-east-1"}},
            "1 validation error detected: Value 's3://bucket/*' at "
            "'imageGenerationConfiguration.destinationConfig.uri' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: "
            "^[a-zA-Z_0-9]+:(//)?([^/]+)/?([^*]*)$",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://bucket-name", "DestinationRegion": "US-EAST-1"}},
            "1 validation error detected: Value 'US-EAST-1' at "
            "'imageGenerationConfiguration.destinationConfig.destinationRegion' failed to "
            "satisfy constraint: Member must satisfy regular expression pattern: "
            "^[a-z]+(-[a-z]+)?-[a-z]+-[0-9]$",
        ),
        (
            {"DestinationConfig": {"Uri": "s3://bucket-name"}},
            "1 validation error detected: Value null at "
            "'imageGenerationConfiguration.destinationConfig.destinationRegion' failed to "
            "satisfy constraint: Member must not be null",
        ),
    ],
)
def test_model_constraints(raw_client: Any, members: Dict[str, Any], message: str) -> None:
    raw_client.create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as excinfo:
        raw_client.update_image_generation_configuration(
            StreamName="cam", ImageGenerationConfiguration=with_(FULL, **members)
        )
    assert error(excinfo) == ("InvalidArgumentException", 400, message)
    assert described(raw_client, StreamName="cam") == {}


def test_store_method_enforces_the_same_rules(kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    stream = store.create_stream("cam")
    config = ImageGenerationConfiguration.from_api(FULL)
    with pytest.raises(ServiceError) as excinfo:
        store.update_image_generation_configuration(stream, config)
    assert (excinfo.value.code, excinfo.value.message) == ("NoDataRetentionException", NO_RETENTION)
    stream.data_retention_in_hours = 2
    store.update_image_generation_configuration(stream, config)
    assert stream.image_generation_configuration == config
