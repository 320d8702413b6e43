"""kinesis-video-signaling: GetIceServerConfig and SendAlexaOfferToMaster on a channel's
HTTPS endpoint, their errors, and the endpoint discipline."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, Callable, Iterator, List, Tuple

import boto3
import pytest
from assertions import error
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time

from kvsmock import KinesisVideoMock, mock_kinesisvideo

REGION = "us-east-1"
ACCOUNT = "123456789012"
FROZEN = "2024-05-01T12:00:00Z"
FROZEN_S = 1714564800
ARN = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_S}000"
CHANNEL_NOT_FOUND = "The requested channel is not found or not active."
NOT_SDP = "The message payload is not an SDP offer: "

OFFER = (
    "v=0\r\n"
    "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "a=group:BUNDLE 0 1 2\r\n"
    "a=msid-semantic: WMS\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111 0\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=rtcp:9 IN IP4 0.0.0.0\r\n"
    "a=ice-ufrag:OFFR\r\n"
    "a=ice-pwd:offerofferofferofferoffe\r\n"
    "a=setup:actpass\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=candidate:1 1 udp 2122260223 192.0.2.10 54400 typ host\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:1\r\n"
    "a=recvonly\r\n"
    "a=rtcp-mux\r\n"
    "a=rtpmap:96 H264/90000\r\n"
    "a=rtcp-fb:96 nack\r\n"
    "a=rtcp-fb:96 nack pli\r\n"
    "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=fmtp:97 apt=96\r\n"
    "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=setup:actpass\r\n"
    "a=mid:2\r\n"
    "a=sctp-port:5000\r\n"
    "a=max-message-size:262144\r\n"
)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def unb64(text: str) -> str:
    return base64.b64decode(text).decode()


@pytest.fixture
def frozen() -> Iterator[Any]:
    with freeze_time(FROZEN) as clock:
        yield clock


@pytest.fixture
def channel(frozen: Any, client: Any) -> str:
    arn: str = client.create_signaling_channel(ChannelName="cam")["ChannelARN"]
    return arn


def https_endpoint(client: Any, arn: str, role: str = "MASTER") -> str:
    endpoints = client.get_signaling_channel_endpoint(
        ChannelARN=arn,
        SingleMasterChannelEndpointConfiguration={"Protocols": ["HTTPS"], "Role": role},
    )["ResourceEndpointList"]
    assert [e["Protocol"] for e in endpoints] == ["HTTPS"]
    endpoint: str = endpoints[0]["ResourceEndpoint"]
    return endpoint


@pytest.fixture
def signaling(client: Any, channel: str) -> Any:
    """A signaling client made the way AWS requires: with the channel's HTTPS endpoint."""
    return boto3.client(
        "kinesis-video-signaling",
        region_name=REGION,
        endpoint_url=https_endpoint(client, channel),
    )


@pytest.fixture
def raw_signaling(client: Any, channel: str) -> Any:
    """As :func:`signaling`, without botocore's parameter validation."""
    return boto3.client(
        "kinesis-video-signaling",
        region_name=REGION,
        endpoint_url=https_endpoint(client, channel),
        config=Config(parameter_validation=False),
    )


