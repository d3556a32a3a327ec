import { randomUUID } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Staff } from '../db/schema.ts';
import { organisationRepo } from '../organisations/organisation.repo.ts';
import { createStaff, generatedPassword } from '../staff/staff.service.ts';
import { DEMO_FORMS } from './demo-forms.ts';

type L = { ca: string; es: string; en: string };

interface DemoDocument {
  name: L;
  description: L;
  mandatory: boolean;
  types: string[];
  maxSizeMb: number;
}

interface DemoProcedure {
  code: string;
  name: L;
  description: L;
  duration: number;
  buffer: number;
  minNoticeHours: number;
  maxAdvanceDays: number;
  documents: DemoDocument[];
}

const PDF_IMG = ['application/pdf', 'image/jpeg', 'image/png'];

const ID_DOC: DemoDocument = {
  name: { ca: 'DNI, NIE o passaport', es: 'DNI, NIE o pasaporte', en: 'DNI, NIE or passport' },
  description: {
    ca: 'Document d’identitat vigent de la persona sol·licitant, per les dues cares.',
    es: 'Documento de identidad vigente de la persona solicitante, por ambas caras.',
    en: 'Valid identity document of the applicant, both sides.',
  },
  mandatory: true,
  types: PDF_IMG,
  maxSizeMb: 10,
};

