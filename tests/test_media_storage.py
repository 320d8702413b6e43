"""WebRTC media storage: Describe/UpdateMediaStorageConfiguration and
DescribeMappedResourceConfiguration, and what a link forbids."""

from __future__ import annotations

from typing import Any, Tuple

import pytest
from assertions import error
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, ServiceError

REGION = "us-east-1"
ACCOUNT = "123456789012"
FROZEN = "2024-05-01T12:00:00Z"
FROZEN_MS = 1714564800000
CHANNEL_NOT_FOUND = "The requested channel is not found or not active."
STREAM_NOT_FOUND = "The requested stream is not found or not active."


def enable(client: Any, channel_arn: str, stream_arn: str) -> Any:
    return client.update_media_storage_configuration(
        ChannelARN=channel_arn,
        MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "ENABLED"},
    )


def disable(client: Any, channel_arn: str) -> Any:
    return client.update_media_storage_configuration(
        ChannelARN=channel_arn, MediaStorageConfiguration={"Status": "DISABLED"}
    )


def mapped(client: Any, **kwargs: Any) -> Any:
    return client.describe_mapped_resource_configuration(**kwargs)[
        "MappedResourceConfigurationList"
    ]


@pytest.fixture
def pair(client: Any) -> Tuple[str, str]:
    """(channel ARN, stream ARN) of channel ``cam`` and stream ``cam-store`` (24 h retention),
    created at the frozen time."""
    with freeze_time(FROZEN):
        channel_arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        stream_arn = client.create_stream(StreamName="cam-store", DataRetentionInHours=24)[
            "StreamARN"
        ]
    return channel_arn, stream_arn


def test_fixture_arns(pair: Tuple[str, str]) -> None:
    assert pair == (
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_MS}",
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam-store/{FROZEN_MS}",
    )


# -- DescribeMediaStorageConfiguration ---------------------------------------------------------


def test_new_channel_is_disabled(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, _ = pair
    for kwargs in ({"ChannelName": "cam"}, {"ChannelARN": channel_arn}):
        result = client.describe_media_storage_configuration(**kwargs)
        assert result["MediaStorageConfiguration"] == {"Status": "DISABLED"}


def test_describe_unknown_channel(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_media_storage_configuration(ChannelName="nope")
    assert error(e) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)


def test_describe_without_identifier(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_media_storage_configuration()
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "Either ChannelName or ChannelARN must be specified.",
    )


# -- UpdateMediaStorageConfiguration -----------------------------------------------------------


def test_enable_links_channel_and_stream(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    response = enable(client, channel_arn, stream_arn)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert client.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"StreamARN": stream_arn, "Status": "ENABLED"}
    expected = [{"Type": "MEDIA_STORAGE", "ARN": channel_arn}]
    assert mapped(client, StreamName="cam-store") == expected
    assert mapped(client, StreamARN=stream_arn) == expected
    assert mapped(client, StreamName="cam-store", MaxResults=1) == expected


def test_enable_is_idempotent_and_keeps_version(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    version = client.describe_signaling_channel(ChannelARN=channel_arn)["ChannelInfo"]["Version"]
    enable(client, channel_arn, stream_arn)
    enable(client, channel_arn, stream_arn)
    info = client.describe_signaling_channel(ChannelARN=channel_arn)["ChannelInfo"]
    assert (info["Version"], info["ChannelStatus"]) == (version, "ACTIVE")
    assert mapped(client, StreamARN=stream_arn) == [{"Type": "MEDIA_STORAGE", "ARN": channel_arn}]


def test_disable_removes_link(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    enable(client, channel_arn, stream_arn)
    disable(client, channel_arn)
    assert client.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}
    assert mapped(client, StreamARN=stream_arn) == []
    # Disabling again, or with a StreamARN (ignored), is fine.
    client.update_media_storage_configuration(
        ChannelARN=channel_arn,
        MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "DISABLED"},
    )
    assert client.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}


def test_enable_without_stream_arn(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, _ = pair
    with pytest.raises(ClientError) as e:
        client.update_media_storage_configuration(
            ChannelARN=channel_arn, MediaStorageConfiguration={"Status": "ENABLED"}
        )
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "MediaStorageConfiguration.StreamARN must be specified when Status is ENABLED.",
    )


