/** Factories for the interpreter's tests: an invitation created by staff, and the link's holder consenting. */
import type { Session } from './documents-helpers.ts';
import type { TestApp } from './test-app.ts';

/** A new invitation as its creator got it. */
export interface Invited {
  invitationId: string;
  /** The link's token (the last path segment of the link). */
  token: string;
  link: string;
}

/** Creates an invitation for an appointment as `staff` (sign language by default); fails the test on anything but 201. */
export async function invite(t: TestApp, staff: Session, appointmentId: string, body: Record<string, unknown> = { kind: 'sign_language' }): Promise<Invited> {
  const res = await t.app.http.inject({
    method: 'POST',
    url: `/api/staff/appointments/${appointmentId}/interpreters`,
    headers: { host: 'alfa.test', cookie: staff.cookie, 'x-csrf-token': staff.csrf },
    payload: body,
  });
  if (res.statusCode !== 201) throw new Error(`invitation refused: ${res.statusCode} ${res.body}`);
  const data = res.json<{ data: { invitation: { id: string }; link: string } }>().data;
  return { invitationId: data.invitation.id, token: data.link.slice(data.link.lastIndexOf('/') + 1), link: data.link };
}

/** The link's holder consents to the recording (the page does it before connecting). */
export async function consent(t: TestApp, token: string, host = 'alfa.test') {
  return t.app.http.inject({
    method: 'POST',
    url: '/api/interpreter/invitation/consent',
    headers: { host },
    payload: { token, consents: { recording: true } },
  });
}

/** Revokes an invitation as `staff`. */
export async function revoke(t: TestApp, staff: Session, appointmentId: string, invitationId: string) {
  return t.app.http.inject({
    method: 'POST',
    url: `/api/staff/appointments/${appointmentId}/interpreters/${invitationId}/revoke`,
    headers: { host: 'alfa.test', cookie: staff.cookie, 'x-csrf-token': staff.csrf },
    payload: {},
  });
}
