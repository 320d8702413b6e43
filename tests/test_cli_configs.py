"""The AWS CLI (``awscli``), driven in-process, against the stream configuration APIs.

Image generation, notifications, storage tiers and edge configurations, as a user types
them: shorthand and JSON arguments, the CLI's paginator for ``list-edge-agent-configurations``
and its JSON output (timestamps as the wire's epoch seconds). The user's ``~/.aws`` and
``AWS_*`` variables are kept out; kvsmock supplies the fake credentials.
"""

from __future__ import annotations

import json

from cli_support import Cli
from freezegun import freeze_time

from kvsmock import KinesisVideoMock

REGION = "us-east-1"
FROZEN = "2024-05-01 12:00:00.123"
FROZEN_SECONDS = 1714564800.123
HUB = "arn:aws:iot:us-east-1:123456789012:thing/hub-1"
SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:cam-rtsp"
IMAGES = {
    "Status": "ENABLED",
    "ImageSelectorType": "PRODUCER_TIMESTAMP",
    "DestinationConfig": {"Uri": "s3://bucket-name", "DestinationRegion": "us-east-1"},
    "SamplingInterval": 200,
    "Format": "JPEG",
    "FormatConfig": {"JPEGQuality": "80"},
    "WidthPixels": 320,
    "HeightPixels": 240,
}
EDGE = {
    "HubDeviceArn": HUB,
    "RecorderConfig": {
        "MediaSourceConfig": {"MediaUriSecretArn": SECRET, "MediaUriType": "RTSP_URI"},
        "ScheduleConfig": {"ScheduleExpression": "0 0 8 ? * MON-FRI", "DurationInSeconds": 3600},
    },
}


def test_image_generation_round_trip(aws: Cli, cli_mock: KinesisVideoMock) -> None:
    arn = aws.json("create-stream", "--stream-name", "cam", "--data-retention-in-hours", "24")[
        "StreamARN"
    ]
    # An empty result prints nothing.
    assert aws.json("describe-image-generation-configuration", "--stream-name", "cam") is None
    assert (
        aws.json(
            "update-image-generation-configuration",
            "--stream-name",
            "cam",
            "--image-generation-configuration",
            json.dumps(IMAGES),
        )
        is None
    )
    assert aws.json("describe-image-generation-configuration", "--stream-arn", arn) == {
        "ImageGenerationConfiguration": IMAGES
    }
    config = cli_mock.state().find_stream("cam").image_generation_configuration
    assert config is not None and config.jpeg_quality == 80


def test_image_generation_errors_print_the_service_message(aws: Cli) -> None:
    aws.json("create-stream", "--stream-name", "cam")
    rc, out, err = aws.run(
        "update-image-generation-configuration",
        "--stream-name",
        "cam",
        "--image-generation-configuration",
        json.dumps(IMAGES),
    )
    assert (rc, out) == (255, "")
    assert err.strip() == (
        "An error occurred (NoDataRetentionException) when calling the "
        "UpdateImageGenerationConfiguration operation: The data retention in hours of the "
        "stream cam is equal to zero."
    )
    rc, out, err = aws.run(
        "update-image-generation-configuration",
        "--stream-name",
        "cam",
        "--image-generation-configuration",
        json.dumps({**IMAGES, "SamplingInterval": 100}),
    )
    assert (rc, out) == (255, "")
    assert err.strip() == (
        "An error occurred (InvalidArgumentException) when calling the "
        "UpdateImageGenerationConfiguration operation: 1 validation error detected: Value "
        "'100' at 'imageGenerationConfiguration.samplingInterval' failed to satisfy "
        "constraint: Member must have value greater than or equal to 200"
    )


def test_notification_with_shorthand_syntax(aws: Cli) -> None:
    aws.json("create-stream", "--stream-name", "cam", "--data-retention-in-hours", "1")
    topic = "arn:aws:sns:us-east-1:123456789012:kvs"
    aws.json(
        "update-notification-configuration",
        "--stream-name",
        "cam",
        "--notification-configuration",
        f"Status=ENABLED,DestinationConfig={{Uri={topic}}}",
    )
    assert aws.json("describe-notification-configuration", "--stream-name", "cam") == {
        "NotificationConfiguration": {"Status": "ENABLED", "DestinationConfig": {"Uri": topic}}
    }


def test_storage_tier(aws: Cli) -> None:
    arn = aws.json("create-stream", "--stream-name", "cam")["StreamARN"]
    assert aws.json("describe-stream-storage-configuration", "--stream-name", "cam") == {
        "StreamName": "cam",
        "StreamARN": arn,
        "StreamStorageConfiguration": {"DefaultStorageTier": "HOT"},
    }
    version = aws.json("describe-stream", "--stream-name", "cam")["StreamInfo"]["Version"]
    aws.json(
        "update-stream-storage-configuration",
        "--stream-name",
        "cam",
        "--current-version",
        version,
        "--stream-storage-configuration",
        "DefaultStorageTier=WARM",
    )
    assert aws.json("describe-stream-storage-configuration", "--stream-arn", arn)[
        "StreamStorageConfiguration"
    ] == {"DefaultStorageTier": "WARM"}
    rc, _, err = aws.run(
        "update-stream-storage-configuration",
        "--stream-name",
        "cam",
        "--current-version",
        version,
        "--stream-storage-configuration",
        "DefaultStorageTier=HOT",
    )
    assert rc == 255
    assert err.strip() == (
        "An error occurred (VersionMismatchException) when calling the "
        "UpdateStreamStorageConfiguration operation: The stream version that you specified is "
        "not the latest version."
    )


def test_edge_configuration_and_the_cli_paginator(aws: Cli) -> None:
    with freeze_time(FROZEN):
        arns = {}
        for name in ("cam-a", "cam-b", "cam-c"):
            arns[name] = aws.json(
                "create-stream", "--stream-name", name, "--data-retention-in-hours", "24"
            )["StreamARN"]
            started = aws.json(
                "start-edge-configuration-update",
                "--stream-name",
                name,
                "--edge-config",
                json.dumps(EDGE),
            )
            assert started == {
                "StreamName": name,
                "StreamARN": arns[name],
                "CreationTime": FROZEN_SECONDS,
                "LastUpdatedTime": FROZEN_SECONDS,
                "SyncStatus": "SYNCING",
                "EdgeConfig": EDGE,
            }
        assert (
            aws.json("describe-edge-configuration", "--stream-name", "cam-a")["SyncStatus"]
            == "IN_SYNC"
        )
        # The CLI follows NextToken itself: pages of 1 still print all three.
        listed = aws.json(
            "list-edge-agent-configurations", "--hub-device-arn", HUB, "--page-size", "1"
        )
        assert [(c["StreamName"], c["SyncStatus"]) for c in listed["EdgeConfigs"]] == [
            ("cam-a", "IN_SYNC"),
            ("cam-b", "IN_SYNC"),
            ("cam-c", "IN_SYNC"),
        ]
        assert aws.json("delete-edge-configuration", "--stream-name", "cam-b") is None
        rc, out, err = aws.run("describe-edge-configuration", "--stream-name", "cam-b")
        assert (rc, out) == (255, "")
        assert err.strip() == (
            "An error occurred (StreamEdgeConfigurationNotFoundException) when calling the "
            "DescribeEdgeConfiguration operation: The edge configuration of the stream cam-b "
            "is not found."
        )
        listed = aws.json("list-edge-agent-configurations", "--hub-device-arn", HUB)
        assert [c["StreamName"] for c in listed["EdgeConfigs"]] == ["cam-a", "cam-c"]
