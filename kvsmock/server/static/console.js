// kvsmock console: one plain page over the server's own API (the same operations any client
// calls, signed with a fake SigV4 scope that names the account and region shown), plus the
// /_kvsmock/ control paths for what no operation lists (accounts, open signaling
// connections). Selection lives in the URL hash: #account=...&region=...&stream=NAME or
// &channel=ARN (&live=1 follows a live stream).
"use strict";

const $ = (selector) => document.querySelector(selector);
const DEFAULT_KEY = "AKIAKVSMOCKCONSOLE01"; // not in --account: the server's default account
let accounts = { DefaultAccount: "", AccessKeys: {} };
let scope = { account: "", region: "us-east-1" };
let hls = null;
let liveTimer = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v);
  }
  for (const child of children) node.append(child instanceof Node ? child : String(child));
  return node;
}

function status(text, error = false) {
  const node = $("#status");
  node.textContent = text;
  node.className = error ? "error" : "";
}

function hashParams() {
  return new URLSearchParams(location.hash.slice(1));
}

function setHash(params) {
  const next = new URLSearchParams({ account: scope.account, region: scope.region, ...params });
  history.replaceState(null, "", "#" + next.toString());
}

function accessKey(account) {
  for (const [key, id] of Object.entries(accounts.AccessKeys)) if (id === account) return key;
  return DEFAULT_KEY;
}

function authorization() {
  const day = new Date().toISOString().slice(0, 10).replaceAll("-", "");
  return (
    `AWS4-HMAC-SHA256 Credential=${accessKey(scope.account)}/${day}/${scope.region}/` +
    "kinesisvideo/aws4_request, SignedHeaders=host, Signature=" + "0".repeat(64)
  );
}

async function api(path, body, endpoint = "") {
  const reply = await fetch(endpoint + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: authorization() },
    body: JSON.stringify(body),
  });
  const data = await reply.json().catch(() => ({}));
  if (!reply.ok) {
    const type = (data.__type || reply.status + "").split("#").pop();
    throw new Error(`${path}: ${type}: ${data.message || data.Message || ""}`);
  }
  return data;
}

async function control(path) {
  const reply = await fetch("/_kvsmock/" + path);
  if (!reply.ok) throw new Error(`/_kvsmock/${path}: HTTP ${reply.status}`);
  return reply.json();
}

const iso = (seconds) => (seconds == null ? "" : new Date(seconds * 1000).toISOString());

function details(pairs) {
  const dl = el("dl");
  for (const [k, v] of pairs) dl.append(el("dt", {}, k), el("dd", {}, v ?? ""));
  return dl;
}

function panel(title, ...children) {
  return el("section", { class: "panel" }, el("h3", {}, title), ...children);
}

function stopPlayer() {
  if (hls) hls.destroy();
  hls = null;
  if (liveTimer) clearInterval(liveTimer);
  liveTimer = null;
}

// -- lists -----------------------------------------------------------------------------------

async function loadState() {
  const [state, keys] = await Promise.all([control("state"), control("accounts")]);
  accounts = keys;
  const select = $("#scope");
  select.replaceChildren();
  const scopes = [];
  for (const [account, regions] of Object.entries(state.Accounts)) {
    for (const [region, content] of Object.entries(regions)) scopes.push({ account, region, content });
  }
  if (!scopes.length) scopes.push({ account: accounts.DefaultAccount, region: "us-east-1", content: { Streams: [], SignalingChannels: [] } });
  const wanted = hashParams();
  let chosen = scopes.find((s) => s.account === (wanted.get("account") || scope.account) && s.region === (wanted.get("region") || scope.region)) || scopes[0];
  for (const s of scopes) {
    const option = el("option", { value: `${s.account}/${s.region}` }, `${s.account} / ${s.region} (${s.content.Streams.length} streams, ${s.content.SignalingChannels.length} channels)`);
    if (s === chosen) option.selected = true;
    select.append(option);
  }
  scope = { account: chosen.account, region: chosen.region };
  renderLists(chosen.content);
  status(`updated ${new Date().toLocaleTimeString()}`);
}

function renderLists(content) {
  const wanted = hashParams();
  const streams = $("#streams");
  streams.replaceChildren();
  for (const s of content.Streams) {
    const li = el("li", { "data-stream": s.StreamName, onclick: () => showStream(s.StreamName) }, s.StreamName, el("small", {}, `${s.Status} · ${s.Fragments} fragments`));
    streams.append(li);
  }
  if (!content.Streams.length) streams.append(el("li", { class: "hint" }, "none"));
  const channels = $("#channels");
  channels.replaceChildren();
  for (const c of content.SignalingChannels) {
    channels.append(el("li", { "data-channel": c.ChannelARN, onclick: () => showChannel(c.ChannelARN) }, c.ChannelName, el("small", {}, c.ChannelStatus)));
  }
  if (!content.SignalingChannels.length) channels.append(el("li", { class: "hint" }, "none"));
  if (wanted.get("stream")) showStream(wanted.get("stream"));
  else if (wanted.get("channel")) showChannel(wanted.get("channel"));
}

