import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { citizenWithAppointment, staffSession, tinyPng, type Session } from '../../../test/documents-helpers.ts';
import { DIALECTS } from '../../../test/databases.ts';
import { createTestApp, procedureId, type TestApp } from '../../../test/test-app.ts';
import { SNAPSHOT_LIMITS } from '../../shared/snapshots.ts';

/** A JPEG as a canvas makes one, as far as type detection goes: SOI, a JFIF APP0 segment, some data, EOI. */
function jpeg(seed: number): Buffer {
  const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
  return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, Buffer.alloc(2048, seed), Buffer.from('ffd9', 'hex')]);
}

describe.each(DIALECTS)('identification snapshots (%s)', (dialect) => {
  let t: TestApp;
  let appointmentId = '';
  let agent: Session;
  let otherAgent: Session;
  const post = (session: Session, kind: string, body: Buffer, type = 'image/jpeg', host = 'alfa.test') =>
    t.app.http.inject({
      method: 'POST',
      url: `/api/staff/appointments/${appointmentId}/snapshots/${kind}`,
      headers: { host, cookie: session.cookie, 'x-csrf-token': session.csrf, 'content-type': type, 'accept-language': 'ca' },
      payload: body,
    });
  const get = (session: Session, url: string, host = 'alfa.test') => t.app.http.inject({ method: 'GET', url, headers: { host, cookie: session.cookie } });
  const setStatus = (status: 'in_call' | 'waiting') => t.ctx.db.updateTable('appointments').set({ status }).where('id', '=', appointmentId).execute();

  beforeAll(async () => {
    t = await createTestApp({ dialect });
    const padro = await procedureId(t, t.orgA.id);
    const citizen = await citizenWithAppointment(t, { procedureId: padro, startsAt: '2026-03-03T09:00:00.000Z', email: `snap-${dialect}@example.org`, idNumber: '12345678Z' });
    appointmentId = citizen.appointmentId;
    const assigned = await t.ctx.db.selectFrom('appointments').innerJoin('staff', 'staff.id', 'appointments.agent_id').select('staff.email').where('appointments.id', '=', appointmentId).executeTakeFirstOrThrow();
    const mine = t.orgA.accounts.find((a) => a.email === assigned.email);
    const other = t.orgA.accounts.find((a) => a.role === 'agent' && a.email !== assigned.email);
    if (!mine || !other) throw new Error('the seed has two agents');
    agent = await staffSession(t, mine.email, mine.password);
    otherAgent = await staffSession(t, other.email, other.password);
  });
  afterAll(async () => t.close());

  it('are taken only during the call, and say so in the agent’s language', async () => {
    await setStatus('waiting');
    const res = await post(agent, 'id_front', jpeg(1));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ id: 'snapshot_needs_call', message: 'Només es poden fer captures durant la videotrucada.' });
  });

  it('stores a frame encrypted with its SHA-256, lists it, shows it, and writes both to the history', async () => {
    await setStatus('in_call');
    const image = jpeg(2);
    const res = await post(agent, 'id_front', image);
    expect(res.statusCode).toBe(201);
    const taken = res.json().data as { id: string; sha256: string; mediaType: string; size: number; kind: string };
    expect(taken).toMatchObject({ kind: 'id_front', mediaType: 'image/jpeg', size: image.length, sha256: createHash('sha256').update(image).digest('hex') });
    // Not in the clear on disk: the image's bytes are in none of the store's files.
    const files = fs.readdirSync(t.ctx.config.documents.storageDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(fs.readFileSync(path.join(f.parentPath, f.name)).includes(image.subarray(20, 84))).toBe(false);
    t.clock.set(new Date(t.clock.now().getTime() + 1000));
    const png = await post(agent, 'face', tinyPng(), 'image/png');
    expect(png.statusCode).toBe(201);

    const list = await get(agent, `/api/staff/appointments/${appointmentId}/snapshots`);
    expect(list.json().data.snapshots.map((s: { kind: string }) => s.kind)).toEqual(['id_front', 'face']);
    const content = await get(agent, `/api/staff/appointments/${appointmentId}/snapshots/${taken.id}/content`);
    expect(content.statusCode).toBe(200);
    expect(content.headers['content-type']).toBe('image/jpeg');
    expect(content.rawPayload.equals(image)).toBe(true);
    const history = await t.ctx.db.selectFrom('appointment_events').select(['type', 'data']).where('appointment_id', '=', appointmentId).execute();
    const event = history.find((e) => e.type === 'identification.snapshot');
    expect(JSON.parse(event?.data ?? '{}')).toMatchObject({ snapshotId: taken.id, kind: 'id_front', sha256: taken.sha256 });
    expect(history.map((e) => e.type)).toContain('identification.snapshot_viewed');
  });

  it('refuses what is not the image it claims to be, or too large, and keeps nothing of it', async () => {
    const before = (await t.ctx.blobs.list()).length;
    const lie = await post(agent, 'id_back', jpeg(3), 'image/png');
    expect(lie.statusCode).toBe(400);
    expect(lie.json().error.id).toBe('snapshot_not_image');
    const text = await post(agent, 'id_back', Buffer.from('not an image at all'), 'image/jpeg');
    expect(text.statusCode).toBe(400);
    const huge = await post(agent, 'id_back', Buffer.alloc(SNAPSHOT_LIMITS.maxBytes + 1, 0xff));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.id).toBe('snapshot_too_large');
    const wrongKind = await post(agent, 'passport_photo', jpeg(4));
    expect(wrongKind.statusCode).toBe(400);
    expect((await t.ctx.blobs.list()).length).toBe(before);
    const list = await get(agent, `/api/staff/appointments/${appointmentId}/snapshots`);
    expect(list.json().data.snapshots).toHaveLength(2);
  });

  it('are taken only by the appointment’s agent, a supervisor or an administrator, and are invisible to other organisations', async () => {
    expect((await post(otherAgent, 'id_back', jpeg(5))).statusCode).toBe(403);
    const admin = t.orgA.accounts.find((a) => a.role === 'admin');
    if (!admin) throw new Error('no seeded administrator');
    const adminSession = await staffSession(t, admin.email, admin.password);
    expect((await post(adminSession, 'id_back', jpeg(6))).statusCode).toBe(201);
    const beta = t.orgB.accounts.find((a) => a.role === 'admin');
    if (!beta) throw new Error('no seeded administrator in organisation B');
    const betaSession = await staffSession(t, beta.email, beta.password, 'beta.test');
    expect((await get(betaSession, `/api/staff/appointments/${appointmentId}/snapshots`, 'beta.test')).statusCode).toBe(404);
    expect((await post(betaSession, 'id_back', jpeg(7), 'image/jpeg', 'beta.test')).statusCode).toBe(404);
    const anonymous = await t.app.http.inject({ method: 'GET', url: `/api/staff/appointments/${appointmentId}/snapshots`, headers: { host: 'alfa.test' } });
    expect(anonymous.statusCode).toBe(401);
  });
});
