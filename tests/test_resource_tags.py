"""TagResource, UntagResource and ListTagsForResource on stream and channel ARNs."""

from __future__ import annotations

from typing import Any, Dict, List

import boto3
import pytest
from assertions import error
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock

REGION = "us-east-1"
ACCOUNT = "123456789012"
FROZEN = "2024-05-01T12:00:00Z"
FROZEN_MS = 1714564800000
LIMIT_MESSAGE = "The resource can have at most 50 tags."
ARN_PATTERN = "arn:[a-z\\d-]+:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+"


def tag_list(tags: Dict[str, str]) -> List[Dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in tags.items()]


@pytest.fixture(params=["stream", "channel"])
def resource_arn(request: pytest.FixtureRequest, client: Any) -> str:
    """The ARN of a new stream or channel named ``cam``."""
    if request.param == "stream":
        arn: str = client.create_stream(StreamName="cam")["StreamARN"]
    else:
        arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    return arn


# -- success paths on both kinds ---------------------------------------------------------------


def test_new_resource_has_no_tags(client: Any, resource_arn: str) -> None:
    result = client.list_tags_for_resource(ResourceARN=resource_arn)
    assert result["Tags"] == {}
    assert "NextToken" not in result


def test_tag_then_list_as_map(client: Any, resource_arn: str) -> None:
    response = client.tag_resource(
        ResourceARN=resource_arn,
        Tags=[{"Key": "team", "Value": "video"}, {"Key": "cost-center", "Value": "42"}],
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {
        "team": "video",
        "cost-center": "42",
    }


def test_tag_replaces_existing_value_and_keeps_others(client: Any, resource_arn: str) -> None:
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list({"a": "1", "b": "2"}))
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list({"b": "20", "c": "3"}))
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {
        "a": "1",
        "b": "20",
        "c": "3",
    }


def test_repeated_key_in_one_request_keeps_last_value(client: Any, resource_arn: str) -> None:
    client.tag_resource(
        ResourceARN=resource_arn,
        Tags=[{"Key": "k", "Value": "first"}, {"Key": "k", "Value": "last"}],
    )
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {"k": "last"}


def test_tag_values_may_be_empty_and_unicode(client: Any, resource_arn: str) -> None:
    client.tag_resource(
        ResourceARN=resource_arn,
        Tags=[{"Key": "empty", "Value": ""}, {"Key": "Größe", "Value": "groß @ 1:2/3=4+5-6"}],
    )
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {
        "empty": "",
        "Größe": "groß @ 1:2/3=4+5-6",
    }


def test_untag_removes_keys_and_ignores_missing(client: Any, resource_arn: str) -> None:
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list({"a": "1", "b": "2", "c": "3"}))
    response = client.untag_resource(ResourceARN=resource_arn, TagKeyList=["a", "nope", "c"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {"b": "2"}
    client.untag_resource(ResourceARN=resource_arn, TagKeyList=["b"])
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {}


# -- the 50-tag rule ---------------------------------------------------------------------------


def test_fifty_tags_allowed(client: Any, resource_arn: str) -> None:
    tags = {f"k{i:02d}": str(i) for i in range(50)}
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list(tags))
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == tags


def test_over_fifty_in_total_is_refused_and_nothing_stored(client: Any, resource_arn: str) -> None:
    existing = {f"k{i:02d}": "old" for i in range(49)}
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list(existing))
    with pytest.raises(ClientError) as e:
        # One replaced key, two new ones: 51 in total.
        client.tag_resource(
            ResourceARN=resource_arn, Tags=tag_list({"k00": "new", "x": "1", "y": "2"})
        )
    assert error(e) == ("TagsPerResourceExceededLimitException", 400, LIMIT_MESSAGE)
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == existing


def test_replacing_at_fifty_is_allowed(client: Any, resource_arn: str) -> None:
    tags = {f"k{i:02d}": "old" for i in range(50)}
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list(tags))
    client.tag_resource(ResourceARN=resource_arn, Tags=tag_list({"k07": "new"}))
    assert client.list_tags_for_resource(ResourceARN=resource_arn)["Tags"] == {
        **tags,
        "k07": "new",
    }


