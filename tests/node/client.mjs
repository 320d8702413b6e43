// The AWS SDK for JavaScript v3 against `kvsmock serve`, run by tests/test_server_node.py:
//   node client.mjs <server URL> <stream name> <clip start epoch s> <clip end epoch s>
// Prints one JSON object with what the SDK returned; the Python test asserts on it.
import {
  KinesisVideoClient,
  CreateStreamCommand,
  DescribeStreamCommand,
  ListStreamsCommand,
  GetDataEndpointCommand,
  DeleteStreamCommand,
} from "@aws-sdk/client-kinesis-video";
import { KinesisVideoMediaClient, GetMediaCommand } from "@aws-sdk/client-kinesis-video-media";
import {
  KinesisVideoArchivedMediaClient,
  ListFragmentsCommand,
  GetClipCommand,
  GetHLSStreamingSessionURLCommand,
} from "@aws-sdk/client-kinesis-video-archived-media";

const [url, stream, clipStart, clipEnd] = process.argv.slice(2);
const config = { region: "us-east-1", maxAttempts: 1 };
const kv = new KinesisVideoClient({ ...config, endpoint: url });
const out = {};

const created = await kv.send(new CreateStreamCommand({ StreamName: "js-cam", DataRetentionInHours: 1 }));
out.created = created.StreamARN;
out.described = (await kv.send(new DescribeStreamCommand({ StreamName: "js-cam" }))).StreamInfo.StreamARN;
out.listed = (await kv.send(new ListStreamsCommand({}))).StreamInfoList.map((s) => s.StreamName);
try {
  await kv.send(new DescribeStreamCommand({ StreamName: "nope" }));
  out.error = null;
} catch (e) {
  out.error = { name: e.name, message: e.message, status: e.$metadata.httpStatusCode };
}
await kv.send(new DeleteStreamCommand({ StreamARN: created.StreamARN }));

async function endpoint(api) {
  return (await kv.send(new GetDataEndpointCommand({ StreamName: stream, APIName: api }))).DataEndpoint;
}
const range = {
  StartTimestamp: new Date(Number(clipStart) * 1000),
  EndTimestamp: new Date(Number(clipEnd) * 1000),
};
const archived = new KinesisVideoArchivedMediaClient({ ...config, endpoint: await endpoint("LIST_FRAGMENTS") });
const fragments = await archived.send(
  new ListFragmentsCommand({
    StreamName: stream,
    FragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range },
  }),
);
out.fragments = fragments.Fragments.map((f) => f.FragmentNumber).sort();

const media = new KinesisVideoMediaClient({ ...config, endpoint: await endpoint("GET_MEDIA") });
const got = await media.send(
  new GetMediaCommand({ StreamName: stream, StartSelector: { StartSelectorType: "EARLIEST" } }),
);
out.mediaContentType = got.ContentType;
out.mediaBytes = (await got.Payload.transformToByteArray()).length;

const clips = new KinesisVideoArchivedMediaClient({ ...config, endpoint: await endpoint("GET_CLIP") });
const clip = await clips.send(
  new GetClipCommand({
    StreamName: stream,
    ClipFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range },
  }),
);
out.clipContentType = clip.ContentType;
const clipBytes = await clip.Payload.transformToByteArray();
out.clipBytes = clipBytes.length;
out.clipBox = Buffer.from(clipBytes.slice(4, 8)).toString("latin1");

const hls = new KinesisVideoArchivedMediaClient({
  ...config,
  endpoint: await endpoint("GET_HLS_STREAMING_SESSION_URL"),
});
out.hls = (
  await hls.send(
    new GetHLSStreamingSessionURLCommand({
      StreamName: stream,
      PlaybackMode: "ON_DEMAND",
      HLSFragmentSelector: { FragmentSelectorType: "PRODUCER_TIMESTAMP", TimestampRange: range },
    }),
  )
).HLSStreamingSessionURL;
const playlist = await fetch(out.hls);
out.hlsStatus = playlist.status;
out.hlsFirstLine = (await playlist.text()).split("\n")[0];

console.log(JSON.stringify(out));
