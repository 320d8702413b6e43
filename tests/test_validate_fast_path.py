"""The compiled checks' one shortcut, the sets of strings that already met a string shape's
constraints (kvsmock._validate, optimisations 2 and 22), never changes a verdict, and strict
mode still catches bad results."""

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
    """A str subclass: a valid string for the check."""


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


def _verdict(check: _validate.Check, value: Any) -> List[str]:
    problems: List[str] = []
    check(value, "", problems)
    return problems


@pytest.mark.parametrize("output", [False, True], ids=["input", "output"])
def test_accepted_strings_never_change_a_verdict(output: bool) -> None:
    rng = random.Random(1234)
    checked = 0
    for service, operation, shape in _shapes():
        check = _validate.compile_shape(shape, output=output)
        for _ in range(40):
            value = _sample(shape, rng)
            for strings in _validate._ACCEPTED.values():
                strings.clear()
            walked = _verdict(check, value)  # no string remembered: every constraint checked
            remembered = _verdict(check, value)  # its valid strings are remembered now
            assert walked == remembered, (service, operation, value)
            checked += 1
    assert checked > 1000


def test_a_valid_result_passes_and_bad_members_are_named() -> None:
    shape = _model.operation_model("kinesisvideo", "DescribeStream").output_shape
    check = _validate.compile_shape(shape, output=True)
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
    assert problems == []
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
