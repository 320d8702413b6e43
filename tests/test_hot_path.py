"""The per-request shortcuts give exactly what the plain code gives (docs/performance.md):
JSON through orjson or the standard library, the ``AWSResponse`` factory, environment tests
without exceptions, the bounds of the validators' accepted strings; and the ids and creation
times they must not change."""

from __future__ import annotations

import ctypes
import datetime as dt
import json
import os
import random
import re
import sys
import threading
import uuid
from typing import Any, List, Optional, Set

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import _clock, _intercept, _model, _protocol, _validate, mock_kinesisvideo
from kvsmock import mock as mock_module
from kvsmock.state import Store

UTC = dt.timezone.utc


def _stdlib_json(value: Any) -> bytes:
    return json.dumps(value, default=_protocol._json_default, separators=(",", ":")).encode()


# -- JSON bodies ------------------------------------------------------------------------------

_RESULTS = [
    {"StreamInfo": {"DeviceName": None, "StreamName": "cam-1", "DataRetentionInHours": 0}},
    {"CreationTime": dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)},
    {"T": dt.datetime(1969, 12, 31, 23, 59, 59, 1000, tzinfo=UTC)},
    {"Payload": b"\x00\x01binary\xff"},
    {"List": [1, 2.5, -0.0, 1e300, True, False, None, "", {"nested": []}]},
    {"Big": 2**63 - 1, "Small": -(2**63)},
    {"Escapes": 'quote " backslash \\ tab \t newline \n bell \x07 slash /'},
]


@pytest.mark.parametrize("value", _RESULTS)
def test_encode_json_is_the_standard_librarys_bytes(value: Any) -> None:
    # ASCII strings, ordinary floats: byte for byte what json.dumps writes.
    assert _protocol.encode_json(value) == _stdlib_json(value)


def test_encode_json_writes_non_ascii_as_utf8_with_the_same_value() -> None:
    value = {"DeviceName": "caméra \u2028 \U0001f3a5"}
    body = _protocol.encode_json(value)
    assert json.loads(body) == value == json.loads(_stdlib_json(value))
    assert body == '{"DeviceName":"caméra \u2028 \U0001f3a5"}'.encode()


@pytest.mark.parametrize(
    "value",
    [{"Huge": 2**64 + 1}, {"Huge": -(2**64) - 1}, {"Lone": "\ud800 surrogate"}],
    ids=["over-64-bits", "under-64-bits", "lone-surrogate"],
)
def test_what_orjson_refuses_goes_through_the_standard_library(value: Any) -> None:
    assert _protocol.encode_json(value) == _stdlib_json(value)


def test_without_orjson_the_standard_library_encodes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_protocol, "_orjson_dumps", None)
    value = {"DeviceName": "caméra", "T": dt.datetime(2021, 1, 1, tzinfo=UTC)}
    assert _protocol.encode_json(value) == _stdlib_json(value)
    assert _protocol.encode_json(value) == b'{"DeviceName":"cam\\u00e9ra","T":1609459200.0}'


