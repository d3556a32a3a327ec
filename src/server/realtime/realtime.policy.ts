import type { FastifyRequest } from 'fastify';
import type { AppContext } from '../context.ts';
import type { Organisation, Staff } from '../db/schema.ts';
import { sessionFor } from '../citizen/citizen.service.ts';
import { safeEqual } from '../security/secrets.ts';
import { staffForSession } from '../staff/staff-auth.service.ts';
import { visibleAgents } from '../workspace/workspace.service.ts';
import { CLOSE_CODES, type ClientMessage } from '../../shared/signalling.ts';
import type { Connection } from './realtime.connection.ts';
import { interpreterHello, interpreterStillInvited } from './interpreter.realtime.ts';
import { realtimeRepo } from './realtime.repo.ts';

/**
 * Who may use the real-time channel, deny by default.
 *
 * Origin: browsers send cookies with a cross-site WebSocket upgrade and the
 * Same-Origin Policy does not apply to WebSockets (RFC 6455 §10.2: "servers
 * … SHOULD verify the |Origin| field"), so a page elsewhere could otherwise
 * open a socket as the signed-in citizen. Only the organisation's public
 * origin (PUBLIC_URL, or the host it was reached by) is accepted.
 *
 * Identity: the session cookie of the role the `hello` claims, and that
 * session's CSRF token in the `hello` — a page that can make the browser
 * send the cookie still cannot read the token.
 */
export function originAllowed(ctx: AppContext, request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.origin === new URL(ctx.config.publicUrl).origin) return true;
  // Undefined when the request has no socket (Fastify's `injectWS` in tests).
  const protocol: string | undefined = request.protocol;
  const scheme = ctx.config.secure ? 'https:' : `${protocol ?? 'http'}:`;
  return url.protocol === scheme && url.host.toLowerCase() === request.host.toLowerCase();
}

/** A socket's proven identity, or the close code that ends it. */
export type HelloOutcome =
  | { role: 'citizen'; appointmentId: string; agentId: string; token: string }
  | { role: 'agent'; staff: Staff; token: string }
  | { role: 'interpreter'; appointmentId: string; invitationId: string; token: string }
  | { close: number };

/** Checks a `hello` against the cookies presented at the upgrade. */
export async function authenticate(ctx: AppContext, conn: Connection, hello: Extract<ClientMessage, { type: 'hello' }>): Promise<HelloOutcome> {
  const csrf = hello.csrf ?? '';
  if (hello.role === 'citizen') {
    const token = conn.cookies.citizen;
    const session = token ? await sessionFor(ctx, conn.org, token) : null;
    if (!token || !session || !safeEqual(csrf, session.csrfToken)) return { close: CLOSE_CODES.unauthenticated };
    return { role: 'citizen', appointmentId: session.appointment.id, agentId: session.appointment.agent_id, token };
  }
  if (hello.role === 'agent') {
    const token = conn.cookies.staff;
    const principal = token ? await staffForSession(ctx, conn.org, token) : null;
    if (!token || !principal || !safeEqual(csrf, principal.session.csrf_token)) return { close: CLOSE_CODES.unauthenticated };
    return { role: 'agent', staff: principal.staff, token };
  }
  // An interpreter has no session: the invitation link's token is their identity (see interpreters.policy.ts).
  return interpreterHello(ctx, conn, hello.invitation);
}

/**
 * Whether the socket's session still stands (not signed out, expired,
 * revoked or disabled): checked before every action, since a socket
 * outlives the request that opened it.
 */
export async function stillSignedIn(ctx: AppContext, conn: Connection): Promise<boolean> {
  if (conn.role === 'citizen') {
    const session = await sessionFor(ctx, conn.org, conn.sessionToken);
    return session?.appointment.id === conn.appointmentId;
  }
  if (conn.role === 'agent') {
    const principal = await staffForSession(ctx, conn.org, conn.sessionToken);
    return principal?.staff.id === conn.staff?.id;
  }
  if (conn.role === 'interpreter') return interpreterStillInvited(ctx, conn);
  return false;
}

/** The agents whose appointments a member of staff may see (an administrator: every active member of staff). */
export async function agentsVisibleTo(ctx: AppContext, org: Organisation, staff: Staff): Promise<string[]> {
  return (await visibleAgents(ctx, org, staff)) ?? realtimeRepo.staffIds(ctx.db, org.id);
}

/** Messages only a citizen may send, and only an agent. */
export const CITIZEN_MESSAGES: ReadonlySet<ClientMessage['type']> = new Set(['join_waiting_room', 'leave_waiting_room']);
export const AGENT_MESSAGES: ReadonlySet<ClientMessage['type']> = new Set([
  'watch_queue',
  'admit',
  'send_message',
  'return_to_waiting',
  'mark_no_show',
  'request_document',
]);
