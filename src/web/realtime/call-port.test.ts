import { describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../shared/signalling.ts';
import { callPort } from './call-port.ts';
import type { SignallingPort } from './call-types.ts';

/** A signalling client that delivers what the test emits. */
function fakeClient() {
  const handlers = new Map<string, Set<(m: ServerMessage) => void>>();
  const client: SignallingPort = {
    send: () => true,
    on(type, handler) {
      const set = handlers.get(type) ?? new Set();
      handlers.set(type, set);
      const wrapped = handler as (m: ServerMessage) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
  };
  const emit = (message: ServerMessage) => [...(handlers.get(message.type) ?? [])].forEach((h) => h(message));
  return { client, emit };
}

const offer = (from: string, appointmentId = 'a1'): ServerMessage => ({
  type: 'signal',
  appointmentId,
  from,
  description: { type: 'offer', sdp: `v=0 ${from}` },
});

describe('call port', () => {
  it('hands the first listener the offers that arrived before it, in order, then passes messages through', () => {
    const { client, emit } = fakeClient();
    const port = callPort(client, 'a1');
    emit(offer('p1'));
    emit(offer('p2'));
    emit(offer('p3', 'another-appointment'));
    const seen: string[] = [];
    const off = port.on('signal', (m) => seen.push(m.from));
    expect(seen).toEqual(['p1', 'p2']);
    emit(offer('p4'));
    expect(seen).toEqual(['p1', 'p2', 'p4']);
    off();
    // Nobody listens again: held for the next listener, and not handed twice.
    emit(offer('p5'));
    const later: string[] = [];
    port.on('signal', (m) => later.push(m.from));
    expect(later).toEqual(['p5']);
  });

  it('drops what is too old to belong to this call, and holds nothing once disposed', () => {
    const { client, emit } = fakeClient();
    let now = 0;
    const port = callPort(client, 'a1', () => now);
    emit(offer('old'));
    now = 20_000;
    emit(offer('new'));
    const seen: string[] = [];
    port.on('signal', (m) => seen.push(m.from));
    expect(seen).toEqual(['new']);

    const other = fakeClient();
    const disposed = callPort(other.client, 'a1');
    disposed.dispose();
    other.emit(offer('late'));
    const none: string[] = [];
    disposed.on('signal', (m) => none.push(m.from));
    expect(none).toEqual([]);
  });

  it('does not hold messages of other types', () => {
    const { client, emit } = fakeClient();
    const port = callPort(client, 'a1');
    emit({ type: 'call_ended', appointmentId: 'a1', reason: 'hang_up' });
    const seen: string[] = [];
    port.on('call_ended', (m) => seen.push(m.reason));
    expect(seen).toEqual([]);
  });
});
