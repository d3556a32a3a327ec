/**
 * The registry form on the agent's screen holds what is typed, as text (an
 * address as its parts); the server holds typed values. These turn one into
 * the other: the saved values into what the inputs show, and what was typed
 * into the data sent — empty fields left out, numbers as numbers, yes/no as
 * booleans. The server checks everything again (types, choices, limits).
 */
import type { FormFieldView } from '../../../../shared/protocol.ts';
import type { FormInput } from '../../../api/protocol-api.ts';

/** The parts of an address, in the order the inputs show them. */
export const ADDRESS_PARTS = ['street', 'number', 'floor', 'door', 'postcode', 'municipality'] as const;
export type AddressPart = (typeof ADDRESS_PARTS)[number];

/** What the inputs of one field hold. */
export type TypedValue = string | Record<AddressPart, string>;
/** What the inputs of the whole form hold, by field key. */
export type TypedForm = Record<string, TypedValue>;

/** An address with nothing typed. */
export const emptyAddress = (): Record<AddressPart, string> => ({ street: '', number: '', floor: '', door: '', postcode: '', municipality: '' });

/** The inputs' contents for a saved value. */
export function typedValue(field: Pick<FormFieldView, 'type' | 'value'>): TypedValue {
  const { type, value } = field;
  if (type === 'address') {
    const address = emptyAddress();
    if (value && typeof value === 'object') {
      for (const part of ADDRESS_PARTS) {
        const v = (value as Record<string, unknown>)[part];
        if (typeof v === 'string') address[part] = v;
      }
    }
    return address;
  }
  if (type === 'yes_no') return value === true ? 'yes' : value === false ? 'no' : '';
  if (typeof value === 'number') return String(value);
  return typeof value === 'string' ? value : '';
}

/** The inputs' contents for every field of a form. */
export function typedForm(fields: readonly Pick<FormFieldView, 'key' | 'type' | 'value'>[]): TypedForm {
  return Object.fromEntries(fields.map((f) => [f.key, typedValue(f)]));
}

/**
 * A number as people type it in Catalan or Spanish ("1.234,5") or English
 * ("1,234.5"): the last separator followed by one or two digits is the
 * decimal one. Not a number: the text as is, for the server to refuse with
 * the field's message.
 */
export function parseTypedNumber(text: string): number | string {
  const trimmed = text.trim().replace(/\s/g, '');
  if (!/^-?[\d.,]+$/.test(trimmed)) return text.trim();
  const decimal = /[.,](\d{1,2})$/.exec(trimmed);
  const whole = decimal ? trimmed.slice(0, decimal.index) : trimmed;
  const digits = whole.replace(/[.,]/g, '');
  const n = Number(decimal ? `${digits}.${decimal[1]}` : digits);
  return Number.isFinite(n) ? n : text.trim();
}

/** The data to send for what the inputs hold (empty fields left out). */
export function formInput(fields: readonly Pick<FormFieldView, 'key' | 'type'>[], typed: TypedForm): FormInput {
  const data: FormInput = {};
  for (const field of fields) {
    const value = typed[field.key];
    if (value === undefined) continue;
    if (typeof value !== 'string') {
      const parts: Record<string, string> = {};
      for (const part of ADDRESS_PARTS) if (value[part].trim() !== '') parts[part] = value[part].trim();
      if (Object.keys(parts).length > 0) data[field.key] = parts;
      continue;
    }
    const text = value.trim();
    if (text === '') continue;
    if (field.type === 'number') data[field.key] = parseTypedNumber(text);
    else if (field.type === 'yes_no') data[field.key] = text === 'yes';
    else data[field.key] = text;
  }
  return data;
}

/** Field errors from the server (`validation_failed`): an address part's path `key.part` belongs to its field. */
export function fieldErrors(details: Record<string, unknown>): Record<string, string> {
  const issues = Array.isArray(details.issues) ? details.issues : [];
  const out: Record<string, string> = {};
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string') continue;
    const key = issue.path.replace(/^data\./, '').split('.')[0] ?? '';
    if (key && !(key in out)) out[key] = issue.message;
  }
  return out;
}
