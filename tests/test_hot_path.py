"""The per-request shortcuts give exactly what the plain code gives (docs/performance.md,
optimisations 16-24): JSON through orjson or the standard library, the request body's
scanner, the SigV4 scope cache, the ``AWSResponse`` factory, seeded sources copied from a
kept state, ids drawn in one piece, environment tests without exceptions, the string cache's
bounds, and creation times reused from the request clock."""

from __future__ import annotations

import copy
import ctypes
import datetime as dt
import json
import os
import pickle
import random
import re
import sys
import threading
import uuid
from typing import Any, List, Optional

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import _clock, _dispatch, _intercept, _model, _protocol, _validate, mock_kinesisvideo
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


# -- request bodies ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b'{"StreamName":"cam-1"}',
        b'{"a": [1, 2.5, null, true], "b": {"c": "\\u00e9\\ud83c\\udfa5"}}',
        b'{"StreamName":"cam-1"}  \n',
        b'{"n": NaN, "i": -Infinity}',
        b'{"dup": 1, "dup": 2}',
        b'{"big": 123456789012345678901234567890}',
        b'{"u64": 18446744073709551615, "over": 18446744073709551616}',
        b'{"under": -9223372036854775809, "i64": -9223372036854775808}',
        b'{"max": 9999999999999999999}',
        b'{"name": "cam-12345678901234567890", "f": 0.12345678901234567890123}',
        b'{"lone": "\\ud800", "pair": "\\ud83c\\udfa5", "nul": "\\u0000"}',
        b'{"inf": 1E400, "tiny": 5e-324, "neg": -0, "negf": -0.0}',
        '{"s": "caméra"}'.encode(),
    ],
)
def test_request_json_reads_as_json_loads(body: bytes) -> None:
    assert repr(_protocol._loads(body)) == repr(json.loads(body))


def test_invalid_utf8_request_json_raises_as_json_loads() -> None:
    body = b'{"x": "\xff"}'
    with pytest.raises(UnicodeDecodeError):
        json.loads(body)
    with pytest.raises(UnicodeDecodeError):
        _protocol._loads(body)


@pytest.mark.parametrize(
    "body",
    [b'{"a": 1} trailing', b'{"a": 1}{"b": 2}', b'{"a": ', b"{", b'{"a": 1,}', b'{"\x01": 1}'],
)
def test_malformed_request_json_raises_as_json_loads(body: bytes) -> None:
    with pytest.raises(ValueError) as ours:
        _protocol._loads(body)
    with pytest.raises(ValueError) as theirs:
        json.loads(body)
    assert str(ours.value) == str(theirs.value)


# -- SigV4 scope --------------------------------------------------------------------------------

_AUTH = (
    "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261130/eu-west-1/kinesisvideo/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=0123abcd"
)


@pytest.mark.parametrize(
    "auth",
    [
        _AUTH,
        _AUTH.split(",")[0],  # no comma after the credential
        "AWS4-HMAC-SHA256 Credential=bad, Credential=AKIB/20261130/us-west-2/kvs/aws4_request",
        "AWS4-HMAC-SHA256 Credential=AKIA/2026113/us-west-2/x/aws4_request",  # 7-digit date
        "AWS4-HMAC-SHA256 Credential=AKIA/20261130/us west/x/aws4_request",
        "Bearer token",
        "",
    ],
)
def test_credential_scope_is_what_the_pattern_finds(auth: str) -> None:
    match = re.search(_dispatch._CREDENTIAL, auth)
    expected = (match.group(1), match.group(2)) if match else None
    assert _dispatch._credential_scope(auth) == expected
    assert _dispatch._credential_scope(auth) == expected  # from the cache, if cached


def test_credential_scope_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_dispatch, "_scopes", {})
    for i in range(_dispatch._SCOPES_MAX + 10):
        auth = f"AWS4-HMAC-SHA256 Credential=AKIA{i:012d}/20261130/us-east-1/kinesisvideo/a, x"
        assert _dispatch._credential_scope(auth) == (f"AKIA{i:012d}", "us-east-1")
    assert len(_dispatch._scopes) == 10


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


@pytest.mark.parametrize("seed", [0, 7, "requests-0", "x" * 100])
def test_seeded_source_draws_as_random_random(seed: Any) -> None:
    for _ in range(2):  # the second time from the kept stream
        ours, theirs = _clock.seeded_random(seed), random.Random(seed)
        for n in (16, 20, 8, 4, 96):
            assert ours.randbytes(n) == theirs.randbytes(n)
        assert [ours.random() for _ in range(5)] == [theirs.random() for _ in range(5)]
        assert ours.randbytes(16) == theirs.randbytes(16)  # from its own Random now
        assert ours.getrandbits(64) == theirs.getrandbits(64)