def expected_password(username: str) -> str:
    digest = hmac.new(b"kvsmock-turn-secret", username.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


# -- the flow ----------------------------------------------------------------------------------


def test_endpoint_is_the_channels_https_host(client: Any, channel: str) -> None:
    endpoint = https_endpoint(client, channel)
    assert re.fullmatch(r"https://r-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com", endpoint)
    assert https_endpoint(client, channel, role="VIEWER") == endpoint


def test_get_ice_server_config_exact(signaling: Any, kvsmock: KinesisVideoMock) -> None:
    response = signaling.get_ice_server_config(ChannelARN=ARN)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    username = f"{FROZEN_S + 300}:{b64('v1:' + ARN)}"
    assert username == (
        "1714565100:djE6YXJuOmF3czpraW5lc2lzdmlkZW86dXMtZWFzdC0xOjEyMzQ1Njc4OTAxMjpjaGFubmVs"
        "L2NhbS8xNzE0NTY0ODAwMDAw"
    )
    password = "TJyOt+kzmehyLtvng6H2TEeNvsl1pEuJb1THCJVgTQE="
    assert expected_password(username) == password
    hosts = [
        "3-126-86-21.t-1fd162ee.kinesisvideo.us-east-1.amazonaws.com",
        "3-8-74-103.t-1fd162ee.kinesisvideo.us-east-1.amazonaws.com",
    ]
    assert response["IceServerList"] == [
        {
            "Uris": [
                f"turn:{host}:443?transport=udp",
                f"turns:{host}:443?transport=udp",
                f"turns:{host}:443?transport=tcp",
            ],
            "Username": username,
            "Password": password,
            "Ttl": 300,
        }
        for host in hosts
    ]
    servers = kvsmock.state().ice_servers(kvsmock.state().find_channel(arn=ARN))
    assert [list(s.uris) for s in servers] == [s["Uris"] for s in response["IceServerList"]]


def test_options_are_accepted_and_do_not_change_the_answer(signaling: Any) -> None:
    plain = signaling.get_ice_server_config(ChannelARN=ARN)["IceServerList"]
    full = signaling.get_ice_server_config(
        ChannelARN=ARN, ClientId="viewer-1", Service="TURN", Username="alice"
    )["IceServerList"]
    assert full == plain


def test_credentials_follow_the_clock_servers_stay(signaling: Any, frozen: Any) -> None:
    first = signaling.get_ice_server_config(ChannelARN=ARN)["IceServerList"]
    frozen.tick(61)
    later = signaling.get_ice_server_config(ChannelARN=ARN)["IceServerList"]
    assert [s["Uris"] for s in later] == [s["Uris"] for s in first]
    assert later[0]["Username"] == f"{FROZEN_S + 61 + 300}:{b64('v1:' + ARN)}"
    assert later[0]["Password"] == expected_password(later[0]["Username"])
    assert later[0]["Password"] != first[0]["Password"]


def test_servers_differ_per_channel_and_share_the_regional_fleet(
    client: Any, signaling: Any
) -> None:
    other = client.create_signaling_channel(ChannelName="door")["ChannelARN"]
    mine = signaling.get_ice_server_config(ChannelARN=ARN)["IceServerList"]
    theirs = signaling.get_ice_server_config(ChannelARN=other)["IceServerList"]
    assert theirs[0]["Username"] == f"{FROZEN_S + 300}:{b64('v1:' + other)}"

    def hosts(servers: List[Any]) -> List[str]:
        return [s["Uris"][0].split(":")[1] for s in servers]

    assert set(hosts(mine)).isdisjoint(hosts(theirs))
    fleets = {h.split(".")[1] for h in hosts(mine) + hosts(theirs)}
    assert fleets == {"t-1fd162ee"}
    for uri in [u for s in mine + theirs for u in s["Uris"]]:
        assert re.fullmatch(
            r"turns?:\d+-\d+-\d+-\d+\.t-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com"
            r":443\?transport=(udp|tcp)",
            uri,
        ), uri


def test_long_channel_name_gives_a_long_username(client: Any, signaling: Any) -> None:
    """Real usernames carry the base64 ARN, past the model's 256 characters for long
    names; strict mode allows it (kvsmock._validate)."""
    arn = client.create_signaling_channel(ChannelName="c" * 256)["ChannelARN"]
    server = signaling.get_ice_server_config(ChannelARN=arn)["IceServerList"][0]
    assert server["Username"] == f"{FROZEN_S + 300}:{b64('v1:' + arn)}"
    assert len(server["Username"]) == 447


# -- GetIceServerConfig errors -----------------------------------------------------------------


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/nope/{FROZEN_S}000",
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/cam/{FROZEN_S}001",  # old ARN
        f"arn:aws:kinesisvideo:{REGION}:999999999999:channel/cam/{FROZEN_S}000",
        f"arn:aws:kinesisvideo:us-west-2:{ACCOUNT}:channel/cam/{FROZEN_S}000",
        f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam/{FROZEN_S}000",
    ],
)
def test_unknown_channel_is_not_found(signaling: Any, arn: str) -> None:
    with pytest.raises(ClientError) as err:
        signaling.get_ice_server_config(ChannelARN=arn)
    assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)


