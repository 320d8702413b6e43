"""kvsmock archived media: an HLS viewer and a clip download against a fake stream.

Run it with ``.venv/bin/python examples/viewer.py`` (needs ``kvsmock[media]``; the playlist
parser ``m3u8`` comes with the test extra). A real Matroska sample goes in with
``mock.put_media``; then, as a viewer does, GetDataEndpoint -> GetHLSStreamingSessionURL ->
master playlist -> media playlist -> init and media segments, every hop a plain
``requests.get`` that kvsmock answers in-process; FFmpeg (PyAV) plays what came back. Last,
GetClip downloads the same range as an MP4 file.
"""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any, Tuple
from urllib.parse import urljoin

import av
import boto3
import m3u8
import requests

from kvsmock import mock_kinesisvideo

REGION = "us-east-1"
SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "h264_aac_320x240_15fps_4s_gop1s.mkv"
)


def frames(data: Any) -> Tuple[int, int, str, float]:
    """(video frames, audio frames, picture size, seconds) of a file or bytes, by FFmpeg."""
    source = io.BytesIO(data) if isinstance(data, bytes) else data
    with av.open(source) as container:
        videos = container.streams.video
        ctx = videos[0].codec_context if videos else None
        video = audio = 0
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                video += 1
            else:
                audio += 1
        seconds = (container.duration or 0) / 1_000_000
    size = f"{ctx.width}x{ctx.height}" if ctx is not None else ""
    return video, audio, size, seconds


def archived_media(kv: Any, api: str) -> Any:
    """An archived-media client on the stream's data endpoint for ``api``, as on AWS."""
    url = kv.get_data_endpoint(StreamName="front-door", APIName=api)["DataEndpoint"]
    return boto3.client("kinesis-video-archived-media", region_name=REGION, endpoint_url=url)


def main() -> None:
    start = dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(minutes=5)
    selector = {
        "FragmentSelectorType": "PRODUCER_TIMESTAMP",
        "TimestampRange": {
            "StartTimestamp": start,
            "EndTimestamp": start + dt.timedelta(minutes=1),
        },
    }
    with mock_kinesisvideo() as mock:
        kv = boto3.client("kinesisvideo", region_name=REGION)
        kv.create_stream(StreamName="front-door", DataRetentionInHours=24)
        with SAMPLE.open("rb") as payload:
            mock.put_media(StreamName="front-door", Payload=payload, ProducerStartTimestamp=start)
        video, audio, size, _ = frames(SAMPLE.read_bytes())
        print(f"PutMedia {SAMPLE.name}: {video} video frames ({size}), {audio} audio frames")

        hls = archived_media(kv, "GET_HLS_STREAMING_SESSION_URL")
        url = hls.get_hls_streaming_session_url(
            StreamName="front-door", PlaybackMode="ON_DEMAND", HLSFragmentSelector=selector
        )["HLSStreamingSessionURL"]
        print(f"\nHLS session URL: {url[:100]}...")
        master = m3u8.loads(requests.get(url, timeout=10).text, uri=url)
        variant = master.playlists[0]
        codecs = variant.stream_info.codecs
        print(f"  master playlist: {len(master.playlists)} variant, CODECS {codecs}")
        # One media playlist per track: the variant is the video, the AAC track an audio
        # rendition (EXT-X-MEDIA) with segments of its own, as a player fetches them.
        video_url = urljoin(url, variant.uri)
        playlists = [("video", video_url)] + [
            (str(m.type).lower(), urljoin(url, m.uri)) for m in master.media
        ]
        video = audio = 0
        size = ""
        for kind, media_url in playlists:
            playlist = m3u8.loads(requests.get(media_url, timeout=10).text, uri=media_url)
            total = sum(s.duration for s in playlist.segments)
            print(f"  {kind} media playlist: {len(playlist.segments)} segments, {total:.3f} s")
            init = requests.get(urljoin(media_url, playlist.segment_map[0].uri), timeout=10)
            print(f"  init segment: {init.headers['Content-Type']}, {len(init.content)} bytes")
            body = init.content
            for i, segment in enumerate(playlist.segments, 1):
                reply = requests.get(urljoin(media_url, segment.uri), timeout=10)
                print(f"  segment {i}: {len(reply.content):>6} bytes, {segment.duration:.3f} s")
                body += reply.content
            got = frames(body)
            video, audio = video + got[0], audio + got[1]
            size = size or got[2]
        print(f"  played by FFmpeg: {video} video frames ({size}), {audio} audio frames")

        clip = archived_media(kv, "GET_CLIP").get_clip(
            StreamName="front-door", ClipFragmentSelector=selector
        )
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "front-door.mp4"
            path.write_bytes(clip["Payload"].read())
            video, audio, size, seconds = frames(str(path))
            print(
                f"\nGetClip: {clip['ContentType']}, {path.stat().st_size} bytes (read back from a "
                f"temporary {path.name}): {video} video frames ({size}), {audio} audio frames, "
                f"{seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