def test_missing_orjson_is_found_missing_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__
    attempts: List[str] = []

    def no_orjson(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "orjson":
            attempts.append(name)
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(_protocol, "_orjson_dumps", _protocol._UNSET)
    monkeypatch.setattr(builtins, "__import__", no_orjson)
    assert _protocol.encode_json({"a": 1}) == b'{"a":1}'
    assert _protocol.encode_json({"b": 2}) == b'{"b":2}'
    assert attempts == ["orjson"]
    assert _protocol._orjson_dumps is None


@pytest.mark.parametrize(
    "when, epoch",
    [
        (dt.datetime(2021, 3, 22, 7, 49, 59, 939999, tzinfo=UTC), 1616399399.939),  # truncated
        (dt.datetime(2021, 3, 22, 7, 49, 59, 939000), 1616399399.939),  # naive is UTC
        (
            dt.datetime(2021, 3, 22, 8, 49, 59, 939000, tzinfo=dt.timezone(dt.timedelta(hours=1))),
            1616399399.939,
        ),
    ],
    ids=["sub-millisecond", "naive", "offset"],
)
def test_timestamps_are_epoch_seconds_truncated_to_the_millisecond(
    when: dt.datetime, epoch: float
) -> None:
    assert json.loads(_protocol.encode_json({"T": when})) == {"T": epoch}
    assert json.loads(_stdlib_json({"T": when})) == {"T": epoch}


def test_frozen_clock_datetimes_encode_as_epoch_seconds() -> None:
    with freeze_time("2021-03-22 07:49:59.939"):
        now = dt.datetime.now(UTC)
        assert now.__class__ is not _protocol._REAL_DATETIME[0]  # freezegun's subclass
        assert _protocol.encode_json({"T": now}) == b'{"T":1616399399.939}'


# -- AWSResponse ----------------------------------------------------------------------------------

_HEADERS = {"x-amzn-RequestId": "r-1", "Content-Type": "application/json", "Content-Length": "2"}


def test_response_is_built_by_the_awsresponse_constructor() -> None:
    response = _intercept._aws_response("https://x", 404, _HEADERS, b"{}")
    assert type(response) is AWSResponse
    assert (response.url, response.status_code, response.content) == ("https://x", 404, b"{}")
    assert response.headers["X-AMZN-REQUESTID"] == response.headers.get("x-amzn-requestid")
    assert response.headers["x-amzn-requestid"] == "r-1"


def test_response_streams_an_iterable_body() -> None:
    chunks = iter([b"ab", b"cd", b"e"])
    response = _intercept._aws_response("https://x", 200, {}, chunks)
    assert response.raw.read(3) == b"abc"
    assert b"".join(response.raw.stream(2)) == b"de"


# -- seeded sources and ids ------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, "requests-7", None])
def test_request_ids_are_new_request_id_over_random_random(seed: Any) -> None:
    ours = _clock.RequestIds(seed)
    drawn = [ours.next() for _ in range(250)]
    if seed is None:
        assert len(set(drawn)) == 250
        return
    theirs = random.Random(seed)
    assert drawn == [_clock.new_request_id(theirs) for _ in range(250)]


def test_request_ids_are_uuid4_of_the_drawn_bytes() -> None:
    raw = random.Random(1).randbytes(16)
    assert _clock.new_request_id(random.Random(1)) == str(uuid.UUID(bytes=raw, version=4))
    assert _clock.new_request_id(random.Random(1)) == "f5b16522-4a58-4791-9f6a-f1d8303e61cd"


def test_request_ids_of_a_seed_pinned() -> None:
    ids = _clock.RequestIds("requests-0")  # the default mock's request ids
    assert [ids.next() for _ in range(2)] == [
        "ee0ca84c-0fad-415b-ba56-5722458545ca",
        "da523f3f-c1df-4920-bad4-f164c0294c85",
    ]
    with mock_kinesisvideo():
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        first = client.list_streams()["ResponseMetadata"]["RequestId"]
    assert first == "ee0ca84c-0fad-415b-ba56-5722458545ca"


def test_request_ids_across_threads_are_each_drawn_once() -> None:
    ids = _clock.RequestIds("threads")
    drawn: List[str] = []

    def draw() -> None:
        for _ in range(1000):
            drawn.append(ids.next())

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    theirs = random.Random("threads")
    assert sorted(drawn) == sorted(_clock.new_request_id(theirs) for _ in range(4000))


def test_a_streams_version_and_endpoint_ids_are_the_seeds_draws() -> None:
    stream = Store("123456789012", "us-east-1", rng=random.Random(0)).create_stream("cam")
    theirs = random.Random(0)
    assert stream.version == _clock.new_version(theirs) == "thSEeXJKWojiggTPxyUT"
    assert stream.endpoint_ids == dict(zip("sb", _clock.new_hex8s(theirs, 2)))


def test_ids_have_their_documented_shapes() -> None:
    rng = random.Random(11)
    for _ in range(2000):
        request_id = _clock.new_request_id(rng)
        parsed = uuid.UUID(request_id)
        assert (str(parsed), parsed.version, parsed.variant) == (request_id, 4, uuid.RFC_4122)
        assert re.fullmatch(r"[a-zA-Z0-9]{20}", _clock.new_version(rng))
        ids = _clock.new_hex8s(rng, 4)
        assert len(ids) == 4 and all(re.fullmatch(r"[0-9a-f]{8}", i) for i in ids)


def test_version_characters_cover_the_whole_alphabet() -> None:
    rng = random.Random(5)
    seen = set("".join(_clock.new_version(rng) for _ in range(200)))
    assert seen == set(_clock._VERSION_ALPHABET)


# -- environment -----------------------------------------------------------------------------


def _c_getenv(name: str) -> Optional[str]:
    """The process environment as C code (and child processes) see it."""
    libc = ctypes.CDLL(None)
    libc.getenv.restype = ctypes.c_char_p
    value = libc.getenv(name.encode())
    return None if value is None else value.decode()


@pytest.mark.skipif(sys.platform != "linux", reason="reads the C environment through glibc")
@pytest.mark.parametrize("before", [None, "AKIABEFORE"])
def test_env_writes_reach_the_process_environment(
    monkeypatch: pytest.MonkeyPatch, before: Optional[str]
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SESSION_TOKEN"):
        if before is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, before)
    with mock_kinesisvideo():
        assert _c_getenv("AWS_ACCESS_KEY_ID") == "AKIAKVSMOCKTESTING00"
        assert _c_getenv("AWS_SECRET_ACCESS_KEY") == "kvsmock-fake-secret-access-key"
        assert _c_getenv("AWS_SESSION_TOKEN") is None
        assert "AWS_SESSION_TOKEN" not in os.environ
    assert _c_getenv("AWS_ACCESS_KEY_ID") == before
    assert _c_getenv("AWS_SESSION_TOKEN") == before
    assert os.environ.get("AWS_ACCESS_KEY_ID") == before
    assert os.environ.get("AWS_SESSION_TOKEN") == before


def test_env_follows_replaced_fake_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    with mock_kinesisvideo():
        pass  # encodes the default credentials
    monkeypatch.setattr(
        mock_module,
        "FAKE_CREDENTIALS",
        {"AWS_ACCESS_KEY_ID": "AKIAOTHER", "AWS_SECRET_ACCESS_KEY": "other"},
    )
    with mock_kinesisvideo():
        assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIAOTHER"


def test_env_written_through_a_mapping_that_is_not_os_environ(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    replaced = {"AWS_SESSION_TOKEN": "token", "OTHER": "x"}
    monkeypatch.setattr(os, "environ", replaced)
    with mock_kinesisvideo():
        assert replaced == {
            "AWS_ACCESS_KEY_ID": "AKIAKVSMOCKTESTING00",
            "AWS_SECRET_ACCESS_KEY": "kvsmock-fake-secret-access-key",
            "OTHER": "x",
        }
    assert replaced == {"AWS_SESSION_TOKEN": "token", "OTHER": "x"}


def test_env_restore_leaves_a_value_set_inside_the_mock_to_before(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIABEFORE")
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)
    mock_module._install_env()
    os.environ["AWS_SESSION_TOKEN"] = "set-inside"
    os.environ["AWS_ACCESS_KEY_ID"] = "changed-inside"
    mock_module._restore_env()
    assert os.environ["AWS_ACCESS_KEY_ID"] == "AKIABEFORE"
    assert "AWS_SESSION_TOKEN" not in os.environ


# -- string cache bounds -----------------------------------------------------------------------


def _check(service: str, operation: str, output: bool = False) -> _validate.Check:
    model = _model.operation_model(service, operation)
    return _validate.compile_shape(model.output_shape if output else model.input_shape, output)


def _accepted(shape_name: str) -> Set[str]:
    """The accepted strings of the shape's constraints (ResourceARN, StreamName, ...)."""
    shape = _model.service_model("kinesisvideo").shape_for(shape_name)
    meta = shape.metadata
    key = (meta.get("min"), meta.get("max"), None, meta.get("pattern"))
    return _validate._ACCEPTED[key]


def test_valid_strings_are_remembered_up_to_the_quota_size() -> None:
    check = _check("kinesisvideo", "DescribeStream")
    accepted = _accepted("StreamName")
    accepted.clear()
    for i in range(10_000):
        problems: List[str] = []
        check({"StreamName": f"cam-{i:05d}"}, "", problems)
        assert problems == []
    assert len(accepted) == 10_000  # a whole default-quota listing fits
    assert _validate._ACCEPTED_MAX == 16384
    check({"StreamName": "bad name!"}, "", [])
    assert "bad name!" not in accepted


def test_checks_with_the_same_constraints_share_what_they_accepted() -> None:
    describe = _check("kinesisvideo", "DescribeStream")
    _check("kinesisvideo", "ListStreams", output=True)
    arn = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/shared/1616399399939"
    describe({"StreamARN": arn}, "", [])
    assert arn in _accepted("ResourceARN")  # the set the listing's check reads too
    assert arn not in _accepted("StreamName")


def test_long_strings_are_checked_but_not_remembered() -> None:
    check = _check("kinesis-video-signaling", "SendAlexaOfferToMaster")
    value = {"ChannelARN": "arn:aws:kinesisvideo:us-east-1:1:channel/c/1", "SenderClientId": "c"}
    for payload in ("A" * 5000, "short"):
        problems: List[str] = []
        check({**value, "MessagePayload": payload}, "", problems)
        assert problems == []
    remembered = set().union(*_validate._ACCEPTED.values())
    assert "short" in remembered and "A" * 5000 not in remembered


# -- creation times ------------------------------------------------------------------------------


def _created(now: dt.datetime) -> Any:
    store = Store("123456789012", "us-east-1", rng=random.Random(0))
    return store.create_stream("cam", now=now)


def test_creation_time_is_the_request_clock_when_already_whole_milliseconds() -> None:
    now = dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)
    stream = _created(now)
    assert stream.creation_time == now
    assert stream.creation_time.tzinfo is UTC
    assert stream.arn.endswith("/cam/1616399399939")


@pytest.mark.parametrize(
    "now",
    [
        dt.datetime(2021, 3, 22, 7, 49, 59, 939999, tzinfo=UTC),
        dt.datetime(2021, 3, 22, 8, 49, 59, 939000, tzinfo=dt.timezone(dt.timedelta(hours=1))),
    ],
    ids=["sub-millisecond", "offset"],
)
def test_creation_time_is_whole_milliseconds_utc(now: dt.datetime) -> None:
    stream = _created(now)
    assert stream.creation_time == dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)
    assert stream.creation_time.tzinfo is UTC
    assert stream.arn.endswith("/cam/1616399399939")


