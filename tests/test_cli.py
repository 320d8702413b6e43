"""The AWS CLI (``awscli``), driven in-process, against kvsmock: real input, real output.

Every command goes through the CLI's argument parsing, shorthand syntax, botocore client,
paginator and JSON formatter, and is answered by kvsmock at ``before-send``. The expected
JSON is what the CLI prints for the real service: ``StreamInfo`` members without the null
ones, ``CreationTime`` as the wire's epoch seconds with millisecond fractions (awscli v1's
default ``cli_timestamp_format`` is ``wire``), the default KMS key as the full alias ARN
(AWS_BEHAVIOUR.md, "DescribeStream wire shape").

Isolation: the user's ``~/.aws`` (config, credentials, CLI aliases, ``~/.aws/models``) and
``AWS_*`` variables are kept out; kvsmock supplies the fake credentials. awscli adds a
stream handler to the ``awscli`` logger on every ``main()``; it is removed again after each
test.
"""

from __future__ import annotations

import base64
import importlib.metadata
import json
import re
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from cli_support import Cli
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, _dispatch

REGION = "us-east-1"
ACCOUNT = "123456789012"
ARN_PREFIX = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/"
DEFAULT_KMS = f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/kinesisvideo"
NOT_FOUND = (
    "An error occurred (ResourceNotFoundException) when calling the DescribeStream "
    "operation: The requested stream is not found or not active."
)
VERSION = re.compile(r"[a-zA-Z0-9]{20}")

#: 2024-05-01T12:00:00.123Z: epoch seconds 1714564800.123, epoch milliseconds 1714564800123.
FROZEN = "2024-05-01 12:00:00.123"
FROZEN_MS = 1714564800123
FROZEN_SECONDS = 1714564800.123


@pytest.fixture
def mock(cli_mock: KinesisVideoMock) -> KinesisVideoMock:
    """The mock the ``aws`` fixture's CLI talks to."""
    return cli_mock


def stream_info(mock: KinesisVideoMock, name: str, **members: Any) -> Dict[str, Any]:
    """The ``StreamInfo`` the CLI prints for a stream kvsmock holds (no null members)."""
    stream = mock.state().find_stream(name)
    info: Dict[str, Any] = {
        "StreamName": name,
        "StreamARN": stream.arn,
        "KmsKeyId": DEFAULT_KMS,
        "Version": stream.version,
        "Status": "ACTIVE",
        "CreationTime": stream.creation_time.timestamp(),
        "DataRetentionInHours": 0,
    }
    info.update(members)
    return info


# -- the CLI under test ----------------------------------------------------------------------


def test_cli_uses_the_installed_botocore(aws: Cli) -> None:
    from awscli.clidriver import create_clidriver

    botocore = sys.modules["botocore"]
    assert botocore.__version__ == importlib.metadata.version("botocore")
    assert "awscli" not in Path(botocore.__file__ or "").parts
    assert type(create_clidriver().session).__module__ == "botocore.session"


# -- create-stream and describe-stream ---------------------------------------------------------


def test_create_stream_prints_the_arn_of_the_creation_time(aws: Cli) -> None:
    with freeze_time(FROZEN):
        created = aws.json(
            "create-stream", "--stream-name", "cam", "--data-retention-in-hours", "24"
        )
    assert created == {"StreamARN": f"{ARN_PREFIX}cam/{FROZEN_MS}"}


def test_describe_stream_prints_the_documented_stream_info(
    aws: Cli, mock: KinesisVideoMock
) -> None:
    with freeze_time(FROZEN):
        aws.json(
            "create-stream",
            "--stream-name",
            "cam",
            "--data-retention-in-hours",
            "24",
            "--media-type",
            "video/h264",
            "--device-name",
            "front-door",
            "--tags",
            "Team=video,Env=test",
        )
        rc, out, err = aws.run("describe-stream", "--stream-name", "cam")
    assert (rc, err) == (0, "")
    assert '"CreationTime": 1714564800.123,' in out  # printed exactly as the wire has it
    info = json.loads(out)["StreamInfo"]
    assert VERSION.fullmatch(info["Version"])
    assert info == {
        "DeviceName": "front-door",
        "StreamName": "cam",
        "StreamARN": f"{ARN_PREFIX}cam/{FROZEN_MS}",
        "MediaType": "video/h264",
        "KmsKeyId": DEFAULT_KMS,
        "Version": mock.state().find_stream("cam").version,
        "Status": "ACTIVE",
        "CreationTime": FROZEN_SECONDS,
        "DataRetentionInHours": 24,
    }
    # The same stream by ARN, and the member order of the StreamInfo shape.
    by_arn = aws.json("describe-stream", "--stream-arn", info["StreamARN"])
    assert list(by_arn["StreamInfo"].items()) == list(info.items())


