"""GetImages: JPEG / PNG frames at the sampling interval, read back with Pillow."""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any, Dict, Iterator, List, Tuple

import av
import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from freezegun import freeze_time
from media_support import H264, H264_AAC, H265, MJPEG, REGION, Sample, create_stream
from PIL import Image, ImageChops, ImageStat

from kvsmock import KinesisVideoMock, mock_kinesisvideo

UTC = dt.timezone.utc
START = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
S = dt.timedelta(seconds=1)


def client(validate: bool = True) -> Any:
    control = boto3.client("kinesisvideo", region_name=REGION)
    endpoint = control.get_data_endpoint(StreamName="cam", APIName="GET_IMAGES")["DataEndpoint"]
    return boto3.client(
        "kinesis-video-archived-media",
        region_name=REGION,
        endpoint_url=endpoint,
        config=Config(parameter_validation=validate),
    )


@pytest.fixture
def mock() -> Iterator[KinesisVideoMock]:
    with freeze_time(START + 30 * S), mock_kinesisvideo() as m:
        yield m


def seed(mock: KinesisVideoMock, sample: Sample = H264, at: dt.datetime = START) -> None:
    mock.put_media(StreamName="cam", Payload=sample.data, ProducerStartTimestamp=at)


def request(**params: Any) -> Dict[str, Any]:
    base: Dict[str, Any] = {
        "StreamName": "cam",
        "ImageSelectorType": "PRODUCER_TIMESTAMP",
        "StartTimestamp": START,
        "EndTimestamp": START + 5 * S,
        "SamplingInterval": 1000,
        "Format": "JPEG",
    }
    base.update(params)
    return base


def decode(entry: Dict[str, Any]) -> Tuple[str, Tuple[int, int]]:
    with Image.open(io.BytesIO(base64.b64decode(entry["ImageContent"]))) as image:
        return str(image.format), image.size


def test_one_image_per_interval_with_gaps(mock: KinesisVideoMock) -> None:
    create_stream()
    seed(mock)  # 0-6 s
    seed(mock, H264, START + 10 * S)  # 10-16 s: a gap from 6 to 10 s
    reply = client().get_images(**request(EndTimestamp=START + 12 * S, SamplingInterval=2000))
    images = reply["Images"]
    assert [i["TimeStamp"] for i in images] == [START + k * 2 * S for k in range(7)]
    assert [i.get("Error") for i in images] == [None] * 3 + ["NO_MEDIA"] * 2 + [None] * 2
    assert "ImageContent" not in images[3] and "NextToken" not in reply
    assert [decode(i) for i in images if "ImageContent" in i] == [("JPEG", (320, 240))] * 5


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ({"WidthPixels": 160, "HeightPixels": 60}, (160, 60)),
        ({"WidthPixels": 160}, (160, 120)),
        ({"HeightPixels": 60}, (80, 60)),
        ({}, (320, 240)),
    ],
)
def test_sizes_and_png(
    mock: KinesisVideoMock, size: Dict[str, int], expected: Tuple[int, int]
) -> None:
    create_stream()
    seed(mock)
    images = client().get_images(**request(Format="PNG", EndTimestamp=START + S, **size))["Images"]
    assert [decode(i) for i in images] == [("PNG", expected)] * 2


def test_jpeg_quality(mock: KinesisVideoMock) -> None:
    create_stream()
    seed(mock)

    def size(quality: str) -> int:
        entry = client().get_images(
            **request(EndTimestamp=START, FormatConfig={"JPEGQuality": quality})
        )["Images"][0]
        return len(base64.b64decode(entry["ImageContent"]))

    assert size("5") < size("80") < size("100")
    default = client().get_images(**request(EndTimestamp=START))["Images"][0]
    assert len(base64.b64decode(default["ImageContent"])) == size("80")


def test_other_codecs_and_frames_in_between(mock: KinesisVideoMock) -> None:
    create_stream()
    seed(mock, MJPEG)  # 5 fps MJPEG, 4 s: any codec FFmpeg decodes gives images
    images = client().get_images(
        **request(EndTimestamp=START + 3900 * S / 1000, SamplingInterval=300)
    )["Images"]
    assert len(images) == 14
    assert all(decode(i) == ("JPEG", (160, 120)) for i in images)


def test_pages_of_25_and_the_paginator(mock: KinesisVideoMock) -> None:
    create_stream()
    seed(mock, H264_AAC)
    params = request(EndTimestamp=START + 11 * S, SamplingInterval=200)  # 56 times
    first = client().get_images(MaxResults=100, **params)
    assert len(first["Images"]) == 25 and first["NextToken"]
    second = client().get_images(MaxResults=10, NextToken=first["NextToken"], **params)
    assert len(second["Images"]) == 10
    assert second["Images"][0]["TimeStamp"] == START + 5 * S
    pages = list(client().get_paginator("get_images").paginate(**params))
    assert [len(p["Images"]) for p in pages] == [25, 25, 6]
    every: List[Dict[str, Any]] = [i for p in pages for i in p["Images"]]
    assert [i["TimeStamp"] for i in every] == [START + k * S / 5 for k in range(56)]
    # The sample starts 21 ms in and lasts about 4 s.
    assert [("Error" in i) for i in every].count(False) == 20
    assert every[0]["Error"] == "NO_MEDIA" and "ImageContent" in every[1]


