"""Real clients in their own processes against ``kvsmock serve``: the AWS CLI, and FFmpeg's
ffprobe reading the HLS and DASH session URLs and a GetClip file."""

from __future__ import annotations

import base64
import json
import subprocess
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest
import requests
from media_support import chunk_tags, split_chunks
from server_support import (
    ACCOUNT,
    BIN,
    PRODUCER_START,
    REGION,
    SAMPLE,
    Served,
    clean_env,
    client,
    data_endpoint,
    put_media,
    serve,
    tool,
)

CLIP_RANGE = f"StartTimestamp={PRODUCER_START:.0f},EndTimestamp={PRODUCER_START + 6:.0f}"


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve("--get-media-idle-seconds", "0.3") as s:
        yield s


@pytest.fixture
def url(server: Served) -> str:
    requests.post(server.url + "/_kvsmock/reset", timeout=10).raise_for_status()
    return server.url


class Aws:
    """``aws`` (awscli from PyPI) as its own process, with fake credentials and no ~/.aws."""

    def __init__(self, home: Path) -> None:
        self.env = clean_env(home)

    def run(self, *args: str, endpoint: str) -> Tuple[int, str, str]:
        argv = [str(BIN / "aws"), *args, "--endpoint-url", endpoint, "--output", "json"]
        done = subprocess.run(
            argv, capture_output=True, text=True, env=self.env, timeout=120, check=False
        )
        return done.returncode, done.stdout, done.stderr

    def json(self, *args: str, endpoint: str) -> Any:
        rc, out, err = self.run(*args, endpoint=endpoint)
        assert rc == 0, err
        return json.loads(out) if out.strip() else None


@pytest.fixture
def aws(tmp_path: Path) -> Aws:
    home = tmp_path / "home"
    home.mkdir()
    return Aws(home)


def test_aws_cli_control_plane(url: str, aws: Aws) -> None:
    kv = ("kinesisvideo",)
    created = aws.json(
        *kv,
        "create-stream",
        "--stream-name",
        "cam",
        "--data-retention-in-hours",
        "24",
        endpoint=url,
    )
    info = aws.json(*kv, "describe-stream", "--stream-name", "cam", endpoint=url)["StreamInfo"]
    assert created["StreamARN"] == info["StreamARN"]
    assert info["StreamARN"].startswith(f"arn:aws:kinesisvideo:{REGION}:{ACCOUNT}:stream/cam/")
    assert (info["Status"], info["DataRetentionInHours"]) == ("ACTIVE", 24)
    aws.json(
        *kv,
        "update-stream",
        "--stream-name",
        "cam",
        "--current-version",
        info["Version"],
        "--media-type",
        "video/h264",
        endpoint=url,
    )
    listed = aws.json(*kv, "list-streams", endpoint=url)["StreamInfoList"]
    assert [(s["StreamName"], s["MediaType"]) for s in listed] == [("cam", "video/h264")]
    endpoint = aws.json(
        *kv, "get-data-endpoint", "--stream-name", "cam", "--api-name", "GET_MEDIA", endpoint=url
    )["DataEndpoint"]
    assert endpoint == data_endpoint(url, "cam", "GET_MEDIA")
    assert aws.json(*kv, "delete-stream", "--stream-arn", info["StreamARN"], endpoint=url) is None
    assert aws.json(*kv, "list-streams", endpoint=url)["StreamInfoList"] == []


def test_aws_cli_modeled_error_exit_code_and_message(url: str, aws: Aws) -> None:
    rc, out, err = aws.run("kinesisvideo", "describe-stream", "--stream-name", "nope", endpoint=url)
    assert (rc, out) == (255, "")  # awscli v1: 255 for a service error
    assert err.strip() == (
        "An error occurred (ResourceNotFoundException) when calling the DescribeStream "
        f"operation: {_in_process_message()}"
    )


def _in_process_message() -> str:
    import boto3
    from botocore.exceptions import ClientError

    from kvsmock import mock_kinesisvideo

    with mock_kinesisvideo():
        try:
            boto3.client("kinesisvideo", region_name=REGION).describe_stream(StreamName="nope")
        except ClientError as e:
            return str(e.response["Error"]["Message"])
    raise AssertionError("no error")


def _ingested(url: str) -> List[str]:
    client("kinesisvideo", url).create_stream(StreamName="cam", DataRetentionInHours=24)
    acks = [json.loads(a) for a in put_media(url, "cam", SAMPLE.read_bytes())]
    return [a["FragmentNumber"] for a in acks if a["EventType"] == "PERSISTED"]


