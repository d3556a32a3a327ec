/** Factories for the phone-link tests: making a link as the citizen's computer does, opening it as the phone does. */
import type { Session } from './documents-helpers.ts';
import type { TestApp } from './test-app.ts';

/** A link as the computer received it. */
export interface IssuedLink {
  id: string;
  url: string;
  token: string;
  expiresAt: string;
  slot: string | null;
}

/** The citizen asks for a phone link (optionally for one slot); returns the raw answer and the link. */
export async function issueLink(t: TestApp, citizen: Session, slot?: string, host = 'alfa.test') {
  const res = await t.app.http.inject({
    method: 'POST',
    url: '/api/citizen/appointment/uploaders',
    headers: { host, cookie: citizen.cookie, 'x-csrf-token': citizen.csrf },
    payload: slot === undefined ? {} : { slot },
  });
  const data = res.statusCode === 201 ? res.json<{ data: Omit<IssuedLink, 'token'> }>().data : null;
  const link: IssuedLink | null = data ? { ...data, token: data.url.split('/u/')[1] ?? '' } : null;
  return { res, link };
}

let phones = 0;

/**
 * The phone opens a link: the raw answer and, when it worked, the phone's
 * session. Each call comes from an address of its own (a phone on its own
 * network), so the tight per-address rate limit of this route is not what a test meets.
 */
export async function openLink(t: TestApp, token: string, host = 'alfa.test', remoteAddress = `10.9.${Math.floor(++phones / 250)}.${phones % 250}`) {
  const res = await t.app.http.inject({ method: 'POST', url: '/api/uploader/session', headers: { host }, payload: { token }, remoteAddress });
  const cookie = res.cookies.find((c) => c.name === 'fin_uploader');
  const session: Session | null =
    res.statusCode === 200 && cookie ? { cookie: `fin_uploader=${cookie.value}`, csrf: res.json<{ data: { csrfToken: string } }>().data.csrfToken } : null;
  return { res, session, cookie };
}

/** Makes a link and opens it: the phone's session. */
export async function phoneSession(t: TestApp, citizen: Session, slot?: string): Promise<Session & { linkId: string; token: string }> {
  const { res, link } = await issueLink(t, citizen, slot);
  if (!link) throw new Error(`no link: ${res.statusCode} ${res.body}`);
  const { session } = await openLink(t, link.token);
  if (!session) throw new Error('the link did not open');
  return { ...session, linkId: link.id, token: link.token };
}
