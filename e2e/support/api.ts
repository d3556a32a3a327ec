/** Seeding through the public API, as a second citizen would (proof of work solved in Node). */
import { expect, type APIRequestContext } from '@playwright/test';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';

const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** A valid NIF for any number below 10^8 (control letter = number mod 23). */
export function validNif(n: number): string {
  return `${String(n).padStart(8, '0')}${CONTROL_LETTERS[n % 23] ?? ''}`;
}

interface Envelope<T> {
  data: T;
}

/** Free capacity left at `startsAt` (0 when the time is no longer offered). */
export async function capacityAt(request: APIRequestContext, procedureId: string, startsAt: string, date: string): Promise<number> {
  const response = await request.get(`/api/public/procedures/${procedureId}/availability?from=${date}&to=${date}`);
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as Envelope<{ days: { slots: { startsAt: string; capacity: number }[] }[] }>;
  return body.data.days.flatMap((d) => d.slots).find((s) => s.startsAt === startsAt)?.capacity ?? 0;
}

/** The first free time of a procedure in the next month: its instant and local date. */
export async function firstFreeSlot(request: APIRequestContext, procedureId: string): Promise<{ startsAt: string; date: string }> {
  const from = new Date().toISOString().slice(0, 10);
  const to = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
  const response = await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`);
  const body = (await response.json()) as Envelope<{ days: { date: string; slots: { startsAt: string }[] }[] }>;
  const day = body.data.days.find((d) => d.slots.length > 0);
  const slot = day?.slots[0];
  if (!day || !slot) throw new Error('no free time in the next month');
  return { startsAt: slot.startsAt, date: day.date };
}

/** The id of the first procedure offered by video call. */
export async function firstVideoProcedure(request: APIRequestContext): Promise<string> {
  const body = (await (await request.get('/api/public/procedures?lang=ca')).json()) as Envelope<{ id: string; channels: string[] }[]>;
  const procedure = body.data.find((p) => p.channels.includes('video'));
  if (!procedure) throw new Error('no procedure offered by video call');
  return procedure.id;
}

/** Books an appointment through the API and returns the HTTP status. */
export async function bookViaApi(
  request: APIRequestContext,
  booking: { procedureId: string; startsAt: string; email: string; idNumber: string },
): Promise<number> {
  const challenge = ((await (await request.get('/api/public/captcha')).json()) as Envelope<Challenge>).data;
  const solution = await solveChallenge({ challenge, deriveKey });
  if (!solution) throw new Error('could not solve the proof of work');
  const response = await request.post('/api/public/appointments', {
    headers: { 'Accept-Language': 'ca' },
    data: {
      procedureId: booking.procedureId,
      startsAt: booking.startsAt,
      channel: 'video',
      citizen: {
        name: 'Jordi',
        surnames: 'Vila',
        idType: 'nif',
        idNumber: booking.idNumber,
        email: booking.email,
        phone: '600000000',
        language: 'ca',
        needs: { signLanguage: false, languageInterpreter: null, other: null },
      },
      captcha: { challenge, solution: { counter: solution.counter, derivedKey: solution.derivedKey } },
    },
  });
  return response.status();
}

/**
 * A member of staff (signed in on `request`, with `csrfToken`) books a video
 * appointment for a citizen at the first free time of the next weeks and
 * registers it, as the guided protocol's last step does; answers the
 * appointment's id and the registry's answer (number, CSV, verification URL).
 */
export async function bookAndRegisterAsStaff(
  request: APIRequestContext,
  csrfToken: string,
  citizen: { name: string; surnames: string; idNumber: string; email: string },
): Promise<{ id: string; number: string; csv: string; verifyUrl: string }> {
  const procedureId = await firstVideoProcedure(request);
  const from = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
  const to = new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10);
  const availability = (await (await request.get(`/api/public/procedures/${procedureId}/availability?from=${from}&to=${to}`)).json()) as Envelope<{
    days: { slots: { startsAt: string }[] }[];
  }>;
  const startsAt = availability.data.days.flatMap((d) => d.slots)[0]?.startsAt;
  expect(startsAt).toBeDefined();
  const booked = await request.post('/api/staff/appointments', {
    headers: { 'x-csrf-token': csrfToken },
    data: {
      procedureId,
      startsAt,
      channel: 'video',
      citizen: { ...citizen, idType: 'nif', phone: '600 111 222', language: 'ca', needs: { signLanguage: false, languageInterpreter: null, other: null } },
    },
  });
  expect(booked.status()).toBe(201);
  const { id } = ((await booked.json()) as Envelope<{ id: string }>).data;
  const registered = await request.post(`/api/staff/appointments/${id}/registry`, {
    headers: { 'x-csrf-token': csrfToken },
    data: { summary: 'Sol·licitud de certificat', formData: { motiu: 'Beca' } },
  });
  expect(registered.status()).toBe(201);
  return { id, ...((await registered.json()) as Envelope<{ number: string; csv: string; verifyUrl: string }>).data };
}
