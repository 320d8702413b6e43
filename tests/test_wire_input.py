"""Requests that botocore would not build but a non-boto3 client (or the later local server)
could send: they still get a result or a modeled error, never a traceback."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock, _dispatch

URL = "https://kinesisvideo.us-east-1.amazonaws.com/createStream"
AUTH = {
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAKVSMOCKTESTING00/20261130/eu-west-1/"
    "kinesisvideo/aws4_request, SignedHeaders=host, Signature=0"
}


def _send(mock: KinesisVideoMock, operation: str, body: bytes) -> Any:
    return _dispatch.dispatch(mock, "kinesis-video", operation, URL, AUTH, body)


def test_json_null_members_count_as_absent(kvsmock: KinesisVideoMock) -> None:
    reply = _send(
        kvsmock, "CreateStream", b'{"StreamName":"cam","DataRetentionInHours":null,"Tags":null}'
    )
    assert reply.status == 200
    (stream,) = kvsmock.state(region="eu-west-1").streams
    assert stream.data_retention_in_hours == 0
    assert stream.tags == {}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "The request body is not valid JSON."),
        (b"[1, 2]", "The request body must be a JSON object."),
    ],
)
def test_malformed_body_is_invalid_argument(
    kvsmock: KinesisVideoMock, body: bytes, message: str
) -> None:
    reply = _send(kvsmock, "CreateStream", body)
    assert reply.status == 400
    assert reply.headers["x-amzn-ErrorType"] == "InvalidArgumentException"
    assert json.loads(reply.body) == {"__type": "InvalidArgumentException", "Message": message}
    assert kvsmock.state(region="eu-west-1").streams == []


@pytest.mark.parametrize(
    ("value", "type_name"),
    [(2**31, "integer"), (-(2**31) - 1, "integer"), (2**70, "integer")],
)
def test_integers_outside_32_bits_are_refused(raw_client: Any, value: int, type_name: str) -> None:
    with pytest.raises(ClientError) as raised:
        raw_client.list_streams(MaxResults=value)
    error = raised.value.response["Error"]
    assert error["Code"] == "InvalidArgumentException"
    assert error["Message"] == (
        f"1 validation error detected: Value '{value}' at 'maxResults' failed to satisfy "
        f"constraint: Member must be of type {type_name}"
    )


def test_largest_32_bit_integer_reaches_the_range_check(raw_client: Any) -> None:
    with pytest.raises(ClientError) as raised:
        raw_client.list_streams(MaxResults=2**31 - 1)
    assert raised.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '2147483647' at 'maxResults' failed to satisfy "
        "constraint: Member must have value less than or equal to 10000"
    )