def test_creating_and_deleting_channels_are_not_active(frozen: Any) -> None:
    with mock_kinesisvideo(transition_seconds=5):
        control = boto3.client("kinesisvideo", region_name=REGION)
        arn = control.create_signaling_channel(ChannelName="slow")["ChannelARN"]
        sig = boto3.client(
            "kinesis-video-signaling",
            region_name=REGION,
            endpoint_url="https://r-0123abcd.kinesisvideo.us-east-1.amazonaws.com",
        )
        with pytest.raises(ClientError) as err:
            sig.get_ice_server_config(ChannelARN=arn)
        assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)
        frozen.tick(5)
        assert len(sig.get_ice_server_config(ChannelARN=arn)["IceServerList"]) == 2
        control.delete_signaling_channel(ChannelARN=arn)
        calls: List[Callable[[], Any]] = [
            lambda: sig.get_ice_server_config(ChannelARN=arn),
            lambda: sig.send_alexa_offer_to_master(
                ChannelARN=arn, SenderClientId="alexa", MessagePayload=b64(OFFER)
            ),
        ]
        for call in calls:
            with pytest.raises(ClientError) as err:
                call()
            assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (
            {"Service": "STUN"},
            "1 validation error detected: Value 'STUN' at 'service' failed to satisfy "
            "constraint: Member must satisfy enum value set: [TURN]",
        ),
        (
            {"ClientId": "bad id"},
            "1 validation error detected: Value 'bad id' at 'clientId' failed to satisfy "
            "constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
        ),
        (
            {"Username": "u" * 257},
            f"1 validation error detected: Value '{'u' * 257}' at 'username' failed to "
            "satisfy constraint: Member must have length less than or equal to 256",
        ),
    ],
)
def test_get_ice_server_config_validation(raw_signaling: Any, kwargs: Any, message: str) -> None:
    with pytest.raises(ClientError) as err:
        raw_signaling.get_ice_server_config(ChannelARN=ARN, **kwargs)
    assert error(err) == ("InvalidArgumentException", 400, message)


def test_model_pattern_rejects_other_partitions(raw_signaling: Any) -> None:
    """The botocore model's signaling ARN pattern hard-codes ``arn:aws:``."""
    arn = f"arn:aws-cn:kinesisvideo:cn-north-1:{ACCOUNT}:channel/cam/1"
    with pytest.raises(ClientError) as err:
        raw_signaling.get_ice_server_config(ChannelARN=arn)
    assert error(err) == (
        "InvalidArgumentException",
        400,
        f"1 validation error detected: Value '{arn}' at 'channelARN' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: "
        "arn:aws:kinesisvideo:[a-z0-9-]+:[0-9]+:[a-z]+/[a-zA-Z0-9_.-]+/[0-9]+",
    )


# -- SendAlexaOfferToMaster --------------------------------------------------------------------

_ICE = re.compile(
    r"a=ice-ufrag:([A-Za-z0-9]{4})\r\na=ice-pwd:([A-Za-z0-9+/]{24})\r\n"
    r"a=ice-options:trickle\r\na=fingerprint:sha-256 ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})\r\n"
)


