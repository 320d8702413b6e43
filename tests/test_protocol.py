"""The rest-json codec, checked against botocore's own serializer and parser as oracles."""

from __future__ import annotations

import datetime as dt
import json
import random
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
from botocore.awsrequest import AWSResponse, HTTPHeaders, create_request_object
from botocore.awsrequest import prepare_request_dict as _prepare_request_dict
from botocore.endpoint import convert_to_response_dict
from botocore.model import OperationModel, ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

import kvsmock
from kvsmock import _dispatch, _model, _protocol
from kvsmock._protocol import HttpReply, OperationCodec

UTC = dt.timezone.utc
ENDPOINT = "https://b-12345678.kinesisvideo.us-east-1.amazonaws.com"
T1 = dt.datetime(2019, 3, 7, 2, 20, 9, 774000, tzinfo=UTC)
T2 = dt.datetime(2021, 3, 22, 7, 49, 59, 939123, tzinfo=UTC)
ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/test/1551924009774"
CHANNEL_ARN = "arn:aws:kinesisvideo:us-east-1:123456789012:channel/ch/1610186741230"


class _Raw:
    def __init__(self, body: bytes) -> None:
        self._body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._body

    def read(self, amt: Optional[int] = None, **_: Any) -> bytes:
        body, self._body = self._body, b""
        return body


def serialize(
    operation: Any, params: Dict[str, Any], precision: str = "default"
) -> Tuple[str, Any, bytes]:
    """``(url, headers, body)`` exactly as a botocore client would send ``params``."""
    serializer = create_serializer(
        "rest-json", include_validation=True, timestamp_precision=precision
    )
    request_dict = serializer.serialize_to_request(params, operation)
    _prepare_request_dict(request_dict, ENDPOINT)
    prepared = create_request_object(request_dict).prepare()
    return prepared.url, prepared.headers, _protocol.decode_body(prepared.body)


def parse_reply(reply: HttpReply, operation: Any, shape: Any = None) -> Dict[str, Any]:
    """What a botocore client makes of ``reply``."""
    headers = HTTPHeaders()
    for key, value in reply.headers.items():
        headers[key] = value
    assert isinstance(reply.body, bytes)
    response = AWSResponse(ENDPOINT, reply.status, headers, _Raw(reply.body))
    response_dict = convert_to_response_dict(response, operation)
    parsed: Dict[str, Any] = create_parser("rest-json").parse(
        response_dict, shape if shape is not None else operation.output_shape
    )
    return parsed


# -- requests ----------------------------------------------------------------------------------

REQUESTS: List[Tuple[str, str, Dict[str, Any]]] = [
    (
        "kinesisvideo",
        "CreateStream",
        {
            "DeviceName": "cam-1",
            "StreamName": "s.1_a-b",
            "MediaType": "video/h264,audio/aac",
            "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/abc",
            "DataRetentionInHours": 24,
            "Tags": {"team": "vision", "ünï": "çødé ✓"},
            "StreamStorageConfiguration": {"DefaultStorageTier": "WARM"},
        },
    ),
    (
        "kinesisvideo",
        "ListStreams",
        {
            "MaxResults": 7,
            "NextToken": "abc+/=",
            "StreamNameCondition": {"ComparisonOperator": "BEGINS_WITH", "ComparisonValue": "c"},
        },
    ),
    (
        "kinesis-video-media",
        "GetMedia",
        {
            "StreamARN": ARN,
            "StartSelector": {"StartSelectorType": "PRODUCER_TIMESTAMP", "StartTimestamp": T2},
        },
    ),
    (
        "kinesis-video-archived-media",
        "ListFragments",
        {
            "StreamName": "s",
            "MaxResults": 1000,
            "FragmentSelector": {
                "FragmentSelectorType": "SERVER_TIMESTAMP",
                "TimestampRange": {"StartTimestamp": T1, "EndTimestamp": T2},
            },
        },
    ),
    (
        "kinesis-video-archived-media",
        "GetImages",
        {
            "StreamARN": ARN,
            "ImageSelectorType": "PRODUCER_TIMESTAMP",
            "StartTimestamp": T1,
            "EndTimestamp": T1 + dt.timedelta(seconds=30),
            "SamplingInterval": 3000,
            "Format": "JPEG",
            "FormatConfig": {"JPEGQuality": "80"},
            "WidthPixels": 640,
            "MaxResults": 25,
        },
    ),
    (
        "kinesis-video-archived-media",
        "GetMediaForFragmentList",
        {"StreamName": "s", "Fragments": ["91343852333181432392682062607743920146464094022", "1"]},
    ),
    (
        "kinesis-video-signaling",
        "SendAlexaOfferToMaster",
        {"ChannelARN": CHANNEL_ARN, "SenderClientId": "alexa", "MessagePayload": "b2ZmZXI="},
    ),
    (
        "kinesis-video-webrtc-storage",
        "JoinStorageSessionAsViewer",
        {"channelArn": CHANNEL_ARN, "clientId": "viewer-1"},
    ),
]


