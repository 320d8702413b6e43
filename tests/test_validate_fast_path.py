"""The compiled checks' fast path never changes a verdict, and strict mode still catches bad
results (kvsmock._validate: ``compile_shape`` runs the full walk whenever its would-pass
predicate is not sure)."""

from __future__ import annotations

import datetime as _dt
import random
from typing import Any, Iterator, List, Tuple

import boto3
import pytest

from kvsmock import ModelConformanceError, _model, _validate, mock_kinesisvideo

_STRINGS = [
    "",
    "a",
    "cam-1",
    "bad name!",
    "x" * 300,
    "ACTIVE",
    "PUT_MEDIA",
    "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-1/1700000000000",
    "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",
    "abcdefghijABCDEFGHIJ",
    "line\u2028break",
    "\U0001d49c" * 129,
    "0 0 * * ? *",
]
_NOW = _dt.datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=_dt.timezone.utc)


class _Text(str):
    """A str subclass: valid for the check, not for the exact-type fast path."""


def _sample(shape: Any, rng: random.Random, depth: int = 0) -> Any:
    t = shape.type_name
    if rng.random() < 0.08:  # a wrong type, or None, anywhere
        return rng.choice([None, 1, "1", b"x", True, 1.5, [], {}])
    if t == "string":
        if shape.enum and rng.random() < 0.6:
            return rng.choice(shape.enum)
        value = rng.choice(_STRINGS)
        return _Text(value) if rng.random() < 0.05 else value
    if t in ("integer", "long"):
        return rng.choice([0, 1, -1, 5, 87600, 87601, 1 << 31, 1 << 63, -(1 << 31) - 1, True])
    if t in ("double", "float"):
        return rng.choice([0.0, 1.5, -1.0, 1, 1e300, float("nan"), False])
    if t == "boolean":
        return rng.choice([True, False, 0])
    if t == "timestamp":
        return rng.choice([_NOW, _NOW.replace(tzinfo=None), 1700000000, "2024"])
    if t == "blob":
        return rng.choice([b"", b"abc", bytearray(b"x" * 10), "abc"])
    if t == "list":
        if depth > 4:
            return []
        return [_sample(shape.member, rng, depth + 1) for _ in range(rng.randint(0, 3))]
    if t == "map":
        if depth > 4:
            return {}
        keys = [_sample(shape.key, rng, depth + 1) for _ in range(rng.randint(0, 3))]
        return {
            key: _sample(shape.value, rng, depth + 1)
            for key in keys
            if key is None or isinstance(key, (str, int, float, bytes))
        }
    if t == "structure":
        out = {}
        for name, member in shape.members.items():
            roll = rng.random()
            if roll < 0.55 and depth <= 4:
                out[name] = _sample(member, rng, depth + 1)
            elif roll < 0.6:
                out[name] = None
        if rng.random() < 0.1:
            out["NotAMember"] = "ignored"
        return out
    return None


def _shapes() -> Iterator[Tuple[str, str, Any]]:
    for service in _model.SERVICE_NAMES.values():
        for operation in _model.operation_names(service):
            model = _model.operation_model(service, operation)
            for shape in (model.input_shape, model.output_shape):
                if shape is not None:
                    yield service, operation, shape


@pytest.mark.parametrize("output", [False, True], ids=["input", "output"])
def test_fast_path_gives_the_full_walks_problems(output: bool) -> None:
    rng = random.Random(1234)
    checked = 0
    for service, operation, shape in _shapes():
        fast = _validate.compile_shape(shape, output=output)
        slow = _validate._compile(shape, output, _validate._Memo())
        for _ in range(40):
            value = _sample(shape, rng)
            for _twice in range(2):  # the second time, accepted strings come from the cache
                got: List[str] = []
                want: List[str] = []
                fast(value, "", got)
                slow(value, "", want)
                assert got == want, (service, operation, value)
            checked += 1
    assert checked > 1000


