"""HLS and DASH session URLs fetched with ``requests``, as a viewer or player does.

GetDataEndpoint -> GetHLSStreamingSessionURL / GetDASHStreamingSessionURL -> master playlist
-> media playlist -> init and media segments, every hop a ``requests.get`` that kvsmock
answers in-process. Playlists are read with the ``m3u8`` parser, manifests with ElementTree
and segments with PyAV (FFmpeg), independently of kvsmock. Nothing reaches the network:
other requests go to a loopback server, a recording stand-in for ``HTTPAdapter.send`` or a
user's own ``responses`` mock.
"""

from __future__ import annotations

import datetime as dt
import io
import struct
import xml.etree.ElementTree as ET
from typing import Any, Iterator, List, Tuple
from unittest import mock as umock
from urllib.parse import urljoin

import av
import boto3
import m3u8
import pytest
import requests
import responses
from freezegun import freeze_time
from media_support import H264, H264_AAC, REGION, SAMPLES, Sample, create_stream
from requests.adapters import HTTPAdapter

from kvsmock import KinesisVideoMock, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
SELECTOR = {
    "FragmentSelectorType": "PRODUCER_TIMESTAMP",
    "TimestampRange": {"StartTimestamp": START, "EndTimestamp": START + dt.timedelta(seconds=30)},
}


@pytest.fixture
def frozen() -> Iterator[Tuple[Any, KinesisVideoMock]]:
    with freeze_time(START + dt.timedelta(seconds=10)) as clock, mock_kinesisvideo() as mock:
        yield clock, mock


def seed(mock: KinesisVideoMock, sample: Sample = H264) -> None:
    create_stream()
    mock.put_media(StreamName="cam", Payload=sample.data, ProducerStartTimestamp=START)


def archived(api: str) -> Any:
    """The archived-media client on the stream's endpoint for ``api``, as AWS requires."""
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName="cam", APIName=api)["DataEndpoint"]
    return boto3.client("kinesis-video-archived-media", region_name=REGION, endpoint_url=endpoint)


def hls_url(**params: Any) -> str:
    url: str = archived("GET_HLS_STREAMING_SESSION_URL").get_hls_streaming_session_url(
        StreamName="cam", PlaybackMode="ON_DEMAND", HLSFragmentSelector=SELECTOR, **params
    )["HLSStreamingSessionURL"]
    return url


def dash_url() -> str:
    url: str = archived("GET_DASH_STREAMING_SESSION_URL").get_dash_streaming_session_url(
        StreamName="cam", PlaybackMode="ON_DEMAND", DASHFragmentSelector=SELECTOR
    )["DASHStreamingSessionURL"]
    return url


def get(url: str, content_type: str) -> bytes:
    reply = requests.get(url, timeout=5)
    assert reply.status_code == 200, reply.text
    assert reply.headers["Content-Type"] == content_type
    assert int(reply.headers["Content-Length"]) == len(reply.content)
    return reply.content


def top_level(data: bytes) -> List[bytes]:
    """Types of a file's top-level ISO BMFF boxes (32-bit sizes suffice here)."""
    kinds, position = [], 0
    while position < len(data):
        size, kind = struct.unpack_from(">I4s", data, position)
        kinds.append(kind)
        position += size
    return kinds


class Decoded:
    """What FFmpeg finds in a file: frame counts, picture size, video frame times (s)."""

    def __init__(self, data: bytes, fmt: str) -> None:
        with av.open(io.BytesIO(data), format=fmt) as container:
            videos = container.streams.video
            ctx = videos[0].codec_context if videos else None
            self.size = (ctx.width, ctx.height) if ctx is not None else (0, 0)
            self.video: List[float] = []
            self.sound: List[float] = []
            for frame in container.decode(*container.streams):
                if isinstance(frame, av.VideoFrame):
                    self.video.append(float(frame.time or 0))
                else:
                    self.sound.append(float(frame.time or 0))
            self.audio = len(self.sound)

    def relative(self) -> List[int]:
        """Video frame times in ms after the first one."""
        return [round((t - self.video[0]) * 1000) for t in self.video]


