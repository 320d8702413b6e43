"""kvsmock media plane: put a real Matroska file into a fake stream and read it back.

Run it with ``.venv/bin/python examples/media.py``. ``mock.put_media`` stands in for
PutMedia (which boto3 lacks); GetMedia, ListFragments and GetMediaForFragmentList are the
real boto3 clients, pointed at the stream's GetDataEndpoint URL as on AWS. The last part
sends PutMedia over HTTP with ``requests``, as the producer SDKs do, and kvsmock answers it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import boto3
import ebmlite
import requests

from kvsmock import mock_kinesisvideo

REGION = "us-east-1"
SAMPLE = (
    Path(__file__).resolve().parent.parent
    / "tests"
    / "data"
    / "h264_aac_320x240_15fps_4s_gop1s.mkv"
)


def tags_of(chunk: bytes) -> dict:
    """The chunk's SimpleTags, read the way the KVS consumer library for Python reads them."""
    schema = ebmlite.loadSchema("matroska.xml")
    found = {}
    for element in schema.load(io.BytesIO(chunk), headers=True):
        if element.name != "Segment":
            continue
        for child in element:
            if child.name == "Tags":
                for tag in child.dump().get("Tag", []):
                    for simple in tag.get("SimpleTag", []):
                        found[simple["TagName"]] = simple.get("TagString")
    return found


def split(body: bytes) -> list:
    schema = ebmlite.loadSchema("matroska.xml")
    starts = [el.offset for el in schema.load(io.BytesIO(body), headers=True) if el.name == "EBML"]
    return [body[a:b] for a, b in zip(starts, [*starts[1:], len(body)])]


def main() -> None:
    with mock_kinesisvideo() as mock:
        kv = boto3.client("kinesisvideo", region_name=REGION)
        kv.create_stream(StreamName="front-door", DataRetentionInHours=24)
        print(f"PutMedia {SAMPLE.name} ({SAMPLE.stat().st_size} bytes)")
        with SAMPLE.open("rb") as payload:
            acks = mock.put_media(StreamName="front-door", Payload=payload)
        for ack in acks:
            event, timecode = ack["EventType"], ack["FragmentTimecode"]
            print(f"  ack {event:<9} timecode {timecode:>5}  {ack['FragmentNumber']}")

        url = kv.get_data_endpoint(StreamName="front-door", APIName="GET_MEDIA")["DataEndpoint"]
        media = boto3.client("kinesis-video-media", region_name=REGION, endpoint_url=url)
        reply = media.get_media(
            StreamName="front-door", StartSelector={"StartSelectorType": "EARLIEST"}
        )
        body = reply["Payload"].read()
        print(f"\nGetMedia: {reply['ContentType']}, {len(body)} bytes")
        for chunk in split(body):
            tags = tags_of(chunk)
            print(
                f"  chunk {len(chunk):>6} bytes"
                f"  fragment {tags['AWS_KINESISVIDEO_FRAGMENT_NUMBER']}"
                f"  producer {tags['AWS_KINESISVIDEO_PRODUCER_TIMESTAMP']}"
                f"  behind {tags['AWS_KINESISVIDEO_MILLIS_BEHIND_NOW']} ms"
            )

        url = kv.get_data_endpoint(StreamName="front-door", APIName="LIST_FRAGMENTS")[
            "DataEndpoint"
        ]
        archive = boto3.client("kinesis-video-archived-media", region_name=REGION, endpoint_url=url)
        now = dt.datetime.now(dt.timezone.utc)
        pages = archive.get_paginator("list_fragments").paginate(
            StreamName="front-door",
            FragmentSelector={
                "FragmentSelectorType": "SERVER_TIMESTAMP",
                "TimestampRange": {
                    "StartTimestamp": now - dt.timedelta(hours=1),
                    "EndTimestamp": now,
                },
            },
        )
        fragments = [f for page in pages for f in page["Fragments"]]
        print(f"\nListFragments: {len(fragments)} fragments")
        for f in fragments:
            length, size = f["FragmentLengthInMilliseconds"], f["FragmentSizeInBytes"]
            print(f"  {f['FragmentNumber']}  {length} ms  {size} bytes")
        last = archive.get_media_for_fragment_list(
            StreamName="front-door", Fragments=[fragments[-1]["FragmentNumber"]]
        )
        (chunk,) = split(last["Payload"].read())
        print(f"\nGetMediaForFragmentList: 1 chunk, tags {sorted(tags_of(chunk))}")
        print("\nThe GetMedia body is a playable Matroska stream: write it to a .mkv file.")
        put_media_over_http(kv)


def put_media_over_http(kv) -> None:
    """PutMedia as the producer SDKs send it: ``POST /putMedia`` on the PUT_MEDIA endpoint."""
    kv.create_stream(StreamName="porch", DataRetentionInHours=24)
    url = kv.get_data_endpoint(StreamName="porch", APIName="PUT_MEDIA")["DataEndpoint"]
    headers = {
        "x-amzn-stream-name": "porch",
        "x-amzn-fragment-timecode-type": "RELATIVE",
        "x-amzn-producer-start-timestamp": f"{dt.datetime.now(dt.timezone.utc).timestamp():.3f}",
    }
    with SAMPLE.open("rb") as f:  # a generator body: a chunked upload, as a live producer sends
        chunks = iter(lambda: f.read(64 * 1024), b"")
        reply = requests.post(f"{url}/putMedia", data=chunks, headers=headers, timeout=10)
    events = [json.loads(line) for line in reply.text.splitlines()]
    print(f"\nPutMedia over HTTP to {url}/putMedia: HTTP {reply.status_code}")
    for event in events:
        print(f"  {event['EventType']:<9} timecode {event['FragmentTimecode']:>5}")


if __name__ == "__main__":
    main()
