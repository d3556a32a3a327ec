import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, redisAvailable } from './bus.fixture.ts';
import type { BusLog, EventBus } from './event-bus.ts';
import { inProcessBus } from './in-process-bus.ts';
import { redisBus } from './redis-bus.ts';

const errors: unknown[] = [];
const log: BusLog = { warn: () => undefined, error: (obj) => errors.push(obj) };
const withRedis = await redisAvailable();

/** Resolves with the first `n` messages `bus` delivers on `channel`. */
function collect(received: string[], n: number): Promise<string[]> {
  return new Promise((resolve) => {
    const check = () => (received.length >= n ? resolve(received.slice(0, n)) : setTimeout(check, 2));
    check();
  });
}

const IMPLEMENTATIONS: [string, boolean, () => EventBus][] = [
  ['in-process', true, () => inProcessBus(log)],
  ['redis', withRedis, () => redisBus(TEST_REDIS_URL, log)],
];

describe.each(IMPLEMENTATIONS)('event bus: %s', (_name, available, make) => {
  const opened: EventBus[] = [];
  const open = () => {
    const bus = make();
    opened.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
    errors.length = 0;
  });

  it.skipIf(!available)('delivers each message, in order, to every subscriber of the channel and to no other', async () => {
    const bus = open();
    const channel = `test:${randomUUID()}`;
    const a: string[] = [];
    const b: string[] = [];
    const other: string[] = [];
    await bus.subscribe(channel, (m) => a.push(m));
    await bus.subscribe(channel, (m) => b.push(m));
    await bus.subscribe(`${channel}:other`, (m) => other.push(m));
    for (let i = 0; i < 20; i++) await bus.publish(channel, `m${i}`);
    const expected = Array.from({ length: 20 }, (_, i) => `m${i}`);
    expect(await collect(a, 20)).toEqual(expected);
    expect(await collect(b, 20)).toEqual(expected);
    expect(other).toEqual([]);
  });

  it.skipIf(!available)('stops delivering after unsubscribing, and keeps the other handlers of the channel', async () => {
    const bus = open();
    const channel = `test:${randomUUID()}`;
    const gone: string[] = [];
    const kept: string[] = [];
    const stop = await bus.subscribe(channel, (m) => gone.push(m));
    await bus.subscribe(channel, (m) => kept.push(m));
    await bus.publish(channel, 'before');
    await collect(gone, 1);
    await stop();
    await bus.publish(channel, 'after');
    expect(await collect(kept, 2)).toEqual(['before', 'after']);
    expect(gone).toEqual(['before']);
  });

  it.skipIf(!available)('a handler that throws is logged and does not stop the others', async () => {
    const bus = open();
    const channel = `test:${randomUUID()}`;
    const got: string[] = [];
    await bus.subscribe(channel, () => {
      throw new Error('boom');
    });
    await bus.subscribe(channel, (m) => got.push(m));
    await bus.publish(channel, 'x');
    expect(await collect(got, 1)).toEqual(['x']);
    expect(errors).toHaveLength(1);
  });

  it.skipIf(!available)('carries messages between two nodes (two buses)', async () => {
    const nodeA = open();
    const nodeB = open();
    const channel = `test:${randomUUID()}`;
    const atA: string[] = [];
    const atB: string[] = [];
    await nodeA.subscribe(channel, (m) => atA.push(m));
    await nodeB.subscribe(channel, (m) => atB.push(m));
    await nodeA.publish(channel, 'from A');
    await nodeB.publish(channel, 'from B');
    if (_name === 'redis') {
      // Each node hears both, its own included.
      expect((await collect(atA, 2)).sort()).toEqual(['from A', 'from B']);
      expect((await collect(atB, 2)).sort()).toEqual(['from A', 'from B']);
    } else {
      // In-process buses are separate worlds: one node each.
      expect(await collect(atA, 1)).toEqual(['from A']);
      expect(await collect(atB, 1)).toEqual(['from B']);
    }
  });

  it.skipIf(!available)('refuses to publish once closed', async () => {
    const bus = open();
    await bus.close();
    await expect(bus.publish('x', 'y')).rejects.toThrow(/closed/);
  });
});