def expected_answer(answer: str) -> str:
    """The answer kvsmock gives to :data:`OFFER`, with the random parts taken from
    ``answer`` once their formats are checked."""
    session = re.match(r"v=0\r\no=- (\d{19}) 2 IN IP4 127\.0\.0\.1\r\n", answer)
    assert session is not None
    found = _ICE.findall(answer)
    assert len(found) == 3 and len(set(found)) == 1  # one ICE/DTLS identity, bundled
    ufrag, pwd, fingerprint = found[0]
    ice = (
        f"a=ice-ufrag:{ufrag}\r\na=ice-pwd:{pwd}\r\na=ice-options:trickle\r\n"
        f"a=fingerprint:sha-256 {fingerprint}\r\na=setup:active\r\n"
    )
    return (
        f"v=0\r\no=- {session.group(1)} 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
        "a=group:BUNDLE 0 1 2\r\n"
        "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
        f"{ice}a=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n"
        "a=rtpmap:111 opus/48000/2\r\na=fmtp:111 minptime=10;useinbandfec=1\r\n"
        "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n"
        f"{ice}a=mid:1\r\na=sendonly\r\na=rtcp-mux\r\n"
        "a=rtpmap:96 H264/90000\r\na=rtcp-fb:96 nack\r\na=rtcp-fb:96 nack pli\r\n"
        "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
        "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\nc=IN IP4 0.0.0.0\r\n"
        f"{ice}a=mid:2\r\na=sctp-port:5000\r\na=max-message-size:262144\r\n"
    )


def test_send_alexa_offer_answers_with_sdp(signaling: Any, kvsmock: KinesisVideoMock) -> None:
    response = signaling.send_alexa_offer_to_master(
        ChannelARN=ARN, SenderClientId="alexa-1", MessagePayload=b64(OFFER)
    )
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    answer = unb64(response["Answer"])
    assert answer == expected_answer(answer)
    (record,) = kvsmock.state().alexa_offers
    assert record.channel_arn == ARN
    assert record.sender_client_id == "alexa-1"
    assert record.offer == OFFER
    assert record.answer == answer
    assert record.received_at.isoformat() == "2024-05-01T12:00:00+00:00"


def _answers(seed: int) -> Tuple[str, str]:
    with freeze_time(FROZEN), mock_kinesisvideo(seed=seed):
        control = boto3.client("kinesisvideo", region_name=REGION)
        arn = control.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        sig = boto3.client(
            "kinesis-video-signaling", region_name=REGION, endpoint_url=https_endpoint(control, arn)
        )
        first, second = (
            unb64(
                sig.send_alexa_offer_to_master(
                    ChannelARN=arn, SenderClientId="alexa", MessagePayload=b64(OFFER)
                )["Answer"]
            )
            for _ in range(2)
        )
        return first, second


def test_answers_come_from_the_seeded_rng() -> None:
    first, second = _answers(seed=7)
    assert (first, second) == _answers(seed=7)
    assert first != second  # a new ICE identity per offer
    assert _answers(seed=8)[0] != first
    assert first == expected_answer(first)


def test_json_offer_gets_a_json_answer(signaling: Any) -> None:
    payload = b64(json.dumps({"type": "offer", "sdp": OFFER}))
    response = signaling.send_alexa_offer_to_master(
        ChannelARN=ARN, SenderClientId="alexa", MessagePayload=payload
    )
    message = json.loads(unb64(response["Answer"]))
    assert list(message) == ["type", "sdp"]
    assert message["type"] == "answer"
    assert message["sdp"] == expected_answer(message["sdp"])


