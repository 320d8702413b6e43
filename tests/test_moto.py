"""Composition with moto's ``mock_aws``: kvsmock answers KVS, moto answers everything else."""

from __future__ import annotations

import contextlib
import os
from typing import Any, Iterator, List

import boto3
import moto
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID as MOTO_ACCOUNT
from moto.kinesisvideo.models import kinesisvideo_backends
from moto.s3.models import s3_backends

from kvsmock import _intercept, mock_kinesisvideo

REGION = "us-east-1"


def _moto_streams() -> List[str]:
    return sorted(
        s.stream_name for s in kinesisvideo_backends[MOTO_ACCOUNT][REGION].streams.values()
    )


def _moto_buckets() -> List[str]:
    return sorted(s3_backends[MOTO_ACCOUNT]["aws"].buckets)


@contextlib.contextmanager
def _both(order: str) -> Iterator[Any]:
    kvs = mock_kinesisvideo()
    if order == "moto-outer":
        with moto.mock_aws(), kvs:
            yield kvs
    else:
        with kvs, moto.mock_aws():
            yield kvs


@pytest.fixture(autouse=True)
def _clean() -> Iterator[None]:
    yield
    assert _intercept.active_mock() is None


@pytest.mark.parametrize("order", ["moto-outer", "kvsmock-outer"])
def test_s3_by_moto_and_kvs_by_kvsmock(order: str) -> None:
    with _both(order) as kvs:
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="composed-bucket")
        assert [b["Name"] for b in s3.list_buckets()["Buckets"]] == ["composed-bucket"]
        assert _moto_buckets() == ["composed-bucket"]

        client = boto3.client("kinesisvideo", region_name=REGION)
        arn = client.create_stream(StreamName="composed", DataRetentionInHours=1)["StreamARN"]
        info = client.describe_stream(StreamARN=arn)["StreamInfo"]
        assert info["StreamName"] == "composed"
        assert info["Status"] == "ACTIVE"
        assert len(info["Version"]) == 20
        # moto does not implement UpdateDataRetention; kvsmock does.
        client.update_data_retention(
            StreamARN=arn,
            CurrentVersion=info["Version"],
            Operation="INCREASE_DATA_RETENTION",
            DataRetentionChangeInHours=2,
        )
        after = client.describe_stream(StreamARN=arn)["StreamInfo"]
        assert after["DataRetentionInHours"] == 3
        assert after["Version"] != info["Version"]

        assert [s.name for s in kvs.state().streams] == ["composed"]
        assert _moto_streams() == []


def test_only_moto_answers_kvs_when_kvsmock_is_inactive() -> None:
    with moto.mock_aws():
        client = boto3.client("kinesisvideo", region_name=REGION)
        arn = client.create_stream(StreamName="moto-only")["StreamARN"]
        assert _moto_streams() == ["moto-only"]
        assert client.describe_stream(StreamARN=arn)["StreamInfo"]["StreamName"] == "moto-only"
        with pytest.raises(ClientError) as err:
            client.update_data_retention(
                StreamARN=arn,
                CurrentVersion="abc",
                Operation="INCREASE_DATA_RETENTION",
                DataRetentionChangeInHours=2,
            )
        assert "Not yet implemented" in str(err.value)  # moto's answer, not kvsmock's


def test_moto_answers_kvs_again_after_kvsmock_stops_inside_it() -> None:
    with moto.mock_aws():
        moto_env_key = os.environ["AWS_ACCESS_KEY_ID"]
        client = boto3.client("kinesisvideo", region_name=REGION)
        with mock_kinesisvideo() as kvs:
            client.create_stream(StreamName="in-kvsmock")
        assert os.environ["AWS_ACCESS_KEY_ID"] == moto_env_key
        client.create_stream(StreamName="in-moto")
        assert _moto_streams() == ["in-moto"]
        assert [s.name for s in kvs.state().streams] == ["in-kvsmock"]
        assert [s["StreamName"] for s in client.list_streams()["StreamInfoList"]] == ["in-moto"]