def test_fifty_one_in_one_request_fails_validation(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.tag_resource(ResourceARN=arn, Tags=tag_list({f"k{i}": "v" for i in range(51)}))
    code, status, message = error(e)
    assert (code, status) == ("InvalidArgumentException", 400)
    assert message.endswith(
        "at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50"
    )
    assert raw_client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {}


# -- streams: one tag set whichever API touched it ----------------------------------------------


def test_tag_stream_then_list_tags_for_resource(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", Tags={"created": "yes"})["StreamARN"]
    client.tag_stream(StreamName="cam", Tags={"via": "TagStream"})
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        "created": "yes",
        "via": "TagStream",
    }


def test_tag_by_arn_read_by_name(client: Any) -> None:
    arn = client.create_stream(StreamName="cam")["StreamARN"]
    client.tag_resource(ResourceARN=arn, Tags=tag_list({"via": "TagResource"}))
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {"via": "TagResource"}
    assert client.list_tags_for_stream(StreamARN=arn)["Tags"] == {"via": "TagResource"}


def test_untag_resource_then_list_tags_for_stream(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", Tags={"a": "1", "b": "2"})["StreamARN"]
    client.untag_resource(ResourceARN=arn, TagKeyList=["a"])
    assert client.list_tags_for_stream(StreamName="cam")["Tags"] == {"b": "2"}
    client.untag_stream(StreamName="cam", TagKeyList=["b"])
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {}


def test_limit_counts_tags_from_both_apis(client: Any) -> None:
    arn = client.create_stream(StreamName="cam", Tags={f"s{i}": "v" for i in range(30)})[
        "StreamARN"
    ]
    client.tag_resource(ResourceARN=arn, Tags=tag_list({f"r{i}": "v" for i in range(20)}))
    with pytest.raises(ClientError) as e:
        client.tag_stream(StreamName="cam", Tags={"one": "more"})
    assert error(e) == ("TagsPerResourceExceededLimitException", 400, LIMIT_MESSAGE)
    with pytest.raises(ClientError) as e:
        client.tag_resource(ResourceARN=arn, Tags=tag_list({"one": "more"}))
    assert error(e) == ("TagsPerResourceExceededLimitException", 400, LIMIT_MESSAGE)
    assert len(client.list_tags_for_stream(StreamName="cam")["Tags"]) == 50


def test_stream_and_channel_of_same_name_have_separate_tags(client: Any) -> None:
    stream_arn = client.create_stream(StreamName="cam")["StreamARN"]
    channel_arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    client.tag_resource(ResourceARN=stream_arn, Tags=tag_list({"kind": "stream"}))
    client.tag_resource(ResourceARN=channel_arn, Tags=tag_list({"kind": "channel"}))
    assert client.list_tags_for_resource(ResourceARN=stream_arn)["Tags"] == {"kind": "stream"}
    assert client.list_tags_for_resource(ResourceARN=channel_arn)["Tags"] == {"kind": "channel"}


def test_state_sees_tags(client: Any, kvsmock: KinesisVideoMock) -> None:
    arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    client.tag_resource(ResourceARN=arn, Tags=tag_list({"a": "1"}))
    store = kvsmock.state()
    assert store.find_channel("cam").tags == {"a": "1"}
    assert store.find_resource(arn) is store.find_channel("cam")
    store.tag(store.find_channel("cam"), {"b": "2"})
    assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"a": "1", "b": "2"}


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/nope/{FROZEN_MS}",
            "The requested stream is not found or not active.",
        ),
        (
            f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/nope/{FROZEN_MS}",
            "The requested channel is not found or not active.",
        ),
        (
            f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:widget/nope/{FROZEN_MS}",
            "The requested resource is not found or not active.",
        ),
    ],
)
def test_unknown_resource(client: Any, arn: str, message: str) -> None:
    calls = [
        lambda: client.tag_resource(ResourceARN=arn, Tags=tag_list({"a": "1"})),
        lambda: client.untag_resource(ResourceARN=arn, TagKeyList=["a"]),
        lambda: client.list_tags_for_resource(ResourceARN=arn),
    ]
    for call in calls:
        with pytest.raises(ClientError) as e:
            call()
        assert error(e) == ("ResourceNotFoundException", 404, message)


