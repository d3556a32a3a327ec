/**
 * Spanish identity numbers. A NIF (DNI) is 8 digits and a control letter; a
 * NIE is X, Y or Z, 7 digits and a control letter. The letter is
 * `CONTROL_LETTERS[number mod 23]`, where a NIE's leading X/Y/Z counts as 0/1/2
 * (Orden INT/2058/2008 and RD 1553/2005).
 */
const CONTROL_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';

/** Kinds of identity document a citizen may book with. */
export const ID_TYPES = ['nif', 'nie', 'passport'] as const;
export type IdType = (typeof ID_TYPES)[number];

/** Removes spaces, dots and dashes and upper-cases, as people type them. */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(/[\s.-]/g, '').toUpperCase();
}

/** True when `value` (normalised) is a NIF with the right control letter. */
export function isValidNif(value: string): boolean {
  const m = /^(\d{8})([A-Z])$/.exec(value);
  if (!m) return false;
  return CONTROL_LETTERS[Number(m[1]) % 23] === m[2];
}

/** True when `value` (normalised) is a NIE with the right control letter. */
export function isValidNie(value: string): boolean {
  const m = /^([XYZ])(\d{7})([A-Z])$/.exec(value);
  if (!m || !m[1]) return false;
  const prefix = 'XYZ'.indexOf(m[1]);
  return CONTROL_LETTERS[Number(`${prefix}${m[2]}`) % 23] === m[3];
}

/** A passport number: 5–20 letters and digits (formats vary by country). */
export function isPlausiblePassport(value: string): boolean {
  return /^[A-Z0-9]{5,20}$/.test(value);
}

/** Validates a normalised number against its declared type. */
export function isValidIdNumber(type: IdType, value: string): boolean {
  switch (type) {
    case 'nif':
      return isValidNif(value);
    case 'nie':
      return isValidNie(value);
    case 'passport':
      return isPlausiblePassport(value);
  }
}
