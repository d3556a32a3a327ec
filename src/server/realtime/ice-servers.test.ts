import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { iceServersFor, turnCredential } from './ice-servers.ts';

const NOW = new Date('2026-03-02T07:00:00Z');

describe('ICE servers', () => {
  it('are none by default: loopback and one network need no STUN', () => {
    expect(iceServersFor(loadConfig({}).realtime, NOW)).toEqual([]);
  });

  it('lists STUN and TURN from configuration, TURN with a credential valid for the TTL', () => {
    const config = loadConfig({
      STUN_URLS: 'stun:stun.example.org:3478, stun:stun2.example.org',
      TURN_URLS: 'turn:turn.example.org:3478?transport=udp,turns:turn.example.org:5349',
      TURN_SECRET: 'a-shared-secret-of-coturn',
      TURN_TTL_SECONDS: '3600',
    });
    const [stun, turn] = iceServersFor(config.realtime, NOW);
    expect(stun).toEqual({ urls: ['stun:stun.example.org:3478', 'stun:stun2.example.org'] });
    expect(turn?.urls).toEqual(['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349']);
    const [expiry, opaque] = (turn?.username ?? '').split(':');
    expect(Number(expiry)).toBe(NOW.getTime() / 1000 + 3600);
    expect(opaque).toMatch(/^[A-Za-z0-9_-]{12}$/);
  });

  it('derives the password as coturn does: base64(HMAC-SHA1(secret, username))', () => {
    // The same computation as coturn's `turnutils_uclient -W` / the draft's example, by hand.
    const c = turnCredential('north', 86_400, new Date(1_700_000_000_000), 'user');
    expect(c.username).toBe('1700086400:user');
    expect(c.credential).toBe(createHmac('sha1', 'north').update('1700086400:user').digest('base64'));
    expect(Buffer.from(c.credential, 'base64')).toHaveLength(20);
  });

  it('refuses TURN servers without their secret, and malformed URLs', () => {
    expect(() => loadConfig({ TURN_URLS: 'turn:turn.example.org' })).toThrow(/TURN_SECRET/);
    expect(() => loadConfig({ STUN_URLS: 'https://stun.example.org' })).toThrow(/STUN_URLS/);
    expect(() => loadConfig({ REDIS_URL: 'localhost:6379' })).toThrow(/REDIS_URL/);
  });
});
