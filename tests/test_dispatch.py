"""The pipeline's identity step: account and region of a request (kvsmock._dispatch.identity)."""

from __future__ import annotations

from typing import Any, Optional

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from kvsmock import _dispatch, _endpoints, mock_kinesisvideo

_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261130/eu-west-1/kinesisvideo/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123abcd"
)


class _Mock:
    def account_for(self, access_key_id: Optional[str]) -> str:
        return f"account-of-{access_key_id}"


@pytest.mark.parametrize(
    "auth, expected",
    [
        (_AUTH, ("account-of-AKIAEXAMPLE", "eu-west-1")),
        (_AUTH.encode("latin-1"), ("account-of-AKIAEXAMPLE", "eu-west-1")),
        (_AUTH.split(",")[0], ("account-of-AKIAEXAMPLE", "eu-west-1")),  # no comma after it
        (
            "AWS4-HMAC-SHA256 Credential=bad, Credential=AKIB/20261130/us-west-2/kvs/aws4_request",
            ("account-of-AKIB", "us-west-2"),
        ),
        ("AWS4-HMAC-SHA256 Credential=AKIA/2026113/us-west-2/x/aws4_request", None),  # 7 digits
        ("Bearer token", None),
        ("", None),
    ],
)
def test_identity_from_the_credential_scope(auth: Any, expected: Any) -> None:
    url = "https://kinesisvideo.ap-south-1.amazonaws.com/describeStream"
    got = _dispatch.identity({"Authorization": auth}, _Mock(), url)  # type: ignore[arg-type]
    # Without a credential scope the request counts as unsigned: the host's region.
    assert got == (expected or ("account-of-None", "ap-south-1"))


def test_identity_reads_botocores_case_insensitive_headers() -> None:
    from botocore.awsrequest import HeadersDict

    headers = HeadersDict({"authorization": _AUTH})
    got = _dispatch.identity(headers, _Mock())  # type: ignore[arg-type]
    assert got == ("account-of-AKIAEXAMPLE", "eu-west-1")


@pytest.mark.parametrize(
    "url, region",
    [
        ("https://kinesisvideo.eu-west-1.amazonaws.com", "eu-west-1"),
        ("https://kinesisvideo.cn-north-1.amazonaws.com.cn/createStream", "cn-north-1"),
        ("https://s-1e415f8b.kinesisvideo.ap-northeast-1.amazonaws.com/putMedia", "ap-northeast-1"),
        (
            "https://b-00c0ffee.kinesisvideo.us-gov-west-1.amazonaws.com/listFragments",
            "us-gov-west-1",
        ),
        (
            "https://r-2c136a55.kinesisvideo.eu-central-1.amazonaws.com/v1/send-alexa-offer-to-master",
            "eu-central-1",
        ),
        ("http://localhost:4566/describeStream", None),
        ("https://kinesisvideo.eu-west-1.example.com", None),
        ("https://kinesis.eu-west-1.amazonaws.com", None),
        ("https://xkinesisvideo.eu-west-1.amazonaws.com", None),
    ],
)
def test_region_of_host(url: str, region: Optional[str]) -> None:
    assert _endpoints.region_of_host(url) == region


@pytest.mark.parametrize(
    "region, partition", [("eu-west-1", "aws"), ("cn-north-1", "aws-cn"), ("us-east-1", "aws")]
)
def test_unsigned_requests_take_the_region_of_their_host(region: str, partition: str) -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client(
            "kinesisvideo", region_name=region, config=Config(signature_version=UNSIGNED)
        )
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        assert arn.startswith(f"arn:{partition}:kinesisvideo:{region}:123456789012:stream/cam/")
        assert [s.arn for s in mock.state(region=region).streams] == [arn]
        if region != "us-east-1":
            assert mock.state(region="us-east-1").streams == []


def test_unsigned_data_plane_requests_take_the_region_of_the_data_endpoint() -> None:
    with mock_kinesisvideo():
        signed = boto3.client("kinesisvideo", region_name="eu-west-1")
        signed.create_stream(StreamName="cam", DataRetentionInHours=1)
        endpoint = signed.get_data_endpoint(StreamName="cam", APIName="LIST_FRAGMENTS")
        assert endpoint["DataEndpoint"].endswith(".kinesisvideo.eu-west-1.amazonaws.com")
        archive = boto3.client(
            "kinesis-video-archived-media",
            region_name="us-east-1",  # the client's region is not the endpoint's
            endpoint_url=endpoint["DataEndpoint"],
            config=Config(signature_version=UNSIGNED),
        )
        selector = {
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {"StartTimestamp": 0, "EndTimestamp": 1},
        }
        # The stream is in eu-west-1 only: from us-east-1 it would not be found.
        found = archive.list_fragments(StreamName="cam", FragmentSelector=selector)
        assert found["Fragments"] == []


def test_unsigned_requests_to_a_custom_endpoint_fall_back_to_us_east_1() -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client(
            "kinesisvideo",
            region_name="eu-west-1",
            endpoint_url="http://localhost:4566",
            config=Config(signature_version=UNSIGNED),
        )
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        assert arn.startswith("arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/")
        assert [s.arn for s in mock.state(region="us-east-1").streams] == [arn]
