import { describe, expect, it } from 'vitest';
import type { Language } from '../../shared/limits.ts';
import { renderAppointmentMail } from './appointment.mail.ts';
import { appointmentMailData, TEST_FROM } from './appointment.mail.fixture.ts';

const NOW = new Date('2026-03-01T10:00:00Z');
const LINK = 'https://finestreta.example/o/rubi/a/tok_Ab-9xZ';
const PASSWORD = 'K7P-2QX-9MZ';

/** What a reader of each language must see. Hours are in Madrid time: 07:00Z is 9:00 after the switch, 8:00 before it. */
const EXPECTED: Record<
  Language,
  {
    subject: { booking_confirmation: string; appointment_changed: string; appointment_cancelled: string };
    when: RegExp;
    uploadDeadline: RegExp;
    changeDeadline: RegExp;
    mandatory: string;
    optional: string;
    stillValid: string;
    noLongerValid: string;
    neverAsk: string;
  }
> = {
  ca: {
    subject: {
      booking_confirmation: "Cita confirmada: Alta al padró d'habitants, 30 de març",
      appointment_changed: "Cita modificada: Alta al padró d'habitants, 30 de març",
      appointment_cancelled: "Cita anul·lada: Alta al padró d'habitants, 30 de març",
    },
    when: /dilluns, 30 de març.*2026[\s\S]*9:00/,
    uploadDeadline: /Data límit per aportar la documentació: dissabte, 28 de març .*2026.* 8:00/,
    changeDeadline: /Data límit per canviar o anul·lar la cita: diumenge, 29 de març .*2026.* 1:00/,
    mandatory: '(obligatori)',
    optional: '(opcional)',
    stillValid: 'continuen sent vàlids',
    noLongerValid: 'ja no són vàlids',
    neverAsk: 'El nostre personal no us la demanarà mai',
  },
  es: {
    subject: {
      booking_confirmation: "Cita confirmada: Alta al padró d'habitants, 30 de marzo",
      appointment_changed: "Cita modificada: Alta al padró d'habitants, 30 de marzo",
      appointment_cancelled: "Cita anulada: Alta al padró d'habitants, 30 de marzo",
    },
    when: /lunes, 30 de marzo de 2026[\s\S]*9:00/,
    uploadDeadline: /Fecha límite para aportar la documentación: sábado, 28 de marzo de 2026.* 8:00/,
    changeDeadline: /Fecha límite para cambiar o anular la cita: domingo, 29 de marzo de 2026.* 1:00/,
    mandatory: '(obligatorio)',
    optional: '(opcional)',
    stillValid: 'siguen siendo válidos',
    noLongerValid: 'ya no son válidos',
    neverAsk: 'Nuestro personal nunca se la pedirá',
  },
  en: {
    subject: {
      booking_confirmation: "Appointment confirmed: Alta al padró d'habitants, 30 March 2026",
      appointment_changed: "Appointment changed: Alta al padró d'habitants, 30 March 2026",
      appointment_cancelled: "Appointment cancelled: Alta al padró d'habitants, 30 March 2026",
    },
    when: /Monday, 30 March 2026[\s\S]*9:00/,
    uploadDeadline: /Deadline for providing the documents: Saturday, 28 March 2026.* 8:00/,
    changeDeadline: /Deadline for changing or cancelling the appointment: Sunday, 29 March 2026.* 1:00/,
    mandatory: '(required)',
    optional: '(optional)',
    stillValid: 'still valid',
    noLongerValid: 'no longer valid',
    neverAsk: 'Our staff will never ask you for it',
  },
};

const LANGUAGES: Language[] = ['ca', 'es', 'en'];

/** The blank-line separated paragraph of the text part that contains `needle`. */
function textParagraph(text: string, needle: string): string {
  return text.split('\n\n').find((p) => p.includes(needle)) ?? '';
}

/** The HTML password box. */
function secretBox(html: string): string {
  return /<div data-block="secret"[^>]*>([\s\S]*?)<\/div>/.exec(html)?.[1] ?? '';
}

function expectNoUnresolvedKeys(...parts: string[]): void {
  for (const part of parts) expect(part).not.toMatch(/\bmail\.[a-z_]+\./);
}

