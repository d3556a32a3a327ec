import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../../test/databases.ts';
import { citizenWithAppointment, listen, staffSession, type Session } from '../../../test/documents-helpers.ts';
import { bytesReadToSeek, chunked, frameAt, liveWebm, probe, putChunk, sha256, staffPost } from '../../../test/recording-helpers.ts';
import { createTestApp, DEFAULT_NOW, procedureId, type TestApp } from '../../../test/test-app.ts';
import { greetedSocket, nif } from '../realtime/realtime.fixture.ts';
import { RECORDING_LIMITS } from '../../shared/recordings.ts';
import { ABANDONED_AFTER_MS, settleAbandonedRecordings } from './recordings.service.ts';

/** Half-hour slots of the one agent's mornings from Monday (10:00–14:00 local: eight a day), one per appointment. */
const slot = (n: number) => new Date(Date.parse('2026-03-02T09:00:00.000Z') + Math.floor((n - 1) / 8) * 86_400_000 + ((n - 1) % 8) * 30 * 60_000);
const JOIN = { type: 'join_waiting_room', consents: { processing: true, recording: true }, devices: { camera: true, microphone: true } } as const;

describe.each(DIALECTS)('the recording of a call (%s)', (dialect) => {
  let t: TestApp;
  let padro: string;
  /** The appointments' agent, the other agent of the office, the administrator, and beta's administrator. */
  let agent: Session;
  let otherAgent: Session;
  let admin: Session;
  let betaAdmin: Session;
  let clipA: Buffer;
  let clipB: Buffer;
  let n = 0;
  let port = 0;
  const portOf = async () => (port ||= await listen(t));

  beforeAll(async () => {
    // One agent takes every booking, so "the appointment's agent" is known; a second one sits in the same office.
    t = await createTestApp({ dialect, agents: 1 });
    padro = await procedureId(t, t.orgA.id);
    const login = async (role: string, org: TestApp['orgA'], host = 'alfa.test') => {
      const account = org.accounts.find((a) => a.role === role);
      return staffSession(t, account?.email ?? '', account?.password ?? '', host);
    };
    agent = await login('agent', t.orgA);
    admin = await login('admin', t.orgA);
    betaAdmin = await login('admin', t.orgB, 'beta.test');
    // A second agent in alfa's office, added after the bookings' agent is fixed.
    const { createStaff } = await import('../staff/staff.service.ts');
    const office = await t.ctx.db.selectFrom('offices').select('id').where('organisation_id', '=', t.orgA.id).executeTakeFirstOrThrow();
    const mate = await createStaff(t.ctx.db, t.orgA.id, { email: 'mate@alfa.finestreta.test', role: 'agent', displayName: 'Mate', password: 'a long enough password 1' }, DEFAULT_NOW);
    await t.ctx.db.insertInto('staff_offices').values({ staff_id: mate.id, office_id: office.id }).execute();
    otherAgent = await staffSession(t, 'mate@alfa.finestreta.test', 'a long enough password 1');
    [clipA, clipB] = await Promise.all([liveWebm(6, 440), liveWebm(4, 660)]);
  });
  afterAll(async () => t.close());

  /** A booked appointment; `inCall` puts it in the call as admitting would. */
  async function appointment(inCall = true) {
    n++;
    t.clock.set(DEFAULT_NOW);
    const c = await citizenWithAppointment(t, { procedureId: padro, startsAt: slot(n).toISOString(), email: `rec${n}@example.org`, idNumber: nif(38_000_000 + n) });
    if (inCall) await t.ctx.db.updateTable('appointments').set({ status: 'in_call' }).where('id', '=', c.appointmentId).execute();
    return { ...c, opensAt: new Date(slot(n).getTime() - 10 * 60_000) };
  }
  const events = async (appointmentId: string) =>
    (await t.ctx.db.selectFrom('appointment_events').select(['type', 'actor', 'data']).where('appointment_id', '=', appointmentId).orderBy('id').execute())
      .filter((e) => e.type.startsWith('recording.'))
      .map((e) => ({ type: e.type, data: JSON.parse(e.data) as Record<string, unknown> }));
  const url = (id: string, rest = '') => `/api/staff/appointments/${id}/recording${rest}`;
  const start = (staff: Session, id: string, host?: string) => staffPost(t, staff, url(id, '/segments'), {}, host);
  const sendAll = async (id: string, segment: number, parts: Buffer[], from = 0) => {
    for (const [i, part] of parts.entries()) {
      const res = await putChunk(t, agent, id, segment, from + i, part);
      expect(res.statusCode, res.body).toBe(200);
    }
  };

  it('lets only the appointment’s agent (or an administrator) record, and only during the call', async () => {
    const c = await appointment(false);
    expect((await t.app.http.inject({ method: 'GET', url: url(c.appointmentId), headers: { host: 'alfa.test' } })).statusCode).toBe(401);
    // Another organisation's staff do not see the appointment at all.
    const foreign = await start(betaAdmin, c.appointmentId, 'beta.test');
    expect(foreign.statusCode).toBe(404);
    expect((await putChunk(t, betaAdmin, c.appointmentId, 1, 0, Buffer.from('x'), undefined, 'beta.test')).statusCode).toBe(404);
    // An office mate sees the appointment but it is not their call.
    const mate = await start(otherAgent, c.appointmentId);
    expect(mate.statusCode).toBe(403);
    expect(mate.json().error.id).toBe('not_appointment_agent');
    expect((await putChunk(t, otherAgent, c.appointmentId, 1, 0, Buffer.from('x'))).statusCode).toBe(403);
    const notYet = await start(agent, c.appointmentId);
    expect(notYet.statusCode).toBe(409);
    expect(notYet.json().error.id).toBe('call_not_in_progress');
    const none = await t.app.http.inject({ method: 'GET', url: url(c.appointmentId), headers: { host: 'alfa.test', cookie: agent.cookie, 'accept-language': 'ca' } });
    expect(none.statusCode).toBe(404);
    expect(none.json().error).toMatchObject({ id: 'recording_not_found', message: 'Aquesta cita no té enregistrament.' });
    // Chunks need a started segment.
    await t.ctx.db.updateTable('appointments').set({ status: 'in_call' }).where('id', '=', c.appointmentId).execute();
    expect((await putChunk(t, agent, c.appointmentId, 1, 0, Buffer.from('x'))).statusCode).toBe(404);
    const byAdmin = await start(admin, c.appointmentId);
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().data.segment).toBe(1);
  });

  it('acknowledges each chunk once stored, again for the same chunk, refuses another body or a wrong hash and keeps nothing of it', async () => {
    const c = await appointment();
    expect((await start(agent, c.appointmentId)).json().data.segment).toBe(1);
    const [first = Buffer.alloc(0), second = Buffer.alloc(0)] = chunked(clipA, 40_000);
    const ack = await putChunk(t, agent, c.appointmentId, 1, 0, first);
    expect(ack.statusCode).toBe(200);
    expect(ack.json().data).toEqual({ segment: 1, seq: 0, sha256: sha256(first) });
    const blobs = (await t.ctx.blobs.list()).length;
    // A retry after a lost answer: the same acknowledgement, nothing stored twice.
    const again = await putChunk(t, agent, c.appointmentId, 1, 0, first);
    expect(again.statusCode).toBe(200);
    expect(again.json().data).toEqual(ack.json().data);
    // Another body under an acknowledged number.
    const other = await putChunk(t, agent, c.appointmentId, 1, 0, second);
    expect(other.statusCode).toBe(409);
    expect(other.json().error.id).toBe('chunk_conflict');
    // Damaged on the way: refused in the caller's language, nothing kept.
    const damaged = Buffer.from(second);
    damaged[100] = (damaged[100] ?? 0) ^ 0xff;
    const bad = await t.app.http.inject({
      method: 'PUT',
      url: url(c.appointmentId, '/segments/1/chunks/1'),
      headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf, 'content-type': 'video/webm', 'x-chunk-sha256': sha256(second), 'accept-language': 'es' },
      payload: damaged,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ id: 'chunk_digest_mismatch', message: 'Un fragmento de la grabación ha llegado dañado. Se enviará de nuevo.' });
    expect((await t.ctx.blobs.list()).length).toBe(blobs);
    const rows = await t.ctx.db.selectFrom('recording_chunks').select(['seq', 'size', 'sha256', 'organisation_id']).orderBy('seq').execute();
    expect(rows.filter((r) => r.sha256 === sha256(first))).toEqual([{ seq: 0, size: first.length, sha256: sha256(first), organisation_id: t.orgA.id }]);
    // No digest, a bad digest, a JSON body, too large.
    const noDigest = await t.app.http.inject({
      method: 'PUT',
      url: url(c.appointmentId, '/segments/1/chunks/1'),
      headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf, 'content-type': 'video/webm' },
      payload: second,
    });
    expect(noDigest.json().error.id).toBe('chunk_digest_required');
    expect((await putChunk(t, agent, c.appointmentId, 1, 1, second, 'XYZ')).json().error.id).toBe('chunk_digest_required');
    const json = await t.app.http.inject({
      method: 'PUT',
      url: url(c.appointmentId, '/segments/1/chunks/1'),
      headers: { host: 'alfa.test', cookie: agent.cookie, 'x-csrf-token': agent.csrf, 'x-chunk-sha256': sha256(second) },
      payload: { a: 1 },
    });
    expect(json.json().error.id).toBe('chunk_type_unsupported');
    const huge = Buffer.alloc(RECORDING_LIMITS.maxChunkBytes + 1);
    const tooLarge = await putChunk(t, agent, c.appointmentId, 1, 1, huge);
    expect(tooLarge.statusCode).toBe(413);
    expect(tooLarge.json().error.id).toBe('chunk_too_large');
    expect((await putChunk(t, agent, c.appointmentId, 1, RECORDING_LIMITS.maxChunksPerSegment, second)).statusCode).toBe(400);
    expect((await t.ctx.blobs.list()).length).toBe(blobs);
  });

  it('stores a chunk sent twice at once only once, and refuses the other body of a race', async () => {
    const c = await appointment();
    await start(agent, c.appointmentId);
    const [a = Buffer.alloc(0), b = Buffer.alloc(0), d = Buffer.alloc(0)] = chunked(clipA, 30_000);
    const blobs = (await t.ctx.blobs.list()).length;
    const same = await Promise.all([putChunk(t, agent, c.appointmentId, 1, 0, a), putChunk(t, agent, c.appointmentId, 1, 0, a)]);
    expect(same.map((r) => r.statusCode)).toEqual([200, 200]);
    expect(same[0]?.json()).toEqual(same[1]?.json());
    const raced = await Promise.all([putChunk(t, agent, c.appointmentId, 1, 1, b), putChunk(t, agent, c.appointmentId, 1, 1, d)]);
    expect(raced.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    // One blob per acknowledged chunk, nothing of the copies.
    expect((await t.ctx.blobs.list()).length).toBe(blobs + 2);
  });

  it('joins the segments of a reloaded page into one seekable WebM, stored encrypted, served with Range; the log tells the story', async () => {
    const c = await appointment();
    expect((await start(agent, c.appointmentId)).statusCode).toBe(201);
    await sendAll(c.appointmentId, 1, chunked(clipA, 23_456));
    // The page reloads: its new recorder is segment 2, and segment 1 is kept as far as it was acknowledged.
    const second = await start(agent, c.appointmentId);
    expect(second.json().data.segment).toBe(2);
    const partsB = chunked(clipB, 31_000);
    await sendAll(c.appointmentId, 2, partsB);
    const late = await putChunk(t, agent, c.appointmentId, 1, 99, Buffer.from('late'));
    expect(late.json().error.id).toBe('recording_segment_closed');
    const stopped = await staffPost(t, agent, url(c.appointmentId, '/stop'), { segment: 2 });
    expect(stopped.statusCode, stopped.body).toBe(200);
    const view = stopped.json().data;
    expect(view.status).toBe('ready');
    expect(view.segments).toEqual([
      { number: 1, chunks: chunked(clipA, 23_456).length, bytes: clipA.length, endReason: 'interrupted' },
      { number: 2, chunks: partsB.length, bytes: clipB.length, endReason: 'stopped' },
    ]);
    expect(Math.abs(view.file.durationMs - 10_000)).toBeLessThan(1_000);
    const lastA = chunked(clipA, 23_456).length - 1;
    expect(await events(c.appointmentId)).toEqual([
      { type: 'recording.started', data: { segment: 1 } },
      { type: 'recording.interrupted', data: { segment: 1, chunks: lastA + 1, keptUpToChunk: lastA } },
      { type: 'recording.segment_started', data: { segment: 2, afterInterruption: true } },
      { type: 'recording.stopped', data: { segments: 2, chunks: lastA + 1 + partsB.length } },
      { type: 'recording.finalised', data: expect.objectContaining({ sha256: view.file.sha256, size: view.file.size }) },
    ]);

    // ffprobe reads it over HTTP, as a player would (Range requests for the seek).
    const port = await portOf();
    const headers = `Cookie: ${agent.cookie}\r\nHost: alfa.test\r\n`;
    const content = `http://127.0.0.1:${port}${url(c.appointmentId, '/content')}`;
    const probed = await probe(content, headers);
    expect(Math.abs(probed.duration - 10)).toBeLessThan(1);
    expect(probed.codecs).toEqual(['vp8', 'opus']);
    const frame = await frameAt(content, 7, headers);
    expect(Math.abs(frame - 7)).toBeLessThan(2.1);
    // In one jump, through the Cues: a small part of the file is read.
    expect(await bytesReadToSeek(content, 7, headers)).toBeLessThan(view.file.size / 2);

    const whole = await t.app.http.inject({ method: 'GET', url: url(c.appointmentId, '/content'), headers: { host: 'alfa.test', cookie: agent.cookie } });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['content-type']).toBe('video/webm');
    expect(sha256(whole.rawPayload)).toBe(view.file.sha256);
    const range = await t.app.http.inject({ method: 'GET', url: url(c.appointmentId, '/content'), headers: { host: 'alfa.test', cookie: agent.cookie, range: 'bytes=100-199' } });
    expect(range.statusCode).toBe(206);
    expect(range.rawPayload.equals(whole.rawPayload.subarray(100, 200))).toBe(true);
    // Staff who may see the appointment may see its recording; another organisation's may not.
    expect((await t.app.http.inject({ method: 'GET', url: url(c.appointmentId, '/content'), headers: { host: 'alfa.test', cookie: otherAgent.cookie } })).statusCode).toBe(200);
    expect((await t.app.http.inject({ method: 'GET', url: url(c.appointmentId, '/content'), headers: { host: 'beta.test', cookie: betaAdmin.cookie } })).statusCode).toBe(404);
    // The file rests encrypted: no 32 bytes of its plaintext are anywhere in the data folder.
    const marker = whole.rawPayload.subarray(4_000, 4_032);
    const files = (await readdir(t.ctx.config.dataDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    for (const f of files) expect((await readFile(path.join(f.parentPath, f.name))).includes(marker), f.name).toBe(false);
    // Finished: nothing more joins it.
    expect((await start(agent, c.appointmentId)).json().error.id).toBe('recording_finalised');
  });

  it('keeps everything up to the last acknowledged chunk when the agent’s page is lost, and says so', async () => {
    const c = await appointment();
    await start(agent, c.appointmentId);
    const parts = chunked(clipA, 20_000);
    const kept = parts.slice(0, Math.ceil(parts.length / 2));
    await sendAll(c.appointmentId, 1, kept);
    // The page is gone; the administrator finishes the recording from elsewhere (no segment of theirs).
    const stopped = await staffPost(t, admin, url(c.appointmentId, '/stop'));
    expect(stopped.statusCode, stopped.body).toBe(200);
    const view = stopped.json().data;
    expect(view.status).toBe('ready');
    expect(view.segments).toEqual([{ number: 1, chunks: kept.length, bytes: kept.reduce((s, p) => s + p.length, 0), endReason: 'interrupted' }]);
    expect((await events(c.appointmentId)).map((e) => [e.type, e.data])).toEqual([
      ['recording.started', { segment: 1 }],
      ['recording.interrupted', { segment: 1, chunks: kept.length, keptUpToChunk: kept.length - 1 }],
      ['recording.stopped', { segments: 1, chunks: kept.length }],
      ['recording.finalised', expect.objectContaining({ segments: [{ segment: 1, chunks: kept.length, droppedAfterGap: 0 }] })],
    ]);
    const port = await portOf();
    const probed = await probe(`http://127.0.0.1:${port}${url(c.appointmentId, '/content')}`, `Cookie: ${agent.cookie}\r\nHost: alfa.test\r\n`);
    // About half of the 6 s clip, whatever the byte boundary cut.
    expect(probed.duration).toBeGreaterThan(1.5);
    expect(probed.duration).toBeLessThan(4.5);
    expect(Math.abs(probed.duration * 1000 - view.file.durationMs)).toBeLessThan(1_000);
  });

  it('marks the recording failed when a stored chunk cannot be read, says so, and tries again on the next stop', async () => {
    const c = await appointment();
    await start(agent, c.appointmentId);
    await sendAll(c.appointmentId, 1, chunked(clipB, 30_000));
    const lost = await t.ctx.db
      .selectFrom('recording_chunks as k')
      .innerJoin('recording_segments as s', 's.id', 'k.segment_id')
      .innerJoin('recordings as r', 'r.id', 's.recording_id')
      .select('k.blob_id')
      .where('r.appointment_id', '=', c.appointmentId)
      .where('k.seq', '=', 1)
      .executeTakeFirstOrThrow();
    await t.ctx.blobs.destroy(lost.blob_id);
    const stopped = await staffPost(t, agent, url(c.appointmentId, '/stop'), { segment: 1 });
    expect(stopped.statusCode).toBe(200);
    expect(stopped.json().data).toMatchObject({ status: 'failed', file: null });
    expect((await events(c.appointmentId)).map((e) => e.type)).toEqual(['recording.started', 'recording.stopped', 'recording.finalise_failed']);
    const content = await t.app.http.inject({ method: 'GET', url: url(c.appointmentId, '/content'), headers: { host: 'alfa.test', cookie: agent.cookie } });
    expect(content.json().error.id).toBe('recording_not_ready');
    // Stopping again retries (and fails again: the chunk is gone); nothing is logged twice.
    expect((await staffPost(t, agent, url(c.appointmentId, '/stop'))).json().data.status).toBe('failed');
    expect((await events(c.appointmentId)).filter((e) => e.type === 'recording.finalise_failed')).toHaveLength(1);
  });

  it('shows the citizen in the call that it is being recorded, and when it stops', async () => {
    const c = await appointment(false);
    t.clock.set(c.opensAt);
    // Signed in again on the day (a session from the booking's morning may have expired by a later slot).
    const session = await c.signInAgain();
    const citizen = await greetedSocket(t.app.http, 'citizen', session);
    citizen.send(JOIN);
    await citizen.next('waiting_status', (m) => m.presence === 'waiting');
    const tab = await greetedSocket(t.app.http, 'agent', agent);
    tab.send({ type: 'admit', appointmentId: c.appointmentId });
    await citizen.next('call_started');
    expect((await start(agent, c.appointmentId)).statusCode).toBe(201);
    expect(await citizen.next('recording')).toEqual({ type: 'recording', appointmentId: c.appointmentId, active: true });
    // A citizen whose page reloads learns it with the call itself.
    citizen.close();
    const again = await greetedSocket(t.app.http, 'citizen', session);
    expect(await again.next('call_started')).toMatchObject({ appointmentId: c.appointmentId, recording: true });
    await sendAll(c.appointmentId, 1, chunked(clipB, 50_000));
    expect((await staffPost(t, agent, url(c.appointmentId, '/stop'), { segment: 1 })).json().data.status).toBe('ready');
    expect(await again.next('recording')).toEqual({ type: 'recording', appointmentId: c.appointmentId, active: false });
    again.close();
    tab.close();
  });

  it('settles a recording no page stopped once its call is over: kept up to its last chunk, finalised, and the history says the system stopped it', async () => {
    const c = await appointment();
    const other = await appointment();
    t.clock.set(c.opensAt);
    expect((await start(agent, c.appointmentId)).statusCode).toBe(201);
    expect((await start(agent, other.appointmentId)).statusCode).toBe(201);
    const parts = chunked(clipA, 40_000);
    await sendAll(c.appointmentId, 1, parts);
    await sendAll(other.appointmentId, 1, parts.slice(0, 2));
    // The agent's tab died; the citizen hung up: the call is over, nobody stops the recording. The other call goes on.
    await t.ctx.db.updateTable('appointments').set({ status: 'booked' }).where('id', '=', c.appointmentId).execute();
    // Within the grace period a stopping page may still be on its way: nothing is done.
    t.clock.set(new Date(c.opensAt.getTime() + ABANDONED_AFTER_MS / 2));
    expect(await settleAbandonedRecordings(t.ctx)).toBe(0);
    t.clock.set(new Date(c.opensAt.getTime() + ABANDONED_AFTER_MS + 1000));
    expect(await settleAbandonedRecordings(t.ctx)).toBe(1);
    const view = await t.app.http.inject({ method: 'GET', url: url(c.appointmentId), headers: { host: 'alfa.test', cookie: agent.cookie } });
    expect(view.json().data).toMatchObject({ status: 'ready', segments: [{ number: 1, chunks: parts.length, endReason: 'interrupted' }] });
    expect(Math.abs(view.json().data.file.durationMs - 6000)).toBeLessThan(1000);
    const history = await events(c.appointmentId);
    expect(history.map((e) => e.type)).toEqual(['recording.started', 'recording.interrupted', 'recording.stopped', 'recording.finalised']);
    expect(history[1]?.data).toMatchObject({ segment: 1, chunks: parts.length, keptUpToChunk: parts.length - 1 });
    const stopped = await t.ctx.db.selectFrom('appointment_events').select('actor').where('appointment_id', '=', c.appointmentId).where('type', '=', 'recording.stopped').executeTakeFirstOrThrow();
    expect(stopped.actor).toBe('system');
    // The call still on is left alone, and a second sweep finds nothing more.
    expect((await t.app.http.inject({ method: 'GET', url: url(other.appointmentId), headers: { host: 'alfa.test', cookie: agent.cookie } })).json().data.status).toBe('recording');
    expect(await settleAbandonedRecordings(t.ctx)).toBe(0);
  });
});
