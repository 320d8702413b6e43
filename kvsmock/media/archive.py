"""Archived media: HLS and DASH sessions, clips (GetClip) and images (GetImages).

Everything is derived from the stored fragments (:mod:`kvsmock.media.fragments`):

- FFmpeg's muxers (:mod:`kvsmock.media._av`) copy the frames, never re-encoding: each
  Kinesis Video fragment becomes one fragmented-MP4 media segment (one ``moof`` + ``mdat``,
  ``tfdt`` on the session timeline) or one MPEG-TS file, and the session's initialization
  segment is the ``ftyp`` + ``moov`` of its first fragment's;
- a clip is the fragments of the range as one plain MP4 file;
- images are decoded frames scaled and encoded by Pillow.

Sessions live in the store's :class:`~kvsmock.media.fragments.MediaState` (``sessions``,
token -> :class:`Session`) and expire on the mock's clock. :func:`serve` answers a session
URL (playlists, manifest, segments); kvsmock's HTTP layer calls it.

Sources: API_reader_GetHLSStreamingSessionURL.html, API_reader_GetDASHStreamingSessionURL.html,
API_reader_GetClip.html, API_reader_GetImages.html.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import math
from typing import TYPE_CHECKING, Any, Dict, List, NamedTuple, Optional, Sequence, Tuple
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import quoteattr

from kvsmock import _clock, _endpoints
from kvsmock.errors import ServiceError
from kvsmock.media._av import MediaDataError as MediaDataError
from kvsmock.media._av import MediaExtraMissing as MediaExtraMissing
from kvsmock.media._av import require as require
from kvsmock.media.fragments import Fragment, media_state, readable

if TYPE_CHECKING:
    from kvsmock.media._av import Piece
    from kvsmock.state import Store, Stream

#: Track-1 codec ids the HLS, DASH and clip APIs accept, and their MP4 sample entries. The
#: API pages spell them ``V_MPEG/ISO/AVC`` and ``V_MPEG/ISO/HEVC`` in places; the Matroska
#: ids are ``V_MPEG4/ISO/AVC`` and ``V_MPEGH/ISO/HEVC``. Both spellings are accepted.
VIDEO_CODECS: Dict[str, str] = {
    "V_MPEG4/ISO/AVC": "avc1",
    "V_MPEG/ISO/AVC": "avc1",
    "V_MPEGH/ISO/HEVC": "hvc1",
    "V_MPEG/ISO/HEVC": "hvc1",
}
#: Audio codec ids of track 2 (HLS: AAC; DASH and GetClip also G.711, ``A_MS/ACM``).
AAC = "A_AAC"
G711 = "A_MS/ACM"
#: LIVE sessions need a fragment ingested in the last 30 seconds (ResourceNotFoundException).
LIVE_WINDOW = _dt.timedelta(seconds=30)
#: HLS / DASH: the range may span at most 24 hours.
MAX_RANGE = _dt.timedelta(hours=24)
#: ``Max*FragmentResults`` defaults: 5 for LIVE and LIVE_REPLAY, 1,000 for ON_DEMAND.
DEFAULT_LIVE_FRAGMENTS = 5
DEFAULT_ON_DEMAND_FRAGMENTS = 1000
#: ``Expires`` default (seconds).
DEFAULT_EXPIRES = 300
#: GetClip: "the first 100 MB or the first 200 fragments".
CLIP_MAX_FRAGMENTS = 200
CLIP_MAX_BYTES = 100 * 1024 * 1024
#: Ticks per second of the DASH ``SegmentTimeline`` (milliseconds, as Kinesis Video times).
DASH_TIMESCALE = 1000
#: ON_DISCONTINUITY: a gap or overlap larger than this between fragments is a discontinuity.
DISCONTINUITY_TOLERANCE_MS = 50
NO_FRAGMENTS = "No fragments found in the stream for the streaming request."


# -- codecs --------------------------------------------------------------------------------


def _tracks(fragment: Fragment) -> Dict[int, Any]:
    return {t.number: t for t in fragment.header.tracks}


def check_codecs(fragment: Fragment, *, allow_g711: bool, allow_audio_only: bool) -> None:
    """Raise the service's codec errors for the tracks of a session's or clip's fragments.

    Raises:
        ServiceError: ``UnsupportedStreamMediaTypeException`` when track 1 is not H.264 or
            H.265 (or AAC alone, for HLS) or track 2 is not an accepted audio codec;
            ``MissingCodecPrivateDataException`` when a track lacks ``CodecPrivate``;
            ``InvalidCodecPrivateDataException`` when it is not an ``avcC`` / ``hvcC`` record.
    """
    tracks = _tracks(fragment)
    first = tracks.get(1)
    codec = first.codec_id if first is not None else None
    audio_only = allow_audio_only and codec is not None and codec.startswith(AAC)
    if codec not in VIDEO_CODECS and not audio_only:
        raise ServiceError(
            "UnsupportedStreamMediaTypeException",
            f"The codec ID of track 1 is {codec}; it must be V_MPEG4/ISO/AVC (H.264) or "
            "V_MPEGH/ISO/HEVC (H.265).",
        )
    for number, track in sorted(tracks.items()):
        if number == 1 or track.codec_id is None:
            continue
        if number > 2 or not (
            track.codec_id.startswith(AAC) or (allow_g711 and track.codec_id == G711)
        ):
            raise ServiceError(
                "UnsupportedStreamMediaTypeException",
                f"The codec ID of track {number} is {track.codec_id}; it must be A_AAC"
                + (" or A_MS/ACM." if allow_g711 else "."),
            )
    for number, track in sorted(tracks.items()):
        if track.codec_id == G711:
            continue
        private = track.codec_private
        if not private:
            raise ServiceError(
                "MissingCodecPrivateDataException",
                f"No codec private data was found in track {number} of the stream.",
            )
        too_short = 7 if track.codec_id in VIDEO_CODECS else 2
        if (track.codec_id in VIDEO_CODECS and private[0] != 1) or len(private) < too_short:
            raise ServiceError(
                "InvalidCodecPrivateDataException",
                f"The codec private data in track {number} of the stream is not valid.",
            )


def codecs_string(fragment: Fragment) -> str:
    """The RFC 6381 ``CODECS`` value of a fragment's tracks (``avc1.42c00c,mp4a.40.2``)."""
    names: List[str] = []
    for _, track in sorted(_tracks(fragment).items()):
        private = track.codec_private or b""
        fourcc = VIDEO_CODECS.get(track.codec_id or "")
        if fourcc == "avc1" and len(private) >= 4:
            names.append(f"avc1.{private[1:4].hex()}")
        elif fourcc == "hvc1" and len(private) >= 13:
            space = "ABC"[(private[1] >> 6) - 1] if private[1] >> 6 else ""
            compat = int.from_bytes(private[2:6], "big")
            reverse = int(f"{compat:032b}"[::-1], 2)
            tier = "H" if private[1] & 0x20 else "L"
            names.append(f"hvc1.{space}{private[1] & 0x1F}.{reverse:X}.{tier}{private[12]}.B0")
        elif (track.codec_id or "").startswith(AAC) and private:
            names.append(f"mp4a.40.{private[0] >> 3}")
    return ",".join(names)


