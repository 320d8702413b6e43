"""Describe/UpdateNotificationConfiguration through boto3.

Expected values come from the API reference (API_UpdateNotificationConfiguration,
API_NotificationConfiguration), the developer guide (notifications.html: Kinesis Video
Streams publishes to Amazon SNS standard topics; FIFO topics are not supported; cross-account
topics are allowed) and the botocore model. Enabling needs data retention
(NoDataRetentionException) and an ACTIVE stream (ResourceInUseException); a null
configuration deletes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict

import pytest
from assertions import error, without_metadata
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock
from kvsmock.errors import ServiceError
from kvsmock.state import NotificationConfiguration

NOT_FOUND = "The requested stream is not found or not active."
NO_RETENTION = "The data retention in hours of the stream cam is equal to zero."
TOPIC = "arn:aws:sns:us-east-1:123456789012:kvs-notifications"
T0 = dt.datetime(2024, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)
ENABLED: Dict[str, Any] = {"Status": "ENABLED", "DestinationConfig": {"Uri": TOPIC}}
DISABLED: Dict[str, Any] = {"Status": "DISABLED", "DestinationConfig": {"Uri": TOPIC}}


def described(client: Any, **ident: str) -> Dict[str, Any]:
    return without_metadata(client.describe_notification_configuration(**ident))


def with_uri(uri: str, status: str = "ENABLED") -> Dict[str, Any]:
    return {"Status": status, "DestinationConfig": {"Uri": uri}}


# -- success paths -------------------------------------------------------------------------


def test_a_new_stream_has_no_configuration(client: Any, cam: str) -> None:
    assert described(client, StreamName="cam") == {}
    assert described(client, StreamARN=cam) == {}


def test_update_then_describe(client: Any, cam: str) -> None:
    response = client.update_notification_configuration(
        StreamName="cam", NotificationConfiguration=ENABLED
    )
    assert set(response) == {"ResponseMetadata"}
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert described(client, StreamName="cam") == {"NotificationConfiguration": ENABLED}
    assert described(client, StreamARN=cam) == {"NotificationConfiguration": ENABLED}


def test_update_by_arn(client: Any, cam: str) -> None:
    client.update_notification_configuration(StreamARN=cam, NotificationConfiguration=DISABLED)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": DISABLED}


def test_typed_state(client: Any, cam: str, kvsmock: KinesisVideoMock) -> None:
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    config = kvsmock.state().find_stream("cam").notification_configuration
    assert config == NotificationConfiguration(status="ENABLED", destination_uri=TOPIC)
    assert config is not None
    assert config.enabled is True
    assert config.to_api() == ENABLED


def test_seeding_through_state_shows_in_describe(
    client: Any, cam: str, kvsmock: KinesisVideoMock
) -> None:
    stream = kvsmock.state().find_stream("cam")
    stream.notification_configuration = NotificationConfiguration("DISABLED", TOPIC)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": DISABLED}


@pytest.mark.parametrize(
    "uri",
    [
        TOPIC,
        "arn:aws:sns:eu-west-1:123456789012:other-region",
        "arn:aws:sns:us-east-1:210987654321:other_account",  # cross-account publishing
        "arn:aws-cn:sns:cn-north-1:123456789012:china",
        "arn:aws:sns:us-east-1:123456789012:" + "t" * 220,  # 255 chars, the model maximum
    ],
)
def test_sns_standard_topics_are_accepted(client: Any, cam: str, uri: str) -> None:
    client.update_notification_configuration(
        StreamName="cam", NotificationConfiguration=with_uri(uri)
    )
    assert described(client, StreamName="cam") == {"NotificationConfiguration": with_uri(uri)}


def test_an_update_replaces_and_a_null_one_deletes(
    client: Any, cam: str, kvsmock: KinesisVideoMock
) -> None:
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    other = with_uri("arn:aws:sns:us-east-1:123456789012:other", "DISABLED")
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=other)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": other}
    client.update_notification_configuration(StreamName="cam")
    assert described(client, StreamName="cam") == {}
    assert kvsmock.state().find_stream("cam").notification_configuration is None


def test_the_update_keeps_the_stream_version(client: Any, cam: str) -> None:
    before = client.describe_stream(StreamName="cam")["StreamInfo"]
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    assert client.describe_stream(StreamName="cam")["StreamInfo"] == before


def test_notification_and_image_configurations_are_independent(client: Any, cam: str) -> None:
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    assert client.describe_image_generation_configuration(StreamName="cam").keys() == {
        "ResponseMetadata"
    }
    client.update_image_generation_configuration(StreamName="cam")
    assert described(client, StreamName="cam") == {"NotificationConfiguration": ENABLED}


# -- data retention --------------------------------------------------------------------------


def test_enabling_without_retention_fails_until_retention_is_added(client: Any) -> None:
    client.create_stream(StreamName="cam")
    with pytest.raises(ClientError) as excinfo:
        client.update_notification_configuration(
            StreamName="cam", NotificationConfiguration=ENABLED
        )
    assert error(excinfo) == ("NoDataRetentionException", 400, NO_RETENTION)
    assert described(client, StreamName="cam") == {}

    version = client.describe_stream(StreamName="cam")["StreamInfo"]["Version"]
    client.update_data_retention(
        StreamName="cam",
        CurrentVersion=version,
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=48,
    )
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": ENABLED}


def test_disabled_or_deleted_needs_no_retention(client: Any) -> None:
    client.create_stream(StreamName="cam")
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=DISABLED)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": DISABLED}
    client.update_notification_configuration(StreamName="cam")
    assert described(client, StreamName="cam") == {}


# -- stream status ---------------------------------------------------------------------------


@pytest.mark.kvsmock(transition_seconds=5)
def test_a_stream_that_is_not_active_is_in_use(client: Any) -> None:
    with freeze_time(T0) as clock:
        client.create_stream(StreamName="cam", DataRetentionInHours=24)
        clock.tick(4.999)
        with pytest.raises(ClientError) as excinfo:
            client.update_notification_configuration(
                StreamName="cam", NotificationConfiguration=ENABLED
            )
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in CREATING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(0.001)
        client.update_notification_configuration(
            StreamName="cam", NotificationConfiguration=ENABLED
        )
        arn = client.describe_stream(StreamName="cam")["StreamInfo"]["StreamARN"]
        client.delete_stream(StreamARN=arn)
        with pytest.raises(ClientError) as excinfo:
            client.update_notification_configuration(StreamName="cam")
        assert error(excinfo) == (
            "ResourceInUseException",
            400,
            "The stream cam is in DELETING status; the operation needs an ACTIVE stream.",
        )
        assert described(client, StreamName="cam") == {"NotificationConfiguration": ENABLED}
        clock.tick(5)
        with pytest.raises(ClientError) as excinfo:
            described(client, StreamName="cam")
        assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


# -- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "op", ["describe_notification_configuration", "update_notification_configuration"]
)
def test_unknown_stream(client: Any, op: str) -> None:
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(StreamName="nope")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)
    with pytest.raises(ClientError) as excinfo:
        getattr(client, op)(StreamARN="arn:aws:kinesisvideo:us-east-1:123456789012:stream/x/1")
    assert error(excinfo) == ("ResourceNotFoundException", 404, NOT_FOUND)


@pytest.mark.parametrize(
    "op", ["describe_notification_configuration", "update_notification_configuration"]
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
    ("uri", "message"),
    [
        (
            "s3://bucket-name",
            "The DestinationConfig Uri 's3://bucket-name' is not the ARN of an Amazon SNS topic.",
        ),
        (
            "arn:aws:sqs:us-east-1:123456789012:queue",
            "The DestinationConfig Uri 'arn:aws:sqs:us-east-1:123456789012:queue' is not the "
            "ARN of an Amazon SNS topic.",
        ),
        (
            "arn:aws:sns:us-east-1:1234:topic",
            "The DestinationConfig Uri 'arn:aws:sns:us-east-1:1234:topic' is not the ARN of an "
            "Amazon SNS topic.",
        ),
        (
            "arn:aws:sns:us-east-1:123456789012:bad.name",
            "The DestinationConfig Uri 'arn:aws:sns:us-east-1:123456789012:bad.name' is not the "
            "ARN of an Amazon SNS topic.",
        ),
        (
            "arn:aws:sns:us-east-1:123456789012:events.fifo",
            "The Amazon SNS topic arn:aws:sns:us-east-1:123456789012:events.fifo is a FIFO "
            "topic; Kinesis Video Streams notifications support only standard topics.",
        ),
    ],
)
def test_the_destination_must_be_an_sns_standard_topic(
    client: Any, cam: str, uri: str, message: str
) -> None:
    client.update_notification_configuration(StreamName="cam", NotificationConfiguration=ENABLED)
    for status in ("ENABLED", "DISABLED"):
        with pytest.raises(ClientError) as excinfo:
            client.update_notification_configuration(
                StreamName="cam", NotificationConfiguration=with_uri(uri, status)
            )
        assert error(excinfo) == ("InvalidArgumentException", 400, message)
    assert described(client, StreamName="cam") == {"NotificationConfiguration": ENABLED}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        (
            {"Status": "ON", "DestinationConfig": {"Uri": TOPIC}},
            "1 validation error detected: Value 'ON' at 'notificationConfiguration.status' "
            "failed to satisfy constraint: Member must satisfy enum value set: "
            "[ENABLED, DISABLED]",
        ),
        (
            {"Status": "ENABLED", "DestinationConfig": {}},
            "1 validation error detected: Value null at "
            "'notificationConfiguration.destinationConfig.uri' failed to satisfy constraint: "
            "Member must not be null",
        ),
        (
            {"DestinationConfig": {"Uri": TOPIC}},
            "1 validation error detected: Value null at 'notificationConfiguration.status' "
            "failed to satisfy constraint: Member must not be null",
        ),
        (
            {"Status": "ENABLED", "DestinationConfig": {"Uri": "arn:" + "a" * 252}},
            "1 validation error detected: Value 'arn:"
            + "a" * 252
            + "' at 'notificationConfiguration.destinationConfig.uri' failed to satisfy "
            "constraint: Member must have length less than or equal to 255",
        ),
        (
            {"Status": "ENABLED", "DestinationConfig": {"Uri": "no scheme"}},
            "1 validation error detected: Value 'no scheme' at "
            "'notificationConfiguration.destinationConfig.uri' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: "
            "^[a-zA-Z_0-9]+:(//)?([^/]+)/?([^*]*)$",
        ),
    ],
)
def test_model_constraints(raw_client: Any, config: Dict[str, Any], message: str) -> None:
    raw_client.create_stream(StreamName="cam", DataRetentionInHours=24)
    with pytest.raises(ClientError) as excinfo:
        raw_client.update_notification_configuration(
            StreamName="cam", NotificationConfiguration=config
        )
    assert error(excinfo) == ("InvalidArgumentException", 400, message)


def test_store_method_enforces_the_same_rules(kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    stream = store.create_stream("cam")
    with pytest.raises(ServiceError) as excinfo:
        store.update_notification_configuration(
            stream, NotificationConfiguration("ENABLED", "arn:aws:sns:us-east-1:1:x")
        )
    assert excinfo.value.code == "InvalidArgumentException"
    config = NotificationConfiguration("ENABLED", TOPIC)
    with pytest.raises(ServiceError) as excinfo:
        store.update_notification_configuration(stream, config)
    assert (excinfo.value.code, excinfo.value.message) == ("NoDataRetentionException", NO_RETENTION)
    store.update_notification_configuration(stream, NotificationConfiguration("DISABLED", TOPIC))
    assert stream.notification_configuration == NotificationConfiguration("DISABLED", TOPIC)
