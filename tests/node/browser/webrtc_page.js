// A master or a viewer written as the KVS WebRTC SDK's own examples are: the official
// SignalingClient (window.KVSWebRTC, the SDK's dist/kvs-webrtc.min.js) over kvsmock's
// signaling WebSocket, a real RTCPeerConnection, the master sending Chromium's fake camera.
// Query: ?role=MASTER|VIEWER&endpoint=<wss endpoint>&channelARN=<arn>&server=<https URL>
// No ICE servers: host candidates only, on this machine.
"use strict";

const q = new URLSearchParams(location.search);
const role = q.get("role");
const log = [];
const finish = (result) => {
  window.__result = { role, log, ...result };
  window.__done = true;
};

async function masterConnected() {
  // The viewer starts once the master's WebSocket is open (kvsmock's control view).
  for (;;) {
    const view = await (await fetch(q.get("server") + "/_kvsmock/signaling")).json();
    if (view.Channels[q.get("channelARN")]?.Master) return;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function stats(pc, type) {
  const report = await pc.getStats();
  for (const s of report.values()) if (s.type === type && s.kind === "video") return s;
  return {};
}

async function main() {
  const client = new KVSWebRTC.SignalingClient({
    channelARN: q.get("channelARN"),
    channelEndpoint: q.get("endpoint"),
    role: role === "MASTER" ? KVSWebRTC.Role.MASTER : KVSWebRTC.Role.VIEWER,
    clientId: role === "MASTER" ? undefined : "browser-viewer",
    region: "us-east-1",
    credentials: { accessKeyId: "AKIAKVSMOCKWEBRTC001", secretAccessKey: "fake-webrtc-secret" },
  });
  client.on("error", (e) => log.push(`signaling error: ${e?.message || e}`));
  client.on("close", () => log.push("signaling closed"));
  client.on("statusResponse", (s) => log.push(`status: ${JSON.stringify(s)}`));
  const video = document.getElementById("video");

  if (role === "MASTER") {
    const camera = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 }, audio: false });
    const settings = camera.getVideoTracks()[0].getSettings();
    video.srcObject = camera;
    client.on("open", () => log.push("open"));
    client.on("sdpOffer", async (offer, viewerId) => {
      log.push(`offer from ${viewerId}`);
      const pc = new RTCPeerConnection({ iceServers: [] });
      camera.getTracks().forEach((t) => pc.addTrack(t, camera));
      pc.onicecandidate = ({ candidate }) => candidate && client.sendIceCandidate(candidate, viewerId);
      client.on("iceCandidate", (c, from) => from === viewerId && pc.addIceCandidate(c));
      await pc.setRemoteDescription(offer);
      await pc.setLocalDescription(await pc.createAnswer());
      client.sendSdpAnswer(pc.localDescription, viewerId);
      const poll = setInterval(async () => {
        const sent = await stats(pc, "outbound-rtp");
        if (pc.connectionState === "connected" && sent.framesEncoded > 20) {
          clearInterval(poll);
          finish({ viewerId, connectionState: pc.connectionState, framesEncoded: sent.framesEncoded,
            cameraWidth: settings.width, cameraHeight: settings.height });
        }
      }, 200);
    });
    client.open();
    return;
  }

  await masterConnected();
  const pc = new RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver("video", { direction: "recvonly" });
  pc.ontrack = (event) => {
    video.srcObject = event.streams[0] || new MediaStream([event.track]);
  };
  pc.onicecandidate = ({ candidate }) => candidate && client.sendIceCandidate(candidate);
  client.on("sdpAnswer", async (answer) => {
    log.push("answer");
    await pc.setRemoteDescription(answer);
  });
  client.on("iceCandidate", (c) => pc.addIceCandidate(c));
  client.on("open", async () => {
    log.push("open");
    await pc.setLocalDescription(await pc.createOffer());
    client.sendSdpOffer(pc.localDescription);
  });
  client.open();
  const poll = setInterval(async () => {
    const got = await stats(pc, "inbound-rtp");
    if (video.videoWidth > 0 && video.currentTime > 1 && got.framesDecoded > 20) {
      clearInterval(poll);
      finish({ connectionState: pc.connectionState, framesDecoded: got.framesDecoded,
        videoWidth: video.videoWidth, videoHeight: video.videoHeight, currentTime: video.currentTime });
    }
  }, 200);
}

main().catch((e) => finish({ error: `${e.name}: ${e.message}` }));