# -- selection -----------------------------------------------------------------------------


def _stamp(fragment: Fragment, selector_type: str) -> _dt.datetime:
    if selector_type == "PRODUCER_TIMESTAMP":
        return fragment.producer_timestamp
    return fragment.server_timestamp


def in_range(
    fragments: Sequence[Fragment],
    selector_type: str,
    start: Optional[_dt.datetime],
    end: Optional[_dt.datetime],
) -> List[Fragment]:
    """The fragments that start in ``[start, end]``, oldest first.

    With PRODUCER_TIMESTAMP, fragments with the same start timestamp are deduplicated: the
    one with the largest fragment number stays (API_reader_GetHLSStreamingSessionURL.html).
    """
    chosen: Dict[Any, Fragment] = {}
    for f in fragments:
        t = _stamp(f, selector_type)
        if (start is not None and t < start) or (end is not None and t > end):
            continue
        key: Any = t if selector_type == "PRODUCER_TIMESTAMP" else f.number_value
        if key not in chosen or chosen[key].number_value < f.number_value:
            chosen[key] = f
    return sorted(chosen.values(), key=lambda f: (_stamp(f, selector_type), f.number_value))


def check_range(
    start: _dt.datetime, end: Optional[_dt.datetime], selector_type: str, now: _dt.datetime
) -> None:
    """The documented rules of a timestamp range (end later, within 24 h, in the past).

    Raises:
        ServiceError: ``InvalidArgumentException`` naming the broken rule.
    """
    if end is None:
        return
    if end <= start:
        raise ServiceError(
            "InvalidArgumentException", "The EndTimestamp must be later than the StartTimestamp."
        )
    if end - start > MAX_RANGE:
        raise ServiceError(
            "InvalidArgumentException",
            "The EndTimestamp must be within 24 hours of the StartTimestamp.",
        )
    if selector_type == "SERVER_TIMESTAMP" and end > now:
        raise ServiceError(
            "InvalidArgumentException",
            "The EndTimestamp must be in the past for the SERVER_TIMESTAMP selector type.",
        )