/** Realistic procedures of a Catalan town hall's citizen-service office. */
export const DEMO_PROCEDURES: DemoProcedure[] = [
  {
    code: 'padro-certificat',
    name: { ca: 'Certificat d’empadronament', es: 'Certificado de empadronamiento', en: 'Certificate of registration (padró)' },
    description: {
      ca: 'Document que acredita el domicili i la data d’alta al padró municipal d’habitants.',
      es: 'Documento que acredita el domicilio y la fecha de alta en el padrón municipal de habitantes.',
      en: 'Certifies your address and the date you were registered in the municipal register.',
    },
    duration: 15,
    buffer: 5,
    minNoticeHours: 2,
    maxAdvanceDays: 60,
    documents: [ID_DOC],
  },
  {
    code: 'padro-canvi-domicili',
    name: { ca: 'Canvi de domicili al padró', es: 'Cambio de domicilio en el padrón', en: 'Change of address in the municipal register' },
    description: {
      ca: 'Actualització de l’adreça de les persones empadronades que es traslladen dins del municipi.',
      es: 'Actualización de la dirección de las personas empadronadas que se trasladan dentro del municipio.',
      en: 'Update the address of registered residents who move within the municipality.',
    },
    duration: 20,
    buffer: 10,
    minNoticeHours: 24,
    maxAdvanceDays: 60,
    documents: [
      ID_DOC,
      {
        name: { ca: 'Títol d’ocupació de l’habitatge', es: 'Título de ocupación de la vivienda', en: 'Proof of right to occupy the home' },
        description: {
          ca: 'Escriptura, contracte de lloguer vigent o autorització de la persona propietària.',
          es: 'Escritura, contrato de alquiler vigente o autorización de la persona propietaria.',
          en: 'Title deed, current rental contract or the owner’s authorisation.',
        },
        mandatory: true,
        types: PDF_IMG,
        maxSizeMb: 20,
      },
      {
        name: { ca: 'Llibre de família', es: 'Libro de familia', en: 'Family book' },
        description: {
          ca: 'Només si es traslladen menors d’edat.',
          es: 'Solo si se trasladan menores de edad.',
          en: 'Only if minors are moving too.',
        },
        mandatory: false,
        types: PDF_IMG,
        maxSizeMb: 20,
      },
    ],
  },
  {
    code: 'ibi-bonificacio-familia-nombrosa',
    name: {
      ca: 'Bonificació de l’IBI per a famílies nombroses',
      es: 'Bonificación del IBI para familias numerosas',
      en: 'Property tax (IBI) reduction for large families',
    },
    description: {
      ca: 'Sol·licitud de la bonificació de l’impost sobre béns immobles de l’habitatge habitual.',
      es: 'Solicitud de la bonificación del impuesto sobre bienes inmuebles de la vivienda habitual.',
      en: 'Apply for the reduction of the property tax on your main home.',
    },
    duration: 20,
    buffer: 10,
    minNoticeHours: 24,
    maxAdvanceDays: 90,
    documents: [
      ID_DOC,
      {
        name: { ca: 'Títol de família nombrosa', es: 'Título de familia numerosa', en: 'Large-family card' },
        description: { ca: 'Carnet vigent.', es: 'Carné vigente.', en: 'Valid card.' },
        mandatory: true,
        types: PDF_IMG,
        maxSizeMb: 10,
      },
      {
        name: { ca: 'Rebut de l’IBI', es: 'Recibo del IBI', en: 'IBI receipt' },
        description: {
          ca: 'Últim rebut de l’impost de l’habitatge.',
          es: 'Último recibo del impuesto de la vivienda.',
          en: 'Latest property tax receipt for the home.',
        },
        mandatory: false,
        types: PDF_IMG,
        maxSizeMb: 10,
      },
    ],
  },
  {
    code: 'targeta-aparcament-discapacitat',
    name: {
      ca: 'Targeta d’aparcament per a persones amb discapacitat',
      es: 'Tarjeta de aparcamiento para personas con discapacidad',
      en: 'Disabled parking card',
    },
    description: {
      ca: 'Sol·licitud o renovació de la targeta d’aparcament individual o de transport col·lectiu.',
      es: 'Solicitud o renovación de la tarjeta de aparcamiento individual o de transporte colectivo.',
      en: 'Apply for or renew an individual or collective-transport parking card.',
    },
    duration: 30,
    buffer: 10,
    minNoticeHours: 24,
    maxAdvanceDays: 60,
    documents: [
      ID_DOC,
      {
        name: { ca: 'Dictamen de mobilitat reduïda', es: 'Dictamen de movilidad reducida', en: 'Reduced-mobility assessment' },
        description: {
          ca: 'Resolució del grau de discapacitat amb el barem de mobilitat.',
          es: 'Resolución del grado de discapacidad con el baremo de movilidad.',
          en: 'Disability assessment including the mobility score.',
        },
        mandatory: true,
        types: ['application/pdf'],
        maxSizeMb: 20,
      },
      {
        name: { ca: 'Fotografia de carnet', es: 'Fotografía de carné', en: 'Passport-size photo' },
        description: { ca: 'Recent, en color.', es: 'Reciente, en color.', en: 'Recent, in colour.' },
        mandatory: true,
        types: ['image/jpeg', 'image/png'],
        maxSizeMb: 5,
      },
    ],
  },
  {
    code: 'instancia-generica',
    name: { ca: 'Instància genèrica', es: 'Instancia genérica', en: 'General application' },
    description: {
      ca: 'Qualsevol sol·licitud, queixa o comunicació adreçada a l’Ajuntament que no tingui un tràmit específic.',
      es: 'Cualquier solicitud, queja o comunicación dirigida al Ayuntamiento que no tenga un trámite específico.',
      en: 'Any request, complaint or communication to the town hall that has no specific procedure.',
    },
    duration: 15,
    buffer: 5,
    minNoticeHours: 2,
    maxAdvanceDays: 60,
    documents: [
      ID_DOC,
      {
        name: { ca: 'Documentació complementària', es: 'Documentación complementaria', en: 'Supporting documents' },
        description: {
          ca: 'Qualsevol document que doni suport a la sol·licitud.',
          es: 'Cualquier documento que respalde la solicitud.',
          en: 'Any document that supports the request.',
        },
        mandatory: false,
        types: PDF_IMG,
        maxSizeMb: 50,
      },
    ],
  },
  {
    code: 'ajut-menjador-escolar',
    name: { ca: 'Ajut de menjador escolar', es: 'Ayuda de comedor escolar', en: 'School meals grant' },
    description: {
      ca: 'Sol·licitud d’ajut per al servei de menjador dels centres educatius del municipi.',
      es: 'Solicitud de ayuda para el servicio de comedor de los centros educativos del municipio.',
      en: 'Apply for help with school canteen costs at the town’s schools.',
    },
    duration: 30,
    buffer: 10,
    minNoticeHours: 48,
    maxAdvanceDays: 45,
    documents: [
      ID_DOC,
      {
        name: { ca: 'Declaració de la renda', es: 'Declaración de la renta', en: 'Income tax return' },
        description: {
          ca: 'De tots els membres de la unitat familiar majors de 16 anys.',
          es: 'De todos los miembros de la unidad familiar mayores de 16 años.',
          en: 'For every member of the household aged over 16.',
        },
        mandatory: true,
        types: ['application/pdf'],
        maxSizeMb: 20,
      },
    ],
  },
];

/** Public holidays of the demo town (Catalonia), closed for everyone. */
const HOLIDAYS = [
  '2026-01-01', '2026-01-06', '2026-04-03', '2026-04-06', '2026-05-01', '2026-06-24', '2026-08-15',
  '2026-09-11', '2026-10-12', '2026-12-08', '2026-12-25', '2026-12-26',
  '2027-01-01', '2027-01-06', '2027-03-26', '2027-03-29', '2027-05-01', '2027-06-24', '2027-09-11',
  '2027-10-12', '2027-11-01', '2027-12-06', '2027-12-08', '2027-12-25',
];

/** An account created by the seed, with the password shown once. */
export interface SeededAccount {
  email: string;
  role: Staff['role'];
  password: string;
}

/** Options for a seeded organisation (tests seed several). */
export interface SeedOptions {
  slug?: string;
  name?: string;
  dir3?: string;
  hosts?: string[];
  agents?: number;
  officeName?: string;
  now: Date;
}

