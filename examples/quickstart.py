"""kvsmock quick start: Kinesis Video Streams, faked in-process, for boto3 and the AWS CLI.

Run it with ``make demo`` (or ``.venv/bin/python examples/quickstart.py``). Part 1 drives a
boto3 client, part 2 the AWS CLI (the ``awscli`` package, called in-process). Every request
is answered by kvsmock inside this process: no network, no AWS account, no AWS config.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
from typing import Any

import boto3
from botocore.exceptions import ClientError

from kvsmock import mock_kinesisvideo

REGION = "us-east-1"


def header(title: str) -> None:
    print(f"\n{'=' * 72}\n{title}\n{'=' * 72}")


def step(title: str) -> None:
    print(f"\n--- {title}")


def show(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


# -- Part 1: boto3 ---------------------------------------------------------------------------


def boto3_session() -> None:
    header("Part 1: a boto3 session inside `with mock_kinesisvideo() as mock:`")
    with mock_kinesisvideo() as mock:
        kv = boto3.client("kinesisvideo", region_name=REGION)

        step("create_stream: a stream with 24 hours of retention and two tags")
        arn = kv.create_stream(
            StreamName="front-door",
            MediaType="video/h264",
            DataRetentionInHours=24,
            Tags={"team": "video", "site": "berlin"},
        )["StreamARN"]
        print("StreamARN:", arn)

        step("describe_stream and list_tags_for_stream")
        info = kv.describe_stream(StreamARN=arn)["StreamInfo"]
        show(info)
        print("Tags:", kv.list_tags_for_stream(StreamARN=arn)["Tags"])

        step("update_stream and update_data_retention (each needs the current Version)")
        first_version = info["Version"]
        kv.update_stream(StreamARN=arn, CurrentVersion=first_version, MediaType="video/h265")
        kv.update_data_retention(
            StreamARN=arn,
            CurrentVersion=kv.describe_stream(StreamARN=arn)["StreamInfo"]["Version"],
            Operation="INCREASE_DATA_RETENTION",
            DataRetentionChangeInHours=24,
        )
        info = kv.describe_stream(StreamARN=arn)["StreamInfo"]
        print(
            f"MediaType {info['MediaType']}, DataRetentionInHours "
            f"{info['DataRetentionInHours']}, Version {first_version} -> {info['Version']}"
        )

        step("list_streams with the paginator (2 streams per page)")
        for name in ("garage", "porch", "yard"):
            kv.create_stream(StreamName=name)
        pages = kv.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 2})
        for number, page in enumerate(pages, 1):
            print(f"page {number}:", [s["StreamName"] for s in page["StreamInfoList"]])

        step("get_data_endpoint")
        for api in ("PUT_MEDIA", "GET_HLS_STREAMING_SESSION_URL"):
            endpoint = kv.get_data_endpoint(StreamARN=arn, APIName=api)["DataEndpoint"]
            print(f"{api}: {endpoint}")

        step("a modeled error: describe_stream of a stream that does not exist")
        try:
            kv.describe_stream(StreamName="no-such-stream")
        except ClientError as e:
            print("Error.Code:", e.response["Error"]["Code"])
            print("Error.Message:", e.response["Error"]["Message"])
            print("HTTP status:", e.response["ResponseMetadata"]["HTTPStatusCode"])

        step("a WebRTC signaling channel that stores its media in a stream")
        channel_arn = kv.create_signaling_channel(
            ChannelName="doorbell", Tags=[{"Key": "team", "Value": "webrtc"}]
        )["ChannelARN"]
        print("ChannelARN:", channel_arn)
        kv.update_media_storage_configuration(
            ChannelARN=channel_arn,
            MediaStorageConfiguration={"StreamARN": arn, "Status": "ENABLED"},
        )
        endpoints = kv.get_signaling_channel_endpoint(
            ChannelARN=channel_arn,
            SingleMasterChannelEndpointConfiguration={
                "Protocols": ["WSS", "HTTPS", "WEBRTC"],
                "Role": "MASTER",
            },
        )["ResourceEndpointList"]
        for endpoint in endpoints:
            print(f"{endpoint['Protocol']}: {endpoint['ResourceEndpoint']}")
        kv.tag_resource(ResourceARN=arn, Tags=[{"Key": "linked", "Value": "doorbell"}])
        print("stream tags by ARN:", kv.list_tags_for_resource(ResourceARN=arn)["Tags"])
        try:
            kv.delete_stream(StreamARN=arn)
        except ClientError as e:
            print(
                "delete_stream while linked:",
                e.response["Error"]["Code"],
                "-",
                e.response["Error"]["Message"],
            )
        kv.update_media_storage_configuration(
            ChannelARN=channel_arn, MediaStorageConfiguration={"Status": "DISABLED"}
        )

        step("delete_stream, then the stream names kvsmock still holds")
        kv.delete_stream(StreamARN=arn)
        print("streams:", [s.name for s in mock.state(region=REGION).streams])


# -- Part 2: the AWS CLI ---------------------------------------------------------------------


def aws(*args: str, expect_rc: int = 0) -> Any:
    """Run ``aws kinesisvideo <args>`` in-process; print and return the JSON it prints."""
    # Imported only now, after boto3: importing awscli first would make a later
    # ``import botocore`` load the copy of botocore that awscli carries.
    from awscli.clidriver import create_clidriver

    print(f"\n$ aws kinesisvideo {' '.join(args)}")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = create_clidriver().main(
            ["kinesisvideo", *args, "--region", REGION, "--output", "json"]
        )
    text = out.getvalue()
    print(text.rstrip() or "(no output)")
    if err.getvalue().strip():
        print("stderr:", err.getvalue().strip())
    if rc != expect_rc:
        raise RuntimeError(f"aws kinesisvideo {args[0]} exited with {rc}, not {expect_rc}")
    if rc:
        print("exit code:", rc)
    return json.loads(text) if text else None


def cli_session() -> None:
    header("Part 2: an AWS CLI session (awscli, driven in-process)")
    with mock_kinesisvideo():
        arn = aws("create-stream", "--stream-name", "backyard", "--data-retention-in-hours", "24")[
            "StreamARN"
        ]
        aws("create-stream", "--stream-name", "driveway")
        version = aws("describe-stream", "--stream-name", "backyard")["StreamInfo"]["Version"]
        # The CLI's own paginator: one stream per page, then a NextToken to resume from.
        aws("list-streams", "--max-items", "1", "--page-size", "1")
        aws("tag-stream", "--stream-name", "backyard", "--tags", "team=video,site=berlin")
        aws("list-tags-for-stream", "--stream-name", "backyard")
        aws(
            "update-data-retention",
            "--stream-name",
            "backyard",
            "--current-version",
            version,
            "--operation",
            "INCREASE_DATA_RETENTION",
            "--data-retention-change-in-hours",
            "48",
        )
        aws("describe-stream", "--stream-name", "backyard")
        aws("delete-stream", "--stream-arn", arn)
        aws("describe-stream", "--stream-name", "backyard", expect_rc=255)
        aws("list-streams")


def main() -> int:
    # kvsmock brings fake credentials; keep the user's own AWS settings (profiles, endpoints,
    # config and credentials files) out of the demo, so it runs the same everywhere.
    for key in [key for key in os.environ if key.startswith("AWS_")]:
        del os.environ[key]
    with tempfile.TemporaryDirectory() as empty:
        os.environ["AWS_CONFIG_FILE"] = os.path.join(empty, "config")
        os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.path.join(empty, "credentials")
        boto3_session()
        cli_session()
    header("Done: both sessions ran against kvsmock, offline.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