# -- sessions ------------------------------------------------------------------------------


class Session(NamedTuple):
    """One HLS or DASH streaming session (what the session token stands for)."""

    token: str
    protocol: str  # "HLS" or "DASH"
    store: Store
    stream_arn: str
    base_url: str
    playback_mode: str
    selector_type: str
    start: Optional[_dt.datetime]
    end: Optional[_dt.datetime]
    container_format: str
    discontinuity_mode: str
    display_timestamp: str
    display_number: str
    max_fragments: int
    created: _dt.datetime
    expires: _dt.datetime
    #: ON_DEMAND: the fragment numbers chosen when the session was created.
    fixed: Tuple[int, ...]
    #: Producer time (epoch ms) of the session timeline's zero.
    origin_ms: int

    def expired(self, now: _dt.datetime) -> bool:
        """Whether the session's ``Expires`` has passed at ``now``."""
        return now >= self.expires


def new_token(store: Store) -> str:
    """A session token shaped like the real ones: URL-safe, starting ``Ci``, ending ``~``."""
    raw = store.rng.randbytes(96)[::-1]  # getrandbits(768).to_bytes(96, "big")
    return "Ci" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=") + "~"


def create_session(
    store: Store,
    stream: Stream,
    *,
    protocol: str,
    params: Dict[str, Any],
    selector: Optional[Dict[str, Any]],
    now: _dt.datetime,
) -> str:
    """Check a GetHLS/GetDASHStreamingSessionURL request, store the session, return its URL.

    ``params`` are the operation's input; ``selector`` its ``HLSFragmentSelector`` or
    ``DASHFragmentSelector``.

    Raises:
        ServiceError: ``InvalidArgumentException``, ``NoDataRetentionException``,
            ``ResourceNotFoundException`` and the codec errors of :func:`check_codecs`.
    """
    from kvsmock.state import no_data_retention

    mode = params.get("PlaybackMode", "LIVE")
    selector = selector or {}
    selector_type = selector.get("FragmentSelectorType", "SERVER_TIMESTAMP")
    span = selector.get("TimestampRange")
    start: Optional[_dt.datetime] = None
    end: Optional[_dt.datetime] = None
    if mode == "LIVE":
        if span is not None:
            raise ServiceError(
                "InvalidArgumentException",
                "TimestampRange must not be set when PlaybackMode is LIVE.",
            )
    else:
        if span is None or "FragmentSelectorType" not in selector:
            name = "HLSFragmentSelector" if protocol == "HLS" else "DASHFragmentSelector"
            raise ServiceError(
                "InvalidArgumentException",
                f"{name} with FragmentSelectorType and TimestampRange is required when "
                f"PlaybackMode is {mode}.",
            )
        start = span.get("StartTimestamp")
        end = span.get("EndTimestamp")
        if start is None:
            raise ServiceError(
                "InvalidArgumentException", "StartTimestamp is required in TimestampRange."
            )
        if end is None and mode == "ON_DEMAND":
            raise ServiceError(
                "InvalidArgumentException",
                "EndTimestamp is required when PlaybackMode is ON_DEMAND.",
            )
        check_range(start, end, selector_type, now)
    if stream.data_retention_in_hours == 0:
        raise no_data_retention(stream.name)
    limit_name = (
        "MaxMediaPlaylistFragmentResults" if protocol == "HLS" else "MaxManifestFragmentResults"
    )
    default_limit = DEFAULT_ON_DEMAND_FRAGMENTS if mode == "ON_DEMAND" else DEFAULT_LIVE_FRAGMENTS
    limit = int(params.get(limit_name, default_limit))
    stored = readable(store, stream, now, archived=True)
    if mode == "LIVE":
        recent = [f for f in stored if now - f.server_timestamp <= LIVE_WINDOW]
        chosen = in_range(recent, "SERVER_TIMESTAMP", None, None)[-limit:]
    else:
        chosen = in_range(stored, selector_type, start, end)[:limit]
    if not chosen:
        raise ServiceError("ResourceNotFoundException", NO_FRAGMENTS)
    check_codecs(chosen[0], allow_g711=protocol == "DASH", allow_audio_only=protocol == "HLS")
    require(f"Get{protocol}StreamingSessionURL")
    default_discontinuity = "NEVER" if selector_type == "PRODUCER_TIMESTAMP" else "ALWAYS"
    token = new_token(store)
    endpoint = f"b-{stream.endpoint_ids['b']}.kinesisvideo.{store.region}.{store.dns_suffix}"
    base_url = f"{_endpoints.public_url(store, endpoint)}/{protocol.lower()}/v1/"
    session = Session(
        token=token,
        protocol=protocol,
        store=store,
        stream_arn=stream.arn,
        base_url=base_url,
        playback_mode=mode,
        selector_type=selector_type,
        start=start,
        end=end,
        container_format=params.get("ContainerFormat", "FRAGMENTED_MP4"),
        discontinuity_mode=params.get("DiscontinuityMode", default_discontinuity),
        display_timestamp=params.get("DisplayFragmentTimestamp", "NEVER"),
        display_number=params.get("DisplayFragmentNumber", "NEVER"),
        max_fragments=limit,
        created=now,
        expires=now + _dt.timedelta(seconds=int(params.get("Expires", DEFAULT_EXPIRES))),
        fixed=tuple(f.number_value for f in chosen) if mode == "ON_DEMAND" else (),
        origin_ms=timeline_origin(chosen[0]),
    )
    media_state(store).sessions[token] = session
    root = "getHLSMasterPlaylist.m3u8" if protocol == "HLS" else "getDASHManifest.mpd"
    return f"{base_url}{root}?SessionToken={token}"