def test_fast_path_accepts_valid_values_without_the_walk(monkeypatch: pytest.MonkeyPatch) -> None:
    shape = _model.operation_model("kinesisvideo", "DescribeStream").output_shape
    check = _validate.compile_shape(shape, output=True)
    calls: List[str] = []
    real_fail = _validate._fail

    def fail(*args: Any) -> None:
        calls.append(args[2])
        real_fail(*args)

    monkeypatch.setattr(_validate, "_fail", fail)
    info = {
        "DeviceName": None,
        "StreamName": "cam-1",
        "StreamARN": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/cam-1/1700000000000",
        "KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo",
        "Version": "abcdefghijABCDEFGHIJ",
        "Status": "ACTIVE",
        "CreationTime": _NOW,
        "DataRetentionInHours": 24,
    }
    problems: List[str] = []
    check({"StreamInfo": info}, "", problems)
    assert problems == [] and calls == []
    check(
        {"StreamInfo": {**info, "Status": "SLEEPING", "DataRetentionInHours": True}}, "", problems
    )
    assert problems == [
        "Value 'SLEEPING' at 'streamInfo.status' failed to satisfy constraint: Member must "
        "satisfy enum value set: [CREATING, ACTIVE, UPDATING, DELETING]",
        "Value 'true' at 'streamInfo.dataRetentionInHours' failed to satisfy constraint: "
        "Member must be of type integer",
    ]


@pytest.mark.parametrize(
    ("attribute", "value", "message"),
    [
        ("version", "not a version!", "Member must satisfy regular expression pattern"),
        ("data_retention_in_hours", "24", "Member must be of type integer"),
        ("creation_time", "2024-01-01", "Member must be of type timestamp"),
        ("name", "x" * 257, "Member must have length less than or equal to 256"),
    ],
)
def test_strict_mode_catches_a_bad_result(attribute: str, value: Any, message: str) -> None:
    with mock_kinesisvideo() as mock:
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        client.create_stream(StreamName="cam-1")
        client.describe_stream(StreamName="cam-1")  # a valid result first: cached strings
        stream = mock.state().find_stream("cam-1")
        setattr(stream, attribute, value)
        with pytest.raises(ModelConformanceError, match=message):
            client.list_streams()


def test_strict_mode_catches_a_bad_enum_in_a_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    from kvsmock.services import kinesisvideo

    real = kinesisvideo.stream_info
    monkeypatch.setattr(kinesisvideo, "stream_info", lambda *a: {**real(*a), "Status": "PAUSED"})
    with mock_kinesisvideo():
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        client.create_stream(StreamName="cam-1")
        with pytest.raises(ModelConformanceError, match=r"streamInfoList\.1\.member\.status"):
            client.list_streams()


def test_strict_off_lets_a_bad_result_through() -> None:
    with mock_kinesisvideo(strict=False) as mock:
        client = boto3.client("kinesisvideo", region_name="us-east-1")
        client.create_stream(StreamName="cam-1")
        mock.state().find_stream("cam-1").version = "not a version!"
        got = client.describe_stream(StreamName="cam-1")["StreamInfo"]["Version"]
        assert got == "not a version!"


def test_predicate_is_generated_on_the_second_call_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # A process that calls an operation once (a script, a cold start) never pays for the
    # generated code; the second call generates it, once, and later calls reuse it.
    generated: List[str] = []
    real_generate = _validate._generate

    def generate(shape: Any, output: bool, memo: Any) -> Any:
        generated.append(shape.name)
        return real_generate(shape, output, memo)

    monkeypatch.setattr(_validate, "_generate", generate)
    shape = _model.operation_model("kinesisvideo", "CreateStream").input_shape
    check = _validate.compile_shape(shape)
    verdicts: List[List[str]] = []
    for value in ({"StreamName": "cam-1"}, {"StreamName": "bad name!"}, {"StreamName": "cam-2"}):
        problems: List[str] = []
        check(value, "", problems)
        verdicts.append(problems)
        if len(verdicts) == 1:
            assert generated == []
    assert _validate._GENERATE_AFTER == 2
    assert generated == ["CreateStreamInput", "ResourceTags", "StreamStorageConfiguration"]
    assert verdicts == [
        [],
        [
            "Value 'bad name!' at 'streamName' failed to satisfy constraint: Member must "
            "satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
        ],
        [],
    ]