describe.each(LANGUAGES)('booking confirmation in %s', (lang) => {
  const expected = EXPECTED[lang];
  const mail = renderAppointmentMail(appointmentMailData('booking_confirmation', lang), TEST_FROM, NOW);

  it('has the subject with the procedure, the date and the reference, addressed to the citizen', () => {
    expect(mail.subject.startsWith(expected.subject.booking_confirmation)).toBe(true);
    expect(mail.subject).toMatch(/9:00 \(RUB-7K3M\)$/);
    expect(mail.to).toBe('maria@example.org');
    expect(mail.language).toBe(lang);
    expectNoUnresolvedKeys(mail.subject, mail.text, mail.html);
  });

  it('greets the citizen and gives the date and time in Madrid time', () => {
    for (const body of [mail.text, mail.html]) {
      expect(body).toContain('Maria Pérez i Soler');
      expect(body).toMatch(expected.when);
      expect(body).toContain('RUB-7K3M');
      expect(body).toContain('Ajuntament de Rubí');
    }
  });

  it('gives the personal link, and the password apart from it with a warning', () => {
    expect(mail.text).toContain(LINK);
    expect(mail.html).toContain(`href="${LINK}"`);

    const passwordParagraph = textParagraph(mail.text, PASSWORD);
    expect(passwordParagraph.trim()).toBe(PASSWORD);
    expect(textParagraph(mail.text, LINK)).not.toContain(PASSWORD);
    expect(mail.text.split(PASSWORD)).toHaveLength(2);
    expect(mail.text).toContain(expected.neverAsk);

    const box = secretBox(mail.html);
    expect(box).toContain(PASSWORD);
    expect(box).toContain(expected.neverAsk);
    expect(box).toMatch(/monospace/);
    expect(box).not.toContain('/a/');
    expect(mail.html.split(PASSWORD)).toHaveLength(2);
  });

  it('lists each required document as mandatory or optional, with the upload deadline', () => {
    const text = mail.text;
    expect(text).toContain(`- Contracte de lloguer ${expected.mandatory}`);
    expect(text).toContain('O escriptura de propietat del domicili.');
    expect(text).toContain(`- Llibre de família ${expected.optional}`);
    expect(text).toMatch(expected.uploadDeadline);
    expect(mail.html).toContain('<strong>Contracte de lloguer</strong> ' + expected.mandatory);
    expect(mail.html).toContain('<strong>Llibre de família</strong> ' + expected.optional);
  });

  it('links to change and cancel, with the deadline for doing so', () => {
    for (const action of ['change', 'cancel']) {
      expect(mail.text).toContain(`${LINK}?action=${action}`);
      expect(mail.html).toContain(`href="${LINK}?action=${action}"`);
    }
    expect(mail.text).toMatch(expected.changeDeadline);
  });

  it('is a standalone HTML document in the language, with nothing loaded from outside', () => {
    expect(mail.html).toMatch(new RegExp(`^<!DOCTYPE html>\\n<html lang="${lang}"`));
    expect(mail.html).not.toMatch(/<(script|img|link|iframe|style)\b|\bsrc=/i);
  });

  it('carries an invitation (REQUEST) without the credentials', () => {
    expect(mail.calendar?.method).toBe('REQUEST');
    expect(mail.calendar?.content).toContain('METHOD:REQUEST');
    expect(mail.calendar?.filename).toMatch(/RUB-7K3M\.ics$/);
    expect(mail.calendar?.content).not.toContain(PASSWORD);
    expect(mail.calendar?.content).not.toContain('tok_Ab-9xZ');
  });
});

describe.each(LANGUAGES)('change notice in %s', (lang) => {
  const expected = EXPECTED[lang];
  const mail = renderAppointmentMail(appointmentMailData('appointment_changed', lang), TEST_FROM, NOW);

  it('gives the new details and says the first link and password still work, without repeating them', () => {
    expect(mail.subject.startsWith(expected.subject.appointment_changed)).toBe(true);
    expect(mail.subject).toContain('(RUB-7K3M)');
    for (const body of [mail.text, mail.html]) {
      expect(body).toMatch(expected.when);
      expect(body).toContain(expected.stillValid);
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain('/a/');
      expect(body).toContain('Contracte de lloguer');
    }
    expect(mail.text).toMatch(expected.uploadDeadline);
    expect(mail.text).toMatch(expected.changeDeadline);
    expectNoUnresolvedKeys(mail.subject, mail.text, mail.html);
  });

  it('carries the updated invitation as a REQUEST with a higher SEQUENCE', () => {
    expect(mail.calendar?.method).toBe('REQUEST');
    expect(mail.calendar?.content).toContain('SEQUENCE:1\r\n');
    expect(mail.calendar?.content).toContain('DTSTART;TZID=Europe/Madrid:20260330T090000');
  });
});

