import type { AppointmentMailData, AppointmentMailKind } from './mail.types.ts';
import type { Language } from '../../shared/limits.ts';

/**
 * Test data for the appointment emails: an appointment on Monday 30 March
 * 2026 at 09:00 in Madrid (07:00Z, the day after the switch to summer
 * time) whose deadlines fall before the switch, so a wrong zone or offset
 * shows up as a wrong hour.
 */
export function appointmentMailData(
  kind: AppointmentMailKind = 'booking_confirmation',
  language: Language = 'ca',
  overrides: Partial<AppointmentMailData> = {},
): AppointmentMailData {
  return {
    kind,
    language,
    organisation: { name: 'Ajuntament de Rubí', slug: 'rubi', dir3: 'L01081847', timeZone: 'Europe/Madrid' },
    appointment: {
      id: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
      reference: 'RUB-7K3M',
      startsAt: new Date('2026-03-30T07:00:00Z'),
      endsAt: new Date('2026-03-30T07:20:00Z'),
      uploadDeadline: new Date('2026-03-28T07:00:00Z'),
      changeDeadline: new Date('2026-03-29T00:00:00Z'),
      icsSequence: kind === 'booking_confirmation' ? 0 : kind === 'appointment_changed' ? 1 : 2,
    },
    procedure: {
      name: "Alta al padró d'habitants",
      requiredDocuments: [
        { name: 'Contracte de lloguer', description: 'O escriptura de propietat del domicili.', mandatory: true },
        { name: 'Llibre de família', description: 'Si s’hi inscriuen menors.', mandatory: false },
      ],
    },
    citizen: { name: 'Maria', surnames: 'Pérez i Soler', email: 'maria@example.org' },
    baseUrl: 'https://finestreta.example/o/rubi',
    ...(kind === 'booking_confirmation' ? { credentials: { token: 'tok_Ab-9xZ', password: 'K7P-2QX-9MZ' } } : {}),
    ...overrides,
  };
}

/** The sender used in tests, as MAIL_FROM would be configured. */
export const TEST_FROM = 'Finestreta <no-reply@finestreta.example>';
