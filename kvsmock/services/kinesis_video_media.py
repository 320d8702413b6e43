"""Handlers of ``kinesis-video-media`` (API version 2017-09-30): GetMedia.

https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_dataplane_GetMedia.html
"""

from __future__ import annotations

from typing import Any, Dict

from kvsmock import media
from kvsmock.services import RequestContext
from kvsmock.state import Store

Params = Dict[str, Any]
Result = Dict[str, Any]


def get_media(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetMedia: the stream's chunks from the ``StartSelector`` on, in fragment-number order.

    Each chunk is a Matroska segment (the producer's header, the cluster) tagged with
    ``AWS_KINESISVIDEO_FRAGMENT_NUMBER``, ``..._SERVER_TIMESTAMP`` and
    ``..._PRODUCER_TIMESTAMP`` before the cluster and ``..._MILLIS_BEHIND_NOW`` and
    ``..._CONTINUATION_TOKEN`` after it. Unlike AWS, which keeps the connection open for new
    fragments, the body ends after the last stored fragment. NOW starts with the latest
    stored fragment. A FRAGMENT_NUMBER that is not stored gives a chunk with the in-band
    error tags (``AWS_KINESISVIDEO_ERROR_ID`` 4000).

    Raises:
        ServiceError: ``ResourceNotFoundException`` for a stream that does not exist or is
            not active; ``InvalidArgumentException`` when the selector lacks its member.
    """
    stream = store.find_stream(
        params.get("StreamName"), params.get("StreamARN"), now=ctx.now, usable=True
    )
    found = media.stored(store, stream, ctx.now)
    start = media.start_index(found, params["StartSelector"])
    if start is None:
        payload: Any = media.not_found_chunk()
    else:
        payload = media.get_media_chunks(found.fragments[start:], ctx.now)
    return {"ContentType": media.MEDIA_CONTENT_TYPE, "Payload": payload}