@pytest.mark.parametrize(
    ("service", "operation", "params"), REQUESTS, ids=[f"{s}.{o}" for s, o, _ in REQUESTS]
)
def test_parse_gives_back_what_botocore_serialized(
    service: str, operation: str, params: Dict[str, Any]
) -> None:
    model = _model.operation_model(service, operation)
    url, headers, body = serialize(model, params)
    assert OperationCodec(service, operation).parse(url, headers, body) == params


@pytest.mark.parametrize("precision", ["default", "millisecond", "legacy"])
def test_timestamps_round_trip_at_every_botocore_precision(precision: str) -> None:
    model = _model.operation_model("kinesis-video-archived-media", "ListFragments")
    codec = OperationCodec("kinesis-video-archived-media", "ListFragments")
    rng = random.Random(precision)
    for _ in range(300):
        start = dt.datetime(2000, 1, 1, tzinfo=UTC) + dt.timedelta(
            seconds=rng.randrange(2 * 10**9), microseconds=rng.randrange(10**6)
        )
        params = {
            "StreamName": "s",
            "FragmentSelector": {
                "FragmentSelectorType": "PRODUCER_TIMESTAMP",
                "TimestampRange": {"StartTimestamp": start, "EndTimestamp": start},
            },
        }
        parsed = codec.parse(*serialize(model, params, precision))
        got = parsed["FragmentSelector"]["TimestampRange"]["StartTimestamp"]
        if precision == "default":
            expected = start
        elif precision == "millisecond":
            expected = start.replace(microsecond=start.microsecond // 1000 * 1000)
        else:
            expected = start.replace(microsecond=0)
        assert got == expected
        assert got.tzinfo is not None and got.utcoffset() == dt.timedelta(0)


def test_iso8601_and_numeric_string_timestamps_are_read() -> None:
    codec = OperationCodec("kinesis-video-archived-media", "GetImages")
    for raw in ('"2019-03-07T02:20:09.774Z"', '"2019-03-07T02:20:09.774"', "1551925209.774"):
        body = f'{{"StartTimestamp": {raw}}}'.encode()
        assert codec.parse(ENDPOINT + "/getImages", {}, body) == {"StartTimestamp": T1}


# A service model with the bindings the five KVS models do not use yet (URI labels, greedy
# labels, query strings, headers, blobs, renamed members), so the codec is checked for them.
SYNTHETIC: Dict[str, Any] = {
    "version": "2.0",
    "metadata": {
        "apiVersion": "2020-01-01",
        "endpointPrefix": "synthetic",
        "protocol": "rest-json",
        "serviceFullName": "Synthetic",
        "serviceId": "Synthetic",
        "signatureVersion": "v4",
        "uid": "synthetic-2020-01-01",
    },
    "operations": {
        "PutThing": {
            "name": "PutThing",
            "http": {
                "method": "POST",
                "requestUri": "/things/{ThingName}/parts/{PartPath+}?mode=fixed",
                "responseCode": 201,
            },
            "input": {"shape": "PutThingInput"},
            "output": {"shape": "PutThingOutput"},
        }
    },
    "shapes": {
        "PutThingInput": {
            "type": "structure",
            "required": ["ThingName", "PartPath"],
            "members": {
                "ThingName": {"shape": "String", "location": "uri", "locationName": "ThingName"},
                "PartPath": {"shape": "String", "location": "uri", "locationName": "PartPath"},
                "Filter": {"shape": "String", "location": "querystring", "locationName": "filter"},
                "Token": {"shape": "String", "location": "header", "locationName": "x-amz-token"},
                "Data": {"shape": "Blob"},
                "When": {"shape": "Timestamp"},
                "Blobs": {"shape": "BlobList"},
                "Renamed": {"shape": "Nested", "locationName": "renamedOnWire"},
            },
        },
        "Nested": {
            "type": "structure",
            "members": {
                "At": {"shape": "Timestamp", "locationName": "at"},
                "Raw": {"shape": "Blob"},
            },
        },
        "PutThingOutput": {
            "type": "structure",
            "members": {
                "ETag": {"shape": "String", "location": "header", "locationName": "ETag"},
                "Body": {"shape": "StreamingBlob"},
            },
            "payload": "Body",
        },
        "BlobList": {"type": "list", "member": {"shape": "Blob"}},
        "String": {"type": "string"},
        "Blob": {"type": "blob"},
        "StreamingBlob": {"type": "blob", "streaming": True},
        "Timestamp": {"type": "timestamp"},
    },
}


@pytest.fixture
def synthetic(monkeypatch: pytest.MonkeyPatch) -> Any:
    service = ServiceModel(SYNTHETIC, service_name="synthetic")
    real = _model.operation_model

    def operation_model(service_name: str, operation: str) -> OperationModel:
        if service_name == "synthetic":
            return service.operation_model(operation)
        return real(service_name, operation)

    monkeypatch.setattr(_model, "operation_model", operation_model)
    return service.operation_model("PutThing")


def test_uri_query_header_blob_and_renamed_members(synthetic: Any) -> None:
    params = {
        "ThingName": "a b/c%d",
        "PartPath": "x/y z/ü",
        "Filter": "k=v&w+1",
        "Token": "tok en",
        "Data": b"\x00\xffbinary\n",
        "When": T2,
        "Blobs": [b"one", b"\x01\x02"],
        "Renamed": {"At": T1, "Raw": b"raw"},
    }
    url, headers, body = serialize(synthetic, params)
    assert "renamedOnWire" in body.decode()
    assert OperationCodec("synthetic", "PutThing").parse(url, headers, body) == params


def test_payload_output_header_and_response_code(synthetic: Any) -> None:
    reply = OperationCodec("synthetic", "PutThing").reply(
        {"ETag": "etag-1", "Body": b"\x1aE\xdf\xa3 mkv bytes"}, "rid-1"
    )
    assert reply.status == 201
    assert reply.body == b"\x1aE\xdf\xa3 mkv bytes"
    parsed = parse_reply(reply, synthetic)
    assert parsed["ETag"] == "etag-1"
    assert parsed["Body"].read() == b"\x1aE\xdf\xa3 mkv bytes"
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-1"
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == 201


# -- replies -----------------------------------------------------------------------------------


def test_describe_stream_reply_exact_wire_text_and_parse() -> None:
    info = {
        "DeviceName": None,
        "StreamName": "test",
        "StreamARN": ARN,
        "MediaType": "video/h264",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",
        "Version": "cWNvNr5iIQ1AA8LBuDFE",
        "Status": "ACTIVE",
        "CreationTime": dt.datetime(2019, 3, 7, 2, 0, 9, 774000, tzinfo=UTC),
        "DataRetentionInHours": 48,
    }
    reply = OperationCodec("kinesisvideo", "DescribeStream").reply({"StreamInfo": info}, "r-1")
    assert reply.status == 200
    assert reply.body == (
        b'{"StreamInfo":{"DeviceName":null,"StreamName":"test","StreamARN":"' + ARN.encode() + b'",'
        b'"MediaType":"video/h264",'
        b'"KmsKeyId":"arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",'
        b'"Version":"cWNvNr5iIQ1AA8LBuDFE","Status":"ACTIVE","CreationTime":1551924009.774,'
        b'"DataRetentionInHours":48}}'
    )
    assert reply.headers == {
        "x-amzn-RequestId": "r-1",
        "Content-Type": "application/json",
        "Content-Length": str(len(reply.body)),
    }
    parsed = parse_reply(reply, _model.operation_model("kinesisvideo", "DescribeStream"))
    expected = {k: v for k, v in info.items() if v is not None}
    assert parsed["StreamInfo"] == expected
    assert parsed["ResponseMetadata"]["RequestId"] == "r-1"


def test_creation_time_is_epoch_seconds_with_exact_millisecond_fraction() -> None:
    codec = OperationCodec("kinesisvideo", "DescribeStream")
    rng = random.Random(11)
    for _ in range(500):
        seconds = rng.randrange(10**9, 2 * 10**9)
        millis = rng.randrange(1000)
        micros = rng.randrange(1000)  # below a millisecond: truncated, like the ARN suffix
        created = dt.datetime.fromtimestamp(seconds, UTC) + dt.timedelta(
            milliseconds=millis, microseconds=micros
        )
        body = codec.reply({"StreamInfo": {"CreationTime": created}}, "r").body
        assert isinstance(body, bytes)
        value = json.loads(body, parse_float=Decimal)["StreamInfo"]["CreationTime"]
        assert value == Decimal(f"{seconds}.{millis:03d}"), body
        text = body.decode().split('"CreationTime":', 1)[1].rstrip("}")
        assert text == repr(seconds + millis / 1000)


def test_list_streams_reply_parses_to_the_same_dict() -> None:
    op = _model.operation_model("kinesisvideo", "ListStreams")
    result = {
        "StreamInfoList": [
            {
                "StreamName": f"s{i}",
                "CreationTime": T1,
                "DataRetentionInHours": i,
                "Status": "ACTIVE",
            }
            for i in range(3)
        ],
        "NextToken": "dG9rZW4=",
    }
    parsed = parse_reply(OperationCodec("kinesisvideo", "ListStreams").reply(result, "r"), op)
    del parsed["ResponseMetadata"]
    assert parsed == result


def test_empty_result_is_an_empty_json_object() -> None:
    reply = OperationCodec("kinesisvideo", "TagStream").reply({}, "r-2")
    assert (reply.status, reply.body) == (200, b"{}")


def test_streaming_payload_passes_through_untouched() -> None:
    chunks = iter([b"a", b"b"])
    reply = OperationCodec("kinesis-video-media", "GetMedia").reply(
        {"ContentType": "video/webm", "Payload": chunks}, "r-3"
    )
    assert reply.body is chunks
    assert reply.headers == {"x-amzn-RequestId": "r-3", "Content-Type": "video/webm"}
    empty = OperationCodec("kinesis-video-media", "GetMedia").reply(
        {"ContentType": "video/webm", "Payload": None}, "r-4"
    )
    assert empty.body == b""


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("service", "operation", "code", "status", "member"),
    [
        ("kinesisvideo", "DescribeStream", "AccessDeniedException", 401, "Message"),
        ("kinesisvideo", "DescribeStream", "NotAuthorizedException", 401, "Message"),
        ("kinesisvideo", "DescribeStream", "ResourceNotFoundException", 404, "Message"),
        ("kinesisvideo", "CreateStream", "ResourceInUseException", 400, "Message"),
        ("kinesisvideo", "CreateStream", "InvalidArgumentException", 400, "Message"),
        ("kinesis-video-media", "GetMedia", "NotAuthorizedException", 401, "Message"),
        ("kinesis-video-media", "GetMedia", "ResourceNotFoundException", 404, "Message"),
        (
            "kinesis-video-archived-media",
            "ListFragments",
            "ResourceNotFoundException",
            404,
            "Message",
        ),
        ("kinesis-video-signaling", "GetIceServerConfig", "InvalidClientException", 400, "message"),
        (
            "kinesis-video-signaling",
            "GetIceServerConfig",
            "SessionExpiredException",
            400,
            "message",
        ),
        ("kinesis-video-signaling", "GetIceServerConfig", "NotAuthorizedException", 401, "Message"),
        (
            "kinesis-video-webrtc-storage",
            "JoinStorageSession",
            "AccessDeniedException",
            403,
            "message",
        ),
        (
            "kinesis-video-webrtc-storage",
            "JoinStorageSession",
            "ResourceNotFoundException",
            404,
            "message",
        ),
    ],
)
def test_error_reply_status_and_message_member(
    service: str, operation: str, code: str, status: int, member: str
) -> None:
    reply = _protocol.error_reply(service, code, "Something 'quoted' went wrong.", "req-9")
    assert reply.status == status
    assert reply.headers["x-amzn-ErrorType"] == code
    assert reply.headers["x-amzn-RequestId"] == "req-9"
    assert json.loads(reply.body) == {"__type": code, member: "Something 'quoted' went wrong."}  # type: ignore[arg-type]

    op = _model.operation_model(service, operation)
    parsed = parse_reply(reply, op)
    assert parsed["Error"] == {"Code": code, "Message": "Something 'quoted' went wrong."}
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == status
    assert parsed["ResponseMetadata"]["RequestId"] == "req-9"
    # The modeled parse (what fills the exception's modeled fields) finds the message under
    # the member name the error shape declares.
    shape = _model.service_model(service).shape_for(code)
    modeled = parse_reply(reply, op, shape)
    assert modeled[member] == "Something 'quoted' went wrong."


