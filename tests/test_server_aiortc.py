"""aiortc master and viewer (Python WebRTC peers) through the signaling WebSocket of a
``ThreadedServer``: the viewer's offer and the master's answer go through kvsmock, then the
master sends the sample's frames over a real peer connection (host candidates only)."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any, Dict, List

from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaPlayer
from server_support import SAMPLE
from signaling_support import Channel, b64, receive
from websockets.asyncio.client import connect

from kvsmock.server import ThreadedServer


def description(event: Dict[str, Any]) -> RTCSessionDescription:
    payload = json.loads(base64.b64decode(event["messagePayload"]))
    return RTCSessionDescription(sdp=payload["sdp"], type=payload["type"])


def test_aiortc_master_and_viewer_connect_through_kvsmock_signaling() -> None:
    async def run() -> List[Any]:
        with ThreadedServer() as server:
            channel = Channel(server.endpoint_url)
            config = RTCConfiguration(iceServers=[])
            master, viewer = RTCPeerConnection(config), RTCPeerConnection(config)
            player = MediaPlayer(str(SAMPLE))
            try:
                async with (
                    connect(channel.master_url()) as master_ws,
                    connect(channel.viewer_url("aiortc-viewer")) as viewer_ws,
                ):
                    master.addTrack(player.video)
                    viewer.addTransceiver("video", direction="recvonly")
                    track: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
                    viewer.on("track", track.set_result)
                    # aiortc puts its candidates in the SDP: offer and answer are enough.
                    await viewer.setLocalDescription(await viewer.createOffer())
                    offer = viewer.localDescription
                    await viewer_ws.send(
                        json.dumps(
                            {
                                "action": "SDP_OFFER",
                                "messagePayload": b64({"type": offer.type, "sdp": offer.sdp}),
                            }
                        )
                    )
                    event = await receive(master_ws, 10)
                    assert (event["messageType"], event["senderClientId"]) == (
                        "SDP_OFFER",
                        "aiortc-viewer",
                    )
                    await master.setRemoteDescription(description(event))
                    await master.setLocalDescription(await master.createAnswer())
                    answer = master.localDescription
                    await master_ws.send(
                        json.dumps(
                            {
                                "action": "SDP_ANSWER",
                                "messagePayload": b64({"type": answer.type, "sdp": answer.sdp}),
                                "recipientClientId": event["senderClientId"],
                            }
                        )
                    )
                    reply = await receive(viewer_ws, 10)
                    assert reply["messageType"] == "SDP_ANSWER"
                    await viewer.setRemoteDescription(description(reply))
                    remote = await asyncio.wait_for(track, 20)
                    frames = [await asyncio.wait_for(remote.recv(), 20) for _ in range(10)]
                    assert master.connectionState == viewer.connectionState == "connected"
                    return frames
            finally:
                await viewer.close()
                await master.close()
                if player.video is not None:
                    player.video.stop()

    frames = asyncio.run(run())
    # The sample is 320x240 at 10 fps; the viewer decodes the master's frames at that size.
    assert {(f.width, f.height) for f in frames} == {(320, 240)}
    assert frames[-1].pts > frames[0].pts
