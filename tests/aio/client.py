"""aiobotocore against ``kvsmock serve``, run by tests/test_server_aio.py with
.venv-async's Python (aiobotocore pins a narrow botocore range):

    python client.py <server URL> <stream> <start epoch s> <end epoch s>

Prints one JSON object with what aiobotocore returned.
"""

import asyncio
import datetime
import json
import sys

from aiobotocore.session import get_session


async def main(url: str, stream: str, start: float, end: float) -> dict:
    session = get_session()
    out: dict = {}
    common = {
        "region_name": "us-east-1",
        "aws_access_key_id": "AKIAKVSMOCKAIO000001",
        "aws_secret_access_key": "fake",
    }
    async with session.create_client("kinesisvideo", endpoint_url=url, **common) as kv:
        created = await kv.create_stream(StreamName="aio-cam", DataRetentionInHours=1)
        out["created"] = created["StreamARN"]
        info = (await kv.describe_stream(StreamName="aio-cam"))["StreamInfo"]
        out["described"] = info["StreamARN"]
        out["creation_ms"] = int(info["CreationTime"].timestamp() * 1000)
        try:
            await kv.describe_stream(StreamName="nope")
            out["error"] = None
        except kv.exceptions.ResourceNotFoundException as e:
            out["error"] = e.response["Error"]
        endpoints = {}
        for api in ("GET_MEDIA", "LIST_FRAGMENTS"):
            found = await kv.get_data_endpoint(StreamName=stream, APIName=api)
            endpoints[api] = found["DataEndpoint"]
    selector = {
        "FragmentSelectorType": "PRODUCER_TIMESTAMP",
        "TimestampRange": {
            "StartTimestamp": datetime.datetime.fromtimestamp(start, datetime.timezone.utc),
            "EndTimestamp": datetime.datetime.fromtimestamp(end, datetime.timezone.utc),
        },
    }
    async with session.create_client(
        "kinesis-video-archived-media", endpoint_url=endpoints["LIST_FRAGMENTS"], **common
    ) as archived:
        listed = await archived.list_fragments(StreamName=stream, FragmentSelector=selector)
        out["fragments"] = sorted(f["FragmentNumber"] for f in listed["Fragments"])
    async with session.create_client(
        "kinesis-video-media", endpoint_url=endpoints["GET_MEDIA"], **common
    ) as media:
        got = await media.get_media(
            StreamName=stream, StartSelector={"StartSelectorType": "EARLIEST"}
        )
        async with got["Payload"] as body:
            data = await body.read()
        out["media_type"] = got["ContentType"]
        out["media_bytes"] = len(data)
        out["ebml_headers"] = data.count(bytes.fromhex("1a45dfa3"))
    return out


if __name__ == "__main__":
    result = asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])))
    print(json.dumps(result))
