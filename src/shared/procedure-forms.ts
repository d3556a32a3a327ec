import { z } from 'zod';
import { LANGUAGES, type Language } from './limits.ts';

/**
 * A procedure's registry-data form, as the catalogue defines it: the fields
 * the agent fills in during the call (protocol step 4), which the citizen
 * sees live on their screen and confirms. The same definition builds the
 * validator the server applies to what the agent submits, and the labels
 * both screens show, in each of the platform's languages.
 */

/** Field types a form may use. */
export const FORM_FIELD_TYPES = ['text', 'date', 'number', 'choice', 'yes_no', 'address'] as const;
export const formFieldType = z.enum(FORM_FIELD_TYPES);
export type FormFieldType = z.infer<typeof formFieldType>;

/** Limits of definitions and of the data filled in. */
export const FORM_LIMITS = {
  fieldsMax: 60,
  choicesMax: 50,
  keyMax: 40,
  labelMax: 200,
  helpMax: 500,
  /** Default and ceiling of a text field's length (a multi-line text may go up to the ceiling). */
  textDefaultMax: 200,
  textCeiling: 4000,
  addressPartMax: 120,
  /** Dates outside this range are typing mistakes. */
  dateMin: '1900-01-01',
  dateMax: '2100-12-31',
  numberMax: 1_000_000_000,
} as const;

const key = z
  .string()
  .max(FORM_LIMITS.keyMax)
  .regex(/^[a-z][a-z0-9_]*$/, 'invalid_key');

/** A text in every language of the platform. */
const localised = (max: number) => z.object(Object.fromEntries(LANGUAGES.map((l) => [l, z.string().trim().min(1).max(max)])) as Record<Language, z.ZodString>).strict();
export type LocalisedLabel = Record<Language, string>;

/** One field of a form. `choices` only (and always) for `choice`. */
export const formField = z
  .object({
    key,
    type: formFieldType,
    required: z.boolean(),
    label: localised(FORM_LIMITS.labelMax),
    help: localised(FORM_LIMITS.helpMax).optional(),
    choices: z
      .array(z.object({ value: key, label: localised(FORM_LIMITS.labelMax) }).strict())
      .min(2)
      .max(FORM_LIMITS.choicesMax)
      .optional(),
    /** text: several lines (longer limit by default). */
    multiline: z.boolean().optional(),
    /** text: longest value accepted. */
    maxLength: z.number().int().min(1).max(FORM_LIMITS.textCeiling).optional(),
    /** number: bounds and whether decimals are allowed. */
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    integer: z.boolean().optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.type === 'choice') !== (f.choices !== undefined)) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'choices_only_for_choice' });
    if (f.choices && new Set(f.choices.map((c) => c.value)).size !== f.choices.length) ctx.addIssue({ code: 'custom', path: ['choices'], message: 'duplicate_choice' });
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) ctx.addIssue({ code: 'custom', path: ['min'], message: 'min_above_max' });
  });
export type FormField = z.infer<typeof formField>;

/** A whole form: its fields in the order they are shown. */
export const formDefinition = z
  .object({ fields: z.array(formField).min(1).max(FORM_LIMITS.fieldsMax) })
  .strict()
  .refine((d) => new Set(d.fields.map((f) => f.key)).size === d.fields.length, { message: 'duplicate_key', path: ['fields'] });
export type FormDefinition = z.infer<typeof formDefinition>;

/** An address as the agent types it (Spanish postal addresses: a five-digit postcode). */
export const addressValue = z
  .object({
    street: z.string().trim().min(1).max(FORM_LIMITS.addressPartMax),
    number: z.string().trim().max(10).optional(),
    floor: z.string().trim().max(10).optional(),
    door: z.string().trim().max(10).optional(),
    postcode: z.string().trim().regex(/^\d{5}$/, 'invalid_postcode'),
    municipality: z.string().trim().min(1).max(FORM_LIMITS.addressPartMax),
  })
  .strict();
export type AddressValue = z.infer<typeof addressValue>;

/** A value of a filled-in form. */
export type FormValue = string | number | boolean | AddressValue | null;
/** A form's data: field key → value. */
export type FormData = Record<string, FormValue>;

/** What a form's data may look like at the edge, before the definition checks it (bounded, any field). */
export const formDataInput = z
  .record(z.string().max(FORM_LIMITS.keyMax), z.union([z.string().max(FORM_LIMITS.textCeiling), z.number().finite(), z.boolean(), z.null(), z.record(z.string().max(20), z.string().max(FORM_LIMITS.addressPartMax))]))
  .refine((o) => Object.keys(o).length <= FORM_LIMITS.fieldsMax, 'too_many_fields');

