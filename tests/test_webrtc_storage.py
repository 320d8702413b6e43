"""kinesis-video-webrtc-storage: JoinStorageSession and JoinStorageSessionAsViewer on a
channel's WEBRTC endpoint, the sessions they record, their errors and the endpoint
discipline."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any, Callable, Iterator, List, Tuple

import boto3
import pytest
from assertions import error
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, mock_kinesisvideo
from kvsmock.state import StorageSession

REGION = "us-east-1"
ACCOUNT = "123456789012"
FROZEN = "2024-05-01T12:00:00Z"
FROZEN_MS = 1714564800000
T0 = _dt.datetime(2024, 5, 1, 12, tzinfo=_dt.timezone.utc)
CHANNEL_ARN = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_MS}"
STREAM_ARN = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam-store/{FROZEN_MS}"
CHANNEL_NOT_FOUND = "The requested channel is not found or not active."
NOT_CONFIGURED = (
    "The signaling channel cam is not configured for media storage "
    "(MediaStorageConfiguration is DISABLED)."
)


@pytest.fixture
def frozen() -> Iterator[Any]:
    with freeze_time(FROZEN) as clock:
        yield clock


def enable(client: Any, channel_arn: str, stream_arn: str) -> None:
    client.update_media_storage_configuration(
        ChannelARN=channel_arn,
        MediaStorageConfiguration={"StreamARN": stream_arn, "Status": "ENABLED"},
    )


def disable(client: Any, channel_arn: str) -> None:
    client.update_media_storage_configuration(
        ChannelARN=channel_arn, MediaStorageConfiguration={"Status": "DISABLED"}
    )


@pytest.fixture
def pair(frozen: Any, client: Any) -> Tuple[str, str]:
    """(channel ARN, stream ARN): channel ``cam`` storing media in ``cam-store`` (24 h)."""
    channel_arn = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    stream_arn = client.create_stream(StreamName="cam-store", DataRetentionInHours=24)["StreamARN"]
    assert (channel_arn, stream_arn) == (CHANNEL_ARN, STREAM_ARN)
    enable(client, channel_arn, stream_arn)
    return channel_arn, stream_arn


def webrtc_endpoint(client: Any, channel_arn: str) -> str:
    endpoints = client.get_signaling_channel_endpoint(
        ChannelARN=channel_arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": ["WEBRTC"], "Role": "MASTER"},
    )["ResourceEndpointList"]
    assert [e["Protocol"] for e in endpoints] == ["WEBRTC"]
    endpoint: str = endpoints[0]["ResourceEndpoint"]
    return endpoint


@pytest.fixture
def storage(client: Any, pair: Tuple[str, str]) -> Any:
    """A webrtc-storage client made the way AWS requires: with the WEBRTC endpoint."""
    return boto3.client(
        "kinesis-video-webrtc-storage",
        region_name=REGION,
        endpoint_url=webrtc_endpoint(client, pair[0]),
    )


def lower_message(err: pytest.ExceptionInfo[ClientError]) -> str:
    """The error shape's own lower-case ``message`` member, as botocore parsed it."""
    response: Any = err.value.response
    message: str = response["message"]
    return message


def session_of(mock: KinesisVideoMock, channel_arn: str = CHANNEL_ARN) -> StorageSession:
    return mock.state().storage_sessions[channel_arn]


# -- the flow ----------------------------------------------------------------------------------


def test_webrtc_endpoint_is_a_w_host(client: Any, pair: Tuple[str, str]) -> None:
    endpoint = webrtc_endpoint(client, pair[0])
    assert re.fullmatch(r"https://w-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com", endpoint)