@pytest.mark.parametrize("first", ["randrange", "choices", "getrandbits", "randbytes-odd"])
def test_seeded_source_switches_to_its_own_random_at_its_offset(first: str) -> None:
    ours, theirs = _clock.seeded_random(42), random.Random(42)
    assert ours.randbytes(20) == theirs.randbytes(20)
    draws = {
        "randrange": lambda r: r.randrange(4 * 10**27, 6 * 10**27),
        "choices": lambda r: r.choices("abcdef", k=24),
        "getrandbits": lambda r: r.getrandbits(8),
        "randbytes-odd": lambda r: r.randbytes(3),
    }
    assert draws[first](ours) == draws[first](theirs)
    assert ours.randbytes(16) == theirs.randbytes(16)


def test_seeded_source_past_the_shared_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clock, "_SHARED_BYTES", 64)
    monkeypatch.setattr(_clock, "_SHARED", {})
    ours, theirs = _clock.seeded_random(9), random.Random(9)
    drawn = [ours.randbytes(20) for _ in range(10)]  # 200 bytes: past 64 on the fourth
    assert drawn == [theirs.randbytes(20) for _ in range(10)]
    assert len(_clock._SHARED[9].data) == 64
    assert ours._shared is None  # a plain Random from the fourth draw on


def test_seeded_source_is_a_random_random(monkeypatch: pytest.MonkeyPatch) -> None:
    source = _clock.seeded_random(12)
    assert isinstance(source, random.Random)
    source.randbytes(8)
    source.seed(5)  # re-seeds as Random.seed does
    assert source.random() == random.Random(5).random()
    monkeypatch.setattr(source, "randrange", lambda *a: 4)
    assert source.randrange(10) == 4


@pytest.mark.parametrize(
    "duplicate", [copy.copy, copy.deepcopy, lambda s: pickle.loads(pickle.dumps(s))]
)
def test_seeded_source_copies_are_independent_randoms(duplicate: Any) -> None:
    source, reference = _clock.seeded_random(21), random.Random(21)
    assert source.randbytes(12) == reference.randbytes(12)
    twin = duplicate(source)
    expected = reference.randbytes(8)
    assert twin.randbytes(8) == expected
    assert source.randbytes(8) == expected
    assert twin.randrange(10**9) == source.randrange(10**9)


def test_seeded_source_setstate_and_getstate() -> None:
    source, reference = _clock.seeded_random("s"), random.Random("s")
    source.randbytes(4)
    reference.randbytes(4)
    assert source.getstate() == reference.getstate()
    source.setstate(random.Random(3).getstate())
    assert source.randbytes(8) == random.Random(3).randbytes(8)


@pytest.mark.parametrize("size", [-4, -1])
def test_seeded_source_refuses_negative_sizes_as_random_does(size: int) -> None:
    source = _clock.seeded_random(0)
    first = source.randbytes(16)
    with pytest.raises(ValueError):
        random.Random(0).randbytes(size)
    with pytest.raises(ValueError):
        source.randbytes(size)
    assert source.randbytes(16) == random.Random(0).randbytes(32)[16:] != first


def test_seeded_sources_are_independent() -> None:
    first, second = _clock.seeded_random(3), _clock.seeded_random(3)
    drawn = first.randbytes(8)
    assert second.randbytes(8) == drawn
    assert first.randbytes(8) != drawn
    assert _clock.seeded_random(3).randbytes(8) == drawn


def test_seeded_source_draws_each_byte_once_across_threads() -> None:
    source = _clock.seeded_random("threads")
    drawn: List[bytes] = []

    def draw() -> None:
        for _ in range(2000):
            drawn.append(source.randbytes(16))

    threads = [threading.Thread(target=draw) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    expected = random.Random("threads").randbytes(16 * 8000)
    assert sorted(drawn) == sorted(expected[i : i + 16] for i in range(0, len(expected), 16))


def test_seeded_source_without_seed_is_from_the_os() -> None:
    assert _clock.seeded_random(None).randbytes(16) != _clock.seeded_random(None).randbytes(16)


def test_seeded_sources_keep_few_streams(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clock, "_SHARED", {})
    monkeypatch.setattr(_clock, "_SHARED_SEEDS", 5)
    kept = _clock.seeded_random(0)
    kept.randbytes(4)
    for seed in range(1, 20):
        _clock.seeded_random(seed)
    assert sorted(_clock._SHARED) == [15, 16, 17, 18, 19]  # cleared at seeds 5, 10 and 15
    assert kept.randbytes(4) == random.Random(0).randbytes(8)[4:]  # its stream is its own


@pytest.mark.parametrize("seed", [0, "requests-7", None])
def test_request_ids_are_new_request_id_over_random_random(
    monkeypatch: pytest.MonkeyPatch, seed: Any
) -> None:
    monkeypatch.setattr(_clock, "_SHARED_REQUEST_IDS", 100)  # past the shared ones too
    monkeypatch.setattr(_clock, "_SHARED", {})
    for _ in range(2):  # the second time from the shared ids
        ours = _clock.RequestIds(seed)
        drawn = [ours.next() for _ in range(250)]
        if seed is None:
            assert len(set(drawn)) == 250
            continue
        theirs = random.Random(seed)
        assert drawn == [_clock.new_request_id(theirs) for _ in range(250)]
    if seed is not None:
        assert len(_clock._SHARED[seed].request_ids.ids) == 100  # type: ignore[union-attr]


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


def test_request_ids_across_threads_are_each_drawn_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_clock, "_SHARED_REQUEST_IDS", 500)
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


