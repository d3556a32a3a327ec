import type { OutgoingMail } from '../src/server/adapters/mail/mail.transport.ts';
import { citizen, solvedCaptcha, type TestApp } from './test-app.ts';

/** Books through the public API as the web app does; returns the raw response. */
export async function book(
  t: TestApp,
  body: { procedureId: string; startsAt: string; citizen?: Record<string, unknown> },
  host = 'alfa.test',
) {
  const captcha = await solvedCaptcha(t, host);
  return t.app.http.inject({
    method: 'POST',
    url: '/api/public/appointments',
    headers: { host },
    payload: { procedureId: body.procedureId, startsAt: body.startsAt, channel: 'video', citizen: citizen(body.citizen), captcha },
  });
}

/** The personal-link token and the password an email carries. */
export function credentialsFrom(mail: OutgoingMail | undefined): { token: string; password: string } {
  const token = /\/a\/([A-Za-z0-9_-]{20,})/.exec(mail?.text ?? '')?.[1];
  const password = /\b([A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4})\b/.exec(mail?.text ?? '')?.[1];
  if (!token || !password) throw new Error('no credentials in the email');
  return { token, password };
}
