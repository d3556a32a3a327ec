import { createHmac, randomBytes } from 'node:crypto';
import type { Config } from '../config.ts';
import type { IceServer } from '../../shared/signalling.ts';

/**
 * The ICE servers handed to a browser when its call starts. TURN
 * credentials follow "A REST API For Access To TURN Services"
 * (draft-uberti-behave-turn-rest-00 §2.2), which coturn implements as
 * `use-auth-secret` + `static-auth-secret`: the username is
 * `<expiry as Unix seconds>:<opaque id>` and the password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the HMAC and
 * refuses a username whose expiry has passed, so a credential leaked from
 * a browser is useless after the TTL, and no per-user state is stored.
 * The opaque id is random per call: it names no person in TURN's logs.
 */
export function iceServersFor(realtime: Config['realtime'], now: Date): IceServer[] {
  const servers: IceServer[] = [];
  if (realtime.stunUrls.length > 0) servers.push({ urls: realtime.stunUrls });
  const turn = realtime.turn;
  if (turn) servers.push({ urls: turn.urls, ...turnCredential(turn.secret, turn.ttlSeconds, now) });
  return servers;
}

/** One time-limited TURN credential (see `iceServersFor`). */
export function turnCredential(secret: string, ttlSeconds: number, now: Date, opaqueId = randomBytes(9).toString('base64url')) {
  const expiry = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const username = `${expiry}:${opaqueId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}