def _stream_of(session: Session, now: _dt.datetime) -> Optional[Stream]:
    try:
        return session.store.find_stream(arn=session.stream_arn, now=now)
    except ServiceError:
        return None


def session_fragments(session: Session, now: _dt.datetime) -> Tuple[int, List[Fragment]]:
    """``(sequence number of the first, fragments)`` of a session's playlist at ``now``.

    ON_DEMAND: the fragments chosen at creation (still retained). LIVE: the newest
    ``max_fragments``. LIVE_REPLAY: from the range's start, adding each fragment once the
    session has run as long as the media before it (at least the first fragment).
    """
    stream = _stream_of(session, now)
    if stream is None:
        return 0, []
    stored = readable(session.store, stream, now, archived=True)
    if session.playback_mode == "ON_DEMAND":
        wanted = set(session.fixed)
        return 0, [f for f in stored if f.number_value in wanted]
    if session.playback_mode == "LIVE":
        eligible = in_range(stored, "SERVER_TIMESTAMP", None, None)
        eligible = [f for f in eligible if f.server_timestamp >= session.created - LIVE_WINDOW]
    else:
        eligible = in_range(stored, session.selector_type, session.start, session.end)
        if eligible:
            first = _stamp(eligible[0], session.selector_type)
            elapsed = now - session.created
            eligible = [f for f in eligible if _stamp(f, session.selector_type) - first <= elapsed]
    skipped = max(0, len(eligible) - session.max_fragments)
    return skipped, eligible[skipped:]


