"""Players on an HLS session over loopback HTTP: FFmpeg (PyAV's, and ``ffprobe`` when it is
installed) finds a video and an audio stream, each from its own media playlist.

The session URLs are answered by :func:`kvsmock.media.archive.serve` behind a loopback
``http.server``, as an out-of-process server would answer them.
"""

from __future__ import annotations

import datetime as dt
import http.server
import io
import json
import shutil
import subprocess
import threading
from typing import Any, Iterator, List, Tuple
from urllib.parse import urlsplit

import av
import pytest
from freezegun import freeze_time
from media_support import H264_AAC, create_stream
from test_hls_serving import hls_url

from kvsmock import KinesisVideoMock, _clock, mock_kinesisvideo
from kvsmock.media import archive

PROBE = ("ffprobe", "-v", "error", "-show_entries", "stream=codec_type,codec_name", "-of", "json")
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)


@pytest.fixture
def served() -> Iterator[Tuple[str, List[str]]]:
    """(loopback URL of an ON_DEMAND HLS session of the H.264 + AAC sample, paths fetched)."""
    with freeze_time(START + dt.timedelta(seconds=10)), mock_kinesisvideo() as mock:
        create_stream()
        mock.put_media(StreamName="cam", Payload=H264_AAC.data, ProducerStartTimestamp=START)
        url = hls_url()
        fetched: List[str] = []
        server = _server(mock, fetched)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            parts = urlsplit(url)
            host, port = server.server_address[:2]
            yield f"http://{host}:{port}{parts.path}?{parts.query}", fetched
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def _server(mock: KinesisVideoMock, fetched: List[str]) -> http.server.ThreadingHTTPServer:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            fetched.append(self.path)
            reply = archive.serve([mock.state()], "http://loopback" + self.path, _clock.now())
            assert reply is not None
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        def log_message(self, *args: Any) -> None:
            pass

    return http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def _playlists(fetched: List[str]) -> List[str]:
    return sorted({p.split("TrackNumber=")[1] for p in fetched if "MediaPlaylist" in p})


def test_ffmpeg_finds_video_and_audio_from_separate_playlists(
    served: Tuple[str, List[str]],
) -> None:
    url, fetched = served
    with av.open(url, format="hls") as container:
        kinds = sorted((s.type, s.codec_context.name) for s in container.streams)
        frames = {"video": 0, "audio": 0}
        for frame in container.decode(*container.streams):
            frames["video" if isinstance(frame, av.VideoFrame) else "audio"] += 1
    assert kinds == [("audio", "aac"), ("video", "h264")]
    assert frames == {"video": H264_AAC.video_frames, "audio": H264_AAC.audio_frames}
    assert _playlists(fetched) == ["1", "2"]  # one media playlist per track


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe is not installed")
def test_ffprobe_shows_both_streams(served: Tuple[str, List[str]]) -> None:
    url, fetched = served
    out = subprocess.run(
        [*PROBE, url],
        capture_output=True,
        check=True,
        timeout=60,
    )
    streams = json.loads(out.stdout)["streams"]
    assert sorted((s["codec_type"], s["codec_name"]) for s in streams) == [
        ("audio", "aac"),
        ("video", "h264"),
    ]
    assert _playlists(fetched) == ["1", "2"]


def _audio_only(seconds: int) -> bytes:
    """Matroska with one AAC track (track 1), as an audio-only producer sends it."""
    import io
    import math
    import struct
    from fractions import Fraction

    out = io.BytesIO()
    with av.open(out, "w", format="matroska") as container:
        stream: Any = container.add_stream("aac", rate=48000)
        stream.layout, stream.format = "mono", "fltp"
        tone = [0.2 * math.sin(2 * math.pi * 440 * i / 48000) for i in range(1024)]
        samples = struct.pack("<1024f", *tone)
        for k in range(seconds * 48000 // 1024):
            frame = av.AudioFrame(format="fltp", layout="mono", samples=1024)
            frame.planes[0].update(samples)
            frame.sample_rate, frame.pts, frame.time_base = 48000, k * 1024, Fraction(1, 48000)
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    return out.getvalue()


def test_audio_only_stream_is_one_aac_playlist() -> None:
    with freeze_time(START + dt.timedelta(seconds=30)), mock_kinesisvideo() as mock:
        create_stream()
        payload = _audio_only(12)
        with av.open(io.BytesIO(payload), format="matroska") as source:
            expected = sum(1 for p in source.demux() if p.size)
        mock.put_media(StreamName="cam", Payload=payload, ProducerStartTimestamp=START)
        url = hls_url()
        reply = archive.serve([mock.state()], url, _clock.now())
        assert reply is not None and reply.status == 200
        master = reply.body.decode()
        assert "EXT-X-MEDIA" not in master and 'CODECS="mp4a.40.2"' in master
        assert "RESOLUTION" not in master and "&TrackNumber=1" in master
        media_path = master.strip().splitlines()[-1]
        base = url.rsplit("/", 1)[0] + "/"
        playlist = archive.serve([mock.state()], base + media_path, _clock.now())
        assert playlist is not None
        uris = [line for line in playlist.body.decode().splitlines() if not line.startswith("#")]
        init_uri = playlist.body.decode().split('URI="')[1].split('"')[0]
        body = b""
        for uri in [init_uri, *uris]:
            part = archive.serve([mock.state()], base + uri, _clock.now())
            assert part is not None and part.status == 200
            body += part.body
        with av.open(io.BytesIO(body), format="mp4") as container:
            assert [s.type for s in container.streams] == ["audio"]
            frames = sum(1 for p in container.demux() if p.size)
        # Every AAC frame of 12 s (1024 samples each, and the encoder's priming frame).
        assert frames == expected == 563
