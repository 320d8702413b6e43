"""Hostile input that is not a generated call: every case ends in the modeled answer, never a
Python exception, and a refused request changes nothing (issue 17, item 2).

Each row of a table is one request a careless or malicious client can send: bodies nested
past Python's stack, forged pagination tokens, timestamps at and past ``datetime``'s limits,
timecodes that overflow, numbers in digits that are not ASCII. The old code raised
``RecursionError``, ``OverflowError`` or ``ValueError`` out of kvsmock for most of them, or
accepted them.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from typing import Any, Callable, Dict, Iterator, List, NamedTuple, Tuple

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from ebmlite import encoding
from freezegun import freeze_time
from fuzz.harness import _flatten, settle
from media_support import H264, REGION, create_stream

from kvsmock import KinesisVideoMock, _dispatch, mock_kinesisvideo
from kvsmock.errors import ServiceError
from kvsmock.media import _mkv

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
NOW = START + dt.timedelta(seconds=30)
S = dt.timedelta(seconds=1)
YEAR_1 = dt.datetime(1, 1, 1, tzinfo=UTC)
YEAR_9999 = dt.datetime(9999, 12, 31, 23, 59, 50, tzinfo=UTC)
CONTROL = f"https://kinesisvideo.{REGION}.amazonaws.com"


def snapshot(mock: KinesisVideoMock) -> Dict[str, Any]:
    """Everything the default store holds, and where its random ids stand."""
    store = mock.state()
    settle(store)
    out: Dict[str, Any] = {}
    with store.lock:
        _flatten(store, "", out, ())
        out["rng"] = hashlib.sha1(repr(store.rng.getstate()).encode()).hexdigest()
    return out


@pytest.fixture
def mock() -> Iterator[KinesisVideoMock]:
    with freeze_time(NOW), mock_kinesisvideo(seed=17) as m:
        create_stream()
        m.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START)
        yield m


def archived(api: str, validate: bool = False) -> Any:
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName="cam", APIName=api)["DataEndpoint"]
    return boto3.client(
        "kinesis-video-archived-media",
        region_name=REGION,
        endpoint_url=endpoint,
        config=Config(parameter_validation=validate),
    )


def ms(t: dt.datetime) -> int:
    return (t - dt.datetime(1970, 1, 1, tzinfo=UTC)) // dt.timedelta(milliseconds=1)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def list_fragments_token(mock: KinesisVideoMock, rest: str) -> str:
    arn = mock.state().streams[0].arn
    return b64(f"kvsmock:fragments:v1:{hashlib.sha256(arn.encode()).hexdigest()[:16]}:{rest}")


def list_fragments(**kwargs: Any) -> Any:
    return archived("LIST_FRAGMENTS").list_fragments(StreamName="cam", **kwargs)


def by_range(start: dt.datetime, end: dt.datetime) -> Dict[str, Any]:
    return {
        "FragmentSelectorType": "SERVER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": start, "EndTimestamp": end},
    }


IMAGES_RANGE = (START, START + 10 * S)


def get_images(**kwargs: Any) -> Any:
    request: Dict[str, Any] = {
        "StreamName": "cam",
        "ImageSelectorType": "PRODUCER_TIMESTAMP",
        "StartTimestamp": IMAGES_RANGE[0],
        "EndTimestamp": IMAGES_RANGE[1],
        "SamplingInterval": 1000,
        "Format": "JPEG",
        "MaxResults": 3,
    }
    request.update(kwargs)
    return archived("GET_IMAGES").get_images(**request)


def images_token(index: str) -> str:
    s, e = (ms(t) for t in IMAGES_RANGE)
    return b64(f"kvsmock:images:v1:{s}:{e}:1000:{index}")


def deep(opening: bytes, inner: bytes, closing: bytes, depth: int) -> bytes:
    return opening * depth + inner + closing * depth


def wire(operation: str, body: bytes) -> Callable[[KinesisVideoMock], Any]:
    """A control-plane request with a hand-made JSON body, through the one pipeline."""

    def send(mock: KinesisVideoMock) -> Any:
        reply = _dispatch.dispatch(mock, "kinesis-video", operation, CONTROL, {}, body)
        if reply.status >= 300:
            raise ClientError(
                {"Error": {"Code": reply.headers["x-amzn-ErrorType"], "Message": ""}},
                operation,
            )
        return reply

    return send


class Case(NamedTuple):
    name: str
    call: Callable[[KinesisVideoMock], Any]
    code: str
    message: str = ""


def _token_case(name: str, rest: str) -> Case:
    return Case(
        name,
        lambda m: list_fragments(NextToken=list_fragments_token(m, rest)),
        "InvalidArgumentException",
        "The NextToken is not valid.",
    )


CASES: List[Case] = [
    # Bodies nested past Python's recursion limit (RecursionError in _validate.render /
    # _protocol._drop_nulls before the fix).
    Case(
        "array nested 400 deep",
        wire("DescribeStream", b'{"StreamName":' + deep(b"[", b"", b"]", 400) + b"}"),
        "InvalidArgumentException",
    ),
    Case(
        "array with a null nested 400 deep",
        wire("DescribeStream", b'{"StreamName":' + deep(b"[", b"null", b"]", 400) + b"}"),
        "InvalidArgumentException",
    ),
    Case(
        "object nested 400 deep",
        wire(
            "TagStream",
            b'{"StreamName":"cam","Tags":' + deep(b'{"a":', b"1", b"}", 400) + b"}",
        ),
        "InvalidArgumentException",
    ),
    Case(
        "object nested 2000 deep in an unknown member",
        wire("ListStreams", b'{"X":' + deep(b'{"a":', b"null", b"}", 2000) + b"}"),
        "InvalidArgumentException",
    ),
    # Forged ListFragments tokens (OverflowError in _clock.from_epoch_millis before).
    _token_case("token start 10**20 ms", f"SERVER_TIMESTAMP:{10**20}:{10**20}:5"),
    _token_case("token start -10**14 ms", f"SERVER_TIMESTAMP:{-(10**14)}:0:5"),
    _token_case("token Arabic-Indic digits", "SERVER_TIMESTAMP:\u0661:\u0662:5"),
    _token_case("token superscript digit", "SERVER_TIMESTAMP:0:1:\u00b2"),
    _token_case("token signed and underscored", "SERVER_TIMESTAMP:+0:1_0:5"),
    _token_case("token end before start", "SERVER_TIMESTAMP:10:0:5"),
    _token_case("token unknown selector", "SOME_TIMESTAMP:0:10:5"),
    # Forged GetImages tokens (a negative index was accepted, and answered from the end).
    Case(
        "images token index -5",
        lambda m: get_images(NextToken=images_token("-5")),
        "InvalidArgumentException",
        "The NextToken is not valid.",
    ),
    Case(
        "images token index past the end",
        lambda m: get_images(NextToken=images_token("11")),
        "InvalidArgumentException",
        "The NextToken is not valid.",
    ),
    Case(
        "images token index in Arabic-Indic digits",
        lambda m: get_images(NextToken=images_token("\u0663")),
        "InvalidArgumentException",
        "The NextToken is not valid.",
    ),
    # Timestamps at and past datetime's limits (OverflowError, or answers botocore cannot
    # read, before).
    Case(
        "images from year 1",
        lambda m: get_images(StartTimestamp=YEAR_1, EndTimestamp=YEAR_1 + 10 * S),
        "InvalidArgumentException",
    ),
    Case(
        "images to year 9999",
        lambda m: get_images(StartTimestamp=YEAR_9999, EndTimestamp=YEAR_9999 + 9 * S),
        "InvalidArgumentException",
    ),
    Case(
        "fragments from year 1",
        lambda m: list_fragments(FragmentSelector=by_range(YEAR_1, NOW)),
        "InvalidArgumentException",
    ),
    Case(
        "fragments in year 9999",
        lambda m: list_fragments(FragmentSelector=by_range(YEAR_9999, YEAR_9999)),
        "InvalidArgumentException",
    ),
    Case(
        "clip from year 1",
        lambda m: archived("GET_CLIP").get_clip(
            StreamName="cam",
            ClipFragmentSelector={
                "FragmentSelectorType": "SERVER_TIMESTAMP",
                "TimestampRange": {"StartTimestamp": YEAR_1, "EndTimestamp": NOW},
            },
        ),
        "InvalidArgumentException",
    ),
    Case(
        "epoch seconds past datetime",
        wire(
            "ListStreams",
            b'{"StreamNameCondition":{"ComparisonOperator":"BEGINS_WITH",'
            b'"ComparisonValue":"c"},"MaxResults":1e400}',
        ),
        "InvalidArgumentException",
    ),
    Case(
        "PutMedia producer start 9999-12-31",
        lambda m: m.put_media(
            StreamName="cam",
            Payload=H264.data,
            ProducerStartTimestamp=dt.datetime(9999, 12, 31, tzinfo=UTC),
        ),
        "InvalidArgumentException",
    ),
    Case(
        "PutMedia producer start 10**12 epoch seconds",
        lambda m: m.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=1e12),
        "InvalidArgumentException",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_request_gets_a_modeled_error_and_changes_nothing(
    mock: KinesisVideoMock, case: Case
) -> None:
    before = snapshot(mock)
    with pytest.raises((ClientError, ServiceError)) as raised:
        case.call(mock)
    error = raised.value
    if isinstance(error, ClientError):
        assert error.response["Error"]["Code"] == case.code
        if case.message:
            assert error.response["Error"]["Message"] == case.message
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        assert status in (None, 400)
    else:
        assert error.code == case.code
    assert snapshot(mock) == before


# -- PutMedia that fails part-way ---------------------------------------------------------


def _head_and_body() -> Tuple[bytes, bytes, _mkv.Parsed]:
    parsed = _mkv.parse(H264.data)
    head = H264.data[: H264.data.index(parsed.clusters[0].raw)]
    return head, _mkv.cluster_body(H264.data), parsed


def stored_numbers(mock: KinesisVideoMock) -> List[str]:
    fragments = archived("LIST_FRAGMENTS").list_fragments(
        StreamName="cam", FragmentSelector=by_range(START - 3600 * S, NOW)
    )["Fragments"]
    return sorted(f["FragmentNumber"] for f in fragments)


PARTIAL: List[Tuple[str, Callable[[], bytes], str, List[str]]] = [
    (
        "cluster timecode 2**50 ms",
        lambda: (
            _head_and_body()[0]
            + _mkv.cluster(0, _head_and_body()[1])
            + _mkv.cluster(2**50, _head_and_body()[1])
        ),
        "RELATIVE",
        ["BUFFERING", "RECEIVED", "PERSISTED", "BUFFERING", "ERROR"],
    ),
    (
        "absolute timecode 2**63",
        lambda: _head_and_body()[0] + _mkv.cluster(2**63 - 1, _head_and_body()[1]),
        "ABSOLUTE",
        ["BUFFERING", "ERROR"],
    ),
]


@pytest.mark.parametrize(
    "name, payload, timecode_type, events", PARTIAL, ids=[p[0] for p in PARTIAL]
)
def test_put_media_failing_part_way_acknowledges_what_it_stored(
    mock: KinesisVideoMock,
    name: str,
    payload: Callable[[], bytes],
    timecode_type: str,
    events: List[str],
) -> None:
    before = stored_numbers(mock)
    acks = mock.put_media(
        StreamName="cam",
        Payload=payload(),
        FragmentTimecodeType=timecode_type,
        ProducerStartTimestamp=START,
    )
    assert [a["EventType"] for a in acks] == events
    assert acks[-1]["ErrorId"] == 4007
    assert acks[-1]["ErrorCode"] == "INVALID_PRODUCER_TIMESTAMP"
    kept = [a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED"]
    assert stored_numbers(mock) == sorted(before + kept)


def test_nested_masters_in_the_payload_are_invalid_mkv_data(mock: KinesisVideoMock) -> None:
    nested = b""
    for _ in range(5000):  # Seek is a master element; ebmlite reads masters recursively
        nested = bytes(encoding.encodeId(0x4DBB)) + bytes(encoding.encodeSize(len(nested))) + nested
    payload = bytes(encoding.encodeId(_mkv.EBML_ID)) + bytes(encoding.encodeSize(len(nested)))
    before = stored_numbers(mock)
    acks = mock.put_media(StreamName="cam", Payload=payload + nested)
    assert [(a["EventType"], a.get("ErrorId")) for a in acks] == [("ERROR", 4006)]
    assert stored_numbers(mock) == before


#: ``SignatureSlot`` of unknown size: a global master element, so valid inside itself.
_UNKNOWN_SLOT = bytes(encoding.encodeId(0x1B538667)) + b"\xff"


def test_nested_unknown_size_masters_are_bounded_explicitly(mock: KinesisVideoMock) -> None:
    # ebmlite ends a master of unknown size by reading its children, recursively: 5000 of
    # them nested used to stop at Python's recursion limit. _mkv.MAX_DEPTH bounds it.
    head, body, _ = _head_and_body()
    payload = head + _mkv.cluster(2000, body) + _UNKNOWN_SLOT * 5000
    problem = _mkv.parse(payload).problem
    assert problem is not None and problem.kind == "invalid"
    assert f"nested deeper than {_mkv.MAX_DEPTH} levels" in problem.message
    _assert_first_stored_then_invalid_mkv_data(mock, payload)


def test_nesting_within_the_bound_is_read(mock: KinesisVideoMock) -> None:
    head, body, _ = _head_and_body()
    nested = _mkv.parse(head + _mkv.cluster(2000, body) + _UNKNOWN_SLOT * (_mkv.MAX_DEPTH - 1))
    assert nested.problem is None and len(nested.clusters) == 1
    deeper = _mkv.parse(head + _mkv.cluster(2000, body) + _UNKNOWN_SLOT * (_mkv.MAX_DEPTH + 1))
    assert deeper.problem is not None and deeper.problem.kind == "invalid"


def test_a_block_shorter_than_its_header_is_invalid_mkv_data(mock: KinesisVideoMock) -> None:
    # A 2-byte SimpleBlock (a track number and half a timecode): its frame index entry had a
    # negative size, and packing it raised struct.error out of put_media.
    head, body, _ = _head_and_body()
    short = bytes([0xA3, 0x82, 0x81, 0x00])
    payload = head + _mkv.cluster(2000, body) + _mkv.cluster(4000, short)
    _assert_first_stored_then_invalid_mkv_data(mock, payload)


def _assert_first_stored_then_invalid_mkv_data(mock: KinesisVideoMock, payload: bytes) -> None:
    """The payload's first cluster is acknowledged and stored, then ERROR 4006
    (INVALID_MKV_DATA) ends it."""
    before = stored_numbers(mock)
    acks = mock.put_media(StreamName="cam", Payload=payload)
    assert [(a["EventType"], a.get("ErrorId")) for a in acks] == [
        ("BUFFERING", None),
        ("RECEIVED", None),
        ("PERSISTED", None),
        ("ERROR", 4006),
    ]
    assert len(stored_numbers(mock)) == len(before) + 1


# -- HLS / DASH URLs ----------------------------------------------------------------------


def _segment_url() -> str:
    url: str = archived("GET_HLS_STREAMING_SESSION_URL").get_hls_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        HLSFragmentSelector={
            "FragmentSelectorType": "PRODUCER_TIMESTAMP",
            "TimestampRange": {"StartTimestamp": START, "EndTimestamp": START + 30 * S},
        },
    )["HLSStreamingSessionURL"]
    return url.replace("getHLSMasterPlaylist.m3u8", "getMP4MediaFragment.mp4")


@pytest.mark.parametrize(
    "query, status, code",
    [
        ("SequenceNumber=%C2%B2", 404, "ResourceNotFoundException"),  # "²".isdigit()
        ("SequenceNumber=%D9%A1", 404, "ResourceNotFoundException"),  # Arabic-Indic one
        ("FragmentNumber=%C2%B2", 404, "ResourceNotFoundException"),
        ("SequenceNumber=0&TrackNumber=%C2%B9", 400, "InvalidArgumentException"),
    ],
)
def test_segment_numbers_are_ascii_digits(
    mock: KinesisVideoMock, query: str, status: int, code: str
) -> None:
    reply = requests.get(f"{_segment_url()}&{query}", timeout=5)
    assert reply.status_code == status
    assert reply.headers["x-amzn-ErrorType"] == code


# -- determinism (item 6) -----------------------------------------------------------------


def persisted(acks: List[Dict[str, Any]]) -> List[str]:
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED"]


def _run(fail_in_between: bool) -> Tuple[List[str], str]:
    """Fragment numbers and a later stream's Version after the same successful calls, with
    or without two sessions ending in ERROR acks in between."""
    head, body, _ = _head_and_body()
    with freeze_time(NOW), mock_kinesisvideo(seed=42) as m:
        create_stream()
        numbers = persisted(
            m.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START)
        )
        if fail_in_between:
            # The first cluster is stored, the second goes back in time: 4004.
            acks = m.put_media(
                StreamName="cam", Payload=head + _mkv.cluster(2000, body) + _mkv.cluster(0, body)
            )
            assert acks[-1]["ErrorId"] == 4004
            numbers += persisted(acks)
            acks = m.put_media(
                StreamName="cam",
                Payload=head + _mkv.cluster(2**63 - 1, body),
                FragmentTimecodeType="ABSOLUTE",
            )
            assert acks[-1]["ErrorId"] == 4007
        else:
            numbers += persisted(
                m.put_media(StreamName="cam", Payload=head + _mkv.cluster(2000, body))
            )
        acks = m.put_media(
            StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START + 60 * S
        )
        numbers += persisted(acks)
        control = boto3.client("kinesisvideo", region_name=REGION)
        control.create_stream(StreamName="later", DataRetentionInHours=1)
        version: str = control.describe_stream(StreamName="later")["StreamInfo"]["Version"]
        return numbers, version


def test_error_acks_do_not_shift_later_ids() -> None:
    with_errors = _run(fail_in_between=True)
    assert len(with_errors[0]) == 7
    assert with_errors == _run(fail_in_between=False)