# -- segments ------------------------------------------------------------------------------


def _chunk(fragment: Fragment) -> bytes:
    from kvsmock.media import _mkv

    return _mkv.chunk(fragment.header, fragment.cluster, [])


def timeline_origin(fragment: Fragment) -> int:
    """Epoch ms of a fragment's earliest frame: the zero of a session's or clip's timeline.

    Frames may start before their cluster's timecode (a negative block offset), so this is
    not always the fragment's producer timestamp.
    """
    from kvsmock.media import _av

    frames = _av.demux(_chunk(fragment)).frames
    first = min((f.pts for f in frames), default=fragment.timecode_ms)
    return _clock.epoch_millis(fragment.producer_timestamp) - fragment.timecode_ms + first


def _piece(fragment: Fragment, origin_ms: int) -> Piece:
    """The fragment's chunk, shifted so that its frames sit on a timeline from ``origin_ms``.

    A frame's time is its fragment's producer timestamp plus its offset in the cluster.
    """
    from kvsmock.media import _av

    shift = _clock.epoch_millis(fragment.producer_timestamp) - origin_ms - fragment.timecode_ms
    return _av.Piece(_chunk(fragment), shift)


def init_segment(fragment: Fragment, origin_ms: int) -> bytes:
    """The MP4 initialization segment (``ftyp`` + ``moov``) for a fragment's tracks (FFmpeg
    writes it for the fragment on the timeline starting at ``origin_ms``).

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames.
    """
    from kvsmock.media import _av

    return _av.fragmented_mp4(_piece(fragment, origin_ms), 1)[0]


def media_segment(fragment: Fragment, sequence: int, origin_ms: int) -> bytes:
    """One fragment as one MP4 ``moof`` + ``mdat`` (number ``sequence``) on a timeline
    starting at ``origin_ms``.

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames.
    """
    from kvsmock.media import _av

    return _av.fragmented_mp4(_piece(fragment, origin_ms), sequence)[1]


def ts_segment(fragment: Fragment, origin_ms: int) -> bytes:
    """One fragment as an MPEG-TS file (initialization and media data of all tracks).

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames.
    """
    from kvsmock.media import _av

    return _av.mpeg_ts(_piece(fragment, origin_ms))


