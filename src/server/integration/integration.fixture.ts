import type { TestApp } from '../../../test/test-app.ts';
import { citizen } from '../../../test/test-app.ts';
import { API_SCOPES, createApiKey } from '../staff/api-keys.service.ts';

/** Every scope an API key may hold. */
export const ALL_SCOPES = API_SCOPES;

/** Creates an API key for tests; returns its id and the `Authorization` header. */
export async function apiKeyFor(
  t: TestApp,
  organisationId: string,
  scopes: readonly string[] = API_SCOPES,
): Promise<{ id: string; key: string; authorization: string }> {
  const { id, key } = await createApiKey(t.ctx.db, organisationId, `test ${scopes.join(' ')}`, scopes, t.clock.now());
  return { id, key, authorization: `Bearer ${key}` };
}

/** A valid NIF for a number (eight digits and the control letter of RD 1553/2005). */
export function nif(n: number): string {
  const digits = String(n % 100_000_000).padStart(8, '0');
  return `${digits}${'TRWAGMYFPDXBNJZSQVHLCKE'[Number(digits) % 23] ?? 'T'}`;
}

/**
 * A booking body for `POST /api/v1/appointments` for citizen number `n`
 * (each with their own email and NIF, so the per-citizen limit stays clear).
 */
export function apiBooking(procedureId: string, startsAt: string, n: number, citizenOverrides: Record<string, unknown> = {}) {
  return { procedureId, startsAt, citizen: citizen({ email: `citizen${n}@example.org`, idNumber: nif(10_000_000 + n), ...citizenOverrides }) };
}

/** One request to the v1 API, as the town's system makes it. */
export function v1(
  t: TestApp,
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  opts: { authorization?: string; host?: string; payload?: unknown; headers?: Record<string, string> } = {},
) {
  return t.app.http.inject({
    method,
    url,
    headers: {
      host: opts.host ?? 'alfa.test',
      'accept-language': 'en',
      ...(opts.authorization ? { authorization: opts.authorization } : {}),
      ...opts.headers,
    },
    ...(opts.payload !== undefined ? { payload: opts.payload as Record<string, unknown> } : {}),
  });
}
