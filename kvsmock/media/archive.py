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
from kvsmock.media.fragments import MAX_FRAGMENT_MILLIS, Fragment, Stored, media_state, stored

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
#: ON_DEMAND sessions whose fragment list a stream keeps at once (the oldest is dropped).
SESSION_CACHE_SIZE = 16


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


def served_tracks(fragment: Fragment) -> List[Any]:
    """The tracks a session or clip carries (H.264 / H.265 video, AAC audio), by number."""
    return [
        t
        for _, t in sorted(_tracks(fragment).items())
        if t.codec_id in VIDEO_CODECS or (t.codec_id or "").startswith(AAC)
    ]


def track_codec(track: Any) -> str:
    """The RFC 6381 codec of one track (``avc1.42c00c``, ``hvc1.1.6.L93.B0``, ``mp4a.40.2``),
    from its ``CodecPrivate``; ``""`` when it cannot say."""
    private = track.codec_private or b""
    fourcc = VIDEO_CODECS.get(track.codec_id or "")
    if fourcc == "avc1" and len(private) >= 4:
        return f"avc1.{private[1:4].hex()}"
    if fourcc == "hvc1" and len(private) >= 13:
        space = "ABC"[(private[1] >> 6) - 1] if private[1] >> 6 else ""
        compat = int.from_bytes(private[2:6], "big")
        reverse = int(f"{compat:032b}"[::-1], 2)
        tier = "H" if private[1] & 0x20 else "L"
        return f"hvc1.{space}{private[1] & 0x1F}.{reverse:X}.{tier}{private[12]}.B0"
    if (track.codec_id or "").startswith(AAC) and private:
        return f"mp4a.40.{private[0] >> 3}"
    return ""


def codecs_string(fragment: Fragment) -> str:
    """The RFC 6381 ``CODECS`` value of a fragment's tracks (``avc1.42c00c,mp4a.40.2``)."""
    return ",".join(c for c in (track_codec(t) for t in served_tracks(fragment)) if c)


# -- selection -----------------------------------------------------------------------------


def _stamp(fragment: Fragment, selector_type: str) -> _dt.datetime:
    if selector_type == "PRODUCER_TIMESTAMP":
        return fragment.producer_timestamp
    return fragment.server_timestamp