def test_enable_stream_without_retention(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, _ = pair
    stream_arn = client.create_stream(StreamName="no-retention")["StreamARN"]
    with pytest.raises(ClientError) as e:
        enable(client, channel_arn, stream_arn)
    assert error(e) == (
        "NoDataRetentionException",
        400,
        "The Stream data retention in hours is equal to zero for stream no-retention.",
    )
    assert client.describe_media_storage_configuration(ChannelARN=channel_arn)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}
    # Once retention is on, the link works.
    version = client.describe_stream(StreamName="no-retention")["StreamInfo"]["Version"]
    client.update_data_retention(
        StreamName="no-retention",
        CurrentVersion=version,
        Operation="INCREASE_DATA_RETENTION",
        DataRetentionChangeInHours=1,
    )
    enable(client, channel_arn, stream_arn)
    assert mapped(client, StreamName="no-retention") == [
        {"Type": "MEDIA_STORAGE", "ARN": channel_arn}
    ]


def test_enable_unknown_stream(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, _ = pair
    with pytest.raises(ClientError) as e:
        enable(
            client, channel_arn, f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/nope/{FROZEN_MS}"
        )
    assert error(e) == ("ResourceNotFoundException", 404, STREAM_NOT_FOUND)


def test_update_unknown_channel(client: Any, pair: Tuple[str, str]) -> None:
    _, stream_arn = pair
    with pytest.raises(ClientError) as e:
        enable(
            client, f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/nope/{FROZEN_MS}", stream_arn
        )
    assert error(e) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)


def test_stream_already_linked_to_another_channel(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    other = client.create_signaling_channel(ChannelName="other")["ChannelARN"]
    enable(client, channel_arn, stream_arn)
    with pytest.raises(ClientError) as e:
        enable(client, other, stream_arn)
    assert error(e) == (
        "ResourceInUseException",
        400,
        "The stream cam-store is already mapped to the signaling channel cam.",
    )
    assert client.describe_media_storage_configuration(ChannelARN=other)[
        "MediaStorageConfiguration"
    ] == {"Status": "DISABLED"}
    # After the first channel lets go, the other can take the stream.
    disable(client, channel_arn)
    enable(client, other, stream_arn)
    assert mapped(client, StreamARN=stream_arn) == [{"Type": "MEDIA_STORAGE", "ARN": other}]


def test_channel_already_linked_to_another_stream(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    second = client.create_stream(StreamName="second", DataRetentionInHours=1)["StreamARN"]
    enable(client, channel_arn, stream_arn)
    with pytest.raises(ClientError) as e:
        enable(client, channel_arn, second)
    assert error(e) == (
        "ResourceInUseException",
        400,
        f"The channel cam is already mapped to the stream {stream_arn}.",
    )
    assert mapped(client, StreamARN=second) == []


def test_bad_status_and_arn_validation(raw_client: Any) -> None:
    arn = raw_client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    with pytest.raises(ClientError) as e:
        raw_client.update_media_storage_configuration(
            ChannelARN=arn, MediaStorageConfiguration={"Status": "ON"}
        )
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'ON' at 'mediaStorageConfiguration.status' failed "
        "to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED]",
    )
    with pytest.raises(ClientError) as e:
        raw_client.update_media_storage_configuration(ChannelARN=arn)
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value null at 'mediaStorageConfiguration' failed to "
        "satisfy constraint: Member must not be null",
    )


@pytest.mark.kvsmock(transition_seconds=5)
def test_enable_needs_active_resources(client: Any) -> None:
    with freeze_time(FROZEN) as clock:
        channel_arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        stream_arn = client.create_stream(StreamName="store", DataRetentionInHours=1)["StreamARN"]
        with pytest.raises(ClientError) as e:
            enable(client, channel_arn, stream_arn)
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The channel cam is in CREATING status; the operation needs an ACTIVE channel.",
        )
        clock.tick(5)
        version = client.describe_stream(StreamName="store")["StreamInfo"]["Version"]
        client.update_stream(StreamName="store", CurrentVersion=version, MediaType="video/h264")
        with pytest.raises(ClientError) as e:
            enable(client, channel_arn, stream_arn)
        assert error(e) == (
            "ResourceInUseException",
            400,
            "The stream store is in UPDATING status; the operation needs an ACTIVE stream.",
        )
        clock.tick(5)
        enable(client, channel_arn, stream_arn)
        assert mapped(client, StreamName="store") == [{"Type": "MEDIA_STORAGE", "ARN": channel_arn}]


