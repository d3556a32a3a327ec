/**
 * What a phone session can do, over real HTTP on both databases: upload
 * through its own tus endpoint (to its appointment, to its slot, only its
 * own uploads), the agent's screen told at once; what it cannot (another
 * appointment: 404; the citizen's endpoint and everything else: 401). Then,
 * with logging at its most verbose, that no token, cookie or document
 * content reaches the logs or the database in plaintext.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, rawRequest, samplePdf, staffSession, tinyPng, tusClient, type Session } from '../../../test/documents-helpers.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { issueLink, openLink, phoneSession } from '../../../test/uploader-helpers.ts';
import { greetedSocket, openSocket } from '../realtime/realtime.fixture.ts';
import { CLOSE_CODES } from '../../shared/signalling.ts';
import { UPLOADER_TUS_PATH } from '../../shared/uploader.ts';

const THU = (hhmm: string) => new Date(Date.parse(`2026-03-12T${hhmm}:00+01:00`)).toISOString();

/** A tus client on the phone's endpoint (the same protocol, another address and cookie). */
function phoneTus(port: number, phone: Session) {
  const client = tusClient(port, phone);
  return {
    ...client,
    create: (meta: { slot: string; filename: string; filetype?: string }, length: number) =>
      rawRequest(port, {
        method: 'POST',
        path: UPLOADER_TUS_PATH,
        headers: {
          'tus-resumable': '1.0.0',
          cookie: phone.cookie,
          'x-csrf-token': phone.csrf,
          'upload-length': String(length),
          'upload-metadata': [`slot ${Buffer.from(meta.slot).toString('base64')}`, `filename ${Buffer.from(meta.filename).toString('base64')}`].join(','),
        },
      }),
  };
}

/** Creates and sends a whole file through `client` in one PATCH. */
async function send(client: ReturnType<typeof phoneTus>, slot: string, filename: string, bytes: Buffer) {
  const created = await client.create({ slot, filename }, bytes.length);
  const location = created.headers.location ?? '';
  if (created.status !== 201) return { created, last: created, location };
  return { created, last: await client.patch(location, 0, bytes), location };
}

describe.each(DIALECTS)('phone uploads (%s)', (dialect) => {
  let t: TestApp;
  let port: number;
  let idSlot: string;
  let alice: Session & { appointmentId: string };
  let bob: Session & { appointmentId: string };
  let agent: Session;

  beforeAll(async () => {
    t = await createTestApp({ dialect, agents: 1 });
    port = await listen(t);
    const padro = await procedureId(t, t.orgA.id);
    idSlot = (await t.ctx.db.selectFrom('required_documents').select('id').where('procedure_id', '=', padro).executeTakeFirstOrThrow()).id;
    alice = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:00'), email: 'alice@example.org', idNumber: '30000000L' });
    bob = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('09:30'), email: 'bob@example.org', idNumber: '30000001C' });
    const account = t.orgA.accounts.find((a) => a.role === 'agent');
    agent = await staffSession(t, account?.email ?? '', account?.password ?? '');
  });
  afterAll(async () => t.close());

  it('uploads to its appointment, the agent sees it arrive, and the history says it came from the phone', async () => {
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'watch_queue', date: '2026-03-12' });
    await tab.next('queue');
    const phone = await phoneSession(t, alice, idSlot);
    const pdf = await samplePdf('DNI des del mòbil');
    const { created, last, location } = await send(phoneTus(port, phone), idSlot, 'foto.pdf', pdf);
    expect(created.status).toBe(201);
    expect(new URL(location).pathname).toMatch(new RegExp(`^${UPLOADER_TUS_PATH}/[a-f0-9]{32}$`));
    expect(last.status).toBe(204);
    expect(await tab.next('document_uploaded')).toMatchObject({ appointmentId: alice.appointmentId, slot: idSlot });
    tab.close();

    const doc = await t.ctx.db.selectFrom('documents').selectAll().where('appointment_id', '=', alice.appointmentId).executeTakeFirstOrThrow();
    expect(doc.uploaded_by).toBe(`uploader:${phone.linkId}`);
    const event = await t.ctx.db.selectFrom('appointment_events').selectAll().where('appointment_id', '=', alice.appointmentId).where('type', '=', 'document.uploaded').executeTakeFirstOrThrow();
    expect(event.actor).toBe(`uploader:${phone.linkId}`);
    // The phone sees the slot filled, still without the file's name.
    const view = await t.app.http.inject({ method: 'GET', url: '/api/uploader/session', headers: { host: 'alfa.test', cookie: phone.cookie } });
    expect(view.json().data.slots[0]).toMatchObject({ status: 'uploaded', count: 1 });
    expect(view.body).not.toContain('foto.pdf');
    // The citizen's computer sees it in their document space.
    const space = await t.app.http.inject({ method: 'GET', url: '/api/citizen/appointment/documents', headers: { host: 'alfa.test', cookie: alice.cookie } });
    expect(space.body).toContain('foto.pdf');
  });

  it('reaches only its slot and its own uploads: another appointment, slot or device gets 404', async () => {
    const phone = await phoneSession(t, alice, idSlot);
    const client = phoneTus(port, phone);
    expect((await client.create({ slot: 'other', filename: 'x.png' }, 10)).status).toBe(404);

    // Bob's upload, and Bob's phone's upload, do not exist for Alice's phone.
    const bobsUpload = await tusClient(port, bob).create({ slot: 'other', filename: 'bob.png' }, 70);
    const bobsPhone = await phoneSession(t, bob);
    const bobsPhoneUpload = await phoneTus(port, bobsPhone).create({ slot: 'other', filename: 'bob2.png' }, 70);
    for (const created of [bobsUpload, bobsPhoneUpload]) {
      const id = new URL(created.headers.location ?? '').pathname.split('/').at(-1) ?? '';
      const through = `http://alfa.test${UPLOADER_TUS_PATH}/${id}`;
      expect((await client.head(through)).status).toBe(404);
      expect((await client.patch(through, 0, tinyPng())).status).toBe(404);
      expect((await client.remove(through)).status).toBe(404);
    }
    // Not even the citizen's own computer's uploads to the same appointment.
    const computer = await tusClient(port, alice).create({ slot: 'other', filename: 'pc.png' }, 70);
    const pcId = new URL(computer.headers.location ?? '').pathname.split('/').at(-1) ?? '';
    expect((await client.head(`http://alfa.test${UPLOADER_TUS_PATH}/${pcId}`)).status).toBe(404);

    // Its own upload it may inspect and cancel.
    const mine = await client.create({ slot: idSlot, filename: 'mine.pdf' }, 70);
    expect((await client.head(mine.headers.location ?? '')).headers['upload-offset']).toBe('0');
    expect((await client.remove(mine.headers.location ?? '')).status).toBe(204);

    // The phone's cookie is no citizen session: the citizen's endpoint refuses it.
    const asCitizen = await tusClient(port, phone).create({ slot: idSlot, filename: 'x.pdf' }, 10);
    expect(asCitizen.status).toBe(401);
    // Without its CSRF token nothing is created.
    expect((await phoneTus(port, { cookie: phone.cookie, csrf: 'wrong' }).create({ slot: idSlot, filename: 'x.pdf' }, 10)).status).toBe(403);
  });

  it('opens no real-time socket', async () => {
    const phone = await phoneSession(t, alice);
    for (const role of ['citizen', 'agent'] as const) {
      const socket = await greetedSocket(t.app.http, role, phone).catch(() => null);
      expect(socket).toBeNull();
    }
    const raw = await openSocket(t.app.http, { cookie: phone.cookie });
    raw.send({ type: 'hello', role: 'citizen', csrf: phone.csrf });
    expect((await raw.closed).code).toBe(CLOSE_CODES.unauthenticated);
  });
});