def in_range(
    stored: Stored,
    selector_type: str,
    start: Optional[_dt.datetime],
    end: Optional[_dt.datetime],
    *,
    first: Optional[int] = None,
    last: Optional[int] = None,
) -> List[Fragment]:
    """The fragments that start in ``[start, end]``, oldest first (only the ``first`` or the
    ``last`` n of them when given).

    With PRODUCER_TIMESTAMP, fragments with the same start timestamp are deduplicated: the
    one with the largest fragment number stays (API_reader_GetHLSStreamingSessionURL.html).
    With ordered timestamps this costs O(log n) plus the fragments returned.
    """
    producer = selector_type == "PRODUCER_TIMESTAMP"
    bounds = stored.bounds(selector_type, start, end)
    if bounds is None:
        chosen: Dict[Any, Fragment] = {}
        for f in stored.between(selector_type, start, end):
            key: Any = f.producer_timestamp if producer else f.number_value
            if key not in chosen or chosen[key].number_value < f.number_value:
                chosen[key] = f
        found = sorted(chosen.values(), key=lambda f: (_stamp(f, selector_type), f.number_value))
        if first is not None:
            return found[:first]
        return found[-last:] if last is not None else found
    lo, hi = bounds
    fragments = stored.fragments
    if not producer:
        if first is not None:
            hi = min(hi, lo + first)
        elif last is not None:
            lo = max(lo, hi - last)
        return list(fragments[lo:hi])
    # Ordered producer timestamps: equal ones are neighbours, the last of them stays.
    out: List[Fragment] = []
    if last is None:
        for i in range(lo, hi):
            f = fragments[i]
            if i + 1 < hi and fragments[i + 1].producer_timestamp == f.producer_timestamp:
                continue
            if first is not None and len(out) == first:
                break
            out.append(f)
        return out
    for i in range(hi - 1, lo - 1, -1):
        f = fragments[i]
        if out and out[-1].producer_timestamp == f.producer_timestamp:
            continue
        if len(out) == last:
            break
        out.append(f)
    return out[::-1]


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
    found = stored(store, stream, now, archived=True)
    if mode == "LIVE":
        chosen = in_range(found, "SERVER_TIMESTAMP", now - LIVE_WINDOW, None, last=limit)
    else:
        chosen = in_range(found, selector_type, start, end, first=limit)
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
    found = stored(session.store, stream, now, archived=True)
    if session.playback_mode == "ON_DEMAND":
        # The same until retention removes a fragment: kept on the stream's log, which
        # forgets it then (so a segment request costs no lookup of every fragment).
        log = media_state(session.store).log(stream)
        cached = log.session_cache.get(session.token)
        if cached is None:
            indexes = (found.index_of(number) for number in session.fixed)
            cached = [found.fragments[i] for i in indexes if i is not None]
            while len(log.session_cache) >= SESSION_CACHE_SIZE:
                del log.session_cache[next(iter(log.session_cache))]
            log.session_cache[session.token] = cached
        return 0, cached
    if session.playback_mode == "LIVE":
        since = session.created - LIVE_WINDOW
        bounds = found.bounds("SERVER_TIMESTAMP", since, None)
        if bounds is not None:
            lo, hi = bounds
            skipped = max(0, hi - lo - session.max_fragments)
            return skipped, list(found.fragments[lo + skipped : hi])
        eligible = in_range(found, "SERVER_TIMESTAMP", since, None)
    else:
        eligible = in_range(found, session.selector_type, session.start, session.end)
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
    from kvsmock.media import _mkv

    first = _mkv.first_frame_ms(fragment.header, fragment.frames)
    if first is None:
        first = fragment.timecode_ms
    return _clock.epoch_millis(fragment.producer_timestamp) - fragment.timecode_ms + first


def _piece(fragment: Fragment, origin_ms: int) -> Piece:
    """The fragment's chunk, shifted so that its frames sit on a timeline from ``origin_ms``.

    A frame's time is its fragment's producer timestamp plus its offset in the cluster.
    """
    from kvsmock.media import _av

    shift = _clock.epoch_millis(fragment.producer_timestamp) - origin_ms - fragment.timecode_ms
    return _av.Piece(fragment.header, fragment.cluster, fragment.frames, shift)


def init_segment(fragment: Fragment, origin_ms: int, track: Optional[int] = None) -> bytes:
    """The MP4 initialization segment (``ftyp`` + ``moov``) for one track of a fragment (or
    all, ``track`` None); FFmpeg writes it for the fragment on the timeline starting at
    ``origin_ms``.

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames, or no such track.
    """
    from kvsmock.media import _av

    return _av.fragmented_mp4(_piece(fragment, origin_ms), 1, track)[0]


def media_segment(
    fragment: Fragment, sequence: int, origin_ms: int, track: Optional[int] = None
) -> bytes:
    """One track of a fragment (or all) as one MP4 ``moof`` + ``mdat`` (number
    ``sequence``) on a timeline starting at ``origin_ms``.

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames, or no such track.
    """
    from kvsmock.media import _av

    return _av.fragmented_mp4(_piece(fragment, origin_ms), sequence, track)[1]


def ts_segment(fragment: Fragment, origin_ms: int, track: Optional[int] = None) -> bytes:
    """One track of a fragment (or all) as an MPEG-TS file.

    Raises:
        kvsmock.media._av.MediaDataError: FFmpeg cannot read the frames, or no such track.
    """
    from kvsmock.media import _av

    return _av.mpeg_ts(_piece(fragment, origin_ms), track)


# -- playlists and manifest ----------------------------------------------------------------


def _seconds(ms: int) -> str:
    return f"{ms / 1000:.3f}"