def test_arn_of_earlier_resource_with_same_name(client: Any) -> None:
    with freeze_time(FROZEN):
        old = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        client.delete_signaling_channel(ChannelARN=old)
        new = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    client.tag_resource(ResourceARN=new, Tags=tag_list({"a": "1"}))
    with pytest.raises(ClientError) as e:
        client.list_tags_for_resource(ResourceARN=old)
    assert error(e) == (
        "ResourceNotFoundException",
        404,
        "The requested channel is not found or not active.",
    )


def test_arn_in_other_region_or_account(client: Any) -> None:
    with freeze_time(FROZEN):
        client.create_signaling_channel(ChannelName="cam")
        client.create_stream(StreamName="cam")
    for arn in (
        f"arn:aws:kinesisvideo:eu-west-1:{ACCOUNT}:channel/cam/{FROZEN_MS}",
        f"arn:aws:kinesisvideo:{REGION}:999999999999:stream/cam/{FROZEN_MS}",
    ):
        with pytest.raises(ClientError) as e:
            client.list_tags_for_resource(ResourceARN=arn)
        assert error(e)[:2] == ("ResourceNotFoundException", 404)
    west = boto3.client("kinesisvideo", region_name="us-west-2")
    with pytest.raises(ClientError) as e:
        west.list_tags_for_resource(
            ResourceARN=f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_MS}"
        )
    assert error(e) == (
        "ResourceNotFoundException",
        404,
        "The requested channel is not found or not active.",
    )


@pytest.mark.parametrize(
    "arn",
    ["not-an-arn", "arn:aws:kinesis:us-east-1:123456789012:stream/cam/1", "channel/cam/1"],
)
def test_malformed_arn(raw_client: Any, arn: str) -> None:
    with pytest.raises(ClientError) as e:
        raw_client.list_tags_for_resource(ResourceARN=arn)
    assert error(e) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{arn}' at 'resourceARN' failed to satisfy "
        f"constraint: Member must satisfy regular expression pattern: {ARN_PATTERN}",
    )


def test_invalid_tag_key(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.tag_resource(ResourceARN=arn, Tags=[{"Key": "bad#key", "Value": "v"}])
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'bad#key' at 'tags.1.member.key' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$",
    )


def test_tag_without_value(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.tag_resource(ResourceARN=arn, Tags=[{"Key": "k"}])
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy "
        "constraint: Member must not be null",
    )


def test_empty_lists_fail_validation(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.tag_resource(ResourceARN=arn, Tags=[])
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value '[]' at 'tags' failed to satisfy constraint: "
        "Member must have length greater than or equal to 1",
    )
    with pytest.raises(ClientError) as e:
        raw_client.untag_resource(ResourceARN=arn, TagKeyList=[])
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value '[]' at 'tagKeyList' failed to satisfy "
        "constraint: Member must have length greater than or equal to 1",
    )


def test_list_tags_next_token_is_never_valid(client: Any, resource_arn: str) -> None:
    with pytest.raises(ClientError) as e:
        client.list_tags_for_resource(ResourceARN=resource_arn, NextToken="abc")
    assert error(e) == ("InvalidArgumentException", 400, "The NextToken is not valid.")
    # An empty token is the same as none.
    assert client.list_tags_for_resource(ResourceARN=resource_arn, NextToken="")["Tags"] == {}


@pytest.mark.kvsmock(transition_seconds=5)
def test_tags_work_while_creating_and_deleting(client: Any) -> None:
    with freeze_time(FROZEN) as clock:
        arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        client.tag_resource(ResourceARN=arn, Tags=tag_list({"phase": "creating"}))
        clock.tick(5)
        client.delete_signaling_channel(ChannelARN=arn)
        assert client.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"phase": "creating"}
        clock.tick(5)
        with pytest.raises(ClientError) as e:
            client.list_tags_for_resource(ResourceARN=arn)
        assert error(e) == (
            "ResourceNotFoundException",
            404,
            "The requested channel is not found or not active.",
        )