/** Why a field's value is refused (its translated message is in `FIELD_ISSUE_MESSAGES`). */
export type FieldIssueCode =
  | 'required'
  | 'unknown_field'
  | 'not_text'
  | 'too_long'
  | 'invalid_date'
  | 'date_out_of_range'
  | 'not_a_number'
  | 'not_an_integer'
  | 'too_small'
  | 'too_large'
  | 'invalid_choice'
  | 'not_yes_no'
  | 'invalid_address'
  | 'invalid_postcode';

/** One refused field: its key (or `key.part` for an address), why, and a message for people. */
export interface FieldIssue {
  path: string;
  code: FieldIssueCode;
  message: string;
}

/** Messages of field issues per language; `{label}` is the field's label, `{max}`/`{min}` its limits. */
export const FIELD_ISSUE_MESSAGES: Record<Language, Record<FieldIssueCode, string>> = {
  ca: {
    required: '{label}: cal omplir aquest camp.',
    unknown_field: '{label}: aquest camp no és d’aquest tràmit.',
    not_text: '{label}: ha de ser un text.',
    too_long: '{label}: com a màxim {max} caràcters.',
    invalid_date: '{label}: no és una data vàlida (AAAA-MM-DD).',
    date_out_of_range: '{label}: la data no és plausible.',
    not_a_number: '{label}: ha de ser un nombre.',
    not_an_integer: '{label}: ha de ser un nombre enter.',
    too_small: '{label}: com a mínim {min}.',
    too_large: '{label}: com a màxim {max}.',
    invalid_choice: '{label}: trieu una de les opcions.',
    not_yes_no: '{label}: la resposta ha de ser sí o no.',
    invalid_address: '{label}: cal indicar el carrer, el codi postal i el municipi.',
    invalid_postcode: '{label}: el codi postal ha de tenir 5 xifres.',
  },
  es: {
    required: '{label}: hay que rellenar este campo.',
    unknown_field: '{label}: este campo no es de este trámite.',
    not_text: '{label}: tiene que ser un texto.',
    too_long: '{label}: como máximo {max} caracteres.',
    invalid_date: '{label}: no es una fecha válida (AAAA-MM-DD).',
    date_out_of_range: '{label}: la fecha no es plausible.',
    not_a_number: '{label}: tiene que ser un número.',
    not_an_integer: '{label}: tiene que ser un número entero.',
    too_small: '{label}: como mínimo {min}.',
    too_large: '{label}: como máximo {max}.',
    invalid_choice: '{label}: elija una de las opciones.',
    not_yes_no: '{label}: la respuesta tiene que ser sí o no.',
    invalid_address: '{label}: hay que indicar la calle, el código postal y el municipio.',
    invalid_postcode: '{label}: el código postal tiene que tener 5 cifras.',
  },
  en: {
    required: '{label}: this field is required.',
    unknown_field: '{label}: this field is not part of this procedure.',
    not_text: '{label}: must be text.',
    too_long: '{label}: at most {max} characters.',
    invalid_date: '{label}: not a valid date (YYYY-MM-DD).',
    date_out_of_range: '{label}: the date is not plausible.',
    not_a_number: '{label}: must be a number.',
    not_an_integer: '{label}: must be a whole number.',
    too_small: '{label}: at least {min}.',
    too_large: '{label}: at most {max}.',
    invalid_choice: '{label}: choose one of the options.',
    not_yes_no: '{label}: the answer must be yes or no.',
    invalid_address: '{label}: give the street, the postcode and the municipality.',
    invalid_postcode: '{label}: the postcode must have 5 digits.',
  },
};

/** The longest text a text field accepts. */
export function textMax(field: FormField): number {
  return field.maxLength ?? (field.multiline ? FORM_LIMITS.textCeiling : FORM_LIMITS.textDefaultMax);
}

function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const isEmpty = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/**
 * A zod schema for the data of one form, built from its definition. With
 * `draft`, required fields may still be empty (the agent saves as they go);
 * everything present must still be of the right type, a listed choice and of
 * a sensible length. The parsed data holds only defined fields, trimmed;
 * empty ones are left out. Issue messages are codes (`FieldIssueCode`);
 * `checkFormData` turns them into translated field errors.
 */
