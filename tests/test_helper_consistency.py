"""Small inconsistencies a new user found (issue 17): one rule for the helpers' account and
region, options checked at construction, and one answer for PutMedia wherever it is sent."""

from __future__ import annotations

from typing import Any, Dict

import boto3
import pytest
import requests
from media_support import H264
from test_put_media_http import endpoint, put

from kvsmock import KinesisVideoMock, ServiceError, mock_kinesisvideo

REGION = "us-east-1"
OTHER = "111122223333"


# -- one account/region rule: an ARN is accepted wherever an account id is ------------------


def test_stores_takes_an_arn_as_state_does(kvsmock: KinesisVideoMock) -> None:
    arn = kvsmock.state(OTHER, region="eu-west-1").create_stream("cam").arn
    kvsmock.state(region=REGION)
    assert kvsmock.state(arn).account_id == OTHER
    (found,) = kvsmock.stores(account_id=arn)
    assert (found.account_id, found.region) == (OTHER, "eu-west-1")
    assert kvsmock.stores("eu-west-1", account_id=arn) == [found]


def test_a_region_that_contradicts_the_arn_is_refused(kvsmock: KinesisVideoMock) -> None:
    arn = kvsmock.state(OTHER, region="eu-west-1").create_stream("cam").arn
    for call in (
        lambda: kvsmock.stores("us-west-2", account_id=arn),
        lambda: kvsmock.state(arn, region="us-west-2"),
    ):
        with pytest.raises(ValueError, match="contradicts the ARN's region 'eu-west-1'"):
            call()
    with pytest.raises(ValueError, match="ARN has the form"):
        kvsmock.stores(account_id="arn:aws:s3:::bucket")


# -- options are checked at construction, each naming itself ------------------------------


@pytest.mark.parametrize(
    ("options", "error", "named"),
    [
        ({"seed": "7"}, TypeError, "seed"),
        ({"seed": 1.5}, TypeError, "seed"),
        ({"strict": "no"}, TypeError, "strict"),
        ({"strict": 0}, TypeError, "strict"),
        ({"quotas": "yes"}, TypeError, "quotas"),
        ({"require_data_endpoint": None}, TypeError, "require_data_endpoint"),
        ({"allow_network": 1}, TypeError, "allow_network"),
        ({"allow_network": ["ok.example", 3]}, TypeError, "allow_network"),
        ({"accounts": ["AKIA"]}, TypeError, "accounts"),
        ({"accounts": {1: "111122223333"}}, TypeError, "accounts"),
        ({"accounts": {"AKIA": "1111"}}, ValueError, "accounts"),
        ({"account_id": 123456789012}, ValueError, "account_id"),
        ({"stream_limit": "10"}, TypeError, "stream_limit"),
        ({"transition_seconds": "1"}, TypeError, "transition_seconds"),
    ],
)
def test_a_wrong_option_type_fails_at_construction(
    options: Dict[str, Any], error: type, named: str
) -> None:
    with pytest.raises(error, match=named):  # type: ignore[call-overload]
        mock_kinesisvideo(**options)


def test_good_options_are_kept() -> None:
    mock = mock_kinesisvideo(
        seed=None,
        strict=False,
        quotas=True,
        allow_network=("*.example.com", "other.test"),
        accounts={"AKIAOTHER": OTHER},
    )
    assert mock.allow_network == ("*.example.com", "other.test")
    assert mock.accounts == {"AKIAOTHER": OTHER}
    assert mock.quotas is not None and mock.strict is False
    assert mock_kinesisvideo(allow_network=True).allow_network is True
    assert mock_kinesisvideo(allow_network="a.test").allow_network == ("a.test",)


# -- PutMedia: the same answer in-process and over HTTP -------------------------------------


@pytest.mark.parametrize("name", ["bad name!", "x" * 257, ""])
def test_a_malformed_stream_name_is_invalid_argument_everywhere(
    kvsmock: KinesisVideoMock, name: str
) -> None:
    boto3.client("kinesisvideo", region_name=REGION).create_stream(StreamName="cam")
    response = put(endpoint(), H264.data, stream=name)
    assert response.status_code == 400
    over_http = response.json()
    assert over_http["__type"] == "InvalidArgumentException"
    with pytest.raises(ServiceError) as e:
        kvsmock.put_media(StreamName=name, Payload=H264.data)
    assert (e.value.code, e.value.message) == ("InvalidArgumentException", over_http["Message"])
    # Also where no store exists yet: the arguments are checked before the lookup.
    with pytest.raises(ServiceError) as e:
        kvsmock.put_media(StreamName=name, Payload=H264.data, region="eu-west-1")
    assert e.value.code == "InvalidArgumentException"


def test_a_missing_stream_is_resource_not_found_everywhere(kvsmock: KinesisVideoMock) -> None:
    client = boto3.client("kinesisvideo", region_name=REGION)
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    url = endpoint()
    response = put(url, H264.data, stream="nope")
    assert (response.status_code, response.json()["__type"]) == (404, "ResourceNotFoundException")
    with pytest.raises(ServiceError) as e:
        kvsmock.put_media(StreamName="nope", Payload=H264.data)
    assert (e.value.code, e.value.message) == (
        "ResourceNotFoundException",
        response.json()["Message"],
    )
    # The endpoint of a stream that was deleted (no stream has it any more) still answers as
    # PutMedia: 404 ResourceNotFoundException, not an unknown operation.
    client.delete_stream(StreamARN=arn)
    gone = put(url, H264.data, stream="cam")
    assert (gone.status_code, gone.json()["__type"]) == (404, "ResourceNotFoundException")
    with pytest.raises(ServiceError) as e:
        kvsmock.put_media(StreamName="cam", Payload=H264.data)
    assert e.value.code == "ResourceNotFoundException"
    # Another path on that host is still no operation.
    other = requests.post(url + "/PutMedia", data=b"", timeout=5)
    assert other.status_code == 404
