"""Handlers of ``kinesis-video-archived-media`` (API version 2017-09-30).

ListFragments and GetMediaForFragmentList read the archived (persisted) fragments: a stream
with ``DataRetentionInHours`` 0 has none, its short buffer is for GetMedia only.
https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_reader_ListFragments.html,
API_reader_GetMediaForFragmentList.html
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
from typing import Any, Dict, List, Optional, Tuple

from kvsmock import _clock, media
from kvsmock.errors import ServiceError, invalid_argument
from kvsmock.services import RequestContext
from kvsmock.state import Store, Stream

Params = Dict[str, Any]
Result = Dict[str, Any]

#: ListFragments page size when ``MaxResults`` is not given (the model's maximum).
LIST_FRAGMENTS_DEFAULT_MAX_RESULTS = 1000
_TOKEN_PREFIX = "kvsmock:fragments:v1:"


def _find(store: Store, params: Params, ctx: RequestContext) -> Stream:
    return store.find_stream(
        params.get("StreamName"), params.get("StreamARN"), now=ctx.now, usable=True
    )


def _encode_token(kind: str, start: _dt.datetime, end: _dt.datetime, last: str) -> str:
    text = f"{_TOKEN_PREFIX}{kind}:{_clock.epoch_millis(start)}:{_clock.epoch_millis(end)}:{last}"
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def _decode_token(token: str) -> Tuple[str, _dt.datetime, _dt.datetime, int]:
    try:
        text = base64.b64decode(token, validate=True).decode("ascii")
        if not text.startswith(_TOKEN_PREFIX):
            raise ValueError(text)
        kind, start, end, last = text[len(_TOKEN_PREFIX) :].split(":")
        return (
            kind,
            _clock.from_epoch_millis(int(start)),
            _clock.from_epoch_millis(int(end)),
            int(last),
        )
    except (binascii.Error, ValueError, UnicodeDecodeError) as e:
        raise invalid_argument("The NextToken is not valid.") from e


def list_fragments(store: Store, params: Params, ctx: RequestContext) -> Result:
    """ListFragments: persisted fragments whose producer or server timestamp is in the range.

    The range is inclusive at both ends and applies to the fragment's start timestamp.
    Fragments come in fragment-number order (AWS promises no order). ``NextToken`` carries
    the selector and the last fragment number returned, so it survives ingestion and expiry
    between pages. Nothing in range gives an empty list.

    Raises:
        ServiceError: ``InvalidArgumentException`` without a ``FragmentSelector`` or
            ``NextToken``, with an end before the start, or with a token kvsmock did not
            issue; ``ResourceNotFoundException`` for an unknown or inactive stream.
    """
    stream = _find(store, params, ctx)
    limit = params.get("MaxResults", LIST_FRAGMENTS_DEFAULT_MAX_RESULTS)
    token: Optional[str] = params.get("NextToken")
    after = -1
    if token:
        kind, start, end, after = _decode_token(token)
    else:
        selector = params.get("FragmentSelector")
        if selector is None:
            raise invalid_argument("FragmentSelector is required when NextToken is not given.")
        kind = selector["FragmentSelectorType"]
        start = selector["TimestampRange"]["StartTimestamp"]
        end = selector["TimestampRange"]["EndTimestamp"]
        if end < start:
            raise invalid_argument("The EndTimestamp must not be before the StartTimestamp.")
    attr = "server_timestamp" if kind == "SERVER_TIMESTAMP" else "producer_timestamp"
    found: List[media.Fragment] = []
    next_token = None
    for f in media.readable(store, stream, ctx.now, archived=True):
        if f.number_value <= after or not start <= getattr(f, attr) <= end:
            continue
        if len(found) == limit:
            next_token = _encode_token(kind, start, end, found[-1].number)
            break
        found.append(f)
    result: Result = {"Fragments": [f.info() for f in found]}
    if next_token is not None:
        result["NextToken"] = next_token
    return result


def get_media_for_fragment_list(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetMediaForFragmentList: one chunk per requested fragment, in the order requested.

    Each chunk carries ``AWS_KINESISVIDEO_FRAGMENT_NUMBER``,
    ``AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP`` and ``AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP``.

    Raises:
        ServiceError: ``ResourceNotFoundException`` for an unknown or inactive stream, or
            when a fragment number is not among the stream's archived fragments (expired,
            never stored, or only in a 0-retention buffer).
    """
    stream = _find(store, params, ctx)
    stored = {f.number: f for f in media.readable(store, stream, ctx.now, archived=True)}
    missing = [n for n in params["Fragments"] if n not in stored]
    if missing:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The requested fragments were not found: {', '.join(missing[:10])}.",
        )
    chosen = [stored[n] for n in params["Fragments"]]
    return {
        "ContentType": media.MEDIA_CONTENT_TYPE,
        "Payload": media.fragment_list_chunks(chosen),
    }
