"""Handlers of the ``kinesisvideo`` control plane (API version 2017-09-30).

Each function is named after its operation (``xform_name``) and follows the AWS API
reference page of that operation, https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/
(``API_<Operation>.html``). Inputs have already passed the model's constraints.
"""

from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import operator
from typing import Any, Callable, Dict, Iterator, List, Optional

from kvsmock import _endpoints
from kvsmock.errors import invalid_argument
from kvsmock.services import RequestContext
from kvsmock.state import (
    ACTIVE,
    DEFAULT_ENDPOINT_FLEET,
    DEFAULT_MESSAGE_TTL_SECONDS,
    ENDPOINT_FLEET,
    SINGLE_MASTER,
    EdgeConfiguration,
    EdgeSyncState,
    ImageGenerationConfiguration,
    NotificationConfiguration,
    SignalingChannel,
    Store,
    Stream,
)

Params = Dict[str, Any]
Result = Dict[str, Any]

#: ListStreams' default and maximum page size (API_ListStreams: "The default is 10,000").
LIST_STREAMS_DEFAULT_MAX_RESULTS = 10_000
_TOKEN_PREFIX = "kvsmock:v1:"
_NAME = operator.attrgetter("name")


def stream_info(store: Store, stream: Stream, status: str) -> Result:
    """The ``StreamInfo`` of a stream; absent members are ``None`` (sent as JSON null)."""
    return {
        "DeviceName": stream.device_name,
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "MediaType": stream.media_type,
        "KmsKeyId": stream.kms_key_id,
        "Version": stream.version,
        "Status": status,
        "CreationTime": stream.creation_time,
        "DataRetentionInHours": stream.data_retention_in_hours,
    }


def _find(store: Store, params: Params, ctx: RequestContext, *, usable: bool = False) -> Stream:
    return store.find_stream(
        params.get("StreamName"), params.get("StreamARN"), now=ctx.now, usable=usable
    )


def create_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """CreateStream: a new stream, CREATING then ACTIVE; returns its ``StreamARN``."""
    storage = params.get("StreamStorageConfiguration") or {}
    stream = store.create_stream(
        params["StreamName"],
        data_retention_in_hours=params.get("DataRetentionInHours", 0),
        device_name=params.get("DeviceName"),
        media_type=params.get("MediaType"),
        kms_key_id=params.get("KmsKeyId"),
        tags=params.get("Tags"),
        storage_tier=storage.get("DefaultStorageTier", "HOT"),
        now=ctx.now,
    )
    return {"StreamARN": stream.arn}


def describe_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DescribeStream: the ``StreamInfo`` of a stream, by name or ARN."""
    stream = _find(store, params, ctx)
    status = store.status(stream, ctx.now)
    return {"StreamInfo": stream_info(store, stream, status or "DELETING")}


def _decode_token(token: Optional[str], scope: str) -> Optional[str]:
    """The last name a ``NextToken`` of this list (``scope``) carries; None for no token.

    Raises ``InvalidArgumentException`` for a token kvsmock did not issue for this list.
    """
    if not token:
        return None
    try:
        text = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        text = ""
    prefix = f"{_TOKEN_PREFIX}{scope}:"
    if not text.startswith(prefix):
        raise invalid_argument("The NextToken is not valid.")
    return text[len(prefix) :]


def _encode_token(last_name: str, scope: str) -> str:
    raw = f"{_TOKEN_PREFIX}{scope}:{last_name}".encode()
    return base64.b64encode(raw).decode("ascii")


def _scope(store: Store, listing: str) -> str:
    """What a listing's ``NextToken`` is bound to: the listing, account and region, so a token
    is refused by another listing, account or region (it names a position in one of them)."""
    key = f"{listing}|{store.account_id}|{store.region}".encode()
    return hashlib.sha256(key).hexdigest()[:16]


def _page(
    list_key: str,
    items: Iterator[Any],
    limit: int,
    scope: str,
    name_of: Callable[[Any], str],
    render: Callable[[Any], Result],
) -> Result:
    """One page of a name-ordered listing under ``list_key``, with the next ``NextToken``.

    The token carries the last name returned, so resources created or deleted between pages
    never make a later page repeat or skip one that existed throughout.
    """
    page: List[Result] = []
    last = None
    for item in items:
        if len(page) == limit:
            return {list_key: page, "NextToken": _encode_token(name_of(last), scope)}
        page.append(render(item))
        last = item
    return {list_key: page}


def list_streams(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListStreams: ``StreamInfo`` in stream-name order, paged by an opaque ``NextToken``."""
    limit = params.get("MaxResults", LIST_STREAMS_DEFAULT_MAX_RESULTS)
    scope = _scope(store, "streams")
    after = _decode_token(params.get("NextToken"), scope)
    prefix = (params.get("StreamNameCondition") or {}).get("ComparisonValue") or ""
    now, status = ctx.now, store.status
    return _page(
        "StreamInfoList",
        store.iter_streams(after=after, prefix=prefix, now=now),
        limit,
        scope,
        _NAME,
        lambda stream: stream_info(
            store, stream, ACTIVE if stream.phase is None else status(stream, now) or "DELETING"
        ),
    )


