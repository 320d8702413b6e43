"""Helpers for the media-plane tests: the sample files, data-plane clients, and independent
readers of what kvsmock returns (PyAV decodes the media; ebmlite splits chunks and reads tags
the way public KVS consumer code does)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Dict, List, NamedTuple

import av
import boto3
import ebmlite

DATA = Path(__file__).parent / "data"
REGION = "us-east-1"
EBML_ID = 0x1A45DFA3
SEGMENT_ID = 0x18538067
TAGS_ID = 0x1254C367


class Sample(NamedTuple):
    """A sample file of tests/data and what an independent reader finds in it."""

    name: str
    clusters: int
    codecs: List[str]
    video_frames: int
    audio_frames: int
    width: int

    @property
    def data(self) -> bytes:
        return (DATA / self.name).read_bytes()


SAMPLES = [
    Sample("h264_320x240_10fps_6s_gop2s.mkv", 3, ["h264"], 60, 0, 320),
    Sample("h264_aac_320x240_15fps_4s_gop1s.mkv", 4, ["h264", "aac"], 60, 189, 320),
    Sample("h265_320x240_10fps_4s_gop2s.mkv", 2, ["hevc"], 40, 0, 320),
    Sample("mjpeg_160x120_5fps_4s.mkv", 10, ["mjpeg"], 20, 0, 160),
]
H264 = SAMPLES[0]
H264_AAC = SAMPLES[1]
H265 = SAMPLES[2]
MJPEG = SAMPLES[3]


def create_stream(name: str = "cam", retention: int = 24) -> str:
    """Create a stream through the API; returns its ARN."""
    control = boto3.client("kinesisvideo", region_name=REGION)
    arn: str = control.create_stream(StreamName=name, DataRetentionInHours=retention)["StreamARN"]
    return arn


def data_client(service: str, stream: str = "cam", api: str = "GET_MEDIA") -> Any:
    """A data-plane client pointed at the stream's GetDataEndpoint URL, as AWS requires."""
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName=stream, APIName=api)["DataEndpoint"]
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint)


def media_client(stream: str = "cam") -> Any:
    return data_client("kinesis-video-media", stream, "GET_MEDIA")


def archive_client(stream: str = "cam") -> Any:
    return data_client("kinesis-video-archived-media", stream, "LIST_FRAGMENTS")


class Decoded(NamedTuple):
    codecs: List[str]
    video_frames: int
    audio_frames: int
    width: int


def decode(data: bytes) -> Decoded:
    """Decode every frame with PyAV (FFmpeg's Matroska demuxer and decoders)."""
    with av.open(io.BytesIO(data), format="matroska") as container:
        codecs = [s.codec_context.name for s in container.streams]
        width = container.streams.video[0].codec_context.width
        video = audio = 0
        for frame in container.decode(*container.streams):
            if isinstance(frame, av.VideoFrame):
                video += 1
            else:
                audio += 1
    return Decoded(codecs, video, audio, width)


_SCHEMA = ebmlite.loadSchema("matroska.xml")


def split_chunks(body: bytes) -> List[bytes]:
    """Split a GetMedia body at its EBML headers, as the KVS consumer library for Python does."""
    doc = _SCHEMA.load(io.BytesIO(body), headers=True)
    starts = [el.offset for el in doc if el.id == EBML_ID]
    return [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)])]


def chunk_tags(chunk: bytes) -> Dict[str, str]:
    """The SimpleTags of a chunk's segment, name -> string (all Tags elements)."""
    doc = _SCHEMA.load(io.BytesIO(chunk), headers=True)
    tags: Dict[str, str] = {}
    for el in doc:
        if el.id != SEGMENT_ID:
            continue
        for child in el:
            if child.id != TAGS_ID:
                continue
            for tag in child.dump().get("Tag", []):
                for simple in tag.get("SimpleTag", []):
                    tags[simple["TagName"]] = simple.get("TagString")
    return tags


def segment_layout(chunk: bytes) -> List[str]:
    """Names of the segment's children in order (Info, Tracks, Tags, Cluster, Tags, ...)."""
    doc = _SCHEMA.load(io.BytesIO(chunk), headers=True)
    for el in doc:
        if el.id == SEGMENT_ID:
            return [child.name for child in el]
    return []
