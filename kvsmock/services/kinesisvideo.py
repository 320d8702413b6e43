"""Handlers of the ``kinesisvideo`` control plane (API version 2017-09-30).

Each function is named after its operation (``xform_name``) and follows the AWS API
reference page of that operation, https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/
(``API_<Operation>.html``). Inputs have already passed the model's constraints.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any, Dict, List, Optional

from kvsmock.errors import invalid_argument
from kvsmock.services import RequestContext
from kvsmock.state import DEFAULT_ENDPOINT_FLEET, ENDPOINT_FLEET, Store, Stream

Params = Dict[str, Any]
Result = Dict[str, Any]

#: ListStreams' default and maximum page size (API_ListStreams: "The default is 10,000").
LIST_STREAMS_DEFAULT_MAX_RESULTS = 10_000
_TOKEN_PREFIX = "kvsmock:v1:"


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


def _decode_token(token: Optional[str]) -> Optional[str]:
    if not token:
        return None
    try:
        text = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        text = ""
    if not text.startswith(_TOKEN_PREFIX):
        raise invalid_argument("The NextToken is not valid.")
    return text[len(_TOKEN_PREFIX) :]


def _encode_token(last_name: str) -> str:
    return base64.b64encode((_TOKEN_PREFIX + last_name).encode("utf-8")).decode("ascii")


def list_streams(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListStreams: ``StreamInfo`` in stream-name order, paged by an opaque ``NextToken``.

    The token carries the last name returned, so streams created or deleted between pages
    never make a later page repeat or skip a stream that existed throughout.
    """
    limit = params.get("MaxResults", LIST_STREAMS_DEFAULT_MAX_RESULTS)
    after = _decode_token(params.get("NextToken"))
    condition = params.get("StreamNameCondition") or {}
    prefix = condition.get("ComparisonValue") or ""
    infos: List[Result] = []
    next_token = None
    for stream in store.iter_streams(after=after, prefix=prefix, now=ctx.now):
        if len(infos) == limit:
            next_token = _encode_token(infos[-1]["StreamName"])
            break
        infos.append(stream_info(store, stream, store.status(stream, ctx.now) or "DELETING"))
    result: Result = {"StreamInfoList": infos}
    if next_token is not None:
        result["NextToken"] = next_token
    return result


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
    return {"DataEndpoint": f"https://{host}"}