def test_aws_cli_data_plane_list_fragments_get_media_get_clip(
    url: str, aws: Aws, tmp_path: Path
) -> None:
    numbers = _ingested(url)
    archive = data_endpoint(url, "cam", "LIST_FRAGMENTS")
    listed = aws.json(
        "kinesis-video-archived-media",
        "list-fragments",
        "--stream-name",
        "cam",
        "--fragment-selector",
        f"FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={{{CLIP_RANGE}}}",
        endpoint=archive,
    )["Fragments"]
    assert sorted(f["FragmentNumber"] for f in listed) == sorted(numbers)
    media_file = tmp_path / "media.mkv"
    got = aws.json(
        "kinesis-video-media",
        "get-media",
        "--stream-name",
        "cam",
        "--start-selector",
        "StartSelectorType=EARLIEST",
        str(media_file),
        endpoint=data_endpoint(url, "cam", "GET_MEDIA"),
    )
    assert got["ContentType"] == "video/webm"
    chunks = split_chunks(media_file.read_bytes())
    assert [chunk_tags(c)["AWS_KINESISVIDEO_FRAGMENT_NUMBER"] for c in chunks] == numbers
    clip_file = tmp_path / "clip.mp4"
    clip = aws.json(
        "kinesis-video-archived-media",
        "get-clip",
        "--stream-name",
        "cam",
        "--clip-fragment-selector",
        f"FragmentSelectorType=PRODUCER_TIMESTAMP,TimestampRange={{{CLIP_RANGE}}}",
        str(clip_file),
        endpoint=data_endpoint(url, "cam", "GET_CLIP"),
    )
    assert clip["ContentType"] == "video/mp4"
    probe = _probe(str(clip_file))
    assert _video(probe) == {"codec_name": "h264", "width": 320, "height": 240}
    assert float(probe["format"]["duration"]) == pytest.approx(6.0, abs=0.2)


def _probe(target: str) -> Dict[str, Any]:
    ffprobe = tool("ffprobe")
    done = subprocess.run(
        [
            ffprobe,
            "-v",
            "error",
            "-show_entries",
            "format=duration:stream=codec_name,codec_type,width,height",
            "-of",
            "json",
            target,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: Dict[str, Any] = json.loads(done.stdout)
    return result


def _video(probe: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    for stream in probe["streams"]:
        if stream.get("codec_type") == "video":
            return {k: stream[k] for k in ("codec_name", "width", "height")}
    return None


@pytest.mark.parametrize("protocol", ["HLS", "DASH"])
def test_ffprobe_reads_the_session_urls(url: str, protocol: str) -> None:
    _ingested(url)
    archive = client(
        "kinesis-video-archived-media",
        data_endpoint(url, "cam", f"GET_{protocol}_STREAMING_SESSION_URL"),
    )
    selector = {
        "FragmentSelectorType": "PRODUCER_TIMESTAMP",
        "TimestampRange": {"StartTimestamp": PRODUCER_START, "EndTimestamp": PRODUCER_START + 6},
    }
    if protocol == "HLS":
        session = archive.get_hls_streaming_session_url(
            StreamName="cam", PlaybackMode="ON_DEMAND", HLSFragmentSelector=selector
        )["HLSStreamingSessionURL"]
    else:
        session = archive.get_dash_streaming_session_url(
            StreamName="cam", PlaybackMode="ON_DEMAND", DASHFragmentSelector=selector
        )["DASHStreamingSessionURL"]
    assert session.startswith(url + "/b-")
    probe = _probe(session)
    assert _video(probe) == {"codec_name": "h264", "width": 320, "height": 240}
    assert float(probe["format"]["duration"]) == pytest.approx(6.0, abs=0.2)


def test_get_images_over_http(url: str) -> None:
    _ingested(url)
    archive = client("kinesis-video-archived-media", data_endpoint(url, "cam", "GET_IMAGES"))
    images = archive.get_images(
        StreamName="cam",
        ImageSelectorType="PRODUCER_TIMESTAMP",
        StartTimestamp=PRODUCER_START,
        EndTimestamp=PRODUCER_START + 5,
        SamplingInterval=2000,
        Format="JPEG",
    )["Images"]
    assert [i.get("Error") for i in images] == [None, None, None]
    assert all(base64.b64decode(i["ImageContent"])[:2] == b"\xff\xd8" for i in images)