def delete_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DeleteStream: by ``StreamARN``; DELETING, then gone; ``CurrentVersion`` optional."""
    stream = store.find_stream(arn=params["StreamARN"], now=ctx.now)
    store.check_version(stream, params.get("CurrentVersion"), required=False)
    store.delete_stream(stream, now=ctx.now)
    return {}


def update_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UpdateStream: new DeviceName / MediaType, a new Version, UPDATING then ACTIVE."""
    stream = _find(store, params, ctx)
    store.check_version(stream, params.get("CurrentVersion"), required=True)
    store.update_stream(
        stream,
        device_name=params.get("DeviceName"),
        media_type=params.get("MediaType"),
        now=ctx.now,
    )
    return {}


def update_data_retention(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UpdateDataRetention: add or subtract ``DataRetentionChangeInHours`` (result 0..87600)."""
    stream = _find(store, params, ctx)
    store.check_version(stream, params.get("CurrentVersion"), required=True)
    change = params["DataRetentionChangeInHours"]
    delta = change if params["Operation"] == "INCREASE_DATA_RETENTION" else -change
    store.change_retention(stream, delta, now=ctx.now)
    return {}


def tag_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """TagStream: add or replace tags; over 50 in total is refused whole."""
    store.tag(_find(store, params, ctx), params["Tags"])
    return {}


def untag_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UntagStream: remove tags by key; missing keys are ignored."""
    store.untag(_find(store, params, ctx), params["TagKeyList"])
    return {}


def list_tags_for_stream(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListTagsForStream: all tags of a stream (at most 50, so always one page)."""
    stream = _find(store, params, ctx)
    if params.get("NextToken"):
        # At most 50 tags fit in one page, so kvsmock never issues a token to come back with.
        raise invalid_argument("The NextToken is not valid.")
    return {"Tags": dict(stream.tags)}


def get_data_endpoint(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetDataEndpoint: ``https://<s|b>-<8 hex>.kinesisvideo.<region>.<dns suffix>``.

    PUT_MEDIA and GET_MEDIA share the ``s-`` host, the other APIs the ``b-`` host; both are
    stable for the life of the stream. The API name is not appended (API_GetDataEndpoint).
    """
    stream = _find(store, params, ctx, usable=True)
    fleet = ENDPOINT_FLEET.get(params["APIName"], DEFAULT_ENDPOINT_FLEET)
    host = f"{fleet}-{stream.endpoint_ids[fleet]}.kinesisvideo.{store.region}.{store.dns_suffix}"
    return {"DataEndpoint": _endpoints.public_url(store, host)}


# -- signaling channels ------------------------------------------------------------------------

#: ListSignalingChannels' default page size (model doc: "The default is 500").
LIST_CHANNELS_DEFAULT_MAX_RESULTS = 500
#: GetSignalingChannelEndpoint without ``SingleMasterChannelEndpointConfiguration`` or its
#: members: the docs are silent, so kvsmock answers WSS and HTTPS for a MASTER.
DEFAULT_ENDPOINT_PROTOCOLS = ("WSS", "HTTPS")
DEFAULT_CHANNEL_ROLE = "MASTER"
#: ``MappedResourceConfigurationListItem.Type`` of a channel storing media in a stream.
MEDIA_STORAGE_MAPPING_TYPE = "MEDIA_STORAGE"


def channel_info(store: Store, channel: SignalingChannel, status: str) -> Result:
    """The ``ChannelInfo`` of a channel (API_ChannelInfo)."""
    return {
        "ChannelName": channel.name,
        "ChannelARN": channel.arn,
        "ChannelType": channel.channel_type,
        "ChannelStatus": status,
        "CreationTime": channel.creation_time,
        "SingleMasterConfiguration": {"MessageTtlSeconds": channel.message_ttl_seconds},
        "Version": channel.version,
    }


def _tag_map(tags: List[Dict[str, str]]) -> Dict[str, str]:
    # A ``TagList`` / ``TagOnCreateList`` as a map; a repeated key keeps its last value.
    return {tag["Key"]: tag["Value"] for tag in tags}


def create_signaling_channel(store: Store, params: Params, ctx: RequestContext) -> Result:
    """CreateSignalingChannel: a new channel, CREATING then ACTIVE; returns its ``ChannelARN``.

    ``ChannelType`` defaults to SINGLE_MASTER (the only supported type) and
    ``SingleMasterConfiguration.MessageTtlSeconds`` to 60 seconds.
    """
    config = params.get("SingleMasterConfiguration") or {}
    channel = store.create_signaling_channel(
        params["ChannelName"],
        channel_type=params.get("ChannelType") or SINGLE_MASTER,
        message_ttl_seconds=config.get("MessageTtlSeconds") or DEFAULT_MESSAGE_TTL_SECONDS,
        tags=_tag_map(params.get("Tags") or []),
        now=ctx.now,
    )
    return {"ChannelARN": channel.arn}


def describe_signaling_channel(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DescribeSignalingChannel: the ``ChannelInfo`` of a channel, by name or ARN."""
    channel = store.find_channel(params.get("ChannelName"), params.get("ChannelARN"), now=ctx.now)
    status = store.status(channel, ctx.now)
    return {"ChannelInfo": channel_info(store, channel, status or "DELETING")}


def list_signaling_channels(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListSignalingChannels: ``ChannelInfo`` in channel-name order, 500 per page by default.

    Paged like ListStreams, by an opaque ``NextToken`` that carries the last name returned.
    """
    limit = params.get("MaxResults") or LIST_CHANNELS_DEFAULT_MAX_RESULTS
    scope = _scope(store, "channels")
    after = _decode_token(params.get("NextToken"), scope)
    prefix = (params.get("ChannelNameCondition") or {}).get("ComparisonValue") or ""
    return _page(
        "ChannelInfoList",
        store.iter_channels(after=after, prefix=prefix, now=ctx.now),
        limit,
        scope,
        _NAME,
        lambda channel: channel_info(store, channel, store.status(channel, ctx.now) or "DELETING"),
    )


def update_signaling_channel(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UpdateSignalingChannel: a new MessageTtlSeconds and Version, UPDATING then ACTIVE.

    The doc says ``SingleMasterConfiguration`` and its TTL "are required for channels with
    the SINGLE_MASTER channel type": without them, InvalidArgumentException.
    """
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now)
    store.check_version(channel, params.get("CurrentVersion"), required=True)
    ttl = (params.get("SingleMasterConfiguration") or {}).get("MessageTtlSeconds")
    if ttl is None:
        raise invalid_argument(
            "SingleMasterConfiguration.MessageTtlSeconds must be specified for a "
            "SINGLE_MASTER channel."
        )
    store.update_signaling_channel(channel, message_ttl_seconds=ttl, now=ctx.now)
    return {}


def delete_signaling_channel(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DeleteSignalingChannel: by ``ChannelARN``; DELETING, then gone; ``CurrentVersion``
    optional; refused while the channel's media storage is ENABLED."""
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now)
    store.check_version(channel, params.get("CurrentVersion"), required=False)
    store.delete_signaling_channel(channel, now=ctx.now)
    return {}


def get_signaling_channel_endpoint(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetSignalingChannelEndpoint: one ``ResourceEndpointList`` entry per requested protocol.

    WSS ``wss://m-<8 hex>`` (MASTER) or ``wss://v-<8 hex>`` (VIEWER), HTTPS
    ``https://r-<8 hex>``, WEBRTC ``https://w-<8 hex>`` (only while media storage is
    ENABLED, else InvalidArgumentException), each ``.kinesisvideo.<region>.<dns suffix>``
    and stable per channel. A CREATING or DELETING channel is "not found or not active".
    """
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now, usable=True)
    config = params.get("SingleMasterChannelEndpointConfiguration") or {}
    protocols = config.get("Protocols") or DEFAULT_ENDPOINT_PROTOCOLS
    role = config.get("Role") or DEFAULT_CHANNEL_ROLE
    endpoints = [
        {"Protocol": protocol, "ResourceEndpoint": store.channel_endpoint(channel, protocol, role)}
        for protocol in dict.fromkeys(protocols)
    ]
    return {"ResourceEndpointList": endpoints}


# -- resource tags -----------------------------------------------------------------------------


def tag_resource(store: Store, params: Params, ctx: RequestContext) -> Result:
    """TagResource: add or replace tags of a stream or channel by ARN; over 50 is refused."""
    resource = store.find_resource(params["ResourceARN"], now=ctx.now)
    store.tag(resource, _tag_map(params["Tags"]))
    return {}


def untag_resource(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UntagResource: remove tags of a stream or channel by key; missing keys are ignored."""
    resource = store.find_resource(params["ResourceARN"], now=ctx.now)
    store.untag(resource, params["TagKeyList"])
    return {}


def list_tags_for_resource(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListTagsForResource: the tags of a stream or channel as a map (always one page)."""
    resource = store.find_resource(params["ResourceARN"], now=ctx.now)
    if params.get("NextToken"):
        # At most 50 tags fit in one page, so kvsmock never issues a token to come back with.
        raise invalid_argument("The NextToken is not valid.")
    return {"Tags": dict(resource.tags)}


# -- WebRTC media storage ----------------------------------------------------------------------


def describe_media_storage_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """DescribeMediaStorageConfiguration: ``{StreamARN, Status: ENABLED}`` while the channel
    stores media in a stream, else ``{Status: DISABLED}``."""
    channel = store.find_channel(params.get("ChannelName"), params.get("ChannelARN"), now=ctx.now)
    config: Result = {"Status": channel.media_storage_status}
    if channel.media_storage_stream_arn is not None:
        config["StreamARN"] = channel.media_storage_stream_arn
    return {"MediaStorageConfiguration": config}


def update_media_storage_configuration(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UpdateMediaStorageConfiguration: link a channel to a stream (ENABLED) or unlink it.

    ENABLED needs ``StreamARN`` (InvalidArgumentException), an ACTIVE stream with retention
    over 0 hours (NoDataRetentionException) that no other channel uses, and a channel not
    linked to another stream (ResourceInUseException). DISABLED ignores ``StreamARN``.
    """
    channel = store.find_channel(arn=params["ChannelARN"], now=ctx.now)
    config = params["MediaStorageConfiguration"]
    if config["Status"] == "DISABLED":
        store.disable_media_storage(channel, now=ctx.now)
        return {}
    stream_arn = config.get("StreamARN")
    if stream_arn is None:
        raise invalid_argument(
            "MediaStorageConfiguration.StreamARN must be specified when Status is ENABLED."
        )
    stream = store.find_stream(arn=stream_arn, now=ctx.now)
    store.enable_media_storage(channel, stream, now=ctx.now)
    return {}


def describe_mapped_resource_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """DescribeMappedResourceConfiguration: the channel storing media in a stream, if any.

    ``MappedResourceConfigurationList`` holds at most one ``{Type: MEDIA_STORAGE, ARN:
    <channel ARN>}`` (MaxResults is 1..1), so there is never a NextToken to come back with.
    """
    stream = _find(store, params, ctx)
    if params.get("NextToken"):
        raise invalid_argument("The NextToken is not valid.")
    channel = store.mapped_channel(stream)
    mapped = [] if channel is None else [{"Type": MEDIA_STORAGE_MAPPING_TYPE, "ARN": channel.arn}]
    return {"MappedResourceConfigurationList": mapped}


# -- stream configurations ----------------------------------------------------------------


def describe_image_generation_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """DescribeImageGenerationConfiguration: the stream's configuration, if it has one.

    A stream without one gets an empty result (the member is optional in the output shape).
    """
    config = _find(store, params, ctx).image_generation_configuration
    return {} if config is None else {"ImageGenerationConfiguration": config.to_api()}


def update_image_generation_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """UpdateImageGenerationConfiguration: set, replace or (with none given) delete it.

    Errors: InvalidArgumentException (sampling under 200 ms, JPEGQuality outside 1..100,
    a non-S3 Uri, another Region), ResourceInUseException (stream not ACTIVE),
    NoDataRetentionException (ENABLED on a 0-hour stream).
    """
    stream = _find(store, params, ctx)
    raw = params.get("ImageGenerationConfiguration")
    config = ImageGenerationConfiguration.from_api(raw) if raw is not None else None
    store.update_image_generation_configuration(stream, config, now=ctx.now)
    return {}


def describe_notification_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """DescribeNotificationConfiguration: the stream's configuration, if it has one."""
    config = _find(store, params, ctx).notification_configuration
    return {} if config is None else {"NotificationConfiguration": config.to_api()}


def update_notification_configuration(store: Store, params: Params, ctx: RequestContext) -> Result:
    """UpdateNotificationConfiguration: set, replace or (with none given) delete it.

    Errors: InvalidArgumentException (Uri not an SNS standard topic ARN),
    ResourceInUseException (stream not ACTIVE), NoDataRetentionException (ENABLED on a
    0-hour stream).
    """
    stream = _find(store, params, ctx)
    raw = params.get("NotificationConfiguration")
    config = NotificationConfiguration.from_api(raw) if raw is not None else None
    store.update_notification_configuration(stream, config, now=ctx.now)
    return {}


def describe_stream_storage_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """DescribeStreamStorageConfiguration: StreamName, StreamARN and the storage tier."""
    stream = _find(store, params, ctx)
    return {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "StreamStorageConfiguration": {"DefaultStorageTier": stream.storage_tier},
    }


def update_stream_storage_configuration(
    store: Store, params: Params, ctx: RequestContext
) -> Result:
    """UpdateStreamStorageConfiguration: a new tier and Version, UPDATING then ACTIVE.

    Errors: VersionMismatchException (CurrentVersion is not the stream's),
    ResourceInUseException (stream not ACTIVE).
    """
    stream = _find(store, params, ctx)
    store.check_version(stream, params.get("CurrentVersion"), required=True)
    tier = params["StreamStorageConfiguration"]["DefaultStorageTier"]
    store.update_storage_tier(stream, tier, now=ctx.now)
    return {}


# -- edge configuration -------------------------------------------------------------------

#: ListEdgeAgentConfigurations' default page size ("The default is 5"; the model allows 1..10).
LIST_EDGE_AGENT_CONFIGURATIONS_DEFAULT_MAX_RESULTS = 5


def _edge_item(stream: Stream, edge: EdgeConfiguration, state: EdgeSyncState) -> Result:
    item: Result = {
        "StreamName": stream.name,
        "StreamARN": stream.arn,
        "CreationTime": edge.creation_time,
        "LastUpdatedTime": state.since,
        "SyncStatus": state.sync_status,
        "EdgeConfig": copy.deepcopy(edge.edge_config),
    }
    if edge.failed_status_details is not None:
        item["FailedStatusDetails"] = edge.failed_status_details
    return item


def start_edge_configuration_update(store: Store, params: Params, ctx: RequestContext) -> Result:
    """StartEdgeConfigurationUpdate: create or replace the edge configuration; SYNCING.

    Errors: InvalidArgumentException (a schedule that is not a Quartz cron expression, or
    another HubDeviceArn than the current one), ResourceInUseException (stream not ACTIVE,
    or a sync or deletion in progress), NoDataRetentionException (0-hour stream).
    """
    stream = _find(store, params, ctx)
    edge = store.start_edge_configuration_update(stream, params["EdgeConfig"], now=ctx.now)
    # "When you invoke this API, the sync status will be set to the SYNCING state."
    return _edge_item(stream, edge, EdgeSyncState(edge.phase, edge.phase_started))


def describe_edge_configuration(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DescribeEdgeConfiguration: the configuration, its SyncStatus and any agent status.

    Errors: StreamEdgeConfigurationNotFoundException (404) when the stream has none.
    """
    stream = _find(store, params, ctx)
    edge, state = store.find_edge_configuration(stream, ctx.now)
    result = _edge_item(stream, edge, state)
    if edge.edge_agent_status is not None:
        result["EdgeAgentStatus"] = copy.deepcopy(edge.edge_agent_status)
    return result


def delete_edge_configuration(store: Store, params: Params, ctx: RequestContext) -> Result:
    """DeleteEdgeConfiguration: DELETING, then gone (asynchronous).

    Errors: StreamEdgeConfigurationNotFoundException (404) when the stream has none.
    """
    store.delete_edge_configuration(_find(store, params, ctx), now=ctx.now)
    return {}


def list_edge_agent_configurations(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListEdgeAgentConfigurations: the edge configurations of one hub device.

    In stream-name order, ``MaxResults`` (default 5) per page; the opaque ``NextToken``
    carries the hub device and the last stream name returned, so it is refused
    (InvalidArgumentException) with another ``HubDeviceArn``. An unknown device gives an
    empty list.
    """
    hub = params["HubDeviceArn"]
    limit = params.get("MaxResults", LIST_EDGE_AGENT_CONFIGURATIONS_DEFAULT_MAX_RESULTS)
    scope = _scope(store, f"edge:{hub}")
    after = _decode_token(params.get("NextToken"), scope)
    return _page(
        "EdgeConfigs",
        store.edge_configurations(hub, after=after, now=ctx.now),
        limit,
        scope,
        lambda entry: entry[0].name,
        lambda entry: _edge_item(*entry),
    )