@pytest.mark.parametrize("service", list(_model.SERVICE_NAMES.values()))
def test_every_modeled_error_uses_its_shapes_status_and_member(service: str) -> None:
    model = _model.service_model(service)
    codes = []
    for shape in model.error_shapes:
        codes.append(shape.name)
        reply = _protocol.error_reply(service, shape.name, "m", "r")
        assert reply.status == shape.metadata["error"]["httpStatusCode"], shape.name
        body = json.loads(reply.body)  # type: ignore[arg-type]
        assert body["__type"] == shape.name
        (member,) = [k for k in body if k != "__type"]
        assert member in shape.members, (shape.name, member)
        assert shape.members[member].type_name == "string"
    assert "InvalidArgumentException" in codes


def test_unmodeled_error_code_falls_back_to_400_message() -> None:
    reply = _protocol.error_reply("kinesisvideo", "ThrottlingException", "slow down", "r")
    assert reply.status == 400
    assert json.loads(reply.body) == {"__type": "ThrottlingException", "Message": "slow down"}  # type: ignore[arg-type]


# -- malformed requests ------------------------------------------------------------------------

MALFORMED = [
    (b"{not json", "The request body is not valid JSON."),
    (b"\xff\xfe{", "The request body is not valid JSON."),
    (b"[" * 100_000, "The request body is not valid JSON."),
    (b'["StreamName"]', "The request body must be a JSON object."),
    (b'"text"', "The request body must be a JSON object."),
]


