import { describe, expect, it } from 'vitest';
import type { Language } from '../../shared/limits.ts';
import { renderAppointmentMail } from '../mail/appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from '../mail/appointment.mail.fixture.ts';

// The fixture's appointment: Monday 30 March 2026, 09:00 Madrid; documents due Saturday 28 at 08:00; changes until Sunday 29 at 01:00.
const DAY_BEFORE = new Date('2026-03-29T16:00:00Z');
const MISSING = [{ name: 'Contracte de lloguer', description: 'O escriptura de propietat del domicili.' }];

/** What a reader of each language must find. */
const EXPECTED: Record<
  Language,
  { subject: { documents: string; dayBefore: string; joinNow: string }; useConfirmation: string; roomOpen: string; deadline: RegExp; tomorrow: string }
> = {
  ca: {
    subject: {
      documents: "Documentació pendent per a la vostra cita: Alta al padró d'habitants, 30 de març",
      dayBefore: "Recordatori de la vostra cita de demà: Alta al padró d'habitants, 30 de març",
      joinNow: "La sala d'espera ja és oberta: Alta al padró d'habitants, 30 de març",
    },
    useConfirmation: "l'enllaç personal i la contrasenya del correu de confirmació",
    roomOpen: "ja és oberta",
    deadline: /Data límit per aportar la documentació: dissabte, 28 de març .*2026.* 8:00/,
    tomorrow: 'demà',
  },
  es: {
    subject: {
      documents: "Documentación pendiente para su cita: Alta al padró d'habitants, 30 de marzo",
      dayBefore: "Recordatorio de su cita de mañana: Alta al padró d'habitants, 30 de marzo",
      joinNow: "La sala de espera ya está abierta: Alta al padró d'habitants, 30 de marzo",
    },
    useConfirmation: 'el enlace personal y la contraseña del correo de confirmación',
    roomOpen: 'ya está abierta',
    deadline: /Fecha límite para aportar la documentación: sábado, 28 de marzo de 2026.* 8:00/,
    tomorrow: 'mañana',
  },
  en: {
    subject: {
      documents: "Documents still needed for your appointment: Alta al padró d'habitants, 30 March 2026",
      dayBefore: "Reminder of your appointment tomorrow: Alta al padró d'habitants, 30 March 2026",
      joinNow: "The waiting room is now open: Alta al padró d'habitants, 30 March 2026",
    },
    useConfirmation: 'the personal link and the password from your appointment confirmation email',
    roomOpen: 'is now open',
    deadline: /Deadline for providing the documents: Saturday, 28 March 2026.* 8:00/,
    tomorrow: 'tomorrow',
  },
};

/** No personal link (`/a/<token>`), no password, no calendar invitation: a reminder changes nothing and repeats no secret. */
function expectNoCredentials(mail: ReturnType<typeof renderAppointmentMail>): void {
  for (const body of [mail.text, mail.html]) {
    expect(body).not.toContain('/a/');
    expect(body).not.toMatch(/\b[A-Za-z0-9]{3,4}-[A-Za-z0-9]{3,4}-[A-Za-z0-9]{3,4}\b/);
    expect(body).not.toMatch(/\bmail\.[a-z_]+\./);
  }
  expect(mail.calendar).toBeUndefined();
}

describe.each(['ca', 'es', 'en'] as const)('reminder emails in %s', (lang) => {
  const expected = EXPECTED[lang];

  it('documents: lists what is missing and the deadline, and points to the confirmation email', () => {
    const mail = renderAppointmentMail(
      appointmentMailData('reminder_documents', lang, { missingDocuments: MISSING }),
      TEST_FROM,
      new Date('2026-03-27T07:00:00Z'),
    );
    expect(mail.subject.startsWith(expected.subject.documents)).toBe(true);
    expect(mail.subject).toMatch(/9:00 \(RUB-7K3M\)$/);
    expect(mail.language).toBe(lang);
    expect(mail.text).toContain('- Contracte de lloguer');
    expect(mail.text).toContain('O escriptura de propietat del domicili.');
    // Only what is missing: the optional document of the procedure is not listed.
    expect(mail.text).not.toContain('Llibre de família');
    expect(mail.text).toMatch(expected.deadline);
    expect(mail.text).toContain(expected.useConfirmation.split(' ')[1] ?? '');
    expectNoCredentials(mail);
  });

  it('day before: says it is tomorrow, how to join without repeating the credentials, and how to change', () => {
    const mail = renderAppointmentMail(appointmentMailData('reminder_day_before', lang), TEST_FROM, new Date('2026-03-28T17:00:00Z'));
    expect(mail.subject.startsWith(expected.subject.dayBefore)).toBe(true);
    expect(mail.text).toContain(expected.tomorrow);
    expect(mail.text).toContain(expected.useConfirmation);
    expect(mail.text).toMatch(/29 .*2026.* 1:00/);
    expectNoCredentials(mail);
  });

  it('day before: does not offer changes once the change deadline has passed', () => {
    const mail = renderAppointmentMail(appointmentMailData('reminder_day_before', lang), TEST_FROM, DAY_BEFORE);
    expect(mail.text).not.toMatch(/29 .*2026.* 1:00/);
    expect(mail.text).toContain(expected.useConfirmation);
  });

  it('join now: says the waiting room is open and to use the confirmation email', () => {
    const mail = renderAppointmentMail(appointmentMailData('reminder_join_now', lang), TEST_FROM, new Date('2026-03-30T06:45:00Z'));
    expect(mail.subject.startsWith(expected.subject.joinNow)).toBe(true);
    expect(mail.text).toContain(expected.roomOpen);
    expect(mail.html).toContain(expected.roomOpen);
    expect(mail.text).toMatch(/9:00/);
    expectNoCredentials(mail);
  });
});
