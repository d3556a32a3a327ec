/**
 * The baseline of bench/connect: the least a browser call can do. A tiny
 * HTTP server serves one static page; two copies of it (`?role=a`, the
 * caller, and `?role=b`) open the fake camera and microphone when they load,
 * and on `start()` in page a exchange offer, answer and trickled candidates
 * through a bare WebSocket relay (a message from one role goes to the other,
 * nothing else: no authentication, no protocol, no database). No STUN or
 * TURN, the browser's default configuration, like the app's on loopback.
 *
 * {@link FRAME_PROBE} is the measuring instrument for both the app and this
 * page, so both are measured the same way.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket as RelaySocket } from 'ws';

/**
 * Init script for every measured page: `window.__bench.firstRemoteFrame` is
 * the time (ms since the Unix epoch, sub-millisecond) the first video frame
 * received over an RTCPeerConnection was presented in a <video> element
 * (`requestVideoFrameCallback`), and `window.__bench.lastClick` that of the
 * last trusted click. Both are reset by the bench before each run.
 * `window.__bench.events` is a timeline of what happened meanwhile (devices
 * opened, signalling messages, connection states), for BENCH_TRACE=1.
 */
export function FRAME_PROBE(): void {
  const now = (at = performance.now()) => performance.timeOrigin + at;
  const bench = { firstRemoteFrame: null as number | null, lastClick: null as number | null, t0: null as number | null, events: [] as [number, string][] };
  Object.assign(window, { __bench: bench });
  const mark = (what: string) => bench.events.push([now(), what]);
  // The main thread's long tasks: time a page could not react to anything.
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) bench.events.push([now(entry.startTime), `long task ${Math.round(entry.duration)} ms`]);
  }).observe({ type: 'longtask', buffered: false });
  const remote = new WeakSet<MediaStreamTrack>();
  const Native = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      mark('pc created');
      this.addEventListener('track', (event) => {
        remote.add(event.track);
        mark(`track ${event.track.kind}`);
      });
      this.addEventListener('iceconnectionstatechange', () => mark(`ice ${this.iceConnectionState}`));
      this.addEventListener('connectionstatechange', () => mark(`pc ${this.connectionState}`));
    }
  };
  for (const name of ['setLocalDescription', 'setRemoteDescription'] as const) {
    const original = Reflect.get(Native.prototype, name) as (this: RTCPeerConnection, ...args: unknown[]) => Promise<void>;
    Object.defineProperty(Native.prototype, name, {
      value(this: RTCPeerConnection, ...args: unknown[]) {
        const kind = (args[0] as { type?: string } | undefined)?.type ?? 'implicit';
        mark(`${name} ${kind}`);
        return original.apply(this, args).then(() => mark(`${name} ${kind} done`));
      },
    });
  }
  const media = navigator.mediaDevices as MediaDevices | undefined;
  if (media) {
    const getUserMedia = media.getUserMedia.bind(media);
    media.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      mark(`getUserMedia ${JSON.stringify(constraints)}`);
      const stream = await getUserMedia(constraints);
      mark('getUserMedia done');
      return stream;
    };
  }
  const NativeSocket = window.WebSocket;
  const typeOf = (data: unknown) => (typeof data === 'string' ? (/"type":"(\w+)"/.exec(data)?.[1] ?? '?') : '?');
  window.WebSocket = class extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event) => mark(`ws < ${typeOf(event.data)}`));
    }

    override send(data: Parameters<WebSocket['send']>[0]): void {
      mark(`ws > ${typeOf(data)}`);
      super.send(data);
    }
  };
  document.addEventListener(
    'click',
    (event) => {
      if (event.isTrusted) bench.lastClick = now(event.timeStamp);
    },
    true,
  );
  const watched = new WeakSet<HTMLVideoElement>();
  const watch = (video: HTMLVideoElement) => {
    if (watched.has(video)) return;
    watched.add(video);
    const onFrame = (at: number) => {
      const stream = video.srcObject;
      if (stream instanceof MediaStream && stream.getVideoTracks().some((t) => remote.has(t)) && bench.firstRemoteFrame === null) {
        bench.firstRemoteFrame = now(at);
        mark('first remote frame');
      }
      if (video.isConnected) video.requestVideoFrameCallback(onFrame);
    };
    video.requestVideoFrameCallback(onFrame);
  };
  new MutationObserver(() => document.querySelectorAll('video').forEach(watch)).observe(document, { childList: true, subtree: true });
}

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>raw WebRTC</title></head>
<body><video id="local" autoplay muted playsinline></video><video id="remote" autoplay playsinline></video>
<script type="module" src="/raw.js"></script></body></html>`;

const SCRIPT = `
const role = new URLSearchParams(location.search).get('role');
const socket = new WebSocket('ws://' + location.host + '/relay?role=' + role);
const send = (message) => socket.send(JSON.stringify(message));
let pc = null;
let local = null;
function connection() {
  pc = new RTCPeerConnection();
  for (const track of local.getTracks()) pc.addTrack(track, local);
  pc.ontrack = ({ streams }) => { document.getElementById('remote').srcObject = streams[0]; };
  pc.onicecandidate = ({ candidate }) => { if (candidate) send({ candidate }); };
  return pc;
}
socket.onmessage = async ({ data }) => {
  const { description, candidate } = JSON.parse(data);
  if (description) {
    if (!pc) connection();
    await pc.setRemoteDescription(description);
    if (description.type === 'offer') {
      await pc.setLocalDescription();
      send({ description: pc.localDescription });
    }
  } else if (candidate) {
    await pc.addIceCandidate(candidate);
  }
};
window.rawReady = Promise.all([
  navigator.mediaDevices.getUserMedia({ audio: true, video: true }).then((stream) => {
    local = stream;
    document.getElementById('local').srcObject = stream;
  }),
  new Promise((resolve) => socket.addEventListener('open', resolve)),
]);
window.start = async () => {
  window.__bench.t0 = performance.timeOrigin + performance.now();
  connection();
  await pc.setLocalDescription();
  send({ description: pc.localDescription });
};
window.stop = () => { pc?.close(); for (const track of local?.getTracks() ?? []) track.stop(); };
`;

/** The raw page's server: its URL and how to stop it. */
export interface RawServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the page server and its relay on a free loopback port. */
export async function startRawServer(): Promise<RawServer> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (path === '/raw.html') response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
    else if (path === '/raw.js') response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(SCRIPT);
    else response.writeHead(404).end();
  });
  const relay = new WebSocketServer({ server, path: '/relay', perMessageDeflate: false });
  const peers = new Map<string, RelaySocket>();
  relay.on('connection', (socket, request) => {
    const role = new URL(request.url ?? '/', 'http://relay').searchParams.get('role') === 'a' ? 'a' : 'b';
    peers.set(role, socket);
    socket.on('message', (data, binary) => peers.get(role === 'a' ? 'b' : 'a')?.send(data, { binary }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/raw.html`,
    close: async () => {
      for (const socket of relay.clients) socket.terminate();
      relay.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