@pytest.mark.parametrize(
    ("body", "message"), MALFORMED, ids=["syntax", "bytes", "deep", "list", "str"]
)
def test_malformed_body_is_invalid_argument(body: bytes, message: str) -> None:
    codec = OperationCodec("kinesisvideo", "DescribeStream")
    with pytest.raises(_protocol.MalformedRequest, match=message):
        codec.parse(ENDPOINT + "/describeStream", {}, body)
    with kvsmock.mock_kinesisvideo() as mock:
        reply = _dispatch.dispatch(
            mock, "kinesis-video", "DescribeStream", ENDPOINT + "/describeStream", {}, body
        )
    assert reply.status == 400
    assert reply.headers["x-amzn-ErrorType"] == "InvalidArgumentException"
    assert json.loads(reply.body) == {"__type": "InvalidArgumentException", "Message": message}  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw", ["NaN", "Infinity", "-Infinity", "1e300", '"yesterday"', "true", '{"a": 1}']
)
def test_garbage_timestamps_do_not_crash_the_codec(raw: str) -> None:
    codec = OperationCodec("kinesis-video-archived-media", "GetImages")
    params = codec.parse(ENDPOINT + "/getImages", {}, f'{{"StartTimestamp": {raw}}}'.encode())
    # Left as it came: validation then reports the type error.
    assert not isinstance(params["StartTimestamp"], dt.datetime)