function select(attr, value) {
  for (const li of document.querySelectorAll("nav li")) li.classList.toggle("selected", li.getAttribute(attr) === value);
}

// -- a stream --------------------------------------------------------------------------------

async function dataEndpoint(stream, apiName) {
  return (await api("/getDataEndpoint", { StreamName: stream, APIName: apiName })).DataEndpoint;
}

async function listFragments(stream, since) {
  const endpoint = await dataEndpoint(stream, "LIST_FRAGMENTS");
  const selector = {
    FragmentSelectorType: "SERVER_TIMESTAMP",
    TimestampRange: { StartTimestamp: since, EndTimestamp: Date.now() / 1000 + 60 },
  };
  const fragments = [];
  let token;
  do {
    const page = await api("/listFragments", { StreamName: stream, MaxResults: 1000, ...(token ? { NextToken: token } : { FragmentSelector: selector }) }, endpoint);
    fragments.push(...page.Fragments);
    token = page.NextToken;
  } while (token && fragments.length < 5000);
  return fragments.sort((a, b) => a.ProducerTimestamp - b.ProducerTimestamp);
}

function timeline(fragments) {
  // Two rows, each on its own axis: producer time (the camera's clock) and server time
  // (arrival), which may be years apart. Hover a bar for its fragment.
  const NS = "http://www.w3.org/2000/svg";
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("class", "timeline");
  svg.setAttribute("viewBox", "0 0 1000 90");
  svg.setAttribute("preserveAspectRatio", "none");
  const add = (tag, attrs, text) => {
    const node = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    if (text) node.textContent = text;
    svg.append(node);
    return node;
  };
  const rows = [["producer", "ProducerTimestamp", 0], ["server", "ServerTimestamp", 45]];
  for (const [cls, field, top] of rows) {
    const t0 = Math.min(...fragments.map((f) => f[field]));
    const t1 = Math.max(...fragments.map((f) => f[field] + f.FragmentLengthInMilliseconds / 1000));
    const x = (t) => ((t - t0) / Math.max(t1 - t0, 0.001)) * 980 + 10;
    add("text", { x: 10, y: top + 10 }, `${cls} time  ${iso(t0)}`);
    add("text", { x: 990, y: top + 10, "text-anchor": "end" }, iso(t1));
    for (const f of fragments) {
      const start = f[field];
      const end = start + f.FragmentLengthInMilliseconds / 1000;
      const rect = add("rect", { class: cls, x: x(start), y: top + 14, height: 24, width: Math.max(x(end) - x(start) - 1, 1) });
      const title = document.createElementNS(NS, "title");
      title.textContent = `#${f.FragmentNumber} ${iso(start)} ${f.FragmentLengthInMilliseconds} ms, ${f.FragmentSizeInBytes} bytes`;
      rect.append(title);
    }
  }
  return svg;
}

async function thumbnails(stream, fragments) {
  const box = el("div", { class: "thumbs" });
  if (!fragments.length) return box;
  const first = Math.min(...fragments.map((f) => f.ServerTimestamp));
  const last = Math.max(...fragments.map((f) => f.ServerTimestamp + f.FragmentLengthInMilliseconds / 1000));
  const interval = Math.max(200, Math.floor(((last - first) * 1000) / 6));
  const endpoint = await dataEndpoint(stream, "GET_IMAGES");
  const images = await api("/getImages", {
    StreamName: stream, ImageSelectorType: "SERVER_TIMESTAMP", StartTimestamp: first, EndTimestamp: last,
    SamplingInterval: interval, Format: "JPEG", WidthPixels: 160, MaxResults: 6,
  }, endpoint);
  for (const image of images.Images) {
    if (!image.ImageContent) continue;
    box.append(el("figure", {}, el("img", { src: "data:image/jpeg;base64," + image.ImageContent, alt: iso(image.TimeStamp) }), iso(image.TimeStamp).slice(11, 23)));
  }
  return box;
}

async function play(stream, fragments, live, video, note) {
  stopPlayer();
  const endpoint = await dataEndpoint(stream, "GET_HLS_STREAMING_SESSION_URL");
  let params = { StreamName: stream, PlaybackMode: "LIVE" };
  if (!live) {
    const first = Math.min(...fragments.map((f) => f.ServerTimestamp));
    const last = Math.max(...fragments.map((f) => f.ServerTimestamp + f.FragmentLengthInMilliseconds / 1000)) + 1;
    params = {
      StreamName: stream, PlaybackMode: "ON_DEMAND",
      HLSFragmentSelector: { FragmentSelectorType: "SERVER_TIMESTAMP", TimestampRange: { StartTimestamp: Math.max(first, last - 86399), EndTimestamp: last } },
    };
  }
  const { HLSStreamingSessionURL } = await api("/getHLSStreamingSessionURL", params, endpoint);
  note.textContent = `${params.PlaybackMode} session: ${HLSStreamingSessionURL}`;
  if (!window.Hls || !window.Hls.isSupported()) {
    video.src = HLSStreamingSessionURL; // Safari plays HLS natively
  } else {
    hls = new window.Hls({ liveDurationInfinity: true });
    hls.on(window.Hls.Events.ERROR, (_, data) => {
      if (data.fatal) note.textContent += ` (hls.js: ${data.details})`;
    });
    hls.loadSource(HLSStreamingSessionURL);
    hls.attachMedia(video);
  }
  video.muted = true;
  video.play().catch(() => {});
}

