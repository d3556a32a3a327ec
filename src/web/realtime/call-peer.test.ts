import { describe, expect, it } from 'vitest';
import { isPolite, offerRetryDelay, peerConnectionState } from './call-peer.ts';

describe('negotiation roles', () => {
  it('makes the lexically smaller id the impolite side, which sends the first offer', () => {
    expect(isPolite('a1', 'b2')).toBe(false);
    expect(isPolite('b2', 'a1')).toBe(true);
    // String order, not numeric order, as the server sorts ids.
    expect(isPolite('10', '9')).toBe(false);
    expect(isPolite('9', '10')).toBe(true);
  });

  it('gives exactly one side of every pair the first offer, also in a three-way call', () => {
    const ids = ['conn-agent', 'conn-citizen', 'conn-interpreter'];
    for (const a of ids) {
      for (const b of ids) {
        if (a !== b) expect(isPolite(a, b)).not.toBe(isPolite(b, a));
      }
    }
  });

  it('refuses to connect a peer to itself', () => {
    expect(() => isPolite('same', 'same')).toThrow();
  });
});

describe('connection state shown', () => {
  it('is connecting until both ICE and DTLS are up', () => {
    expect(peerConnectionState('new', 'new', false)).toBe('connecting');
    expect(peerConnectionState('connecting', 'connected', false)).toBe('connecting');
    expect(peerConnectionState('connected', 'connected', false)).toBe('connected');
    expect(peerConnectionState('connected', 'completed', true)).toBe('connected');
  });

  it('says "reconnecting", not "failed", once media has flowed (ICE restarts bring it back)', () => {
    expect(peerConnectionState('connected', 'disconnected', true)).toBe('reconnecting');
    expect(peerConnectionState('failed', 'failed', true)).toBe('reconnecting');
    expect(peerConnectionState('connecting', 'checking', true)).toBe('reconnecting');
    expect(peerConnectionState('failed', 'failed', false)).toBe('failed');
    expect(peerConnectionState('closed', 'closed', true)).toBe('closed');
  });
});

describe('offers left unanswered', () => {
  it('are sent again after 4 s, then twice as long each time up to 32 s, so a slow device can answer', () => {
    expect([0, 1, 2, 3, 4, 5, 50].map(offerRetryDelay)).toEqual([4_000, 8_000, 16_000, 32_000, 32_000, 32_000, 32_000]);
  });
});
