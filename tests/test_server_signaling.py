"""The WebRTC signaling data plane of ``kvsmock serve``: ConnectAsMaster / ConnectAsViewer over
WebSocket, clients made with the ``websockets`` library, URLs presigned by botocore's own
SigV4 query signer, as the KVS WebRTC developer guide documents them."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import ssl
import threading
from typing import Any, Dict, Iterator, Tuple

import pytest
from server_support import client, serve, wait_for
from signaling_support import CHANNEL, Channel, b64, presign, receive, unsigned
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from kvsmock.server import ThreadedServer
from kvsmock.server._signaling import SignalingLimits

OFFER = {
    "type": "offer",
    "sdp": "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=sendrecv\r\n"
    "a=rtpmap:96 H264/90000\r\n",
}
ANSWER = {"type": "answer", "sdp": "v=0\r\no=- 3 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"}
CANDIDATE = {"candidate": "candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host", "sdpMid": "0"}


@pytest.fixture
def limits() -> SignalingLimits:
    return SignalingLimits()


@pytest.fixture
def server(limits: SignalingLimits) -> Iterator[ThreadedServer]:
    with ThreadedServer(signaling=limits) as s:
        yield s


@pytest.fixture
def channel(server: ThreadedServer) -> Channel:
    return Channel(server.endpoint_url)


async def nothing_within(ws: ClientConnection, seconds: float = 0.3) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(ws.recv(), seconds)


async def rejected(url: str) -> Tuple[int, Dict[str, Any]]:
    with pytest.raises(InvalidStatus) as caught:
        async with connect(url, open_timeout=5):
            pass  # pragma: no cover - the upgrade must fail
    response = caught.value.response
    return response.status_code, json.loads(response.body or b"{}")


# -- endpoints ---------------------------------------------------------------------------------


def test_wss_endpoints_lead_back_to_the_server(server: ThreadedServer, channel: Channel) -> None:
    base = server.endpoint_url.replace("http://", "ws://")
    assert channel.endpoints["MASTER-WSS"].startswith(base + "/m-")
    assert channel.endpoints["VIEWER-WSS"].startswith(base + "/v-")
    assert ".kinesisvideo.us-east-1.amazonaws.com" in channel.endpoints["MASTER-WSS"]


# -- relay -------------------------------------------------------------------------------------


def test_offer_answer_and_candidates_relayed_between_master_and_the_right_viewer(
    channel: Channel,
) -> None:
    async def run() -> None:
        async with (
            connect(channel.master_url()) as master,
            connect(channel.viewer_url("viewer-1")) as viewer1,
            connect(channel.viewer_url("viewer-2")) as viewer2,
        ):
            await viewer1.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            assert await receive(master) == {
                "messageType": "SDP_OFFER",
                "messagePayload": b64(OFFER),
                "senderClientId": "viewer-1",
            }
            await master.send(
                json.dumps(
                    {
                        "action": "SDP_ANSWER",
                        "messagePayload": b64(ANSWER),
                        "recipientClientId": "viewer-1",
                        "correlationId": "answer-1",
                    }
                )
            )
            event = await receive(viewer1)
            assert event["messageType"] == "SDP_ANSWER"
            assert json.loads(base64.b64decode(event["messagePayload"])) == ANSWER
            # ICE both ways; a viewer's recipientClientId is ignored (it goes to the master).
            await master.send(
                json.dumps(
                    {
                        "action": "ICE_CANDIDATE",
                        "messagePayload": b64(CANDIDATE),
                        "recipientClientId": "viewer-1",
                    }
                )
            )
            assert (await receive(viewer1))["messageType"] == "ICE_CANDIDATE"
            await viewer2.send(
                json.dumps(
                    {
                        "action": "ICE_CANDIDATE",
                        "messagePayload": b64(CANDIDATE),
                        "recipientClientId": "viewer-1",
                    }
                )
            )
            event = await receive(master)
            assert (event["messageType"], event["senderClientId"]) == ("ICE_CANDIDATE", "viewer-2")
            await nothing_within(viewer2)  # nothing meant for viewer-1 reached viewer-2
            await nothing_within(viewer1)

    asyncio.run(run())


def test_status_responses_for_messages_that_cannot_be_delivered(channel: Channel) -> None:
    async def run() -> None:
        async with (
            connect(channel.master_url()) as master,
            connect(channel.viewer_url("viewer-1")) as viewer,
        ):

            async def status_of(ws: ClientConnection, message: Dict[str, Any]) -> Dict[str, Any]:
                await ws.send(json.dumps(message))
                event = await receive(ws)
                assert event["messageType"] == "STATUS_RESPONSE", event
                return dict(event["statusResponse"])

            too_big = await status_of(
                viewer,
                {"action": "SDP_OFFER", "messagePayload": "A" * 10_004, "correlationId": "c-2"},
            )
            assert (too_big["correlationId"], too_big["statusCode"]) == ("c-2", "400")
            assert "10000" in too_big["description"]
            not_base64 = await status_of(
                viewer, {"action": "SDP_OFFER", "messagePayload": "%%%", "correlationId": "c-3"}
            )
            assert not_base64["errorType"] == "InvalidArgumentException"
            bad_action = await status_of(
                viewer, {"action": "HELLO", "messagePayload": b64({}), "correlationId": "c-4"}
            )
            assert "HELLO" in bad_action["description"]
            no_recipient = await status_of(
                master,
                {"action": "SDP_ANSWER", "messagePayload": b64(ANSWER), "correlationId": "c-5"},
            )
            assert "recipientClientId" in no_recipient["description"]
            # Without a correlationId nothing comes back (the guide: status only with one);
            # frames that are not JSON objects are dropped; the connection keeps working.
            await master.send(
                json.dumps(
                    {"action": "SDP_OFFER", "messagePayload": b64(OFFER), "recipientClientId": "x"}
                )
            )
            await master.send("{not json")
            await master.send(json.dumps(["a", "list"]))
            await viewer.send(b"\x00binary")
            await nothing_within(master)
            await viewer.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            assert (await receive(master))["senderClientId"] == "viewer-1"

    asyncio.run(run())


def test_messages_wait_for_their_recipient_for_the_channel_ttl(server: ThreadedServer) -> None:
    """MessageTtlSeconds: "a signaling channel retains undelivered messages" that long. A
    viewer's offers before the master connects reach it when it does (a newer offer replaces
    one not delivered); a message whose recipient never comes is discarded and, with a
    correlationId, answered by a status response."""
    channel = Channel(server.endpoint_url, "short-ttl", message_ttl_seconds=5)
    second_offer = {**OFFER, "sdp": OFFER["sdp"] + "a=second\r\n"}

    async def run() -> None:
        async with connect(channel.viewer_url("early")) as viewer:
            await viewer.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            await viewer.send(
                json.dumps({"action": "ICE_CANDIDATE", "messagePayload": b64(CANDIDATE)})
            )
            await viewer.send(
                json.dumps({"action": "SDP_OFFER", "messagePayload": b64(second_offer)})
            )
            await asyncio.sleep(0.5)
            async with connect(channel.master_url()) as master:
                first = await receive(master)
                assert first == {
                    "messageType": "ICE_CANDIDATE",
                    "messagePayload": b64(CANDIDATE),
                    "senderClientId": "early",
                }
                offer = await receive(master)
                assert offer["messageType"] == "SDP_OFFER"
                assert offer["messagePayload"] == b64(second_offer)
                await nothing_within(master)
                # To a viewer that never connects: discarded after 5 s, then a status.
                await master.send(
                    json.dumps(
                        {
                            "action": "SDP_OFFER",
                            "messagePayload": b64(OFFER),
                            "recipientClientId": "late",
                            "correlationId": "c-late",
                        }
                    )
                )
                await nothing_within(master, 4.0)
                event = await receive(master, 5)
                assert event["messageType"] == "STATUS_RESPONSE"
                status = event["statusResponse"]
                assert (status["correlationId"], status["statusCode"]) == ("c-late", "400")
                assert status["errorType"] == "InvalidArgumentException"
                assert "late" in status["description"]
            async with connect(channel.viewer_url("late")) as late:
                await nothing_within(late)  # the expired offer is gone

    asyncio.run(run())


def test_one_master_per_channel_the_newest_takes_precedence(channel: Channel) -> None:
    async def run() -> None:
        async with (
            connect(channel.master_url()) as first,
            connect(channel.viewer_url("viewer-1")) as viewer,
            connect(channel.master_url()) as second,
        ):
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(first.recv(), 5)
            assert first.close_code == 1000
            await viewer.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            assert (await receive(second))["messageType"] == "SDP_OFFER"

    asyncio.run(run())


@pytest.mark.parametrize("limits", [SignalingLimits(max_viewers=2)])
def test_viewer_limit_and_a_reconnecting_client_id(channel: Channel) -> None:
    async def run() -> None:
        async with connect(channel.viewer_url("a")) as a, connect(channel.viewer_url("b")):
            status, body = await rejected(channel.viewer_url("c"))
            assert status == 400
            assert body["__type"] == "ClientLimitExceededException"
            # The same ClientId again replaces its earlier connection (not over the limit).
            async with connect(channel.viewer_url("a")) as again:
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(a.recv(), 5)
                async with connect(channel.master_url()) as master:
                    await master.send(
                        json.dumps(
                            {
                                "action": "SDP_OFFER",
                                "messagePayload": b64(OFFER),
                                "recipientClientId": "a",
                            }
                        )
                    )
                    assert (await receive(again))["messageType"] == "SDP_OFFER"

    asyncio.run(run())


@pytest.mark.parametrize("limits", [SignalingLimits(idle_seconds=0.4)])
def test_idle_connections_are_closed_and_pings_keep_them_open(channel: Channel) -> None:
    async def run() -> None:
        async with (
            connect(channel.master_url(), ping_interval=None) as idle,
            connect(channel.viewer_url("pinger"), ping_interval=0.1) as pinger,
        ):
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(idle.recv(), 5)
            assert idle.close_code == 1000
            await asyncio.sleep(0.5)
            await pinger.ping()  # still open after the idle time, thanks to its pings
            assert pinger.close_code is None

    asyncio.run(run())


@pytest.mark.parametrize(
    "limits", [SignalingLimits(max_connection_seconds=0.6, go_away_seconds=0.3)]
)
def test_go_away_before_the_connection_lifetime_ends(channel: Channel) -> None:
    async def run() -> None:
        async with connect(channel.master_url()) as master:
            assert await receive(master) == {"messageType": "GO_AWAY"}
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(master.recv(), 5)

    asyncio.run(run())


@pytest.mark.parametrize("limits", [SignalingLimits(max_frame_bytes=32 * 1024)])
def test_a_frame_over_the_limit_closes_only_its_connection(channel: Channel) -> None:
    async def run() -> None:
        async with (
            connect(channel.master_url()) as master,
            connect(channel.viewer_url("big")) as big,
            connect(channel.viewer_url("small")) as small,
        ):
            await big.send("x" * (64 * 1024))
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(big.recv(), 5)
            assert big.close_code == 1009
            await small.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            assert (await receive(master))["senderClientId"] == "small"

    asyncio.run(run())


# -- refused upgrades --------------------------------------------------------------------------


def test_refused_upgrades_get_the_documented_status(
    server: ThreadedServer, channel: Channel
) -> None:
    master = channel.endpoints["MASTER-WSS"]
    viewer = channel.endpoints["VIEWER-WSS"]
    arn = channel.arn
    unknown = arn.replace(f"/{CHANNEL}/", "/no-such-channel/")
    long_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=1)
    cases = [
        (unsigned(presign(master, arn)), 403, "AccessDeniedException"),
        (presign(master, arn, service="s3"), 403, "AccessDeniedException"),
        (presign(master, arn, when=long_ago, expires=60), 403, "AccessDeniedException"),
        (presign(master, unknown), 404, "ResourceNotFoundException"),
        (presign(master, "not-an-arn"), 400, "InvalidArgumentException"),
        (presign(viewer, arn), 400, "InvalidArgumentException"),  # viewer without ClientId
        (presign(viewer, arn, "AWS_reserved"), 400, "InvalidArgumentException"),
        (presign(viewer, arn, "bad id!"), 400, "InvalidArgumentException"),
        # Another account's key: the channel is not in that account.
        (presign(master, arn, key="AKIAOTHERACCOUNT0001"), 200, ""),
    ]
    server.mock.accounts["AKIAOTHERACCOUNT0001"] = "210987654321"
    cases[-1] = (cases[-1][0], 404, "ResourceNotFoundException")

    async def run() -> None:
        async with (
            connect(channel.master_url()) as good,
            connect(channel.viewer_url("still-here")) as other,
        ):
            for url, status, code in cases:
                got_status, body = await rejected(url)
                assert (got_status, body.get("__type")) == (status, code), url
            await other.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
            assert (await receive(good))["senderClientId"] == "still-here"

    asyncio.run(run())


def test_a_plain_get_of_the_wss_endpoint_is_refused(channel: Channel) -> None:
    import requests

    url = channel.master_url().replace("ws://", "http://")
    reply = requests.get(url, timeout=10)
    assert reply.status_code == 400
    assert reply.json()["__type"] == "InvalidArgumentException"


# -- SendAlexaOfferToMaster through a connected master -------------------------------------------


def test_send_alexa_offer_to_master_reaches_the_connected_master(
    server: ThreadedServer, channel: Channel
) -> None:
    signaling = client("kinesis-video-signaling", channel.endpoints["MASTER-HTTPS"])
    offer = b64(OFFER)
    result: Dict[str, Any] = {}

    async def run() -> None:
        async with connect(channel.master_url()) as master:
            thread = threading.Thread(
                target=lambda: result.update(
                    signaling.send_alexa_offer_to_master(
                        ChannelARN=channel.arn, SenderClientId="alexa-1", MessagePayload=offer
                    )
                )
            )
            thread.start()
            event = await receive(master)
            assert event == {
                "messageType": "SDP_OFFER",
                "messagePayload": offer,
                "senderClientId": "alexa-1",
            }
            # While the offer waits for the master, the same account and region keep
            # answering (a master asks for ICE servers before it answers).
            ice = await asyncio.wait_for(
                asyncio.get_running_loop().run_in_executor(
                    None, lambda: signaling.get_ice_server_config(ChannelARN=channel.arn)
                ),
                3,
            )
            assert len(ice["IceServerList"]) == 2
            await master.send(
                json.dumps(
                    {
                        "action": "SDP_ANSWER",
                        "messagePayload": b64(ANSWER),
                        "recipientClientId": "alexa-1",
                    }
                )
            )
            await asyncio.get_running_loop().run_in_executor(None, thread.join, 10)

    asyncio.run(run())
    assert result["Answer"] == b64(ANSWER)
    # With no master connected the simulated master answers, as in-process.
    simulated = signaling.send_alexa_offer_to_master(
        ChannelARN=channel.arn, SenderClientId="alexa-2", MessagePayload=offer
    )
    assert json.loads(base64.b64decode(simulated["Answer"]))["type"] == "answer"


@pytest.mark.parametrize("limits", [SignalingLimits(alexa_answer_seconds=0.3)])
def test_send_alexa_offer_to_a_master_that_never_answers(channel: Channel) -> None:
    from botocore.exceptions import ClientError

    signaling = client("kinesis-video-signaling", channel.endpoints["MASTER-HTTPS"])

    async def run() -> None:
        async with connect(channel.master_url()) as master:
            call = asyncio.get_running_loop().run_in_executor(
                None,
                lambda: signaling.send_alexa_offer_to_master(
                    ChannelARN=channel.arn, SenderClientId="alexa-1", MessagePayload=b64(OFFER)
                ),
            )
            assert (await receive(master))["messageType"] == "SDP_OFFER"
            with pytest.raises(ClientError) as caught:
                await call
            assert caught.value.response["Error"]["Code"] == "ResourceNotFoundException"

    asyncio.run(run())


# -- kvsmock serve --tls: wss:// as the SDKs require ---------------------------------------------


def test_wss_over_tls_from_kvsmock_serve() -> None:
    with serve("--tls") as served:
        assert served.ca_file is not None
        kv = client("kinesisvideo", served.url, verify=served.ca_file)
        arn = kv.create_signaling_channel(ChannelName="tls-channel")["ChannelARN"]
        endpoints = {
            e["Protocol"]: e["ResourceEndpoint"]
            for e in kv.get_signaling_channel_endpoint(
                ChannelARN=arn,
                SingleMasterChannelEndpointConfiguration={"Protocols": ["WSS"], "Role": "MASTER"},
            )["ResourceEndpointList"]
        }
        assert endpoints["WSS"].startswith(served.url.replace("https://", "wss://") + "/m-")
        context = ssl.create_default_context(cafile=served.ca_file)

        async def run() -> None:
            viewer_endpoint = endpoints["WSS"].replace("/m-", "/v-")
            async with (
                connect(presign(endpoints["WSS"], arn), ssl=context) as master,
                connect(presign(viewer_endpoint, arn, "tls-viewer"), ssl=context) as viewer,
            ):
                await viewer.send(json.dumps({"action": "SDP_OFFER", "messagePayload": b64(OFFER)}))
                assert (await receive(master))["senderClientId"] == "tls-viewer"

        asyncio.run(run())


def test_signaling_control_view_lists_open_connections(
    server: ThreadedServer, channel: Channel
) -> None:
    import requests

    url = server.endpoint_url + "/_kvsmock/signaling"

    async def run() -> None:
        async with (
            connect(channel.master_url()),
            connect(channel.viewer_url("v-2")),
            connect(channel.viewer_url("v-1")),
        ):
            view = await asyncio.get_running_loop().run_in_executor(
                None, lambda: requests.get(url, timeout=10).json()
            )
            assert view == {"Channels": {channel.arn: {"Master": True, "Viewers": ["v-1", "v-2"]}}}

    asyncio.run(run())
    wait_for(lambda: requests.get(url, timeout=10).json() == {"Channels": {}})


def test_serve_takes_signaling_limits_on_its_command_line() -> None:
    with serve("--signaling-idle-seconds", "0.3") as served:
        channel = Channel(served.url)

        async def run() -> None:
            async with connect(channel.master_url(), ping_interval=None) as master:
                with pytest.raises(ConnectionClosed):
                    await asyncio.wait_for(master.recv(), 5)
                assert master.close_code == 1000

        asyncio.run(run())


def test_reset_closes_signaling_connections(server: ThreadedServer, channel: Channel) -> None:
    import requests

    async def run() -> None:
        async with connect(channel.master_url()) as master:
            await asyncio.get_running_loop().run_in_executor(
                None,
                lambda: requests.post(
                    server.endpoint_url + "/_kvsmock/reset", timeout=10
                ).raise_for_status(),
            )
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(master.recv(), 5)
            assert master.close_code == 1001

    asyncio.run(run())