def test_join_storage_session(storage: Any, kvsmock: KinesisVideoMock) -> None:
    response = storage.join_storage_session(channelArn=CHANNEL_ARN)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert {k: v for k, v in response.items() if k != "ResponseMetadata"} == {}
    session = session_of(kvsmock)
    assert session.channel_arn == CHANNEL_ARN
    assert session.stream_arn == STREAM_ARN
    assert session.started_at == T0
    assert session.master_joined_at == T0
    assert session.master_joins == 1
    assert session.viewers == {}
    assert repr(session) == (
        f"StorageSession(channel_arn='{CHANNEL_ARN}', master_joins=1, viewers=[])"
    )


def test_no_media_reaches_the_stream(storage: Any, kvsmock: KinesisVideoMock) -> None:
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    storage.join_storage_session_as_viewer(channelArn=CHANNEL_ARN, clientId="v1")
    assert kvsmock.state().media is None  # no fragment store was ever created


def test_master_join_is_not_idempotent(
    storage: Any, kvsmock: KinesisVideoMock, frozen: Any
) -> None:
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    frozen.tick(30)
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    session = session_of(kvsmock)
    assert session.master_joins == 2
    assert session.started_at == T0
    assert session.master_joined_at == T0 + _dt.timedelta(seconds=30)


def test_viewers_join_and_rejoin(storage: Any, kvsmock: KinesisVideoMock, frozen: Any) -> None:
    response = storage.join_storage_session_as_viewer(channelArn=CHANNEL_ARN, clientId="v-1")
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    frozen.tick(1)
    storage.join_storage_session_as_viewer(channelArn=CHANNEL_ARN, clientId="v-2")
    frozen.tick(1)
    storage.join_storage_session_as_viewer(channelArn=CHANNEL_ARN, clientId="v-1")
    session = session_of(kvsmock)
    # A viewer can join before the master; a repeated clientId replaces its earlier join.
    assert session.master_joins == 0
    assert session.master_joined_at is None
    assert session.started_at == T0
    assert list(session.viewers.items()) == [
        ("v-2", T0 + _dt.timedelta(seconds=1)),
        ("v-1", T0 + _dt.timedelta(seconds=2)),
    ]


def test_a_new_stream_link_starts_a_new_session(
    client: Any, storage: Any, kvsmock: KinesisVideoMock, frozen: Any
) -> None:
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    storage.join_storage_session_as_viewer(channelArn=CHANNEL_ARN, clientId="v")
    disable(client, CHANNEL_ARN)
    other = client.create_stream(StreamName="other", DataRetentionInHours=1)["StreamARN"]
    enable(client, CHANNEL_ARN, other)
    frozen.tick(5)
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    session = session_of(kvsmock)
    assert session.stream_arn == other
    assert (session.master_joins, session.viewers) == (1, {})
    assert session.started_at == T0 + _dt.timedelta(seconds=5)


# -- errors ------------------------------------------------------------------------------------


def _both(storage: Any, channel_arn: str) -> Iterator[pytest.ExceptionInfo[ClientError]]:
    calls: List[Callable[[], Any]] = [
        lambda: storage.join_storage_session(channelArn=channel_arn),
        lambda: storage.join_storage_session_as_viewer(channelArn=channel_arn, clientId="v"),
    ]
    for call in calls:
        with pytest.raises(ClientError) as err:
            call()
        yield err


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/nope/{FROZEN_MS}",
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_MS + 1}",
        f"arn:aws:kinesisvideo:eu-west-1:{ACCOUNT}:channel/cam/{FROZEN_MS}",
    ],
)
def test_unknown_channel_is_not_found(storage: Any, kvsmock: KinesisVideoMock, arn: str) -> None:
    for err in _both(storage, arn):
        assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)
        # webrtc-storage errors carry a lower-case ``message`` member (the model's shape).
        assert lower_message(err) == CHANNEL_NOT_FOUND
    assert kvsmock.state().storage_sessions == {}


