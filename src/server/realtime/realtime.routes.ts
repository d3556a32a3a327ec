import type {} from '@fastify/websocket';
import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../context.ts';
import { CITIZEN_COOKIE } from '../citizen/citizen.policy.ts';
import { STAFF_COOKIE } from '../staff/staff.policy.ts';
import { CLOSE_CODES, WS_PATH } from '../../shared/signalling.ts';
import { Connection } from './realtime.connection.ts';
import { originAllowed } from './realtime.policy.ts';
import type { Realtime } from './realtime.setup.ts';
import { runSocket } from './realtime.socket.ts';

/**
 * `GET /api/ws`: the one WebSocket of each browser tab. The upgrade itself
 * is open (tenant resolution and rate limits apply as to any request); the
 * Origin is checked at once and the identity by the `hello` (see the policy).
 */
export const realtimeRoutes: FastifyPluginAsync<{ ctx: AppContext; realtime: Realtime }> = async (app, { ctx, realtime }) => {
  app.get(WS_PATH, { websocket: true }, (socket, request) => {
    const org = request.org;
    if (!org) {
      socket.close(CLOSE_CODES.forbidden, 'no organisation');
      return;
    }
    if (!originAllowed(ctx, request)) {
      socket.close(CLOSE_CODES.badOrigin, 'bad origin');
      return;
    }
    const cookies = { citizen: request.cookies[CITIZEN_COOKIE], staff: request.cookies[STAFF_COOKIE] };
    const conn = new Connection(socket, org, request.lang, cookies, request.ip);
    runSocket(realtime.service, conn, realtime.timings);
  });
  return Promise.resolve();
};
