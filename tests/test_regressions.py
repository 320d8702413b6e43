"""Faults the fuzz tests (tests/fuzz, issue 7) found, each pinned with the exact answer.

Each test names the kind of fault; the fix covers the kind, not the one example.
"""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError

from kvsmock import KinesisVideoMock

ASTRAL = "\U0001d49c"  # MATHEMATICAL SCRIPT CAPITAL A: a letter, two UTF-16 code units
STREAM_ARN_PATTERN = "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+"
MEDIA_TYPE_PATTERN = "[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+(,[\\w\\-\\.\\+]+/[\\w\\-\\.\\+]+)*"


def message_of(call: Any, **params: Any) -> str:
    with pytest.raises(ClientError) as caught:
        call(**params)
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidArgumentException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message: str = error["Message"]
    return message


# -- kind 1: string lengths are counted in UTF-16 code units, as the (Java) service counts ----


def test_tag_key_length_counts_utf16_units(raw_client: Any, kvsmock: KinesisVideoMock) -> None:
    """Found: TagStream with a 65-letter key of astral letters (130 UTF-16 units, max 128)
    was stored; it is refused, and the 64-letter key (128 units) still fits."""
    raw_client.create_stream(StreamName="cam")
    key = ASTRAL * 65
    assert message_of(raw_client.tag_stream, StreamName="cam", Tags={key: "v"}) == (
        f"1 validation error detected: Value '{{{key}=v}}' at 'tags' failed to satisfy "
        "constraint: Map keys must satisfy constraint: [Member must have length less than or "
        "equal to 128]"
    )
    assert kvsmock.state().find_stream("cam").tags == {}
    raw_client.tag_stream(StreamName="cam", Tags={ASTRAL * 64: "v"})
    assert raw_client.list_tags_for_stream(StreamName="cam")["Tags"] == {ASTRAL * 64: "v"}


def test_string_member_length_counts_utf16_units(
    raw_client: Any, kvsmock: KinesisVideoMock
) -> None:
    """Found: CreateStream with a KmsKeyId of 1025 astral characters (2050 units, max 2048)
    created the stream."""
    kms = ASTRAL * 1025
    assert message_of(raw_client.create_stream, StreamName="cam", KmsKeyId=kms) == (
        f"1 validation error detected: Value '{kms}' at 'kmsKeyId' failed to satisfy "
        "constraint: Member must have length less than or equal to 2048"
    )
    assert kvsmock.state().streams == []


def test_tag_list_member_length_counts_utf16_units(raw_client: Any) -> None:
    """Found: CreateSignalingChannel with such a key in its TagOnCreateList."""
    key = ASTRAL * 65
    assert message_of(
        raw_client.create_signaling_channel,
        ChannelName="chan",
        Tags=[{"Key": "ok", "Value": "v"}, {"Key": key, "Value": "v"}],
    ) == (
        f"1 validation error detected: Value '{key}' at 'tags.2.member.key' failed to satisfy "
        "constraint: Member must have length less than or equal to 128"
    )


# -- kind 2: patterns match with Java semantics (ASCII \w \d \s; . excludes line ends) --------


def test_word_class_is_ascii_only(raw_client: Any, kvsmock: KinesisVideoMock) -> None:
    """Found: MediaType ``vidéo/h264`` passed ``[\\w...]+/...`` (Python's \\w is Unicode)."""
    assert message_of(raw_client.create_stream, StreamName="cam", MediaType="vidéo/h264") == (
        "1 validation error detected: Value 'vidéo/h264' at 'mediaType' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {MEDIA_TYPE_PATTERN}"
    )
    assert kvsmock.state().streams == []


def test_digit_class_is_ascii_only(raw_client: Any) -> None:
    """Found: a StreamARN with an Arabic-Indic digit in the partition (``[a-z\\d-]+``) was
    looked up (ResourceNotFoundException) instead of refused."""
    arn = "arn:aws\u0663:kinesisvideo:us-east-1:123456789012:stream/cam/1"
    assert message_of(raw_client.describe_stream, StreamARN=arn) == (
        f"1 validation error detected: Value '{arn}' at 'streamARN' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {STREAM_ARN_PATTERN}"
    )


@pytest.mark.parametrize("terminator", ["\n", "\r", "\u0085", "\u2028", "\u2029"])
def test_dot_excludes_every_line_terminator(raw_client: Any, terminator: str) -> None:
    """Found: KmsKeyId ``a\\rb`` passed ``.+`` (Python's . excludes only \\n)."""
    value = f"a{terminator}b"
    assert message_of(raw_client.create_stream, StreamName="cam", KmsKeyId=value) == (
        f"1 validation error detected: Value '{value}' at 'kmsKeyId' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: .+"
    )


def test_unicode_property_classes_still_match_non_ascii(raw_client: Any) -> None:
    """The Java semantics keep ``\\p{L}`` Unicode: ``café`` and ``日本`` stay valid tag keys."""
    raw_client.create_stream(StreamName="cam", Tags={"café": "日本", "日本": "x y"})
    assert raw_client.list_tags_for_stream(StreamName="cam")["Tags"] == {
        "café": "日本",
        "日本": "x y",
    }


# -- kind 3: lone UTF-16 surrogates (legal in JSON as "\ud800") reach every string check ------


@pytest.mark.parametrize("surrogate", ["\ud800", "\udfff"])
def test_lone_surrogates_are_validated_not_crashed_on(
    client: Any, kvsmock: KinesisVideoMock, surrogate: str
) -> None:
    """Found by a new user: ``describe_stream(StreamName="cam\\ud800")`` with a *default*
    client raised UnicodeEncodeError from the length check. A lone surrogate is one UTF-16
    code unit, as Java counts it; the pattern then refuses the name."""
    assert message_of(client.describe_stream, StreamName=f"cam{surrogate}") == (
        f"1 validation error detected: Value 'cam{surrogate}' at 'streamName' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )
    # In a member whose pattern accepts it (`.+`) it counts one unit towards the length...
    arn = client.create_stream(StreamName="cam", KmsKeyId="k" + surrogate * 2047)["StreamARN"]
    assert kvsmock.state().find_stream(arn=arn).kms_key_id == "k" + surrogate * 2047
    # ...and one unit too many is refused whole.
    assert message_of(
        client.create_stream, StreamName="cam2", KmsKeyId="k" + surrogate * 2048
    ).endswith("failed to satisfy constraint: Member must have length less than or equal to 2048")
    assert [s.name for s in kvsmock.state().streams] == ["cam"]