# -- HLS -------------------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES[:3], ids=lambda s: s.name)
def test_hls_viewer_flow_plays_every_frame(
    frozen: Tuple[Any, KinesisVideoMock], sample: Sample
) -> None:
    _, mock = frozen
    seed(mock, sample)
    url = hls_url()
    master = m3u8.loads(get(url, "application/x-mpegURL").decode(), uri=url)
    (variant,) = master.playlists
    media_url = urljoin(url, variant.uri)
    playlist = m3u8.loads(get(media_url, "application/x-mpegURL").decode(), uri=media_url)
    listed = archived("LIST_FRAGMENTS").list_fragments(StreamName="cam", FragmentSelector=SELECTOR)
    lengths = [f["FragmentLengthInMilliseconds"] / 1000 for f in listed["Fragments"]]
    assert [s.duration for s in playlist.segments] == lengths
    assert len(lengths) == sample.clusters and playlist.is_endlist
    init = get(urljoin(media_url, playlist.segment_map[0].uri), "video/mp4")
    assert top_level(init) == [b"ftyp", b"moov"]
    segments = [get(urljoin(media_url, s.uri), "video/mp4") for s in playlist.segments]
    # One movie fragment per Kinesis Video fragment.
    assert [top_level(s) for s in segments] == [[b"moof", b"mdat"]] * sample.clusters
    played = Decoded(init + b"".join(segments), "mp4")
    assert played.size == (sample.width, 240)
    # The frames keep the spacing they were put with, across segment boundaries.
    source = Decoded(sample.data, "matroska")
    assert played.relative() == source.relative()
    assert (len(played.video), played.audio) == (sample.video_frames, 0)
    # An AAC track 2 is an audio rendition with its own playlist and segments, on the same
    # timeline.
    renditions = [m for m in master.media if m.type == "AUDIO"]
    assert len(renditions) == (1 if sample.audio_frames else 0)
    for rendition in renditions:
        audio_url = urljoin(url, rendition.uri)
        tracks = m3u8.loads(get(audio_url, "application/x-mpegURL").decode(), uri=audio_url)
        sound = get(urljoin(audio_url, tracks.segment_map[0].uri), "video/mp4") + b"".join(
            get(urljoin(audio_url, s.uri), "video/mp4") for s in tracks.segments
        )
        heard = Decoded(sound, "mp4")
        assert (heard.audio, heard.video) == (sample.audio_frames, [])
        # Audio has no composition offsets, so FFmpeg shows its times as they are: the
        # timeline starts at the stream's earliest frame (here audio, 21 ms before video)
        # and every audio frame keeps its place on it.
        origin = min(source.sound[0], source.video[0])
        assert [round(t * 1000) for t in heard.sound] == [
            round((t - origin) * 1000) for t in source.sound
        ]


def test_mpeg_ts_segments(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock, H264_AAC)
    url = hls_url(ContainerFormat="MPEG_TS")
    master = m3u8.loads(get(url, "application/x-mpegURL").decode(), uri=url)
    video = audio = 0
    # The variant (video) and the audio rendition each have TS segments of their own.
    for uri, size in ((master.playlists[0].uri, (320, 240)), (master.media[0].uri, (0, 0))):
        media_url = urljoin(url, uri)
        playlist = m3u8.loads(get(media_url, "application/x-mpegURL").decode(), uri=media_url)
        assert playlist.segment_map == [] and len(playlist.segments) == H264_AAC.clusters
        for segment in playlist.segments:
            body = get(urljoin(media_url, segment.uri), "video/MP2T")
            assert body[0] == 0x47 and len(body) % 188 == 0  # TS packets
            decoded = Decoded(body, "mpegts")
            assert decoded.size == size
            video += len(decoded.video)
            audio += decoded.audio
    assert (video, audio) == (H264_AAC.video_frames, H264_AAC.audio_frames)


