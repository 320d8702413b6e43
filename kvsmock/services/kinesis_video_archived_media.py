"""Handlers of ``kinesis-video-archived-media`` (API version 2017-09-30).

GetHLSStreamingSessionURL, GetDASHStreamingSessionURL, GetClip and GetImages are built on
:mod:`kvsmock.media.archive` and need the ``kvsmock[media]`` extra (PyAV, Pillow).

ListFragments and GetMediaForFragmentList read the archived (persisted) fragments: a stream
with ``DataRetentionInHours`` 0 has none, its short buffer is for GetMedia only.
https://docs.aws.amazon.com/kinesisvideostreams/latest/dg/API_reader_ListFragments.html,
API_reader_GetMediaForFragmentList.html
"""

from __future__ import annotations

import base64
import binascii
import datetime as _dt
import hashlib
from typing import Any, Dict, Iterable, List, Optional, Tuple

from kvsmock import _clock, media
from kvsmock.errors import ServiceError, invalid_argument
from kvsmock.media import archive
from kvsmock.services import RequestContext
from kvsmock.state import Store, Stream, no_data_retention

Params = Dict[str, Any]
Result = Dict[str, Any]

#: ListFragments page size when ``MaxResults`` is not given (the model's maximum).
LIST_FRAGMENTS_DEFAULT_MAX_RESULTS = 1000
_TOKEN_PREFIX = "kvsmock:fragments:v1:"


def _find(store: Store, params: Params, ctx: RequestContext) -> Stream:
    return store.find_stream(
        params.get("StreamName"), params.get("StreamARN"), now=ctx.now, usable=True
    )


def _stream_key(stream: Stream) -> str:
    # A ListFragments token names a position in one stream: another stream refuses it.
    return hashlib.sha256(stream.arn.encode()).hexdigest()[:16]


def _encode_token(
    stream: Stream, kind: str, start: _dt.datetime, end: _dt.datetime, last: str
) -> str:
    span = f"{_clock.epoch_millis(start)}:{_clock.epoch_millis(end)}"
    text = f"{_TOKEN_PREFIX}{_stream_key(stream)}:{kind}:{span}:{last}"
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def _decode_token(stream: Stream, token: str) -> Tuple[str, _dt.datetime, _dt.datetime, int]:
    try:
        text = base64.b64decode(token, validate=True).decode("ascii")
        prefix = f"{_TOKEN_PREFIX}{_stream_key(stream)}:"
        if not text.startswith(prefix):
            raise ValueError(text)
        kind, start, end, last = text[len(prefix) :].split(":")
        start_ms = _clock.ascii_int(start, signed=True)
        end_ms = _clock.ascii_int(end, signed=True)
        after = _clock.ascii_int(last)
        if start_ms is None or end_ms is None or after is None or end_ms < start_ms:
            raise ValueError(text)
        if kind not in ("PRODUCER_TIMESTAMP", "SERVER_TIMESTAMP"):
            raise ValueError(text)
        return kind, _clock.from_epoch_millis(start_ms), _clock.from_epoch_millis(end_ms), after
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
        kind, start, end, after = _decode_token(stream, token)
    else:
        selector = params.get("FragmentSelector")
        if selector is None:
            raise invalid_argument("FragmentSelector is required when NextToken is not given.")
        kind = selector["FragmentSelectorType"]
        start = selector["TimestampRange"]["StartTimestamp"]
        end = selector["TimestampRange"]["EndTimestamp"]
        if end < start:
            raise invalid_argument("The EndTimestamp must not be before the StartTimestamp.")
    stored = media.stored(store, stream, ctx.now, archived=True)
    fragments = stored.fragments
    bounds = stored.bounds(kind, start, end)
    if bounds is None:  # timestamps out of order: scan
        in_range = stored.between(kind, start, end)
        candidates: Iterable[media.Fragment] = (f for f in in_range if f.number_value > after)
    else:
        lo = max(bounds[0], stored.first_after(after))
        candidates = (fragments[i] for i in range(lo, bounds[1]))
    found: List[media.Fragment] = []
    next_token = None
    for f in candidates:
        if len(found) == limit:
            next_token = _encode_token(stream, kind, start, end, found[-1].number)
            break
        found.append(f)
    result: Result = {"Fragments": [f.info() for f in found]}
    if next_token is not None:
        result["NextToken"] = next_token
    return result