async function showStream(name) {
  stopPlayer();
  select("data-stream", name);
  const live = hashParams().get("live") === "1";
  setHash({ stream: name, ...(live ? { live: "1" } : {}) });
  const detail = $("#detail");
  detail.replaceChildren(el("h2", {}, name), el("p", { class: "hint" }, "loading…"));
  try {
    const info = (await api("/describeStream", { StreamName: name })).StreamInfo;
    const fragments = await listFragments(name, info.CreationTime);
    const video = el("video", { controls: "", muted: "", playsinline: "", width: "400" });
    const note = el("p", { class: "hint" });
    const follow = el("input", { type: "checkbox", id: "follow" });
    follow.checked = live;
    follow.addEventListener("change", () => {
      const params = hashParams();
      if (follow.checked) params.set("live", "1"); else params.delete("live");
      history.replaceState(null, "", "#" + params.toString());
      showStream(name);
    });
    const timelineBox = el("div", {}, fragments.length ? timeline(fragments) : el("p", { class: "hint" }, "No fragments yet."));
    detail.replaceChildren(
      el("h2", {}, name),
      panel("Details", details([
        ["StreamARN", info.StreamARN], ["Status", info.Status], ["MediaType", info.MediaType],
        ["DataRetentionInHours", info.DataRetentionInHours], ["Version", info.Version],
        ["CreationTime", iso(info.CreationTime)], ["KmsKeyId", info.KmsKeyId], ["Fragments", fragments.length],
      ])),
      panel("Player", el("label", {}, follow, " follow live (LIVE session)"), el("div", {}, video), note),
      panel(`Fragments (${fragments.length})`, timelineBox),
      panel("Images (GetImages)", fragments.length ? await thumbnails(name, fragments) : el("p", { class: "hint" }, "No fragments yet.")),
    );
    if (fragments.length || live) await play(name, fragments, live, video, note).catch((e) => { note.textContent = e.message; note.className = "error"; });
    if (live) {
      liveTimer = setInterval(async () => {
        const now = await listFragments(name, info.CreationTime).catch(() => null);
        if (now && now.length) timelineBox.replaceChildren(timeline(now));
      }, 3000);
    }
  } catch (e) {
    detail.append(el("p", { class: "error" }, e.message));
  }
}

// -- a channel -------------------------------------------------------------------------------

async function showChannel(arn) {
  stopPlayer();
  select("data-channel", arn);
  setHash({ channel: arn });
  const detail = $("#detail");
  detail.replaceChildren(el("h2", {}, arn.split("/")[1] || arn), el("p", { class: "hint" }, "loading…"));
  try {
    const info = (await api("/describeSignalingChannel", { ChannelARN: arn })).ChannelInfo;
    const connected = (await control("signaling")).Channels[arn] || { Master: false, Viewers: [] };
    const endpoints = [];
    for (const role of ["MASTER", "VIEWER"]) {
      const list = await api("/getSignalingChannelEndpoint", { ChannelARN: arn, SingleMasterChannelEndpointConfiguration: { Protocols: ["WSS", "HTTPS"], Role: role } });
      for (const e of list.ResourceEndpointList) endpoints.push([`${role} ${e.Protocol}`, e.ResourceEndpoint]);
    }
    detail.replaceChildren(
      el("h2", {}, info.ChannelName),
      panel("Details", details([
        ["ChannelARN", info.ChannelARN], ["ChannelType", info.ChannelType], ["ChannelStatus", info.ChannelStatus],
        ["MessageTtlSeconds", info.SingleMasterConfiguration?.MessageTtlSeconds], ["Version", info.Version],
        ["CreationTime", iso(info.CreationTime)],
      ])),
      panel("Signaling connections (WebSocket)", details([
        ["Master", connected.Master ? "connected" : "not connected"],
        ["Viewers", connected.Viewers.length ? connected.Viewers.join(", ") : "none"],
      ])),
      panel("Endpoints", details(endpoints)),
    );
  } catch (e) {
    detail.append(el("p", { class: "error" }, e.message));
  }
}

// -- start -----------------------------------------------------------------------------------

$("#scope").addEventListener("change", (event) => {
  const [account, region] = event.target.value.split("/");
  scope = { account, region };
  stopPlayer();
  setHash({});
  $("#detail").replaceChildren(el("p", { class: "hint" }, "Pick a stream or a channel."));
  loadState().catch((e) => status(e.message, true));
});
$("#refresh").addEventListener("click", () => loadState().catch((e) => status(e.message, true)));
loadState().catch((e) => status(e.message, true));