def test_describe_stream_omits_unset_members(aws: Cli, mock: KinesisVideoMock) -> None:
    # kvsmock sends DeviceName / MediaType as JSON null, as the service does; botocore drops
    # nulls, so the CLI prints neither key. Retention defaults to 0, KMS to the alias ARN.
    with freeze_time(FROZEN):
        aws.json("create-stream", "--stream-name", "bare")
        described = aws.json("describe-stream", "--stream-name", "bare")
    assert described == {
        "StreamInfo": {
            "StreamName": "bare",
            "StreamARN": f"{ARN_PREFIX}bare/{FROZEN_MS}",
            "KmsKeyId": DEFAULT_KMS,
            "Version": mock.state().find_stream("bare").version,
            "Status": "ACTIVE",
            "CreationTime": FROZEN_SECONDS,
            "DataRetentionInHours": 0,
        }
    }


def test_describe_missing_stream_is_a_cli_error(aws: Cli) -> None:
    rc, out, err = aws.run("describe-stream", "--stream-name", "nope")
    # awscli v1 exits 255 on every error (v2 uses 254 for service errors).
    assert rc == 255
    assert out == ""
    assert err.strip() == NOT_FOUND


def test_create_stream_twice_is_resource_in_use(aws: Cli) -> None:
    aws.json("create-stream", "--stream-name", "cam")
    rc, out, err = aws.run("create-stream", "--stream-name", "cam")
    assert (rc, out) == (255, "")
    assert err.strip() == (
        "An error occurred (ResourceInUseException) when calling the CreateStream "
        "operation: The stream cam already exists."
    )


# -- list-streams ------------------------------------------------------------------------------

NAMES = ["cam-a", "cam-b", "cam-c", "cam-d", "cam-e", "door"]


@pytest.fixture
def six_streams(mock: KinesisVideoMock) -> None:
    # Seeded without the CLI (each CLI call costs ~0.1 s); out of order: listing is by name.
    for name in reversed(NAMES):
        mock.state().create_stream(name)


def test_list_streams_prints_every_stream_in_name_order(
    aws: Cli, mock: KinesisVideoMock, six_streams: None
) -> None:
    listed = aws.json("list-streams")
    assert listed == {"StreamInfoList": [stream_info(mock, name) for name in NAMES]}


def test_list_streams_with_a_name_condition(aws: Cli, six_streams: None) -> None:
    listed = aws.json(
        "list-streams",
        "--stream-name-condition",
        "ComparisonOperator=BEGINS_WITH,ComparisonValue=cam-",
    )
    assert [info["StreamName"] for info in listed["StreamInfoList"]] == NAMES[:5]