/**
 * Seeds one demo municipality with procedures, opening hours, holidays, an
 * admin and agents. Returns the accounts with their generated passwords.
 */
export async function seedOrganisation(
  db: Db,
  opts: SeedOptions,
): Promise<{ organisationId: string; officeId: string; accounts: SeededAccount[] }> {
  const slug = opts.slug ?? 'demo';
  const organisationId = randomUUID();
  const nowIso = opts.now.toISOString();
  await db
    .insertInto('organisations')
    .values({
      id: organisationId,
      slug,
      name: opts.name ?? 'Ajuntament de Vilafinestra',
      dir3: opts.dir3 ?? 'L01089999',
      time_zone: 'Europe/Madrid',
      languages: JSON.stringify(['ca', 'es', 'en']),
      branding: JSON.stringify({ primaryColor: '#1d4f91' }),
      slot_interval_minutes: 15,
      upload_deadline_hours: 48,
      change_notice_hours: 2,
      waiting_room_open_minutes: 15,
      created_at: nowIso,
    })
    .execute();
  for (const host of opts.hosts ?? []) {
    await db.insertInto('organisation_hosts').values({ host, organisation_id: organisationId }).execute();
  }
  for (const [i, p] of DEMO_PROCEDURES.entries()) {
    const procedureId = randomUUID();
    await db
      .insertInto('procedures')
      .values({
        id: procedureId,
        organisation_id: organisationId,
        code: p.code,
        name: JSON.stringify(p.name),
        description: JSON.stringify(p.description),
        duration_minutes: p.duration,
        buffer_minutes: p.buffer,
        channels: JSON.stringify(['video', 'in_person']),
        min_notice_hours: p.minNoticeHours,
        max_advance_days: p.maxAdvanceDays,
        active: 1,
        sort_order: i,
        created_at: nowIso,
      })
      .execute();
    const form = DEMO_FORMS[p.code];
    if (form) {
      await db.insertInto('procedure_forms').values({ procedure_id: procedureId, organisation_id: organisationId, definition: JSON.stringify(form), updated_at: nowIso }).execute();
    }
    for (const [j, d] of p.documents.entries()) {
      await db
        .insertInto('required_documents')
        .values({
          id: randomUUID(),
          organisation_id: organisationId,
          procedure_id: procedureId,
          name: JSON.stringify(d.name),
          description: JSON.stringify(d.description),
          mandatory: d.mandatory ? 1 : 0,
          accepted_types: JSON.stringify(d.types),
          max_size_mb: d.maxSizeMb,
          sort_order: j,
        })
        .execute();
    }
  }
  for (const date of HOLIDAYS) {
    await db
      .insertInto('schedule_exceptions')
      .values({ id: randomUUID(), organisation_id: organisationId, staff_id: null, date, kind: 'closed', start_time: null, end_time: null, reason: 'holiday' })
      .execute();
  }

  const officeId = randomUUID();
  await db
    .insertInto('offices')
    .values({ id: officeId, organisation_id: organisationId, name: opts.officeName ?? 'Oficina d’Atenció Ciutadana', created_at: nowIso })
    .execute();
  const accounts: SeededAccount[] = [];
  const make = async (email: string, role: Staff['role'], displayName: string) => {
    const password = generatedPassword();
    const staff = await createStaff(db, organisationId, { email, role, displayName, password }, opts.now);
    await db.insertInto('staff_offices').values({ staff_id: staff.id, office_id: officeId }).execute();
    accounts.push({ email, role, password });
    return staff;
  };
  await make(`admin@${slug}.finestreta.test`, 'admin', 'Administració');
  const agentCount = opts.agents ?? 2;
  for (let n = 1; n <= agentCount; n++) {
    const agent = await make(`agent${n}@${slug}.finestreta.test`, 'agent', `Agent ${n}`);
    // Monday–Friday mornings; Tuesday and Thursday afternoons too (a typical OAC timetable).
    const windows: [number, string, string][] = [1, 2, 3, 4, 5].map((d) => [d, '09:00', '14:00']);
    windows.push([2, '16:00', '19:00'], [4, '16:00', '19:00']);
    for (const [weekday, start, end] of windows) {
      await db
        .insertInto('agent_schedules')
        .values({ id: randomUUID(), organisation_id: organisationId, staff_id: agent.id, weekday, start_time: start, end_time: end, valid_from: null, valid_to: null })
        .execute();
    }
  }
  return { organisationId, officeId, accounts };
}

/** Seeds the demo municipality on a fresh installation; returns null when organisations already exist. */
export async function seedDemoIfEmpty(db: Db, now: Date): Promise<{ organisationId: string; officeId: string; accounts: SeededAccount[] } | null> {
  if ((await organisationRepo.count(db)) > 0) return null;
  return db.transaction().execute((trx) => seedOrganisation(trx, { now }));
}