def _iso(t: _dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _bandwidth(fragments: Sequence[Fragment]) -> int:
    millis = sum(f.length_ms for f in fragments) or 1
    return max(1, sum(f.size for f in fragments) * 8 * 1000 // millis)


#: The ``GROUP-ID`` of the audio rendition in an HLS master playlist.
AUDIO_GROUP = "audio"


def master_playlist(session: Session, now: _dt.datetime) -> str:
    """The HLS master playlist: a URL of GetHLSMediaPlaylist for each track.

    The variant (``EXT-X-STREAM-INF``) is track 1's media playlist (``TrackNumber=1``): H.264
    / H.265 video, or AAC for an audio-only stream. An AAC track 2 is an audio rendition
    (``EXT-X-MEDIA``, ``TYPE=AUDIO``) the variant names in ``AUDIO``; each media playlist
    has its own segments, which hold that track's frames only.
    """
    _, fragments = session_fragments(session, now)
    query = f"SessionToken={session.token}"
    attrs = [f"BANDWIDTH={_bandwidth(fragments)}"]
    tracks = served_tracks(fragments[0]) if fragments else []
    main = tracks[0].number if tracks else 1
    renditions: List[str] = []
    if tracks:
        codecs = codecs_string(fragments[0])
        if codecs:
            attrs.append(f'CODECS="{codecs}"')
        if tracks[0].codec_id in VIDEO_CODECS:
            from kvsmock.media import _av

            info = _av.track_info(_piece(fragments[0], session.origin_ms)).get(main)
            if info is not None and info.width and info.height:
                attrs.append(f"RESOLUTION={info.width}x{info.height}")
            for audio in tracks[1:]:
                renditions.append(
                    f'#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="{AUDIO_GROUP}",'
                    f'NAME="Track {audio.number}",DEFAULT=YES,AUTOSELECT=YES,'
                    f'URI="getHLSMediaPlaylist.m3u8?{query}&TrackNumber={audio.number}"'
                )
            if renditions:
                attrs.append(f'AUDIO="{AUDIO_GROUP}"')
    version = 7 if session.container_format == "FRAGMENTED_MP4" else 3
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{version}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
        *renditions,
        f"#EXT-X-STREAM-INF:{','.join(attrs)}",
        f"getHLSMediaPlaylist.m3u8?{query}&TrackNumber={main}",
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


def media_playlist(session: Session, now: _dt.datetime, track: Optional[int] = None) -> str:
    """The HLS media playlist of one track (``TrackNumber``; all tracks in each segment when
    ``None``): one segment per fragment, ``#EXTINF`` = fragment length."""
    sequence, fragments = session_fragments(session, now)
    suffix = "" if track is None else f"&TrackNumber={track}"
    query = f"SessionToken={session.token}{suffix}"
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
        lines.append(f"{name}?SessionToken={session.token}&FragmentNumber={f.number}{suffix}")
    if session.playback_mode == "ON_DEMAND":
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def _adaptation_set(
    session: Session,
    track: Any,
    info: Any,
    bandwidth: int,
    sequence: int,
    timeline: List[str],
) -> List[str]:
    """One ``AdaptationSet`` (one track): its representation and ``SegmentTemplate``."""
    query = f"SessionToken={session.token}&TrackNumber={track.number}"
    video = track.codec_id in VIDEO_CODECS
    codecs = quoteattr(track_codec(track))
    if video:
        kind = 'mimeType="video/mp4" contentType="video"'
        size = f'width="{info.width if info else 0}" height="{info.height if info else 0}"'
    else:
        kind = 'mimeType="audio/mp4" contentType="audio"'
        size = f'audioSamplingRate="{info.sample_rate if info else 0}"'
    lines = [
        f'    <AdaptationSet id="{track.number - 1}" {kind} segmentAlignment="true" '
        'startWithSAP="1">',
        f'      <Representation id="{track.number - 1}" bandwidth="{bandwidth}" '
        f"codecs={codecs} {size}>",
    ]
    if not video:
        channels = info.channels if info else 0
        lines.append(
            '        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:'
            f'audio_channel_configuration:2011" value="{channels}"/>'
        )
    media = f"getMP4MediaFragment.mp4?SessionToken={session.token}&SequenceNumber=$Number$"
    lines += [
        f'        <SegmentTemplate timescale="{DASH_TIMESCALE}" startNumber="{sequence}" '
        f"initialization={quoteattr('getMP4InitFragment.mp4?' + query)} "
        f"media={quoteattr(media + f'&TrackNumber={track.number}')}>",
        "          <SegmentTimeline>",
        *timeline,
        "          </SegmentTimeline>",
        "        </SegmentTemplate>",
        "      </Representation>",
        "    </AdaptationSet>",
    ]
    return lines


def dash_manifest(session: Session, now: _dt.datetime) -> str:
    """The MPEG-DASH manifest: one ``AdaptationSet`` per track (H.264 / H.265 video, AAC
    audio), each with its own segments and the same ``SegmentTimeline``: an ``S`` per
    fragment (``kvs:fn`` / ``kvs:ts`` when DisplayFragmentNumber / DisplayFragmentTimestamp
    are ALWAYS)."""
    sequence, fragments = session_fragments(session, now)
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
        rows.append(f'            <S t="{t}" d="{f.length_ms}"{extra}/>')
        total = max(total, t + f.length_ms)
    sets: List[str] = []
    if fragments:
        from kvsmock.media import _av

        first = fragments[0]
        infos = _av.track_info(_piece(first, session.origin_ms))
        tracks = served_tracks(first)
        shares = _track_shares(first, [t.number for t in tracks])
        bandwidth = _bandwidth(fragments)
        for track in tracks:
            share = max(1, round(bandwidth * shares.get(track.number, 0.0)))
            sets += _adaptation_set(session, track, infos.get(track.number), share, sequence, rows)
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
    ]
    tail = ["  </Period>", "</MPD>"]
    return "\n".join(head + sets + tail) + "\n"


def _track_shares(fragment: Fragment, numbers: List[int]) -> Dict[int, float]:
    """Each track's share of a fragment's frame bytes (to split the bandwidth)."""
    from kvsmock.media import _mkv

    sizes = dict.fromkeys(numbers, 0)
    for _, size, _, track, _, _ in _mkv.frames(fragment.frames):
        if track in sizes:
            sizes[track] += size
    total = sum(sizes.values()) or 1
    return {n: size / total for n, size in sizes.items()}


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
    track_text = (query.get("TrackNumber") or [""])[-1]
    track = _clock.ascii_int(track_text) if track_text else None
    if track_text and track is None:
        return _error(400, "InvalidArgumentException", "The TrackNumber is not valid.")
    with session.store.lock:
        if resource == "getHLSMasterPlaylist.m3u8" and session.protocol == "HLS":
            return Reply(200, content_type, master_playlist(session, now).encode())
        if resource == "getHLSMediaPlaylist.m3u8" and session.protocol == "HLS":
            return Reply(200, content_type, media_playlist(session, now, track).encode())
        if resource == "getDASHManifest.mpd" and session.protocol == "DASH":
            return Reply(200, content_type, dash_manifest(session, now).encode())
        sequence, fragments = session_fragments(session, now)
    if not fragments:
        return _error(404, "ResourceNotFoundException", NO_FRAGMENTS)
    if track is not None and track not in {t.number for t in served_tracks(fragments[0])}:
        return _error(404, "ResourceNotFoundException", f"The stream has no track {track}.")
    if resource == "getMP4InitFragment.mp4":
        return Reply(200, content_type, init_segment(fragments[0], session.origin_ms, track))
    chosen: Optional[Tuple[int, Fragment]] = None
    number = (query.get("FragmentNumber") or [""])[-1]
    position = (query.get("SequenceNumber") or [""])[-1]
    number_value = _clock.ascii_int(number)
    position_value = _clock.ascii_int(position)
    if number_value is not None:
        # Session fragments are in timestamp order, which is number order unless a
        # producer's clock went back: bisect, then scan.
        index = Stored(fragments, True, True).index_of(number_value)
        if index is None:
            index = next((i for i, f in enumerate(fragments) if f.number == number), None)
        if index is not None:
            chosen = (sequence + index, fragments[index])
    elif position_value is not None and 0 <= position_value - sequence < len(fragments):
        chosen = (position_value, fragments[position_value - sequence])
    if chosen is None:
        return _error(404, "ResourceNotFoundException", "The requested fragment is not found.")
    if resource == "getMP4MediaFragment.mp4":
        body = media_segment(chosen[1], chosen[0] + 1, session.origin_ms, track)
        return Reply(200, content_type, body)
    if resource == "getTSFragment.ts" and session.protocol == "HLS":
        return Reply(200, content_type, ts_segment(chosen[1], session.origin_ms, track))
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


def fragment_at(stored: Stored, selector_type: str, t: _dt.datetime) -> Optional[Fragment]:
    """The fragment whose span ``[start, start + length)`` holds ``t`` (the newest one).

    Fragments last at most 10 s: with ordered timestamps only those that start in the 10 s
    up to ``t`` are looked at.
    """
    span = _dt.timedelta(milliseconds=MAX_FRAGMENT_MILLIS)
    for f in reversed(stored.between(selector_type, t - span, t)):
        if t < _stamp(f, selector_type) + _dt.timedelta(milliseconds=max(1, f.length_ms)):
            return f
    return None


def images(
    found: Stored,
    selector_type: str,
    start: _dt.datetime,
    times: Sequence[_dt.datetime],
    image_format: str,
    width: Optional[int],
    height: Optional[int],
    quality: int,
) -> List[Dict[str, Any]]:
    """The ``Image`` entries for ``times``: the frame shown at each time, or an ``Error``.

    ``NO_MEDIA`` when no fragment covers the time, ``MEDIA_ERROR`` when its frames cannot be
    decoded (no video track, a codec FFmpeg cannot decode). The fragment that holds
    ``start`` (the request's StartTimestamp) inside it is left out of the query, as the
    service does (boto/boto3 #3712; docs/behaviour.md): start one fragment earlier to get
    an image of that time. Each fragment is decoded once, up to the last frame shown, and
    each image encoded as soon as its frame is decoded: at most one decoded frame is held.
    """
    from kvsmock.media import _av

    inside = fragment_at(found, selector_type, start)
    if inside is not None and _stamp(inside, selector_type) == start:
        inside = None
    # Group the times by the fragment that shows them (times ascend, so groups are runs).
    plan: List[Tuple[Optional[Fragment], List[int]]] = []
    for i, t in enumerate(times):
        f = fragment_at(found, selector_type, t)
        if f is inside:
            f = None
        if plan and plan[-1][0] is f and f is not None:
            plan[-1][1].append(i)
        else:
            plan.append((f, [i]))
    out: List[Dict[str, Any]] = []
    decoders: Dict[Any, Any] = {}  # one decoder a stream header, as a player keeps one
    for f, indexes in plan:
        if f is None:
            out.extend({"TimeStamp": times[i], "Error": "NO_MEDIA"} for i in indexes)
            continue
        origin = _clock.epoch_millis(_stamp(f, selector_type)) - f.timecode_ms
        wanted = [_clock.epoch_millis(times[i]) - origin for i in indexes]
        shown = _av.frames_at(_piece(f, 0), wanted, decoders)
        for i in indexes:
            frame = next(shown, None)
            if frame is None:
                out.append({"TimeStamp": times[i], "Error": "MEDIA_ERROR"})
                continue
            content = _av.encode_image(frame, image_format, width, height, quality)
            encoded = base64.b64encode(content).decode("ascii")
            out.append({"TimeStamp": times[i], "ImageContent": encoded})
        shown.close()
    return out
