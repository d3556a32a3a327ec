/**
 * What the PDF signer and the receipt verifier share, without loading
 * either's libraries (the verifier runs on an auditor's machine with
 * nothing else).
 */

/** The SubFilter of PAdES baseline signatures (ETSI EN 319 142-1 §5.3; ISO 32000-2 §12.8.3.4). */
export const PADES_SUBFILTER = 'ETSI.CAdES.detached';

/** A PDF date (ISO 32000-1 §7.9.4), e.g. `D:20261130065000Z` or `D:20261130075000+01'00'`; null when malformed. */
export function parsePdfDate(value: string): Date | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(Z|([+-])(\d{2})'?(\d{2})?'?)?$/.exec(value);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', zone, sign, oh = '00', om = '00'] = m;
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(se));
  const offset = zone && zone !== 'Z' ? (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000 : 0;
  const date = new Date(utc - offset);
  return Number.isNaN(date.getTime()) ? null : date;
}