def test_creation_time_under_a_frozen_clock_is_a_plain_datetime() -> None:
    with freeze_time("2021-03-22 07:49:59.939"):
        stream = _created(_clock.now())
    assert stream.creation_time.__class__ is _protocol._REAL_DATETIME[0]  # not freezegun's
    assert stream.creation_time == dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)


# -- a finished deletion records the ARN's time, whatever was done to the resource ----------
# (found in review: the record came from ``creation_time``, which tests may change through
# ``mock.state()``; a backdated stream let an old ARN match its re-created successor, and a
# naive ``creation_time`` made the deletion raise halfway, leaving the name in the listing
# index without its stream.)


def test_old_arn_never_matches_after_creation_time_was_edited() -> None:
    from kvsmock import mock_kinesisvideo

    with freeze_time("2026-01-01T00:00:00Z"), mock_kinesisvideo() as mock:
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        old = client.create_stream(StreamName="cam")["StreamARN"]
        mock.state().find_stream("cam").creation_time = dt.datetime(2025, 1, 1, tzinfo=UTC)
        client.delete_stream(StreamARN=old)
        new = client.create_stream(StreamName="cam")["StreamARN"]
        assert old == "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1767225600000"
        assert new == "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1767225600001"
        with pytest.raises(ClientError) as caught:
            client.delete_stream(StreamARN=old)
        assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"


@pytest.mark.parametrize("transition_seconds", [0, 5])
def test_deleting_a_stream_with_a_naive_creation_time_completes(transition_seconds: int) -> None:
    from kvsmock import mock_kinesisvideo

    with (
        freeze_time("2026-01-01") as clock,
        mock_kinesisvideo(transition_seconds=transition_seconds) as mock,
    ):
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        arn = client.create_stream(StreamName="cam")["StreamARN"]
        client.create_stream(StreamName="other")
        clock.tick(6)
        mock.state().find_stream("cam").creation_time = dt.datetime(2026, 1, 1)  # naive
        client.delete_stream(StreamARN=arn)
        clock.tick(6)
        names = [s["StreamName"] for s in client.list_streams()["StreamInfoList"]]
        assert names == ["other"]
        assert client.list_streams()["StreamInfoList"][0]["StreamName"] == "other"
        again = client.create_stream(StreamName="cam")["StreamARN"]
        assert again == "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam/1767225612000"
        names = [s["StreamName"] for s in client.list_streams()["StreamInfoList"]]
        assert names == ["cam", "other"]