def test_malformed_body_from_a_real_client_is_a_modeled_client_error() -> None:
    import boto3
    from botocore.exceptions import ClientError

    def mangle(request: Any, **_: Any) -> None:
        request.data = b'{"StreamName": '

    with kvsmock.mock_kinesisvideo():
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        client.meta.events.register("before-sign.kinesis-video.DescribeStream", mangle)
        with pytest.raises(ClientError) as err:
            client.describe_stream(StreamName="x")
    assert err.value.response["Error"] == {
        "Code": "InvalidArgumentException",
        "Message": "The request body is not valid JSON.",
    }
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert type(err.value).__name__ == "InvalidArgumentException"


def test_decode_body_accepts_what_botocore_may_prepare() -> None:
    import io

    assert _protocol.decode_body(None) == b""
    assert _protocol.decode_body(b"ab") == b"ab"
    assert _protocol.decode_body(bytearray(b"ab")) == b"ab"
    assert _protocol.decode_body(memoryview(b"ab")) == b"ab"
    assert _protocol.decode_body("é") == "é".encode()
    stream = io.BytesIO(b"file body")
    assert _protocol.decode_body(stream) == b"file body"
    assert stream.read() == b"file body"  # rewound for botocore's own use
    assert _protocol.decode_body(iter([b"a", b"b"])) == b"ab"