def test_channel_without_media_storage_is_invalid(
    frozen: Any, client: Any, kvsmock: KinesisVideoMock
) -> None:
    client.create_signaling_channel(ChannelName="cam")
    storage = boto3.client(
        "kinesis-video-webrtc-storage",
        region_name=REGION,
        endpoint_url="https://w-0123abcd.kinesisvideo.us-east-1.amazonaws.com",
    )
    for err in _both(storage, CHANNEL_ARN):
        assert error(err) == ("InvalidArgumentException", 400, NOT_CONFIGURED)
        assert lower_message(err) == NOT_CONFIGURED
    assert kvsmock.state().storage_sessions == {}


def test_disabled_after_joining_is_invalid(client: Any, storage: Any) -> None:
    storage.join_storage_session(channelArn=CHANNEL_ARN)
    disable(client, CHANNEL_ARN)
    for err in _both(storage, CHANNEL_ARN):
        assert error(err) == ("InvalidArgumentException", 400, NOT_CONFIGURED)


def test_stream_retention_lowered_to_zero_is_invalid(client: Any, storage: Any) -> None:
    version = client.describe_stream(StreamARN=STREAM_ARN)["StreamInfo"]["Version"]
    client.update_data_retention(
        StreamARN=STREAM_ARN,
        CurrentVersion=version,
        Operation="DECREASE_DATA_RETENTION",
        DataRetentionChangeInHours=24,
    )
    for err in _both(storage, CHANNEL_ARN):
        assert error(err) == (
            "InvalidArgumentException",
            400,
            "The Stream data retention in hours is equal to zero for stream cam-store.",
        )


def test_creating_channel_is_not_active(frozen: Any) -> None:
    with mock_kinesisvideo(transition_seconds=5) as mock:
        control = boto3.client("kinesisvideo", region_name=REGION)
        arn = control.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        storage = boto3.client(
            "kinesis-video-webrtc-storage",
            region_name=REGION,
            endpoint_url="https://w-0123abcd.kinesisvideo.us-east-1.amazonaws.com",
        )
        for err in _both(storage, arn):
            assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)
        assert mock.state().storage_sessions == {}


def test_validation_errors_use_lower_case_message(client: Any, pair: Tuple[str, str]) -> None:
    storage = boto3.client(
        "kinesis-video-webrtc-storage",
        region_name=REGION,
        endpoint_url=webrtc_endpoint(client, pair[0]),
        config=Config(parameter_validation=False),
    )
    with pytest.raises(ClientError) as err:
        storage.join_storage_session_as_viewer(channelArn="channel/cam", clientId="a b")
    message = (
        "2 validation errors detected: Value 'channel/cam' at 'channelArn' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "^arn:(aws[a-zA-Z-]*):kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+$; "
        "Value 'a b' at 'clientId' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: ^[a-zA-Z0-9_.-]+$"
    )
    assert error(err) == ("InvalidArgumentException", 400, message)
    assert lower_message(err) == message


# -- endpoint discipline -----------------------------------------------------------------------


def test_control_plane_host_is_refused(pair: Tuple[str, str], kvsmock: KinesisVideoMock) -> None:
    storage = boto3.client("kinesis-video-webrtc-storage", region_name=REGION)
    assert storage.meta.endpoint_url == "https://kinesisvideo.us-east-1.amazonaws.com"
    for err in _both(storage, CHANNEL_ARN):
        assert error(err) == ("UnknownOperationException", 404, "")
    assert kvsmock.state().storage_sessions == {}


def test_relaxed_mock_serves_the_control_plane_host(frozen: Any) -> None:
    with mock_kinesisvideo(require_data_endpoint=False) as mock:
        control = boto3.client("kinesisvideo", region_name=REGION)
        arn = control.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        stream = control.create_stream(StreamName="s", DataRetentionInHours=1)["StreamARN"]
        enable(control, arn, stream)
        storage = boto3.client("kinesis-video-webrtc-storage", region_name=REGION)
        storage.join_storage_session(channelArn=arn)
        storage.join_storage_session_as_viewer(channelArn=arn, clientId="v")
        session = mock.state().storage_sessions[arn]
        assert (session.master_joins, list(session.viewers)) == (1, ["v"])
