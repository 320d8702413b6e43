"""GetHLSStreamingSessionURL / GetDASHStreamingSessionURL on the sample files.

Playlists are read with the ``m3u8`` parser, manifests with ElementTree, segments with PyAV.
The session URLs are answered through :func:`kvsmock.media.archive.serve` here (the HTTP
layer's own tests fetch them with ``requests``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import xml.etree.ElementTree as ET
from typing import Any, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urljoin, urlsplit

import av
import boto3
import m3u8
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import H264, H264_AAC, MJPEG, REGION, SAMPLES, Sample, create_stream

from kvsmock import KinesisVideoMock, _clock, mock_kinesisvideo
from kvsmock.media import archive, fragment_log

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
RANGE = {"StartTimestamp": START, "EndTimestamp": START + dt.timedelta(seconds=30)}
ON_DEMAND: Dict[str, Any] = {
    "PlaybackMode": "ON_DEMAND",
    "HLSFragmentSelector": {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": RANGE},
}
URL = re.compile(
    r"https://b-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com/hls/v1/"
    r"getHLSMasterPlaylist\.m3u8\?SessionToken=(Ci[A-Za-z0-9_-]+~)"
)


def archived(
    api: str = "GET_HLS_STREAMING_SESSION_URL", stream: str = "cam", validate: bool = True
) -> Any:
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]
    return boto3.client(
        "kinesis-video-archived-media",
        region_name=REGION,
        endpoint_url=endpoint,
        config=Config(parameter_validation=validate),
    )


def fetch(mock: KinesisVideoMock, url: str) -> archive.Reply:
    reply = archive.serve([mock.state()], url, _clock.now())
    assert reply is not None
    return reply


def fragments() -> List[Dict[str, Any]]:
    client = archived("LIST_FRAGMENTS")
    selector = {"FragmentSelectorType": "PRODUCER_TIMESTAMP", "TimestampRange": RANGE}
    found: List[Dict[str, Any]] = client.list_fragments(
        StreamName="cam", FragmentSelector=selector
    )["Fragments"]
    return found


@pytest.fixture
def frozen() -> Iterator[Tuple[Any, KinesisVideoMock]]:
    with freeze_time(START + dt.timedelta(seconds=10)) as clock, mock_kinesisvideo() as mock:
        yield clock, mock


def seed(mock: KinesisVideoMock, sample: Sample = H264, retention: int = 24) -> None:
    create_stream(retention=retention)
    mock.put_media(StreamName="cam", Payload=sample.data, ProducerStartTimestamp=START)


def hls_url(**params: Any) -> str:
    url: str = archived().get_hls_streaming_session_url(StreamName="cam", **params)[
        "HLSStreamingSessionURL"
    ]
    return url


def decode(data: bytes, fmt: str) -> Tuple[int, int, int]:
    """(video frames, audio frames, width) of a file, decoded by FFmpeg."""
    with av.open(io.BytesIO(data), format=fmt) as container:
        video_streams = container.streams.video
        width = video_streams[0].codec_context.width if video_streams else 0
        video = audio = 0
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                video += 1
            else:
                audio += 1
    return video, audio, width


# -- URLs and playlists ----------------------------------------------------------------------


def test_url_shape_uses_the_streams_b_endpoint(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    url = hls_url(**ON_DEMAND)
    match = URL.fullmatch(url)
    assert match is not None, url
    endpoint = archived().meta.endpoint_url
    assert url.startswith(endpoint + "/hls/v1/")
    dash = archived("GET_DASH_STREAMING_SESSION_URL").get_dash_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        DASHFragmentSelector=ON_DEMAND["HLSFragmentSelector"],
    )["DASHStreamingSessionURL"]
    assert re.fullmatch(
        re.escape(endpoint) + r"/dash/v1/getDASHManifest\.mpd\?SessionToken=Ci[\w-]+~", dash
    )
    assert URL.fullmatch(hls_url(**ON_DEMAND)).group(1) != match.group(1)  # type: ignore[union-attr]


@pytest.mark.parametrize("sample", SAMPLES[:3], ids=lambda s: s.name)
def test_on_demand_playlist_lists_every_fragment_and_segments_decode(
    frozen: Tuple[Any, KinesisVideoMock], sample: Sample
) -> None:
    _, mock = frozen
    seed(mock, sample)
    url = hls_url(**ON_DEMAND)
    master = m3u8.loads(fetch(mock, url).body.decode(), uri=url)
    assert master.is_variant
    (variant,) = master.playlists
    codecs = variant.stream_info.codecs
    assert codecs.split(",")[0][:4] == ("hvc1" if sample.codecs == ["hevc"] else "avc1")
    assert ("mp4a.40.2" in codecs) == ("aac" in sample.codecs)
    media_url = urljoin(url, variant.uri)
    reply = fetch(mock, media_url)
    assert reply.content_type == "application/x-mpegURL"
    playlist = m3u8.loads(reply.body.decode(), uri=media_url)
    listed = fragments()
    assert len(playlist.segments) == sample.clusters == len(listed)
    assert [s.duration for s in playlist.segments] == [
        f["FragmentLengthInMilliseconds"] / 1000 for f in listed
    ]
    assert [parse_qs(urlsplit(s.uri).query)["FragmentNumber"][0] for s in playlist.segments] == [
        f["FragmentNumber"] for f in listed
    ]
    assert playlist.playlist_type == "vod" and playlist.is_endlist
    assert playlist.media_sequence == 0
    assert not any(s.discontinuity for s in playlist.segments)  # PRODUCER -> NEVER
    init = fetch(mock, urljoin(media_url, playlist.segment_map[0].uri)).body
    assert init[4:8] == b"ftyp"
    bodies = [fetch(mock, urljoin(media_url, s.uri)) for s in playlist.segments]
    assert {b.content_type for b in bodies} == {"video/mp4"}
    assert all(b.body[4:8] == b"moof" for b in bodies)
    whole = decode(init + b"".join(b.body for b in bodies), "mp4")
    assert whole == (sample.video_frames, 0, sample.width)  # the variant: video only
    # The AAC track is an audio rendition with segments of its own (one per fragment).
    assert [m.type for m in master.media] == (["AUDIO"] if sample.audio_frames else [])
    if sample.audio_frames:
        (audio,) = master.media
        assert (audio.group_id, variant.stream_info.audio) == ("audio", "audio")
        audio_url = urljoin(url, audio.uri)
        assert parse_qs(urlsplit(audio_url).query)["TrackNumber"] == ["2"]
        tracks = m3u8.loads(fetch(mock, audio_url).body.decode(), uri=audio_url)
        assert [s.duration for s in tracks.segments] == [s.duration for s in playlist.segments]
        sound = fetch(mock, urljoin(audio_url, tracks.segment_map[0].uri)).body + b"".join(
            fetch(mock, urljoin(audio_url, s.uri)).body for s in tracks.segments
        )
        assert decode(sound, "mp4") == (0, sample.audio_frames, 0)
    # Each segment plays after the init segment alone (x265's open GOP makes one leading
    # frame of the second HEVC fragment need the first fragment).
    per_segment = [decode(init + b.body, "mp4")[0] for b in bodies]
    assert sum(per_segment) == sample.video_frames - (1 if sample.codecs == ["hevc"] else 0)


def test_mpeg_ts_segments(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock, H264_AAC)
    url = hls_url(ContainerFormat="MPEG_TS", **ON_DEMAND)
    master = m3u8.loads(fetch(mock, url).body.decode())
    totals = [0, 0]
    for uri, expected_width in ((master.playlists[0].uri, 320), (master.media[0].uri, 0)):
        media_url = urljoin(url, uri)
        playlist = m3u8.loads(fetch(mock, media_url).body.decode())
        assert playlist.version == 3 and playlist.segment_map == []
        assert len(playlist.segments) == H264_AAC.clusters
        for segment in playlist.segments:
            assert urlsplit(segment.uri).path == "getTSFragment.ts"
            reply = fetch(mock, urljoin(media_url, segment.uri))
            assert reply.content_type == "video/MP2T" and reply.body[0] == 0x47
            video, audio, width = decode(reply.body, "mpegts")
            assert width == expected_width
            totals[0] += video
            totals[1] += audio
    assert totals == [H264_AAC.video_frames, H264_AAC.audio_frames]


def test_discontinuity_and_timestamp_defaults(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    server = {
        "PlaybackMode": "ON_DEMAND",
        "HLSFragmentSelector": {
            "FragmentSelectorType": "SERVER_TIMESTAMP",
            "TimestampRange": {
                "StartTimestamp": START,
                "EndTimestamp": START + dt.timedelta(seconds=10),
            },
        },
    }

    def playlist(**params: Any) -> Any:
        url = hls_url(**params)
        return m3u8.loads(fetch(mock, url.replace("Master", "Media")).body.decode())

    segments = playlist(**server).segments
    assert [s.discontinuity for s in segments] == [False, True, True]  # SERVER -> ALWAYS
    assert all(s.program_date_time is None for s in segments)  # NEVER by default
    shown = playlist(DisplayFragmentTimestamp="ALWAYS", DiscontinuityMode="NEVER", **ON_DEMAND)
    assert not any(s.discontinuity for s in shown.segments)
    assert [s.program_date_time for s in shown.segments] == [
        START,
        START + dt.timedelta(seconds=2),
        START + dt.timedelta(seconds=4),
    ]
    gaps = playlist(DiscontinuityMode="ON_DISCONTINUITY", **ON_DEMAND).segments
    assert [s.discontinuity for s in gaps] == [False, False, False]  # contiguous fragments


def test_max_fragment_results_and_live_defaults(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    mock.put_media(
        StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START + dt.timedelta(seconds=6)
    )
    mock.put_media(
        StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START + dt.timedelta(seconds=12)
    )

    def count(**params: Any) -> Tuple[int, Any]:
        url = hls_url(**params)
        playlist = m3u8.loads(fetch(mock, url.replace("Master", "Media")).body.decode())
        return len(playlist.segments), playlist

    assert count(**ON_DEMAND)[0] == 9  # ON_DEMAND default: 1,000
    assert count(MaxMediaPlaylistFragmentResults=2, **ON_DEMAND)[0] == 2
    n, live = count()  # LIVE, the default mode: the newest 5
    assert n == 5 and not live.is_endlist and live.playlist_type is None
    assert live.media_sequence == 4
    replay = {
        "PlaybackMode": "LIVE_REPLAY",
        "HLSFragmentSelector": {
            "FragmentSelectorType": "PRODUCER_TIMESTAMP",
            "TimestampRange": {"StartTimestamp": START + dt.timedelta(seconds=4)},
        },
    }
    assert count(**replay)[0] == 1  # LIVE_REPLAY starts with the first fragment of the range


def test_dash_manifest(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    url = archived().get_dash_streaming_session_url(
        StreamName="cam",
        PlaybackMode="ON_DEMAND",
        DisplayFragmentNumber="ALWAYS",
        DisplayFragmentTimestamp="ALWAYS",
        DASHFragmentSelector=ON_DEMAND["HLSFragmentSelector"],
    )["DASHStreamingSessionURL"]
    reply = fetch(mock, url)
    assert reply.content_type == "application/dash+xml"
    ns = {"d": "urn:mpeg:dash:schema:mpd:2011"}
    kvs = "{https://kinesisvideo.amazonaws.com/ns/dash}"
    mpd = ET.fromstring(reply.body)
    assert mpd.get("type") == "static" and mpd.get("mediaPresentationDuration") == "PT6.000S"
    rep = mpd.find(".//d:Representation", ns)
    assert rep is not None and (rep.get("width"), rep.get("height")) == ("320", "240")
    template = mpd.find(".//d:SegmentTemplate", ns)
    assert template is not None
    rows = template.findall(".//d:S", ns)
    listed = fragments()
    assert [(s.get("t"), s.get("d")) for s in rows] == [
        ("0", "2000"),
        ("2000", "2000"),
        ("4000", "2000"),
    ]
    assert [s.get(kvs + "fn") for s in rows] == [f["FragmentNumber"] for f in listed]
    assert [s.get(kvs + "ts") for s in rows] == [
        str(_clock.epoch_millis(START) + i * 2000) for i in range(3)
    ]
    init = fetch(mock, urljoin(url, template.get("initialization"))).body
    media = template.get("media") or ""
    start = int(template.get("startNumber") or 0)
    bodies = [
        fetch(mock, urljoin(url, media.replace("$Number$", str(start + i)))).body for i in range(3)
    ]
    assert decode(init + b"".join(bodies), "mp4") == (60, 0, 320)


def test_session_expires_on_the_mock_clock(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    clock, mock = frozen
    seed(mock)
    url = hls_url(Expires=600, **ON_DEMAND)
    default = hls_url(**ON_DEMAND)
    clock.tick(299)
    assert fetch(mock, default).status == 200
    clock.tick(1)
    assert fetch(mock, default).status == 403  # 300 s by default
    assert fetch(mock, url).status == 200
    clock.tick(300)
    expired = fetch(mock, url)
    assert expired.status == 403 and b"expired" in expired.body
    bad = fetch(mock, url.replace("SessionToken=Ci", "SessionToken=Cx"))
    assert bad.status == 400


# -- errors ----------------------------------------------------------------------------------


def error(call: Any, **params: Any) -> Tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        call(StreamName="cam", **params)
    e = info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


def hls_selector(kind: str = "PRODUCER_TIMESTAMP", **span: Any) -> Dict[str, Any]:
    return {"FragmentSelectorType": kind, "TimestampRange": span}


LATER = START + dt.timedelta(seconds=5)
INVALID: List[Tuple[str, Dict[str, Any], str]] = [
    (
        "live-with-range",
        {"HLSFragmentSelector": hls_selector(StartTimestamp=START)},
        "TimestampRange must not be set when PlaybackMode is LIVE.",
    ),
    (
        "on-demand-without-selector",
        {"PlaybackMode": "ON_DEMAND"},
        "HLSFragmentSelector with FragmentSelectorType and TimestampRange is required when "
        "PlaybackMode is ON_DEMAND.",
    ),
    (
        "replay-without-range",
        {
            "PlaybackMode": "LIVE_REPLAY",
            "HLSFragmentSelector": {"FragmentSelectorType": "SERVER_TIMESTAMP"},
        },
        "HLSFragmentSelector with FragmentSelectorType and TimestampRange is required when "
        "PlaybackMode is LIVE_REPLAY.",
    ),
    (
        "on-demand-without-end",
        {"PlaybackMode": "ON_DEMAND", "HLSFragmentSelector": hls_selector(StartTimestamp=START)},
        "EndTimestamp is required when PlaybackMode is ON_DEMAND.",
    ),
    (
        "without-start",
        {"PlaybackMode": "LIVE_REPLAY", "HLSFragmentSelector": hls_selector(EndTimestamp=START)},
        "StartTimestamp is required in TimestampRange.",
    ),
    (
        "end-not-later",
        {
            "PlaybackMode": "ON_DEMAND",
            "HLSFragmentSelector": hls_selector(StartTimestamp=LATER, EndTimestamp=LATER),
        },
        "The EndTimestamp must be later than the StartTimestamp.",
    ),
    (
        "over-24-hours",
        {
            "PlaybackMode": "ON_DEMAND",
            "HLSFragmentSelector": hls_selector(
                StartTimestamp=START - dt.timedelta(hours=24, seconds=1), EndTimestamp=START
            ),
        },
        "The EndTimestamp must be within 24 hours of the StartTimestamp.",
    ),
    (
        "server-end-in-future",
        {
            "PlaybackMode": "ON_DEMAND",
            "HLSFragmentSelector": hls_selector(
                "SERVER_TIMESTAMP", StartTimestamp=START, EndTimestamp=START + dt.timedelta(hours=1)
            ),
        },
        "The EndTimestamp must be in the past for the SERVER_TIMESTAMP selector type.",
    ),
]


@pytest.mark.parametrize(
    ("params", "message"), [i[1:] for i in INVALID], ids=[i[0] for i in INVALID]
)
def test_invalid_arguments(
    frozen: Tuple[Any, KinesisVideoMock], params: Dict[str, Any], message: str
) -> None:
    _, mock = frozen
    seed(mock)
    client = archived()
    assert error(client.get_hls_streaming_session_url, **params) == (
        "InvalidArgumentException",
        400,
        message,
    )


@pytest.mark.parametrize("expires", [299, 43201])
def test_expires_range(frozen: Tuple[Any, KinesisVideoMock], expires: int) -> None:
    _, mock = frozen
    seed(mock)
    client = archived(validate=False)
    code, status, message = error(client.get_hls_streaming_session_url, Expires=expires)
    assert (code, status) == ("InvalidArgumentException", 400)
    assert message.startswith(f"1 validation error detected: Value '{expires}' at 'expires'")


def test_no_data_retention(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock, retention=0)
    for call in (
        archived().get_hls_streaming_session_url,
        archived().get_dash_streaming_session_url,
    ):
        assert error(call) == (
            "NoDataRetentionException",
            400,
            "The data retention in hours of the stream cam is equal to zero.",
        )


def test_no_fragments(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    clock, mock = frozen
    create_stream()
    client = archived()
    expected = ("ResourceNotFoundException", 404, archive.NO_FRAGMENTS)
    assert error(client.get_hls_streaming_session_url) == expected
    mock.put_media(StreamName="cam", Payload=H264.data, ProducerStartTimestamp=START)
    hls_url()  # LIVE: fragments from the last 30 seconds
    clock.tick(31)
    assert error(client.get_hls_streaming_session_url) == expected
    empty = hls_selector(
        StartTimestamp=LATER + dt.timedelta(hours=1), EndTimestamp=LATER + dt.timedelta(hours=2)
    )
    assert (
        error(
            client.get_hls_streaming_session_url,
            PlaybackMode="ON_DEMAND",
            HLSFragmentSelector=empty,
        )
        == expected
    )
    assert (
        error(
            client.get_dash_streaming_session_url,
            PlaybackMode="ON_DEMAND",
            DASHFragmentSelector=empty,
        )
        == expected
    )


def test_unknown_stream(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    with pytest.raises(ClientError) as info:
        archived().get_dash_streaming_session_url(StreamName="other")
    assert info.value.response["Error"]["Code"] == "ResourceNotFoundException"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def _replace_track(mock: KinesisVideoMock, **changes: Any) -> None:
    store = mock.state()
    stream = store.find_stream("cam")
    for fragment in fragment_log(store, stream).fragments:
        header = fragment.header
        track = header.tracks[0]._replace(**changes)
        fragment.header = header._replace(tracks=(track, *header.tracks[1:]))


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        (
            None,
            "UnsupportedStreamMediaTypeException",
            "The codec ID of track 1 is V_MJPEG; it must be V_MPEG4/ISO/AVC (H.264) or "
            "V_MPEGH/ISO/HEVC (H.265).",
        ),
        (
            {"codec_private": None},
            "MissingCodecPrivateDataException",
            "No codec private data was found in track 1 of the stream.",
        ),
        (
            {"codec_private": b"\x00\x42\xc0\x0c\xff\xe1\x00"},
            "InvalidCodecPrivateDataException",
            "The codec private data in track 1 of the stream is not valid.",
        ),
    ],
    ids=["mjpeg", "missing", "invalid"],
)
def test_codec_errors(
    frozen: Tuple[Any, KinesisVideoMock],
    changes: Optional[Dict[str, Any]],
    code: str,
    message: str,
) -> None:
    _, mock = frozen
    seed(mock, MJPEG if changes is None else H264)
    if changes is not None:
        _replace_track(mock, **changes)
    for call in (
        archived().get_hls_streaming_session_url,
        archived().get_dash_streaming_session_url,
    ):
        assert error(call) == (code, 400, message)
