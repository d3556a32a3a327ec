// The packet-forwarding half of e2e/support/media-relay.ts, on a thread of its
// own so the test runner's work (driving the browsers, tracing) does not delay
// the media. Messages in: { id, op: 'port', address, port, owner } (answered
// with { id, port }), { op: 'cut', cut }, { op: 'limit', towards, bitsPerSecond },
// { id, op: 'close' } (answered with { id }). `owner` says whose candidate a
// port stands for ('local': the side the relay is installed on, 'remote': the
// other), so each packet's direction is known: one arriving at a front socket
// goes towards its owner, one answered on a back socket comes from it.
import { createSocket } from 'node:dgram';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout } from 'node:timers';
import { parentPort } from 'node:worker_threads';

// The relay must be a transparent wire: on a loaded machine a thread that waits its turn adds
// delay that Chromium's bandwidth estimator reads as congestion (down to the call's audio-only
// fallback). On Linux this raises the priority of this thread only; it uses next to no CPU.
// Where the system does not allow it, the relay runs at the normal priority.
try {
  os.setPriority(-10);
} catch {
  // Not permitted: carry on.
}

let cut = false;

/** A thin link towards one side: packets leave at `bitsPerSecond`, queued up to {@link MAX_QUEUE_MS}, dropped beyond (drop-tail, like a home router). */
const MAX_QUEUE_MS = 250;
/** Per direction ('local' | 'remote'): { bitsPerSecond, freeAt } or absent for a wire without limit. */
const limits = new Map();

/** Sends `packet` with `send` as a link of the limit towards `towards` would: now, later, or never. */
function pass(towards, packet, send) {
  const limit = limits.get(towards);
  if (!limit) return send();
  const now = performance.now();
  const start = Math.max(now, limit.freeAt);
  if (start - now > MAX_QUEUE_MS) return;
  limit.freeAt = start + (packet.length * 8 * 1000) / limit.bitsPerSecond;
  setTimeout(() => {
    if (!cut) send();
  }, limit.freeAt - now);
}

const other = (owner) => (owner === 'local' ? 'remote' : 'local');
/** Real candidate "address:port" → the relay socket that stands for it (a promise while it binds). */
const forwards = new Map();
const sockets = [];

function open(address, port, owner) {
  const front = createSocket('udp4');
  sockets.push(front);
  // One socket towards the real candidate per source that wrote to `front`, so answers find their way back.
  const backs = new Map();
  front.on('message', (packet, from) => {
    if (cut) return;
    const source = `${from.address}:${from.port}`;
    let back = backs.get(source);
    if (!back) {
      back = createSocket('udp4');
      sockets.push(back);
      back.on('message', (answer) => {
        if (!cut) pass(other(owner), answer, () => front.send(answer, from.port, from.address));
      });
      back.on('error', () => undefined);
      back.bind(0, address);
      backs.set(source, back);
    }
    pass(owner, packet, () => back.send(packet, port, address));
  });
  front.on('error', () => undefined);
  return new Promise((resolve) => front.bind(0, address, () => resolve(front.address().port)));
}

parentPort.on('message', async (message) => {
  if (message.op === 'cut') {
    cut = message.cut;
  } else if (message.op === 'limit') {
    if (message.bitsPerSecond) limits.set(message.towards, { bitsPerSecond: message.bitsPerSecond, freeAt: 0 });
    else limits.delete(message.towards);
  } else if (message.op === 'port') {
    const key = `${message.address}:${message.port}`;
    if (!forwards.has(key)) forwards.set(key, open(message.address, message.port, message.owner));
    parentPort.postMessage({ id: message.id, port: await forwards.get(key) });
  } else if (message.op === 'close') {
    for (const socket of sockets) socket.close();
    parentPort.postMessage({ id: message.id });
    parentPort.close();
  }
});
