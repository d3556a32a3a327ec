/**
 * The form builder's model: what the administrator is typing (numbers as
 * text, every language's label) and its translation into a
 * `FormDefinition` — the same definition the server stores and the
 * protocol screens render — and back.
 */
import { FORM_FIELD_TYPES, type FormDefinition, type FormField, type FormFieldType } from '../../../../shared/procedure-forms.ts';
import { LANGUAGES, type Language } from '../../../../shared/limits.ts';

type Texts = Record<Language, string>;

/** One choice of a choice field, as typed. */
export interface DraftChoice {
  uid: string;
  value: string;
  label: Texts;
}

/** One field, as typed. */
export interface DraftField {
  uid: string;
  key: string;
  type: FormFieldType;
  required: boolean;
  label: Texts;
  help: Texts;
  choices: DraftChoice[];
  multiline: boolean;
  maxLength: string;
  min: string;
  max: string;
  integer: boolean;
}

let uids = 0;
/** A key for React that stays with a field or choice while they move. */
export const nextUid = (): string => `u${++uids}`;

const emptyTexts = (): Texts => ({ ca: '', es: '', en: '' });
const textsOf = (t: Partial<Record<Language, string>> | undefined): Texts => ({ ...emptyTexts(), ...(t ?? {}) });

/** A new field of `type`; a choice starts with two empty choices. */
export function newField(type: FormFieldType = 'text'): DraftField {
  return {
    uid: nextUid(),
    key: '',
    type,
    required: true,
    label: emptyTexts(),
    help: emptyTexts(),
    choices: type === 'choice' ? [newChoice(), newChoice()] : [],
    multiline: false,
    maxLength: '',
    min: '',
    max: '',
    integer: false,
  };
}

export function newChoice(): DraftChoice {
  return { uid: nextUid(), value: '', label: emptyTexts() };
}

/** The drafts of a stored definition. */
export function draftsOf(definition: FormDefinition | null): DraftField[] {
  return (definition?.fields ?? []).map((f) => ({
    uid: nextUid(),
    key: f.key,
    type: f.type,
    required: f.required,
    label: textsOf(f.label),
    help: textsOf(f.help),
    choices: (f.choices ?? []).map((c) => ({ uid: nextUid(), value: c.value, label: textsOf(c.label) })),
    multiline: f.multiline ?? false,
    maxLength: f.maxLength === undefined ? '' : String(f.maxLength),
    min: f.min === undefined ? '' : String(f.min),
    max: f.max === undefined ? '' : String(f.max),
    integer: f.integer ?? false,
  }));
}

/** A number as typed; NaN when it is not one (the schema then refuses it), undefined when left empty. */
function numberOf(text: string): number | undefined {
  const s = text.trim().replace(',', '.');
  if (s === '') return undefined;
  return /^-?\d+(\.\d+)?$/.test(s) ? Number(s) : Number.NaN;
}

/** The definition the drafts describe, for the server to check and store (unchecked here). */
export function definitionOf(drafts: readonly DraftField[]): FormDefinition {
  return {
    fields: drafts.map((d): FormField => {
      const field: FormField = { key: d.key.trim(), type: d.type, required: d.required, label: trimmed(d.label) };
      if (LANGUAGES.some((l) => d.help[l].trim() !== '')) field.help = trimmed(d.help);
      if (d.type === 'choice') field.choices = d.choices.map((c) => ({ value: c.value.trim(), label: trimmed(c.label) }));
      if (d.type === 'text') {
        if (d.multiline) field.multiline = true;
        const maxLength = numberOf(d.maxLength);
        if (maxLength !== undefined) field.maxLength = maxLength;
      }
      if (d.type === 'number') {
        const min = numberOf(d.min);
        const max = numberOf(d.max);
        if (min !== undefined) field.min = min;
        if (max !== undefined) field.max = max;
        if (d.integer) field.integer = true;
      }
      return field;
    }),
  };
}

function trimmed(t: Texts): Texts {
  return { ca: t.ca.trim(), es: t.es.trim(), en: t.en.trim() };
}

/** A key suggested from a label: lower case, ASCII, underscores (`Nombre de places` → `nombre_de_places`). */
export function suggestKey(label: string): string {
  const ascii = label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40);
  return /^[a-z]/.test(ascii) ? ascii : ascii ? `f_${ascii}`.slice(0, 40) : '';
}

export { FORM_FIELD_TYPES };
