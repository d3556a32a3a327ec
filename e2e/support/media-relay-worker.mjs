// The packet-forwarding half of e2e/support/media-relay.ts, on a thread of its
// own so the test runner's work (driving the browsers, tracing) does not delay
// the media. Messages in: { id, op: 'port', address, port } (answered with
// { id, port }), { op: 'cut', cut }, { id, op: 'close' } (answered with { id }).
import { createSocket } from 'node:dgram';
import os from 'node:os';
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
/** Real candidate "address:port" → the relay socket that stands for it (a promise while it binds). */
const forwards = new Map();
const sockets = [];

function open(address, port) {
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
        if (!cut) front.send(answer, from.port, from.address);
      });
      back.on('error', () => undefined);
      back.bind(0, address);
      backs.set(source, back);
    }
    back.send(packet, port, address);
  });
  front.on('error', () => undefined);
  return new Promise((resolve) => front.bind(0, address, () => resolve(front.address().port)));
}

parentPort.on('message', async (message) => {
  if (message.op === 'cut') {
    cut = message.cut;
  } else if (message.op === 'port') {
    const key = `${message.address}:${message.port}`;
    if (!forwards.has(key)) forwards.set(key, open(message.address, message.port));
    parentPort.postMessage({ id: message.id, port: await forwards.get(key) });
  } else if (message.op === 'close') {
    for (const socket of sockets) socket.close();
    parentPort.postMessage({ id: message.id });
    parentPort.close();
  }
});
