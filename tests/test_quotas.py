"""``mock_kinesisvideo(quotas=True)``: the per-second request limits of the quotas page."""

from __future__ import annotations

import datetime as dt

import boto3
import pytest
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import mock_kinesisvideo

REGION = "us-east-1"
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


def test_five_get_data_endpoint_calls_a_second_per_stream() -> None:
    with freeze_time(START) as clock, mock_kinesisvideo(quotas=True):
        client = boto3.client("kinesisvideo", region_name=REGION)
        client.create_stream(StreamName="cam")
        client.create_stream(StreamName="other")
        for _ in range(5):
            client.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")
        with pytest.raises(ClientError) as raised:
            client.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")
        error = raised.value.response
        assert error["Error"]["Code"] == "ClientLimitExceededException"
        assert error["Error"]["Message"] == (
            "Limit exceeded on number of requests for GetDataEndpoint API for resource 'cam'"
        )
        assert error["ResponseMetadata"]["HTTPStatusCode"] == 400
        client.get_data_endpoint(StreamName="other", APIName="GET_MEDIA")  # its own limit
        clock.tick(1)  # a new second of the mock clock
        client.get_data_endpoint(StreamName="cam", APIName="GET_MEDIA")


def test_off_by_default_and_account_limits() -> None:
    with freeze_time(START), mock_kinesisvideo():
        client = boto3.client("kinesisvideo", region_name=REGION)
        for _ in range(60):
            client.list_streams()
    with freeze_time(START), mock_kinesisvideo(quotas=True):
        client = boto3.client("kinesisvideo", region_name=REGION)
        for _ in range(50):
            client.list_streams()
        with pytest.raises(ClientError) as raised:
            client.list_streams()
        assert raised.value.response["Error"]["Code"] == "ClientLimitExceededException"