describe.each(LANGUAGES)('cancellation notice in %s', (lang) => {
  const expected = EXPECTED[lang];
  const mail = renderAppointmentMail(appointmentMailData('appointment_cancelled', lang), TEST_FROM, NOW);

  it('says which appointment was cancelled and that the credentials no longer work', () => {
    expect(mail.subject.startsWith(expected.subject.appointment_cancelled)).toBe(true);
    expect(mail.subject).toContain('(RUB-7K3M)');
    for (const body of [mail.text, mail.html]) {
      expect(body).toMatch(expected.when);
      expect(body).toContain(expected.noLongerValid);
      expect(body).not.toContain(PASSWORD);
      expect(body).not.toContain('/a/');
    }
    expect(mail.html).toContain('href="https://finestreta.example/o/rubi"');
    expectNoUnresolvedKeys(mail.subject, mail.text, mail.html);
  });

  it('carries a CANCEL for the same event', () => {
    expect(mail.calendar?.method).toBe('CANCEL');
    expect(mail.calendar?.content).toContain('METHOD:CANCEL');
    expect(mail.calendar?.content).toContain('STATUS:CANCELLED');
    expect(mail.calendar?.content).toContain('SEQUENCE:2\r\n');
  });
});

describe('renderAppointmentMail', () => {
  it('escapes every interpolated value in the HTML part', () => {
    const data = appointmentMailData('booking_confirmation', 'ca', {
      citizen: { name: '<script>alert("x")</script>', surnames: "O'Brien & Co", email: 'maria@example.org' },
      procedure: {
        name: 'Llicència <b>obres</b>',
        requiredDocuments: [{ name: 'Plànol <img src=x onerror=alert(1)>', description: '"quoted" & <i>', mandatory: true }],
      },
      credentials: { token: 'tok"><script>', password: '<p>&amp;' },
    });
    const mail = renderAppointmentMail(data, TEST_FROM, NOW);
    expect(mail.html).not.toMatch(/<script|<b>|<img|<i>|<p>&amp;/);
    expect(mail.html).toContain('&#60;script&#62;alert(&#34;x&#34;)&#60;/script&#62;');
    expect(mail.html).toContain('O&#39;Brien &#38; Co');
    expect(mail.html).toContain('&#60;p&#62;&#38;amp;');
    // The token is percent-encoded into the URL, so it cannot break out of the href either.
    expect(mail.html).toContain('href="https://finestreta.example/o/rubi/a/tok%22%3E%3Cscript%3E"');
    // The plain-text part shows the values as they are.
    expect(mail.text).toContain('<script>alert("x")</script>');
  });

  it('says so when no document is needed, and gives no upload deadline', () => {
    const data = appointmentMailData('booking_confirmation', 'es', {
      procedure: { name: 'Consulta', requiredDocuments: [] },
    });
    const mail = renderAppointmentMail(data, TEST_FROM, NOW);
    expect(mail.text).toContain('Para este trámite no es necesario aportar ningún documento.');
    expect(mail.text).not.toContain('Fecha límite para aportar');
  });

  it('keeps the subject on one line', () => {
    const data = appointmentMailData('appointment_changed', 'en', { procedure: { name: 'Line\r\nBreak', requiredDocuments: [] } });
    expect(renderAppointmentMail(data, TEST_FROM, NOW).subject).toMatch(/^Appointment changed: Line Break, /);
  });

  it('refuses a confirmation without the credentials it must deliver', () => {
    const { credentials: _omit, ...data } = appointmentMailData('booking_confirmation');
    expect(() => renderAppointmentMail(data, TEST_FROM, NOW)).toThrow(TypeError);
  });
});
