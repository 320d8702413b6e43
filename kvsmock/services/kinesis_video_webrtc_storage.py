"""Handlers of ``kinesis-video-webrtc-storage`` (API version 2018-05-10).

JoinStorageSession and JoinStorageSessionAsViewer, served on a channel's WEBRTC endpoint
(``https://w-<8 hex>...`` from GetSignalingChannelEndpoint, vended only while the channel's
MediaStorageConfiguration is ENABLED). kvsmock has no WebRTC peer: a join is recorded in
``store.storage_sessions`` and no media reaches the stream (seed it with ``mock.put_media``).
Errors of this service carry a lower-case ``message``, and AccessDeniedException is 403.

https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_Operations_Amazon_Kinesis_Video_WebRTC_Storage.html
"""

from __future__ import annotations

from typing import Any, Dict

from kvsmock.services import RequestContext
from kvsmock.state import Store

Params = Dict[str, Any]
Result = Dict[str, Any]


def join_storage_session(store: Store, params: Params, ctx: RequestContext) -> Result:
    """JoinStorageSession: join the channel's storage session as the video producing device.

    Not idempotent: every call is a new join (``StorageSession.master_joins``), the latest
    taking precedence. HTTP 200 with an empty body.
    https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_webrtc_JoinStorageSession.html

    Raises:
        ServiceError: ``ResourceNotFoundException`` ("The requested channel is not found or
            not active.") for a channel that does not exist or is CREATING or DELETING;
            ``InvalidArgumentException`` when the channel's MediaStorageConfiguration is
            not ENABLED or its stream's retention is 0 hours.
    """
    channel = store.find_channel(arn=params["channelArn"], now=ctx.now, usable=True)
    store.join_storage_session(channel, now=ctx.now)
    return {}


def join_storage_session_as_viewer(store: Store, params: Params, ctx: RequestContext) -> Result:
    """JoinStorageSessionAsViewer: join the channel's storage session as viewer ``clientId``.

    A second join with the same ``clientId`` replaces the first (documented). HTTP 200 with
    an empty body.
    https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_webrtc_JoinStorageSessionAsViewer.html

    Raises:
        ServiceError: as :func:`join_storage_session`.
    """
    channel = store.find_channel(arn=params["channelArn"], now=ctx.now, usable=True)
    store.join_storage_session(channel, client_id=params["clientId"], now=ctx.now)
    return {}