# -- a link blocks deletion --------------------------------------------------------------------


def test_linked_stream_and_channel_cannot_be_deleted(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    enable(client, channel_arn, stream_arn)
    with pytest.raises(ClientError) as e:
        client.delete_stream(StreamARN=stream_arn)
    assert error(e) == (
        "ResourceInUseException",
        400,
        "Disable MediaStorageConfiguration to delete the stream",
    )
    with pytest.raises(ClientError) as e:
        client.delete_signaling_channel(ChannelARN=channel_arn)
    assert error(e) == (
        "ResourceInUseException",
        400,
        "Disable MediaStorageConfiguration to delete the channel",
    )
    # Both still exist, ACTIVE.
    assert client.describe_stream(StreamARN=stream_arn)["StreamInfo"]["Status"] == "ACTIVE"
    status = client.describe_signaling_channel(ChannelARN=channel_arn)["ChannelInfo"]
    assert status["ChannelStatus"] == "ACTIVE"

    disable(client, channel_arn)
    client.delete_stream(StreamARN=stream_arn)
    client.delete_signaling_channel(ChannelARN=channel_arn)
    assert client.list_streams()["StreamInfoList"] == []
    assert client.list_signaling_channels()["ChannelInfoList"] == []


def test_other_streams_and_channels_can_still_be_deleted(
    client: Any, pair: Tuple[str, str]
) -> None:
    channel_arn, stream_arn = pair
    enable(client, channel_arn, stream_arn)
    free_stream = client.create_stream(StreamName="free")["StreamARN"]
    free_channel = client.create_signaling_channel(ChannelName="free")["ChannelARN"]
    client.delete_stream(StreamARN=free_stream)
    client.delete_signaling_channel(ChannelARN=free_channel)
    assert [s["StreamName"] for s in client.list_streams()["StreamInfoList"]] == ["cam-store"]


def test_version_mismatch_is_checked_before_the_link(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    enable(client, channel_arn, stream_arn)
    with pytest.raises(ClientError) as e:
        client.delete_stream(StreamARN=stream_arn, CurrentVersion="Stale000000000000000")
    assert error(e)[:2] == ("VersionMismatchException", 400)


def test_recreated_stream_is_not_linked(client: Any, kvsmock: KinesisVideoMock) -> None:
    with freeze_time(FROZEN):
        channel_arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        old = client.create_stream(StreamName="store", DataRetentionInHours=1)["StreamARN"]
        enable(client, channel_arn, old)
        disable(client, channel_arn)
        client.delete_stream(StreamARN=old)
        new = client.create_stream(StreamName="store", DataRetentionInHours=1)["StreamARN"]
    assert new == f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/store/{FROZEN_MS + 1}"
    assert mapped(client, StreamARN=new) == []
    with pytest.raises(ClientError) as e:
        enable(client, channel_arn, old)
    assert error(e) == ("ResourceNotFoundException", 404, STREAM_NOT_FOUND)


# -- the WEBRTC endpoint follows the configuration ---------------------------------------------


def test_webrtc_endpoint_only_while_enabled(
    client: Any, kvsmock: KinesisVideoMock, pair: Tuple[str, str]
) -> None:
    channel_arn, stream_arn = pair
    config = {"Protocols": ["WEBRTC"], "Role": "MASTER"}
    with pytest.raises(ClientError) as e:
        client.get_signaling_channel_endpoint(
            ChannelARN=channel_arn, SingleMasterChannelEndpointConfiguration=config
        )
    assert error(e)[:2] == ("InvalidArgumentException", 400)
    enable(client, channel_arn, stream_arn)
    ids = kvsmock.state().find_channel("cam").endpoint_ids
    for role in ("MASTER", "VIEWER"):
        endpoints = client.get_signaling_channel_endpoint(
            ChannelARN=channel_arn,
            SingleMasterChannelEndpointConfiguration={
                "Protocols": ["WSS", "HTTPS", "WEBRTC"],
                "Role": role,
            },
        )["ResourceEndpointList"]
        wss = "m" if role == "MASTER" else "v"
        assert endpoints == [
            {
                "Protocol": "WSS",
                "ResourceEndpoint": f"wss://{wss}-{ids[wss]}.kinesisvideo.us-east-1.amazonaws.com",
            },
            {
                "Protocol": "HTTPS",
                "ResourceEndpoint": f"https://r-{ids['r']}.kinesisvideo.us-east-1.amazonaws.com",
            },
            {
                "Protocol": "WEBRTC",
                "ResourceEndpoint": f"https://w-{ids['w']}.kinesisvideo.us-east-1.amazonaws.com",
            },
        ]
    disable(client, channel_arn)
    with pytest.raises(ClientError) as e:
        client.get_signaling_channel_endpoint(
            ChannelARN=channel_arn, SingleMasterChannelEndpointConfiguration=config
        )
    assert error(e)[:2] == ("InvalidArgumentException", 400)


# -- DescribeMappedResourceConfiguration -------------------------------------------------------


def test_mapped_unlinked_stream_is_empty(client: Any, pair: Tuple[str, str]) -> None:
    result = client.describe_mapped_resource_configuration(StreamName="cam-store")
    assert result["MappedResourceConfigurationList"] == []
    assert "NextToken" not in result


def test_mapped_paginator(client: Any, pair: Tuple[str, str]) -> None:
    channel_arn, stream_arn = pair
    paginator = client.get_paginator("describe_mapped_resource_configuration")
    assert paginator.paginate(StreamARN=stream_arn).build_full_result() == {
        "MappedResourceConfigurationList": []
    }
    enable(client, channel_arn, stream_arn)
    pages = list(paginator.paginate(StreamARN=stream_arn, PaginationConfig={"PageSize": 1}))
    assert len(pages) == 1
    assert pages[0]["MappedResourceConfigurationList"] == [
        {"Type": "MEDIA_STORAGE", "ARN": channel_arn}
    ]
    assert "NextToken" not in pages[0]


def test_mapped_unknown_stream(client: Any) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_mapped_resource_configuration(StreamName="nope")
    assert error(e) == ("ResourceNotFoundException", 404, STREAM_NOT_FOUND)
    with pytest.raises(ClientError) as e:
        client.describe_mapped_resource_configuration()
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "Either StreamName or StreamARN must be specified.",
    )


def test_mapped_max_results_is_one(raw_client: Any) -> None:
    raw_client.create_stream(StreamName="s", DataRetentionInHours=1)
    with pytest.raises(ClientError) as e:
        raw_client.describe_mapped_resource_configuration(StreamName="s", MaxResults=2)
    assert error(e) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value '2' at 'maxResults' failed to satisfy constraint: "
        "Member must have value less than or equal to 1",
    )