# -- playlists and manifest ----------------------------------------------------------------


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def _iso(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _bandwidth(fragments: Sequence[Fragment]) -> int:
    millis = sum(f.length_ms for f in fragments) or 1
    return max(1, sum(f.size for f in fragments) * 8 * 1000 // millis)


def master_playlist(session: Session, now: _dt.datetime) -> str:
    """The HLS master playlist: one variant, the media playlist of all tracks."""
    _, fragments = session_fragments(session, now)
    query = f"SessionToken={session.token}"
    attrs = [f"BANDWIDTH={_bandwidth(fragments)}"]
    if fragments:
        demuxed_streams = fragments[0].header.tracks
        codecs = codecs_string(fragments[0])
        if codecs:
            attrs.append(f'CODECS="{codecs}"')
        del demuxed_streams
    version = 7 if session.container_format == "FRAGMENTED_MP4" else 3
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{version}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        f"#EXT-X-STREAM-INF:{','.join(attrs)}",
        f"getHLSMediaPlaylist.m3u8?{query}",
    ]
    return "\n".join(lines) + "\n"


def _discontinuous(previous: Fragment, current: Fragment, session: Session) -> bool:
    mode = session.discontinuity_mode
    if mode == "ALWAYS":
        return True
    if mode == "NEVER":
        return False
    expected = _clock.epoch_millis(_stamp(previous, session.selector_type)) + previous.length_ms
    actual = _clock.epoch_millis(_stamp(current, session.selector_type))
    return abs(actual - expected) > DISCONTINUITY_TOLERANCE_MS


def media_playlist(session: Session, now: _dt.datetime) -> str:
    """The HLS media playlist: one segment per fragment, ``#EXTINF`` = fragment length."""
    sequence, fragments = session_fragments(session, now)
    query = f"SessionToken={session.token}"
    fmp4 = session.container_format == "FRAGMENTED_MP4"
    longest = max((f.length_ms for f in fragments), default=1000)
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{7 if fmp4 else 3}",
        f"#EXT-X-TARGETDURATION:{max(1, math.ceil(longest / 1000))}",
        f"#EXT-X-MEDIA-SEQUENCE:{sequence}",
    ]
    if session.playback_mode == "ON_DEMAND":
        lines.append("#EXT-X-PLAYLIST-TYPE:VOD")
    if fmp4:
        lines.append(f'#EXT-X-MAP:URI="getMP4InitFragment.mp4?{query}"')
    for i, f in enumerate(fragments):
        if i and _discontinuous(fragments[i - 1], f, session):
            lines.append("#EXT-X-DISCONTINUITY")
        if session.display_timestamp == "ALWAYS":
            lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{_iso(_stamp(f, session.selector_type))}")
        lines.append(f"#EXTINF:{_seconds(f.length_ms)},")
        name = "getMP4MediaFragment.mp4" if fmp4 else "getTSFragment.ts"
        lines.append(f"{name}?{query}&FragmentNumber={f.number}")
    if session.playback_mode == "ON_DEMAND":
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def dash_manifest(session: Session, now: _dt.datetime) -> str:
    """The MPEG-DASH manifest: one representation, a ``SegmentTimeline`` with an ``S`` per
    fragment (``kvs:fn`` / ``kvs:ts`` when DisplayFragmentNumber / DisplayFragmentTimestamp
    are ALWAYS)."""
    sequence, fragments = session_fragments(session, now)
    query = f"SessionToken={session.token}"
    static = session.playback_mode == "ON_DEMAND"
    total = 0
    rows: List[str] = []
    for f in fragments:
        t = _clock.epoch_millis(f.producer_timestamp) - session.origin_ms
        extra = ""
        if session.display_number == "ALWAYS":
            extra += f' kvs:fn="{f.number}"'
        if session.display_timestamp == "ALWAYS":
            extra += f' kvs:ts="{_clock.epoch_millis(_stamp(f, session.selector_type))}"'
        rows.append(f'          <S t="{t}" d="{f.length_ms}"{extra}/>')
        total = max(total, t + f.length_ms)
    width = height = 0
    codecs = ""
    if fragments:
        codecs = codecs_string(fragments[0])
        from kvsmock.media import _av

        demuxed = _av.demux(_chunk(fragments[0]))
        video = [s for s in demuxed.streams if s.kind == "video"]
        if video:
            width, height = video[0].width, video[0].height
    kind = "static" if static else "dynamic"
    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" '
        'xmlns:kvs="https://kinesisvideo.amazonaws.com/ns/dash" '
        f'profiles="urn:mpeg:dash:profile:isoff-live:2011" type="{kind}" '
        f'minBufferTime="PT2S" '
        + (
            f'mediaPresentationDuration="PT{_seconds(total)}S">'
            if static
            else f'availabilityStartTime="{_iso(session.created)}" minimumUpdatePeriod="PT1S">'
        ),
        '  <Period id="0" start="PT0S">',
        '    <AdaptationSet id="0" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1">',
        f'      <Representation id="0" bandwidth="{_bandwidth(fragments)}" '
        f'codecs={quoteattr(codecs)} width="{width}" height="{height}">',
        f'        <SegmentTemplate timescale="{DASH_TIMESCALE}" startNumber="{sequence}" '
        f"initialization={quoteattr('getMP4InitFragment.mp4?' + query)} "
        f"media={quoteattr('getMP4MediaFragment.mp4?' + query + '&SequenceNumber=$Number$')}>",
        "          <SegmentTimeline>",
    ]
    tail = [
        "          </SegmentTimeline>",
        "        </SegmentTemplate>",
        "      </Representation>",
        "    </AdaptationSet>",
        "  </Period>",
        "</MPD>",
    ]
    return "\n".join(head + ["  " + r.strip() for r in rows] + tail) + "\n"