describe('phone links leave no secret behind', () => {
  let t: TestApp;
  const logged: string[] = [];

  beforeAll(async () => {
    t = await createTestApp({ env: { LOG_LEVEL: 'trace' } });
    // Every log line of the app (Fastify's request logger and the context's) is kept here instead of printed.
    for (const logger of [t.app.http.log, t.ctx.log]) {
      const stream = (logger as unknown as Record<symbol, { write: (line: string) => boolean }>)[pino.symbols.streamSym];
      if (!stream) throw new Error('no log stream');
      stream.write = (line: string) => {
        logged.push(line);
        return true;
      };
    }
  });
  afterAll(async () => t.close());

  it('keeps tokens, cookies and document content out of the logs and the database', async () => {
    const port = await listen(t);
    const padro = await procedureId(t, t.orgA.id);
    const carol = await citizenWithAppointment(t, { procedureId: padro, startsAt: THU('10:00'), email: 'carol@example.org', idNumber: '30000002K' });
    const { link } = await issueLink(t, carol);
    if (!link) throw new Error('no link');
    // The phone's browser loads the page at the link's address (the web app), then opens the link.
    await t.app.http.inject({ method: 'GET', url: `/u/${link.token}`, headers: { host: 'alfa.test' } });
    const { session } = await openLink(t, link.token);
    if (!session) throw new Error('no session');
    const marker = `CONTENT-${randomUUID()}`;
    const pdf = Buffer.concat([await samplePdf('Contingut privat'), Buffer.from(`\n%${marker}\n`)]);
    expect((await send(phoneTus(port, session), 'other', 'privat.pdf', pdf)).last.status).toBe(204);
    // A second, refused opening is logged as an error answer too.
    expect((await openLink(t, link.token)).res.statusCode).toBe(410);

    const logs = logged.join('');
    expect(logs).toContain('/u/***');
    expect(logs).toContain(UPLOADER_TUS_PATH);
    const cookieValue = session.cookie.split('=')[1] ?? '';
    for (const secret of [link.token, link.token.toUpperCase(), cookieValue, session.csrf, marker]) expect(logs).not.toContain(secret);

    // No table holds the token, the cookie or the content in plaintext (the CSRF token is stored, as the citizen's is: without the cookie it opens nothing).
    const tables = await t.ctx.db.introspection.getTables();
    for (const table of tables) {
      const rows = await t.ctx.db.selectFrom(table.name as 'uploader_links').selectAll().execute();
      const dump = JSON.stringify(rows);
      for (const secret of [link.token, cookieValue, marker]) expect(dump, table.name).not.toContain(secret);
    }
  });
});