def error(params: Dict[str, Any]) -> Tuple[str, int, str]:
    with pytest.raises(ClientError) as info:
        client(validate=False).get_images(**params)
    e = info.value.response
    return e["Error"]["Code"], e["ResponseMetadata"]["HTTPStatusCode"], e["Error"]["Message"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"EndTimestamp": START + 301 * S},
            "The time range between StartTimestamp and EndTimestamp must not exceed 300 seconds.",
        ),
        ({"EndTimestamp": START - S}, "The EndTimestamp must not be before the StartTimestamp."),
        ({"SamplingInterval": 199}, "SamplingInterval must be at least 200 milliseconds."),
        (
            {"FormatConfig": {"JPEGQuality": "101"}},
            "JPEGQuality must be an integer from 1 to 100, not '101'.",
        ),
        ({"NextToken": "bm9wZQ=="}, "The NextToken is not valid."),
    ],
    ids=["over-300s", "end-before-start", "interval", "quality", "token"],
)
def test_invalid_arguments(mock: KinesisVideoMock, params: Dict[str, Any], message: str) -> None:
    create_stream()
    seed(mock)
    assert error(request(**params)) == ("InvalidArgumentException", 400, message)


def test_no_retention_and_unknown_stream(mock: KinesisVideoMock) -> None:
    create_stream(retention=0)
    assert error(request()) == (
        "NoDataRetentionException",
        400,
        "The data retention in hours of the stream cam is equal to zero.",
    )
    assert error(request(StreamName="other"))[:2] == ("ResourceNotFoundException", 404)


def test_a_start_inside_a_fragment_leaves_that_fragment_out(mock: KinesisVideoMock) -> None:
    # boto/boto3 #3712 (the service team's answer): the fragment holding StartTimestamp is
    # not queried, so its times are NO_MEDIA; starting at a fragment's start includes it.
    create_stream()
    seed(mock)  # fragments of 2 s at 0, 2 and 4 s
    inside = client().get_images(**request(StartTimestamp=START + S))["Images"]
    assert [i["TimeStamp"] for i in inside] == [START + k * S for k in range(1, 6)]
    assert [i.get("Error") for i in inside] == ["NO_MEDIA", None, None, None, None]
    at_start = client().get_images(**request(StartTimestamp=START + 2 * S))["Images"]
    assert [i.get("Error") for i in at_start] == [None] * 4
    # The frame shown at each time is the one that starts at or before it (10 fps): the
    # images of 2 s and 3 s differ, those of one frame are equal whatever the page.
    assert inside[1]["ImageContent"] == at_start[0]["ImageContent"]
    assert inside[1]["ImageContent"] != inside[2]["ImageContent"]


def frames_shown(sample: Sample, times_ms: List[int]) -> List[bytes]:
    """What an independent reader shows at each time (ms from the first frame): PyAV decodes
    the whole file and the last frame that starts at or before the time (else the first)
    is encoded the plain way, ``frame.to_image()`` saved as JPEG at quality 80."""
    with av.open(io.BytesIO(sample.data), format="matroska") as container:
        stream = container.streams.video[0]
        frames = [
            (round(float(f.pts * stream.time_base) * 1000), f) for f in container.decode(stream)
        ]
    out = []
    for t in times_ms:
        shown = [f for pts, f in frames if pts <= t] or [frames[0][1]]
        buffer = io.BytesIO()
        shown[-1].to_image().save(buffer, format="JPEG", quality=80)
        out.append(buffer.getvalue())
    return out


@pytest.mark.parametrize("sample", [H264, H265, MJPEG], ids=["h264", "h265", "mjpeg"])
def test_each_image_is_the_frame_shown_then(mock: KinesisVideoMock, sample: Sample) -> None:
    # Times on and between frames across fragments (10 and 5 fps, fragments of 2 and 0.4 s;
    # one decoder a call, flushed between them): each image is byte for byte the JPEG of the
    # frame shown then, as a player shows it.
    create_stream()
    seed(mock, sample)
    step = 230
    images = client().get_images(
        **request(EndTimestamp=START + 3900 * S / 1000, SamplingInterval=step)
    )["Images"]
    assert len(images) == 17
    expected = frames_shown(sample, [k * step for k in range(17)])
    assert [base64.b64decode(i["ImageContent"]) for i in images] == expected


def test_a_scaled_image_is_the_frame_scaled(mock: KinesisVideoMock) -> None:
    # FFmpeg's swscale converts and scales in one pass (bicubic); the picture is Pillow's
    # bicubic resize of the frame up to the filters' rounding at sharp edges.
    create_stream()
    seed(mock)
    entry = client().get_images(
        **request(EndTimestamp=START, Format="PNG", WidthPixels=100, HeightPixels=77)
    )["Images"][0]
    with Image.open(io.BytesIO(base64.b64decode(entry["ImageContent"]))) as image:
        mine = image.convert("RGB")
    with av.open(io.BytesIO(H264.data), format="matroska") as container:
        frame = next(container.decode(container.streams.video[0]))
        theirs = frame.to_image().resize((100, 77))
    assert mine.size == (100, 77)
    assert max(ImageStat.Stat(ImageChops.difference(mine, theirs)).mean) < 10