def _expired_here(store: Store, stream: Stream, number: str) -> bool:
    """Whether ``number`` may be a fragment of this stream that retention deleted: within the
    numbers the stream has expired, and not a fragment another stream of the store holds."""
    state: Optional[media.MediaState] = store.media
    log = state.logs.get(stream.arn) if state is not None else None
    value = _clock.ascii_int(number)
    if state is None or log is None or value is None:
        return False
    if not log.first_number <= value <= log.expired_through:
        return False
    return not any(
        other is not log and media.Stored(other.fragments, True, True).index_of(value) is not None
        for other in state.logs.values()
    )


def get_media_for_fragment_list(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetMediaForFragmentList: one chunk per requested fragment, in the order requested.

    Each chunk carries ``AWS_KINESISVIDEO_FRAGMENT_NUMBER``,
    ``AWS_KINESISVIDEO_SERVER_SIDE_TIMESTAMP`` and ``AWS_KINESISVIDEO_PRODUCER_SIDE_TIMESTAMP``.

    A number the stream never stored (another stream's, or never issued) is refused with
    HTTP 400 ``InvalidArgumentException`` "Fragment numbers are invalid : [...]", as the
    service answers (aws-sdk-js #3217, parser-library #50; docs/behaviour.md).

    Raises:
        ServiceError: ``ResourceNotFoundException`` for an unknown or inactive stream, or
            for numbers of this stream that retention deleted;
            ``InvalidArgumentException`` for numbers that are not this stream's.
    """
    stream = _find(store, params, ctx)
    stored = media.stored(store, stream, ctx.now, archived=True)
    chosen: List[media.Fragment] = []
    foreign: List[str] = []
    expired: List[str] = []
    for number in params["Fragments"]:
        value = _clock.ascii_int(number)
        index = stored.index_of(value) if value is not None else None
        if index is not None:
            chosen.append(stored.fragments[index])
        elif _expired_here(store, stream, number):
            expired.append(number)
        else:
            foreign.append(number)
    if foreign:
        raise invalid_argument(f"Fragment numbers are invalid : [{', '.join(foreign)}]")
    if expired:
        raise ServiceError(
            "ResourceNotFoundException",
            f"The requested fragments were not found: {', '.join(expired[:10])}.",
        )
    return {
        "ContentType": media.MEDIA_CONTENT_TYPE,
        "Payload": media.fragment_list_chunks(chosen),
    }


# -- HLS / DASH sessions, clips, images ----------------------------------------------------


def get_hls_streaming_session_url(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetHLSStreamingSessionURL: a session URL on the stream's ``b-`` data endpoint.

    ``https://b-<8 hex>.kinesisvideo.<region>.<dns>/hls/v1/getHLSMasterPlaylist.m3u8
    ?SessionToken=<token>``; kvsmock answers it (and the playlists and segments it leads to)
    while the session lasts (``Expires``, 300-43200 s, default 300, on the mock's clock).
    See API_reader_GetHLSStreamingSessionURL.html.

    Raises:
        ServiceError: ``InvalidArgumentException`` (selector rules, 24-hour range, an end
            not in the past for SERVER_TIMESTAMP), ``ResourceNotFoundException`` (no stream;
            no fragment in the range, or in the last 30 s for LIVE),
            ``NoDataRetentionException``, ``UnsupportedStreamMediaTypeException``,
            ``MissingCodecPrivateDataException``, ``InvalidCodecPrivateDataException``.
        kvsmock.media.archive.MediaExtraMissing: PyAV or Pillow is not installed.
    """
    stream = _find(store, params, ctx)
    url = archive.create_session(
        store,
        stream,
        protocol="HLS",
        params=params,
        selector=params.get("HLSFragmentSelector"),
        now=ctx.now,
    )
    return {"HLSStreamingSessionURL": url}


def get_dash_streaming_session_url(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetDASHStreamingSessionURL: ``https://b-<8 hex>.../dash/v1/getDASHManifest.mpd?...``.

    Same rules as GetHLSStreamingSessionURL, with ``MaxManifestFragmentResults``,
    ``DisplayFragmentNumber`` and G.711 (``A_MS/ACM``) audio accepted on track 2. See
    API_reader_GetDASHStreamingSessionURL.html.

    Raises:
        ServiceError: as :func:`get_hls_streaming_session_url`.
        kvsmock.media.archive.MediaExtraMissing: PyAV or Pillow is not installed.
    """
    stream = _find(store, params, ctx)
    url = archive.create_session(
        store,
        stream,
        protocol="DASH",
        params=params,
        selector=params.get("DASHFragmentSelector"),
        now=ctx.now,
    )
    return {"DASHStreamingSessionURL": url}


def get_clip(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetClip: the fragments that start in the range as one MP4 file (``video/mp4``).

    At most the first 200 fragments or 100 MB from the start. Frames are copied, not
    re-encoded; the clip's timeline follows the producer timestamps. See
    API_reader_GetClip.html.

    Raises:
        ServiceError: ``InvalidArgumentException`` (end not later than start, over 24 h, an
            end in the future for SERVER_TIMESTAMP), ``ResourceNotFoundException`` (no
            stream, no fragment in range), ``NoDataRetentionException``, the codec errors,
            ``InvalidMediaFrameException`` when FFmpeg cannot read the frames.
        kvsmock.media.archive.MediaExtraMissing: PyAV or Pillow is not installed.
    """
    selector = params["ClipFragmentSelector"]
    kind = selector["FragmentSelectorType"]
    start = selector["TimestampRange"]["StartTimestamp"]
    end = selector["TimestampRange"]["EndTimestamp"]
    archive.check_range(start, end, kind, ctx.now)
    stream = _find(store, params, ctx)
    if stream.data_retention_in_hours == 0:
        raise no_data_retention(stream.name)
    found = archive.in_range(
        media.stored(store, stream, ctx.now, archived=True),
        kind,
        start,
        end,
        first=archive.CLIP_MAX_FRAGMENTS,
    )
    if not found:
        raise ServiceError("ResourceNotFoundException", archive.NO_FRAGMENTS)
    archive.check_codecs(found[0], allow_g711=True, allow_audio_only=False)
    archive.require("GetClip")
    try:
        body = archive.clip(archive.clip_fragments(found))
    except archive.MediaDataError as e:
        raise ServiceError(
            "InvalidMediaFrameException",
            "One or more frames in the requested clip could not be parsed based on the "
            f"specified codec ({e}).",
        ) from e
    return {"ContentType": CLIP_CONTENT_TYPE, "Payload": body}


#: ``ContentType`` of GetClip.
CLIP_CONTENT_TYPE = "video/mp4"
#: GetImages: at most 300 s between StartTimestamp and EndTimestamp.
IMAGES_MAX_RANGE = _dt.timedelta(seconds=300)
#: GetImages: minimum ``SamplingInterval`` (ms), 5 images per second.
IMAGES_MIN_INTERVAL_MS = 200
#: GetImages without ``SamplingInterval`` (optional in the model, the docs give no default):
#: kvsmock's choice, the interval of the image-generation examples.
IMAGES_DEFAULT_INTERVAL_MS = 3000
#: GetImages page size: the default and the cap ("larger values still give pages of 25").
IMAGES_PAGE_SIZE = 25
#: ``FormatConfig`` ``JPEGQuality`` default.
IMAGES_DEFAULT_JPEG_QUALITY = 80
_IMAGES_TOKEN_PREFIX = "kvsmock:images:v1:"


def _images_token(start: _dt.datetime, end: _dt.datetime, interval: int, index: int) -> str:
    text = (
        f"{_IMAGES_TOKEN_PREFIX}{_clock.epoch_millis(start)}:{_clock.epoch_millis(end)}:"
        f"{interval}:{index}"
    )
    return base64.b64encode(text.encode("ascii")).decode("ascii")


def _images_index(token: str, start: _dt.datetime, end: _dt.datetime, interval: int) -> int:
    try:
        text = base64.b64decode(token, validate=True).decode("ascii")
        if not text.startswith(_IMAGES_TOKEN_PREFIX):
            raise ValueError(text)
        fields = [
            _clock.ascii_int(x, signed=True) for x in text[len(_IMAGES_TOKEN_PREFIX) :].split(":")
        ]
        if len(fields) != 4:
            raise ValueError(text)
        s, e, i, index = fields
        if index is None or index < 1:  # kvsmock issues tokens for the second page on
            raise ValueError(text)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise invalid_argument("The NextToken is not valid.") from exc
    if (s, e, i) != (_clock.epoch_millis(start), _clock.epoch_millis(end), interval):
        raise invalid_argument("The NextToken does not match the request's time range.")
    return index


def _jpeg_quality(params: Params) -> int:
    value = (params.get("FormatConfig") or {}).get("JPEGQuality")
    if value is None:
        return IMAGES_DEFAULT_JPEG_QUALITY
    quality = _clock.ascii_int(value)
    if quality is None or not 1 <= quality <= 100:
        raise invalid_argument(f"JPEGQuality must be an integer from 1 to 100, not {value!r}.")
    return quality


def get_images(store: Store, params: Params, ctx: RequestContext) -> Result:
    """GetImages: one image per ``SamplingInterval`` from StartTimestamp to EndTimestamp.

    Each entry has ``TimeStamp`` and either ``ImageContent`` (base64 JPEG or PNG of the frame
    shown at that time, scaled to ``WidthPixels`` x ``HeightPixels``, the aspect ratio kept
    when only one is given) or ``Error``: ``NO_MEDIA`` where no fragment covers the time,
    ``MEDIA_ERROR`` where its frames cannot be decoded. Pages hold at most 25 entries
    (``MaxResults`` above 25 still gives 25); ``NextToken`` continues. See
    API_reader_GetImages.html.

    Raises:
        ServiceError: ``InvalidArgumentException`` (end before start, a range over 300 s, a
            ``SamplingInterval`` under 200 ms, a bad ``JPEGQuality`` or token),
            ``ResourceNotFoundException`` (no stream), ``NoDataRetentionException``.
        kvsmock.media.archive.MediaExtraMissing: PyAV or Pillow is not installed.
    """
    start: _dt.datetime = params["StartTimestamp"]
    end: _dt.datetime = params["EndTimestamp"]
    if end < start:
        raise invalid_argument("The EndTimestamp must not be before the StartTimestamp.")
    if end - start > IMAGES_MAX_RANGE:
        raise invalid_argument(
            "The time range between StartTimestamp and EndTimestamp must not exceed 300 seconds."
        )
    interval = int(params.get("SamplingInterval", IMAGES_DEFAULT_INTERVAL_MS))
    if interval < IMAGES_MIN_INTERVAL_MS:
        raise invalid_argument(
            f"SamplingInterval must be at least {IMAGES_MIN_INTERVAL_MS} milliseconds."
        )
    quality = _jpeg_quality(params)
    token: Optional[str] = params.get("NextToken")
    index = _images_index(token, start, end, interval) if token else 0
    stream = _find(store, params, ctx)
    if stream.data_retention_in_hours == 0:
        raise no_data_retention(stream.name)
    archive.require("GetImages")
    limit = min(int(params.get("MaxResults", IMAGES_PAGE_SIZE)), IMAGES_PAGE_SIZE)
    times = archive.sample_times(start, end, interval)
    if index >= len(times):
        raise invalid_argument("The NextToken is not valid.")
    page = times[index : index + limit]
    kind = params["ImageSelectorType"]
    entries = archive.images(
        media.stored(store, stream, ctx.now, archived=True),
        kind,
        start,
        page,
        params["Format"],
        params.get("WidthPixels"),
        params.get("HeightPixels"),
        quality,
    )
    result: Result = {"Images": entries}
    if index + limit < len(times):
        result["NextToken"] = _images_token(start, end, interval, index + limit)
    return result