export function formDataSchema(definition: FormDefinition, opts: { draft: boolean }): z.ZodType<FormData, unknown> {
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  return z.record(z.string(), z.unknown()).transform((input, ctx) => {
    const out: FormData = {};
    const fail = (path: string, code: FieldIssueCode) => ctx.addIssue({ code: 'custom', path: path.split('.'), message: code });
    for (const k of Object.keys(input)) if (!byKey.has(k)) fail(k, 'unknown_field');
    for (const field of definition.fields) {
      const raw = input[field.key];
      if (isEmpty(raw)) {
        if (field.required && !opts.draft) fail(field.key, 'required');
        continue;
      }
      switch (field.type) {
        case 'text': {
          if (typeof raw !== 'string') fail(field.key, 'not_text');
          else if (raw.trim().length > textMax(field)) fail(field.key, 'too_long');
          else out[field.key] = field.multiline ? raw.trim() : raw.trim().replace(/\s+/g, ' ');
          break;
        }
        case 'date': {
          if (typeof raw !== 'string' || !isCalendarDate(raw.trim())) fail(field.key, 'invalid_date');
          else if (raw.trim() < FORM_LIMITS.dateMin || raw.trim() > FORM_LIMITS.dateMax) fail(field.key, 'date_out_of_range');
          else out[field.key] = raw.trim();
          break;
        }
        case 'number': {
          const n = typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+([.,]\d+)?$/.test(raw.trim()) ? Number(raw.trim().replace(',', '.')) : Number.NaN;
          if (!Number.isFinite(n)) fail(field.key, 'not_a_number');
          else if (field.integer && !Number.isInteger(n)) fail(field.key, 'not_an_integer');
          else if (n < (field.min ?? -FORM_LIMITS.numberMax)) fail(field.key, 'too_small');
          else if (n > (field.max ?? FORM_LIMITS.numberMax)) fail(field.key, 'too_large');
          else out[field.key] = n;
          break;
        }
        case 'choice': {
          if (typeof raw !== 'string' || !field.choices?.some((c) => c.value === raw)) fail(field.key, 'invalid_choice');
          else out[field.key] = raw;
          break;
        }
        case 'yes_no': {
          if (typeof raw !== 'boolean') fail(field.key, 'not_yes_no');
          else out[field.key] = raw;
          break;
        }
        case 'address': {
          const parsed = addressValue.safeParse(raw);
          if (parsed.success) {
            // Optional parts left empty are left out, so the same address always hashes the same.
            const a = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== '')) as AddressValue;
            out[field.key] = a;
          } else fail(field.key, parsed.error.issues.some((i) => i.message === 'invalid_postcode') ? 'invalid_postcode' : 'invalid_address');
          break;
        }
      }
    }
    return out;
  });
}

function format(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/**
 * Checks data against a definition: the clean data, or the refused fields
 * with messages in `lang` that name each field by its label.
 */
export function checkFormData(definition: FormDefinition, data: unknown, opts: { draft: boolean; lang: Language }): { ok: true; data: FormData } | { ok: false; issues: FieldIssue[] } {
  const result = formDataSchema(definition, { draft: opts.draft }).safeParse(data);
  if (result.success) return { ok: true, data: result.data };
  const byKey = new Map(definition.fields.map((f) => [f.key, f]));
  const issues = result.error.issues.map((i): FieldIssue => {
    const path = i.path.map(String).join('.');
    const field = byKey.get(String(i.path[0] ?? ''));
    const code = (Object.keys(FIELD_ISSUE_MESSAGES.ca).includes(i.message) ? i.message : 'invalid_choice') as FieldIssueCode;
    const max = field?.type === 'text' ? textMax(field) : (field?.max ?? FORM_LIMITS.numberMax);
    const message = format(FIELD_ISSUE_MESSAGES[opts.lang][code], { label: field?.label[opts.lang] ?? path, max, min: field?.min ?? -FORM_LIMITS.numberMax });
    return { path, code, message };
  });
  return { ok: false, issues };
}

const YES_NO: Record<Language, [string, string]> = { ca: ['Sí', 'No'], es: ['Sí', 'No'], en: ['Yes', 'No'] };

/** A value as people read it in `lang`: a choice's label, yes/no, an address on one line. */
export function displayValue(field: FormField, value: FormValue | undefined, lang: Language): string {
  if (value === undefined || value === null) return '';
  if (field.type === 'choice') return field.choices?.find((c) => c.value === value)?.label[lang] ?? (typeof value === 'string' ? value : '');
  if (typeof value === 'boolean') return YES_NO[lang][value ? 0 : 1];
  if (typeof value === 'object') {
    const street = [value.street, value.number].filter(Boolean).join(', ');
    const flat = [value.floor, value.door].filter(Boolean).join(' ');
    return [street, flat, `${value.postcode} ${value.municipality}`].filter(Boolean).join(', ');
  }
  return String(value);
}

/**
 * The form of a procedure that defines none: one free text, as a general
 * application's "exposes and requests" (every procedure can then be registered).
 */
export const FALLBACK_FORM: FormDefinition = {
  fields: [
    {
      key: 'request',
      type: 'text',
      required: true,
      multiline: true,
      label: { ca: 'Exposició i sol·licitud', es: 'Exposición y solicitud', en: 'Statement and request' },
      help: {
        ca: 'Què demana la persona interessada i per què, en poques frases.',
        es: 'Qué pide la persona interesada y por qué, en pocas frases.',
        en: 'What the applicant asks for and why, in a few sentences.',
      },
    },
  ],
};