class ListStreamsSpy:
    """Records the ``MaxResults`` of every ListStreams request kvsmock answers."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.max_results: List[Optional[int]] = []
        real = _dispatch.dispatch

        def spy(mock: Any, service_id: str, operation: str, *rest: Any) -> Any:
            if operation == "ListStreams":
                body = rest[-1]  # (url, headers, body)
                self.max_results.append(json.loads(body or b"{}").get("MaxResults"))
            return real(mock, service_id, operation, *rest)

        monkeypatch.setattr(_dispatch, "dispatch", spy)


def test_list_streams_pages_with_max_items_and_page_size(
    aws: Cli, mock: KinesisVideoMock, six_streams: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = ListStreamsSpy(monkeypatch)
    first = aws.json("list-streams", "--max-items", "2", "--page-size", "1")
    assert [info["StreamName"] for info in first["StreamInfoList"]] == ["cam-a", "cam-b"]
    assert first["StreamInfoList"][0] == stream_info(mock, "cam-a")
    assert set(first) == {"StreamInfoList", "NextToken"}
    assert spy.max_results == [1, 1]  # --page-size reached the service as MaxResults

    names = [info["StreamName"] for info in first["StreamInfoList"]]
    token = first["NextToken"]
    while token:
        page = aws.json(
            "list-streams", "--max-items", "2", "--page-size", "1", "--starting-token", token
        )
        assert 1 <= len(page["StreamInfoList"]) <= 2
        names += [info["StreamName"] for info in page["StreamInfoList"]]
        token = page.get("NextToken")
    assert names == NAMES  # nothing skipped, nothing repeated
    # One request per stream: kvsmock gives no NextToken when no stream follows.
    assert spy.max_results == [1] * 6


def test_list_streams_resumes_inside_a_truncated_page(aws: Cli, six_streams: None) -> None:
    # Pages of 2 and at most 3 items: the CLI cuts the second page and must resume inside it.
    first = aws.json("list-streams", "--max-items", "3", "--page-size", "2")
    assert [i["StreamName"] for i in first["StreamInfoList"]] == NAMES[:3]
    cli_token = json.loads(base64.b64decode(first["NextToken"]))
    assert cli_token["boto_truncate_amount"] == 1
    rest = aws.json("list-streams", "--starting-token", first["NextToken"])
    assert [i["StreamName"] for i in rest["StreamInfoList"]] == NAMES[3:]
    assert "NextToken" not in rest


def test_list_streams_without_the_cli_paginator(aws: Cli, six_streams: None) -> None:
    # --no-paginate sends one request and prints the service's own NextToken.
    first = aws.json("list-streams", "--no-paginate", "--max-results", "4")
    assert [i["StreamName"] for i in first["StreamInfoList"]] == NAMES[:4]
    rest = aws.json(
        "list-streams", "--no-paginate", "--max-results", "4", "--next-token", first["NextToken"]
    )
    assert [i["StreamName"] for i in rest["StreamInfoList"]] == NAMES[4:]
    assert "NextToken" not in rest


# -- tags --------------------------------------------------------------------------------------


def test_tag_stream_and_list_tags_for_stream(aws: Cli) -> None:
    arn = aws.json("create-stream", "--stream-name", "cam", "--tags", "Team=video,Env=test")[
        "StreamARN"
    ]
    assert aws.json("list-tags-for-stream", "--stream-name", "cam") == {
        "Tags": {"Team": "video", "Env": "test"}
    }
    # tag-stream prints nothing; an existing key is replaced, a new one added.
    rc, out, err = aws.run("tag-stream", "--stream-name", "cam", "--tags", "Env=prod,Owner=ops")
    assert (rc, out, err) == (0, "", "")
    assert aws.json("list-tags-for-stream", "--stream-arn", arn) == {
        "Tags": {"Team": "video", "Env": "prod", "Owner": "ops"}
    }
    # By ARN, and with the CLI's JSON syntax for the map.
    assert aws.json("tag-stream", "--stream-arn", arn, "--tags", '{"Site": "Berlin"}') is None
    assert aws.json("list-tags-for-stream", "--stream-name", "cam")["Tags"] == {
        "Team": "video",
        "Env": "prod",
        "Owner": "ops",
        "Site": "Berlin",
    }


def test_list_tags_of_an_untagged_stream(aws: Cli) -> None:
    aws.json("create-stream", "--stream-name", "cam")
    assert aws.json("list-tags-for-stream", "--stream-name", "cam") == {"Tags": {}}


# -- update-data-retention ---------------------------------------------------------------------


def test_update_data_retention_changes_hours_and_version(aws: Cli, mock: KinesisVideoMock) -> None:
    aws.json("create-stream", "--stream-name", "cam", "--data-retention-in-hours", "24")
    before = aws.json("describe-stream", "--stream-name", "cam")["StreamInfo"]

    rc, out, err = aws.run(
        "update-data-retention",
        "--stream-name",
        "cam",
        "--current-version",
        before["Version"],
        "--operation",
        "INCREASE_DATA_RETENTION",
        "--data-retention-change-in-hours",
        "48",
    )
    assert (rc, out, err) == (0, "", "")
    after = aws.json("describe-stream", "--stream-name", "cam")["StreamInfo"]
    assert after == stream_info(mock, "cam", DataRetentionInHours=72)
    assert after["Version"] != before["Version"]
    assert VERSION.fullmatch(after["Version"])

    aws.json(
        "update-data-retention",
        "--stream-arn",
        after["StreamARN"],
        "--current-version",
        after["Version"],
        "--operation",
        "DECREASE_DATA_RETENTION",
        "--data-retention-change-in-hours",
        "72",
    )
    final = aws.json("describe-stream", "--stream-name", "cam")["StreamInfo"]
    assert final["DataRetentionInHours"] == 0

    # The old version is stale now.
    rc, out, err = aws.run(
        "update-data-retention",
        "--stream-name",
        "cam",
        "--current-version",
        after["Version"],
        "--operation",
        "INCREASE_DATA_RETENTION",
        "--data-retention-change-in-hours",
        "1",
    )
    assert (rc, out) == (255, "")
    assert err.strip() == (
        "An error occurred (VersionMismatchException) when calling the UpdateDataRetention "
        "operation: The stream version that you specified is not the latest version."
    )


# -- delete-stream -----------------------------------------------------------------------------


def test_delete_stream(aws: Cli) -> None:
    arn = aws.json("create-stream", "--stream-name", "cam")["StreamARN"]
    aws.json("create-stream", "--stream-name", "keep")

    rc, out, err = aws.run("delete-stream", "--stream-arn", arn)
    assert (rc, out, err) == (0, "", "")

    rc, out, err = aws.run("describe-stream", "--stream-name", "cam")
    assert (rc, out, err.strip()) == (255, "", NOT_FOUND)
    listed = aws.json("list-streams")
    assert [i["StreamName"] for i in listed["StreamInfoList"]] == ["keep"]