def test_mapped_next_token_is_never_valid(client: Any, pair: Tuple[str, str]) -> None:
    with pytest.raises(ClientError) as e:
        client.describe_mapped_resource_configuration(StreamName="cam-store", NextToken="abc")
    assert error(e) == ("InvalidArgumentException", 400, "The NextToken is not valid.")


# -- mock.state() ------------------------------------------------------------------------------


def test_state_api_links(client: Any, kvsmock: KinesisVideoMock) -> None:
    store = kvsmock.state()
    channel = store.create_signaling_channel("cam")
    stream = store.create_stream("store", data_retention_in_hours=2)
    store.enable_media_storage(channel, stream)
    assert channel.media_storage_status == "ENABLED"
    assert channel.media_storage_stream_arn == stream.arn
    assert store.mapped_channel(stream) is channel
    assert client.describe_media_storage_configuration(ChannelName="cam")[
        "MediaStorageConfiguration"
    ] == {"StreamARN": stream.arn, "Status": "ENABLED"}
    with pytest.raises(ServiceError) as e:
        store.delete_stream(stream)
    assert (e.value.code, e.value.message) == (
        "ResourceInUseException",
        "Disable MediaStorageConfiguration to delete the stream",
    )
    store.disable_media_storage(channel)
    assert store.mapped_channel(stream) is None
    store.delete_stream(stream)
    store.delete_signaling_channel(channel)
    assert store.streams == [] and store.channels == []