def test_version_and_hex_ids_are_one_draw_of_both() -> None:
    ours, theirs = random.Random(3), random.Random(3)
    assert _clock.new_version_and_hex_ids(ours, 2) == (
        _clock.new_version(theirs),
        _clock.new_hex_ids(theirs, 2),
    )


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


def _stream_name_rule() -> Any:
    memo = _validate._Memo()
    shape = _model.operation_model("kinesisvideo", "DescribeStream").input_shape
    _validate._compile(shape, False, memo)
    return memo.strings["StreamName"]


def test_valid_strings_are_remembered_up_to_the_quota_size() -> None:
    rule = _stream_name_rule()
    rule.passed.clear()
    names = [f"cam-{i:05d}" for i in range(10_000)]
    assert all(rule.ok(name) for name in names)
    assert len(rule.passed) == 10_000  # a whole default-quota listing fits
    assert _validate._PASSED_CACHE_SIZE == 16384


def test_checks_with_the_same_constraints_share_what_they_accepted() -> None:
    describe = _model.operation_model("kinesisvideo", "DescribeStream")
    listing = _model.operation_model("kinesisvideo", "ListStreams")
    outputs, inputs = _validate._Memo(), _validate._Memo()
    _validate._compile(listing.output_shape, True, outputs)
    _validate._compile(describe.input_shape, False, inputs)
    # StreamName: the same length and pattern in the input and the output shape.
    assert outputs.strings["StreamName"] is inputs.strings["StreamName"]
    arn = "arn:aws:kinesisvideo:us-east-1:123456789012:stream/shared/1616399399939"
    assert inputs.strings["ResourceARN"].ok(arn)
    assert arn in outputs.strings["ResourceARN"].passed
    # Other constraints, another rule: an enum's strings are not a name's.
    assert outputs.strings["Status"] is not outputs.strings["StreamName"]
    assert not outputs.strings["Status"].ok("cam-1")


def test_long_strings_are_checked_but_not_remembered() -> None:
    memo = _validate._Memo()
    shape = _model.operation_model("kinesis-video-signaling", "SendAlexaOfferToMaster")
    _validate._compile(shape.input_shape, False, memo)
    rule = memo.strings["MessagePayload"]
    payload = "A" * 5000
    assert rule.ok(payload) and rule.ok(payload)
    assert payload not in rule.passed
    assert rule.ok("short") and "short" in rule.passed


# -- creation times ------------------------------------------------------------------------------


def _created(now: dt.datetime) -> Any:
    store = Store("123456789012", "us-east-1", rng=random.Random(0))
    return store.create_stream("cam", now=now)


def test_creation_time_is_the_request_clock_when_already_whole_milliseconds() -> None:
    now = dt.datetime(2021, 3, 22, 7, 49, 59, 939000, tzinfo=UTC)
    stream = _created(now)
    assert stream.creation_time is now
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


def test_authorization_is_read_from_botocore_headers_as_get_reads_it() -> None:
    from botocore.awsrequest import HeadersDict

    headers = HeadersDict({"authorization": _AUTH, "X-Amz-Date": "20261130T000000Z"})

    class Mock:
        def account_for(self, key: Any) -> str:
            return f"account-of-{key}"

    assert _dispatch.identity(headers, Mock()) == ("account-of-AKIAEXAMPLE", "eu-west-1")  # type: ignore[arg-type]
    assert _dispatch.identity({"Authorization": _AUTH}, Mock()) == (  # type: ignore[arg-type]
        "account-of-AKIAEXAMPLE",
        "eu-west-1",
    )


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
