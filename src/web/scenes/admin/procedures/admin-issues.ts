/**
 * Field problems in the administration console: the server answers
 * `validation_failed` with `{ path, code }` per field (e.g. `name.es`
 * `required`), and the console checks the same zod schemas before sending.
 * Both become one map from field path to a translated message; each input's
 * id is derived from its path, so the error summary links to the field.
 */
import type { TFunction } from 'i18next';
import type { ZodError } from 'zod';
import { ApiError } from '../../../api/client.ts';

/** A field problem as the API and the schemas report it. */
export interface Issue {
  path: string;
  code: string;
}

/** The element id of the input for a field path (`documents.0.name.ca` → `f-documents-0-name-ca`). */
export function fieldId(path: string): string {
  return `f-${path.replace(/[^a-zA-Z0-9]+/g, '-')}`;
}

/** The issues of a zod failure, with the codes our schemas set as messages. */
export function zodIssues(error: ZodError): Issue[] {
  return error.issues.map((i) => ({ path: i.path.map(String).join('.'), code: /^[a-z_]+$/.test(i.message) ? i.message : i.code }));
}

/** The field issues of an API error, or null when it is not a field-level refusal. */
export function apiIssues(error: unknown): Issue[] | null {
  if (!(error instanceof ApiError) || error.id !== 'validation_failed') return null;
  const issues = error.details.issues;
  if (!Array.isArray(issues)) return null;
  return issues.flatMap((i: unknown) => {
    const r = i as { path?: unknown; code?: unknown };
    return typeof r.path === 'string' && typeof r.code === 'string' ? [{ path: r.path, code: r.code }] : [];
  });
}

/** One message per field path (the first problem of each), translated. */
export function issueMessages(issues: readonly Issue[], t: TFunction, label: (path: string) => string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const issue of issues) {
    if (out[issue.path]) continue;
    const key = `admin.issue.${issue.code}`;
    const text = t(key, { field: label(issue.path) });
    out[issue.path] = text === key ? t('admin.issue.invalid', { field: label(issue.path) }) : text;
  }
  return out;
}