def test_head_and_other_methods(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    url = hls_url()
    head = requests.head(url, timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["Content-Length"]) == len(requests.get(url, timeout=5).content)
    post = requests.post(url, data=b"", timeout=5)
    assert post.status_code == 404
    assert post.headers["x-amzn-ErrorType"] == "UnknownOperationException"
    unknown = requests.get(url.replace("getHLSMasterPlaylist", "getSomething"), timeout=5)
    assert unknown.status_code == 404 and unknown.json()["__type"] == "ResourceNotFoundException"


# -- DASH ------------------------------------------------------------------------------------


def test_dash_viewer_flow(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock)
    url = dash_url()
    mpd = ET.fromstring(get(url, "application/dash+xml"))
    ns = {"d": "urn:mpeg:dash:schema:mpd:2011"}
    template = mpd.find(".//d:SegmentTemplate", ns)
    assert template is not None
    timescale = int(template.get("timescale") or 0)
    starts = [int(s.get("t") or 0) for s in template.findall(".//d:S", ns)]
    number = int(template.get("startNumber") or 0)
    init = get(urljoin(url, template.get("initialization") or ""), "video/mp4")
    media = template.get("media") or ""
    segments = [
        get(urljoin(url, media.replace("$Number$", str(number + i))), "video/mp4")
        for i in range(len(starts))
    ]
    played = Decoded(init + b"".join(segments), "mp4")
    assert (len(played.video), played.audio, played.size) == (60, 0, (320, 240))
    # Each segment alone starts where the manifest's timeline says (its tfdt).
    firsts = [Decoded(init + s, "mp4").video[0] for s in segments]
    assert firsts == [t / timescale for t in starts] == [0.0, 2.0, 4.0]


# -- expiry ----------------------------------------------------------------------------------


def test_expired_session_is_403(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    clock, mock = frozen
    seed(mock)
    url = hls_url(Expires=300)
    segment_url = urljoin(
        url, m3u8.loads(get(url, "application/x-mpegURL").decode()).playlists[0].uri
    )
    clock.tick(299)
    assert requests.get(segment_url, timeout=5).status_code == 200
    clock.tick(1)
    for expired in (requests.get(url, timeout=5), requests.get(segment_url, timeout=5)):
        assert expired.status_code == 403
        assert expired.json() == {
            "__type": "NotAuthorizedException",
            "Message": "The session token has expired.",
        }
        assert expired.headers["x-amzn-ErrorType"] == "NotAuthorizedException"
    unknown = requests.get(url.replace("SessionToken=Ci", "SessionToken=Cx"), timeout=5)
    assert unknown.status_code == 400
    assert unknown.json()["__type"] == "InvalidArgumentException"
    assert unknown.headers["x-amzn-ErrorType"] == "InvalidArgumentException"


# -- what kvsmock leaves alone ---------------------------------------------------------------


def test_non_kvs_urls_reach_a_loopback_server(kvsmock: KinesisVideoMock, loopback: str) -> None:
    seed(kvsmock)
    url = hls_url()
    assert requests.get(loopback + "/hls/v1/x.m3u8", timeout=5).text == (
        "hello from loopback /hls/v1/x.m3u8"
    )
    assert get(url, "application/x-mpegURL").startswith(b"#EXTM3U\n")
    assert requests.get(loopback + "/again", timeout=5).status_code == 200


@pytest.fixture
def recorder() -> Iterator[List[str]]:
    """``HTTPAdapter.send`` replaced (before any mock starts) by a recorder answering 599."""
    urls: List[str] = []

    def send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        urls.append(request.url)
        reply = requests.Response()
        reply.status_code = 599
        reply.url = request.url
        reply.request = request
        reply.raw = io.BytesIO(b"")
        return reply

    with umock.patch.object(HTTPAdapter, "send", send):
        yield urls


def test_other_hosts_and_paths_of_kvs_are_answered_not_sent(recorder: List[str]) -> None:
    with mock_kinesisvideo() as mock:
        seed(mock)
        url = hls_url()
        host = url.split("/hls/")[0]
        stranger = "https://b-0123abcd.kinesisvideo.us-east-1.amazonaws.com/hls/v1/x.m3u8"
        unserved = [
            stranger,  # not an endpoint of this mock
            host + "/getClip",  # GET: no operation's path
            url.replace("https://", "http://"),
            url.replace("us-east-1", "eu-west-1"),  # another region's host
        ]
        replies = [requests.get(u, timeout=5) for u in unserved]
        assert [r.status_code for r in replies] == [404] * 4
        assert {r.headers["x-amzn-ErrorType"] for r in replies} == {"UnknownOperationException"}
        assert requests.get(url, timeout=5).status_code == 200
        assert recorder == []  # nothing for a KVS host is sent (issue 17, item 5)
    assert requests.get(url, timeout=5).status_code == 599  # the mock stopped


def test_session_of_a_deleted_stream_is_still_answered(recorder: List[str]) -> None:
    with mock_kinesisvideo() as mock:
        seed(mock)
        url = hls_url()
        boto3.client("kinesisvideo", region_name=REGION).delete_stream(
            StreamARN=mock.state().find_stream("cam").arn
        )
        playlist = requests.get(url.replace("Master", "Media"), timeout=5)
        assert playlist.status_code == 200
        assert m3u8.loads(playlist.text).segments == []  # its fragments went with it
    assert recorder == []


def test_user_responses_mock_keeps_working(recorder: List[str]) -> None:
    with responses.RequestsMock() as user:
        user.add(responses.GET, "https://api.example.com/items", json={"items": [1]})
        with mock_kinesisvideo() as mock:
            seed(mock)
            url = hls_url()
            assert requests.get("https://api.example.com/items", timeout=5).json() == {"items": [1]}
            master = m3u8.loads(get(url, "application/x-mpegURL").decode(), uri=url)
            media_url = urljoin(url, master.playlists[0].uri)
            assert len(m3u8.loads(get(media_url, "application/x-mpegURL").decode()).segments) == 3
            with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
                requests.get("https://unregistered.example.com/", timeout=5)
        with pytest.raises(requests.ConnectionError, match="Connection refused by Responses"):
            requests.get(url, timeout=5)  # kvsmock stopped: the user's mock answers again
    assert recorder == []


def test_session_in_another_account_of_the_region(recorder: List[str]) -> None:
    with mock_kinesisvideo(accounts={"AKIDOTHER": "210987654321"}) as mock:
        other = boto3.Session(
            aws_access_key_id="AKIDOTHER", aws_secret_access_key="x", region_name=REGION
        )
        control = other.client("kinesisvideo")
        control.create_stream(StreamName="cam", DataRetentionInHours=24)
        mock.put_media(StreamName="cam", Payload=H264.data, account_id="210987654321")
        endpoint = control.get_data_endpoint(
            StreamName="cam", APIName="GET_HLS_STREAMING_SESSION_URL"
        )["DataEndpoint"]
        client = other.client("kinesis-video-archived-media", endpoint_url=endpoint)
        url = client.get_hls_streaming_session_url(StreamName="cam")["HLSStreamingSessionURL"]
        assert mock.state().streams == []  # nothing in the default account
        # Session URLs are unsigned: the token is found in whichever account holds it.
        assert requests.get(url, timeout=5).status_code == 200
    assert recorder == []


def test_dash_has_one_adaptation_set_per_track(frozen: Tuple[Any, KinesisVideoMock]) -> None:
    _, mock = frozen
    seed(mock, H264_AAC)
    url = dash_url()
    mpd = ET.fromstring(get(url, "application/dash+xml"))
    ns = {"d": "urn:mpeg:dash:schema:mpd:2011"}
    sets = mpd.findall(".//d:AdaptationSet", ns)
    assert [s.get("mimeType") for s in sets] == ["video/mp4", "audio/mp4"]
    video_rep, audio_rep = (s.find("d:Representation", ns) for s in sets)
    assert video_rep is not None and audio_rep is not None
    assert (video_rep.get("width"), video_rep.get("height")) == ("320", "240")
    assert (audio_rep.get("codecs"), audio_rep.get("audioSamplingRate")) == ("mp4a.40.2", "48000")
    channels = audio_rep.find("d:AudioChannelConfiguration", ns)
    assert channels is not None and channels.get("value") == "1"
    counts = []
    for adaptation in sets:
        template = adaptation.find(".//d:SegmentTemplate", ns)
        assert template is not None
        number = int(template.get("startNumber") or 0)
        rows = template.findall(".//d:S", ns)
        assert len(rows) == H264_AAC.clusters
        body = get(urljoin(url, template.get("initialization") or ""), "video/mp4")
        for i in range(len(rows)):
            media = (template.get("media") or "").replace("$Number$", str(number + i))
            body += get(urljoin(url, media), "video/mp4")
        decoded = Decoded(body, "mp4")
        counts.append((len(decoded.video), decoded.audio))
    assert counts == [(H264_AAC.video_frames, 0), (0, H264_AAC.audio_frames)]
