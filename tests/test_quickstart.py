"""``make demo`` works: examples/quickstart.py runs in a clean environment and says so.

The script runs in a subprocess of this interpreter, with an empty home, no ``AWS_*``
variables and warnings as errors, as a new user on a fresh machine would run it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "examples" / "quickstart.py"
ARN = re.compile(r"arn:aws:kinesisvideo:us-east-1:123456789012:stream/([a-z-]+)/(\d{13})")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    home = tmp_path_factory.mktemp("home")
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    env.update(HOME=str(home), USERPROFILE=str(home), PYTHONIOENCODING="utf-8")
    env.pop("PYTHONWARNINGS", None)
    return subprocess.run(
        [sys.executable, "-W", "error", str(SCRIPT)],
        cwd=str(home),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_exits_zero_and_writes_nothing_to_stderr(
    demo: subprocess.CompletedProcess[str],
) -> None:
    assert demo.returncode == 0, demo.stderr
    assert demo.stderr == ""
    assert demo.stdout.rstrip().splitlines()[-2] == (
        "Done: both sessions ran against kvsmock, offline."
    )


def lines(demo: subprocess.CompletedProcess[str]) -> list[str]:
    return demo.stdout.splitlines()


def test_demo_boto3_session(demo: subprocess.CompletedProcess[str]) -> None:
    out = lines(demo)
    assert "Part 1: a boto3 session inside `with mock_kinesisvideo() as mock:`" in out
    created = next(line for line in out if line.startswith("StreamARN: "))
    match = ARN.fullmatch(created[len("StreamARN: ") :])
    assert match is not None and match.group(1) == "front-door"
    assert "Tags: {'team': 'video', 'site': 'berlin'}" in out

    updated = next(line for line in out if line.startswith("MediaType video/h265"))
    m = re.fullmatch(
        r"MediaType video/h265, DataRetentionInHours 48, "
        r"Version ([a-zA-Z0-9]{20}) -> ([a-zA-Z0-9]{20})",
        updated,
    )
    assert m is not None and m.group(1) != m.group(2)

    assert "page 1: ['front-door', 'garage']" in out
    assert "page 2: ['porch', 'yard']" in out
    put, hls = (line for line in out if line.startswith(("PUT_MEDIA: ", "GET_HLS_")))
    assert re.fullmatch(
        r"PUT_MEDIA: https://s-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com", put
    )
    assert re.fullmatch(
        r"GET_HLS_STREAMING_SESSION_URL: "
        r"https://b-[0-9a-f]{8}\.kinesisvideo\.us-east-1\.amazonaws\.com",
        hls,
    )
    assert "Error.Code: ResourceNotFoundException" in out
    channel = next(line for line in out if line.startswith("ChannelARN: "))
    assert re.fullmatch(
        r"ChannelARN: arn:aws:kinesisvideo:us-east-1:123456789012:channel/doorbell/\d{13}",
        channel,
    )
    protocols = [line.split(": ", 1) for line in out if line.startswith(("WSS: ", "HTTPS: "))]
    protocols += [line.split(": ", 1) for line in out if line.startswith("WEBRTC: ")]
    assert [(p, re.sub("[0-9a-f]{8}", "X", url)) for p, url in protocols] == [
        ("WSS", "wss://m-X.kinesisvideo.us-east-1.amazonaws.com"),
        ("HTTPS", "https://r-X.kinesisvideo.us-east-1.amazonaws.com"),
        ("WEBRTC", "https://w-X.kinesisvideo.us-east-1.amazonaws.com"),
    ]
    assert "stream tags by ARN: {'team': 'video', 'site': 'berlin', 'linked': 'doorbell'}" in out
    assert (
        "delete_stream while linked: ResourceInUseException - "
        "Disable MediaStorageConfiguration to delete the stream" in out
    )
    assert "Error.Message: The requested stream is not found or not active." in out
    assert "HTTP status: 404" in out
    assert "streams: ['garage', 'porch', 'yard']" in out


def test_demo_cli_session(demo: subprocess.CompletedProcess[str]) -> None:
    text = demo.stdout
    part2 = text[text.index("Part 2: an AWS CLI session") :]
    commands = [
        line[len("$ aws kinesisvideo ") :].split()[0]
        for line in part2.splitlines()
        if line.startswith("$ aws kinesisvideo ")
    ]
    assert commands == [
        "create-stream",
        "create-stream",
        "describe-stream",
        "list-streams",
        "tag-stream",
        "list-tags-for-stream",
        "update-data-retention",
        "describe-stream",
        "delete-stream",
        "describe-stream",
        "list-streams",
    ]
    # The CLI's own JSON, as it prints it (4-space indent, CreationTime in epoch seconds).
    assert re.search(
        r'"StreamARN": "arn:aws:kinesisvideo:us-east-1:123456789012:stream/backyard/(\d{13})"',
        part2,
    )
    assert re.search(r'\n        "CreationTime": \d{10}\.\d{1,3},\n', part2)
    assert '"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/kinesisvideo"' in part2
    assert '        "DataRetentionInHours": 24\n' in part2
    assert '        "DataRetentionInHours": 72\n' in part2
    assert '    "Tags": {\n        "team": "video",\n        "site": "berlin"\n    }' in part2
    assert '    "NextToken": "' in part2  # --max-items 1 over two streams
    assert (
        "stderr: An error occurred (ResourceNotFoundException) when calling the "
        "DescribeStream operation: The requested stream is not found or not active.\n"
        "exit code: 255"
    ) in part2
    last_listing = part2[part2.rindex("$ aws kinesisvideo list-streams") :]
    assert ARN.findall(last_listing) == [("driveway", ARN.findall(part2)[1][1])]
