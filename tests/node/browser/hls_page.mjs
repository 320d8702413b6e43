// A viewer page as KVS web viewers are written: the AWS SDK for JavaScript v3 gets the
// stream's HLS session URL, hls.js (window.Hls, loaded by the page) plays it. Bundled for
// the browser by esbuild in tests/test_browser.py; the page's query string says where the
// server is: ?endpoint=<kvsmock URL>&stream=<name>&start=<epoch s>&end=<epoch s>.
import { KinesisVideoClient, GetDataEndpointCommand } from "@aws-sdk/client-kinesis-video";
import {
  KinesisVideoArchivedMediaClient,
  GetHLSStreamingSessionURLCommand,
} from "@aws-sdk/client-kinesis-video-archived-media";

const q = new URLSearchParams(location.search);
const config = {
  region: "us-east-1",
  maxAttempts: 1,
  credentials: { accessKeyId: "AKIAKVSMOCKBROWSER01", secretAccessKey: "fake-browser-secret" },
};

function finish(result) {
  window.__result = result;
  window.__done = true;
}

async function main() {
  const kv = new KinesisVideoClient({ ...config, endpoint: q.get("endpoint") });
  const { DataEndpoint } = await kv.send(
    new GetDataEndpointCommand({ StreamName: q.get("stream"), APIName: "GET_HLS_STREAMING_SESSION_URL" }),
  );
  const archived = new KinesisVideoArchivedMediaClient({ ...config, endpoint: DataEndpoint });
  const { HLSStreamingSessionURL } = await archived.send(
    new GetHLSStreamingSessionURLCommand({
      StreamName: q.get("stream"),
      PlaybackMode: "ON_DEMAND",
      HLSFragmentSelector: {
        FragmentSelectorType: "PRODUCER_TIMESTAMP",
        TimestampRange: {
          StartTimestamp: new Date(Number(q.get("start")) * 1000),
          EndTimestamp: new Date(Number(q.get("end")) * 1000),
        },
      },
    }),
  );
  const video = document.getElementById("video");
  const hls = new window.Hls();
  hls.on(window.Hls.Events.ERROR, (_, data) => {
    if (data.fatal) finish({ error: `hls.js: ${data.type} ${data.details}`, url: HLSStreamingSessionURL });
  });
  hls.loadSource(HLSStreamingSessionURL);
  hls.attachMedia(video);
  video.muted = true;
  await video.play();
  const started = performance.now();
  const poll = setInterval(() => {
    if (video.currentTime >= 1.5 || performance.now() - started > 20000) {
      clearInterval(poll);
      finish({
        url: HLSStreamingSessionURL,
        dataEndpoint: DataEndpoint,
        origin: location.origin,
        currentTime: video.currentTime,
        videoWidth: video.videoWidth,
        videoHeight: video.videoHeight,
        duration: video.duration,
      });
    }
  }, 100);
}

main().catch((e) => finish({ error: `${e.name}: ${e.message}` }));