# -- serving session URLs ------------------------------------------------------------------


class Reply(NamedTuple):
    """An HTTP answer to a session URL."""

    status: int
    content_type: str
    body: bytes
    #: The error code of an error answer (sent as ``x-amzn-ErrorType``), else ``None``.
    error_code: Optional[str] = None


_CONTENT_TYPES = {
    "m3u8": "application/x-mpegURL",
    "mpd": "application/dash+xml",
    "mp4": "video/mp4",
    "ts": "video/MP2T",
}


def _error(status: int, code: str, message: str) -> Reply:
    body = json.dumps({"__type": code, "Message": message}).encode()
    return Reply(status, "application/json", body, code)


def find_session(stores: Sequence[Store], token: str) -> Optional[Session]:
    """The session a token stands for, among the stores of a mock."""
    for store in stores:
        state = store.media
        if state is not None and token in state.sessions:
            found: Session = state.sessions[token]
            return found
    return None


def serve(stores: Sequence[Store], url: str, now: _dt.datetime) -> Optional[Reply]:
    """Answer a GET of a session URL, or ``None`` when the URL is not a session URL.

    Paths: ``/hls/v1/getHLSMasterPlaylist.m3u8``, ``getHLSMediaPlaylist.m3u8``,
    ``getMP4InitFragment.mp4``, ``getMP4MediaFragment.mp4`` (``FragmentNumber`` or, from the
    DASH manifest, ``SequenceNumber``), ``getTSFragment.ts``; ``/dash/v1/getDASHManifest.mpd``
    and the same MP4 paths. An unknown token is 400, an expired session 403 (as AWS answers
    them), an unknown fragment 404.
    """
    parts = urlsplit(url)
    segments = parts.path.strip("/").split("/")
    if len(segments) != 3 or segments[0] not in ("hls", "dash") or segments[1] != "v1":
        return None
    resource = segments[2]
    query = parse_qs(parts.query)
    token = (query.get("SessionToken") or [""])[-1]
    session = find_session(stores, token)
    if session is None or session.protocol.lower() != segments[0]:
        return _error(400, "InvalidArgumentException", "The session token is not valid.")
    if session.expired(now):
        return _error(403, "NotAuthorizedException", "The session token has expired.")
    content_type = _CONTENT_TYPES.get(resource.rpartition(".")[2], "application/octet-stream")
    with session.store.lock:
        if resource == "getHLSMasterPlaylist.m3u8" and session.protocol == "HLS":
            return Reply(200, content_type, master_playlist(session, now).encode())
        if resource == "getHLSMediaPlaylist.m3u8" and session.protocol == "HLS":
            return Reply(200, content_type, media_playlist(session, now).encode())
        if resource == "getDASHManifest.mpd" and session.protocol == "DASH":
            return Reply(200, content_type, dash_manifest(session, now).encode())
        sequence, fragments = session_fragments(session, now)
    if not fragments:
        return _error(404, "ResourceNotFoundException", NO_FRAGMENTS)
    if resource == "getMP4InitFragment.mp4":
        return Reply(200, content_type, init_segment(fragments[0], session.origin_ms))
    chosen: Optional[Tuple[int, Fragment]] = None
    number = (query.get("FragmentNumber") or [""])[-1]
    position = (query.get("SequenceNumber") or [""])[-1]
    for i, f in enumerate(fragments):
        if f.number == number or (position.isdigit() and int(position) == sequence + i):
            chosen = (sequence + i, f)
    if chosen is None:
        return _error(404, "ResourceNotFoundException", "The requested fragment is not found.")
    if resource == "getMP4MediaFragment.mp4":
        return Reply(200, content_type, media_segment(chosen[1], chosen[0] + 1, session.origin_ms))
    if resource == "getTSFragment.ts" and session.protocol == "HLS":
        return Reply(200, content_type, ts_segment(chosen[1], session.origin_ms))
    return _error(404, "ResourceNotFoundException", f"Unknown resource {resource}.")