def test_rejected_section_and_lf_line_endings(signaling: Any) -> None:
    offer = (
        "v=0\no=- 1 1 IN IP4 0.0.0.0\ns=-\nt=0 0\n"
        "m=audio 0 RTP/AVP 0\na=mid:a\n"
        "m=video 9 RTP/AVP 96 98\na=mid:v\na=sendonly\na=rtpmap:98 VP8/90000\n"
    )
    response = signaling.send_alexa_offer_to_master(
        ChannelARN=ARN, SenderClientId="alexa", MessagePayload=b64(offer)
    )
    answer = unb64(response["Answer"])
    lines = answer.split("\r\n")
    assert lines[4:7] == ["m=audio 0 RTP/AVP 0", "c=IN IP4 0.0.0.0", "a=mid:a"]
    assert lines[7:10] == ["m=video 9 RTP/AVP 96", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0"]
    assert lines[-4:] == ["a=setup:active", "a=mid:v", "a=recvonly", ""]
    assert "a=group:BUNDLE" not in answer
    assert "VP8" not in answer  # only the accepted format's attributes


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ("abc", "The message payload is not a base64-encoded SDP offer."),
        ("//8=", "The message payload is not a base64-encoded SDP offer."),  # \xff
        (b64("hello"), NOT_SDP + "The SDP offer must start with v=0."),
        (b64("v=0\r\ns=-\r\n"), NOT_SDP + "The SDP offer has no media section (m=)."),
        (b64("v=0\r\nm=audio 9\r\n"), NOT_SDP + "Malformed media line: m=audio 9"),
        (
            b64(json.dumps({"type": "answer", "sdp": OFFER})),
            'The message payload is JSON but not {"type": "offer", "sdp": ...}.',
        ),
        (
            b64("{not json"),
            'The message payload is JSON but not {"type": "offer", "sdp": ...}.',
        ),
        (
            b64("v=0\r\n" + "m=audio 9 P 0\r\n" * 100),
            "The SDP answer would be longer than 10000 characters.",
        ),
    ],
    ids=[
        "padding",
        "not-utf8",
        "not-sdp",
        "no-media",
        "bad-m-line",
        "json-answer",
        "bad-json",
        "too-long",
    ],
)
def test_bad_offers_are_invalid_arguments(
    signaling: Any, kvsmock: KinesisVideoMock, payload: str, message: str
) -> None:
    assert len(payload) <= 10_000
    with pytest.raises(ClientError) as err:
        signaling.send_alexa_offer_to_master(
            ChannelARN=ARN, SenderClientId="alexa", MessagePayload=payload
        )
    assert error(err) == ("InvalidArgumentException", 400, message)
    assert kvsmock.state().alexa_offers == []


def test_send_alexa_offer_to_unknown_channel(signaling: Any) -> None:
    arn = f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:channel/nope/1"
    with pytest.raises(ClientError) as err:
        signaling.send_alexa_offer_to_master(
            ChannelARN=arn, SenderClientId="alexa", MessagePayload=b64(OFFER)
        )
    assert error(err) == ("ResourceNotFoundException", 404, CHANNEL_NOT_FOUND)


def test_send_alexa_offer_validation(raw_signaling: Any) -> None:
    with pytest.raises(ClientError) as err:
        raw_signaling.send_alexa_offer_to_master(
            ChannelARN=ARN, SenderClientId="alexa", MessagePayload="not base64!"
        )
    assert error(err) == (
        "InvalidArgumentException",
        400,
        "1 validation error detected: Value 'not base64!' at 'messagePayload' failed to "
        "satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9+/=]+",
    )


# -- endpoint discipline -----------------------------------------------------------------------


def test_control_plane_host_is_refused(channel: str) -> None:
    sig = boto3.client("kinesis-video-signaling", region_name=REGION)
    assert sig.meta.endpoint_url == "https://kinesisvideo.us-east-1.amazonaws.com"
    calls: List[Callable[[], Any]] = [
        lambda: sig.get_ice_server_config(ChannelARN=channel),
        lambda: sig.send_alexa_offer_to_master(
            ChannelARN=channel, SenderClientId="alexa", MessagePayload=b64(OFFER)
        ),
    ]
    for call in calls:
        with pytest.raises(ClientError) as err:
            call()
        assert error(err) == ("UnknownOperationException", 404, "")


def test_relaxed_mock_serves_the_control_plane_host(frozen: Any) -> None:
    with mock_kinesisvideo(require_data_endpoint=False):
        control = boto3.client("kinesisvideo", region_name=REGION)
        arn = control.create_signaling_channel(ChannelName="cam")["ChannelARN"]
        sig = boto3.client("kinesis-video-signaling", region_name=REGION)
        servers = sig.get_ice_server_config(ChannelARN=arn)["IceServerList"]
        assert [s["Ttl"] for s in servers] == [300, 300]
        answer = sig.send_alexa_offer_to_master(
            ChannelARN=arn, SenderClientId="alexa", MessagePayload=b64(OFFER)
        )["Answer"]
        assert unb64(answer).startswith("v=0\r\no=- ")