# -- clips ---------------------------------------------------------------------------------


def clip_fragments(fragments: Sequence[Fragment]) -> List[Fragment]:
    """The first 200 fragments, or fewer if they would pass 100 MB (at least one)."""
    chosen: List[Fragment] = []
    size = 0
    for f in fragments[:CLIP_MAX_FRAGMENTS]:
        if chosen and size + f.size > CLIP_MAX_BYTES:
            break
        chosen.append(f)
        size += f.size
    return chosen


def clip(fragments: Sequence[Fragment]) -> bytes:
    """A plain MP4 file of the fragments (frames copied, timeline from producer timestamps).

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames.
    """
    from kvsmock.media import _av

    origin = timeline_origin(fragments[0])
    return _av.plain_mp4([_piece(f, origin) for f in fragments])


# -- images --------------------------------------------------------------------------------


def sample_times(start: _dt.datetime, end: _dt.datetime, interval_ms: int) -> List[_dt.datetime]:
    """``start``, ``start + interval``, ... up to ``end`` inclusive (at least ``start``)."""
    count = (_clock.epoch_millis(end) - _clock.epoch_millis(start)) // interval_ms + 1
    step = _dt.timedelta(milliseconds=interval_ms)
    return [start + i * step for i in range(max(1, count))]


def fragment_at(
    fragments: Sequence[Fragment], selector_type: str, t: _dt.datetime
) -> Optional[Fragment]:
    """The fragment whose span ``[start, start + length)`` holds ``t`` (the newest one)."""
    found: Optional[Fragment] = None
    for f in fragments:
        begin = _stamp(f, selector_type)
        if begin <= t < begin + _dt.timedelta(milliseconds=max(1, f.length_ms)):
            found = f
    return found


def images(
    fragments: Sequence[Fragment],
    selector_type: str,
    times: Sequence[_dt.datetime],
    image_format: str,
    width: Optional[int],
    height: Optional[int],
    quality: int,
) -> List[Dict[str, Any]]:
    """The ``Image`` entries for ``times``: the frame shown at each time, or an ``Error``.

    ``NO_MEDIA`` when no fragment covers the time, ``MEDIA_ERROR`` when its frames cannot be
    decoded (no video track, a codec FFmpeg cannot decode).
    """
    from kvsmock.media import _av

    decoded: Dict[int, Any] = {}
    out: List[Dict[str, Any]] = []
    for t in times:
        f = fragment_at(fragments, selector_type, t)
        if f is None:
            out.append({"TimeStamp": t, "Error": "NO_MEDIA"})
            continue
        if f.number_value not in decoded:
            try:
                decoded[f.number_value] = _av.decode_video(_chunk(f))
            except _av.MediaDataError:
                decoded[f.number_value] = []
        frames = decoded[f.number_value]
        offset = _clock.epoch_millis(t) - _clock.epoch_millis(_stamp(f, selector_type))
        wanted = f.timecode_ms + offset
        shown = [frame for pts, frame in frames if pts <= wanted]
        frame = shown[-1] if shown else (frames[0][1] if frames else None)
        if frame is None:
            out.append({"TimeStamp": t, "Error": "MEDIA_ERROR"})
            continue
        content = _av.encode_image(frame, image_format, width, height, quality)
        out.append({"TimeStamp": t, "ImageContent": base64.b64encode(content).decode("ascii")})
    return out
