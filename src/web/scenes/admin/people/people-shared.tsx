/**
 * What the Staff and Organisation pages share: the page's banner and error
 * summary state, server refusals turned into field errors, and dates in the
 * organisation's time zone.
 */
import type { TFunction } from 'i18next';
import { useCallback, useState } from 'react';
import { ApiError } from '../../../api/client.ts';
import type { SummaryError } from '../../../components/error-summary.tsx';
import { problemMessage } from '../../../components/problem.tsx';
import { readIssues } from '../../citizen/details-validation.ts';

/** A success message for the banner. */
export interface Notice {
  message: string;
  detail?: string | undefined;
}

/** The page's success banner and error summary, kept in step (one clears the other). */
export function usePageMessages() {
  const [notice, setNotice] = useState<Notice | null>(null);
  const [problems, setProblems] = useState<SummaryError[]>([]);
  const [submits, setSubmits] = useState(0);
  const start = useCallback(() => {
    setNotice(null);
    setProblems([]);
  }, []);
  const done = useCallback((message: string, detail?: string) => {
    setProblems([]);
    setNotice({ message, detail });
  }, []);
  const fail = useCallback((found: SummaryError[]) => {
    setNotice(null);
    setProblems(found);
    setSubmits((n) => n + 1);
  }, []);
  const errorOf = (fieldId: string) => problems.find((p) => p.fieldId === fieldId)?.message;
  return { notice, problems, submits, start, done, fail, errorOf };
}

/**
 * A refusal as summary problems: each validation issue on its field (by
 * `fieldOf(path)` and `messageOf(path)`, once per field), other refusals as
 * the server's translated message.
 */
export function refusalProblems(error: unknown, t: TFunction, fieldOf: (path: string) => string | null, messageOf: (path: string, code: string) => string): SummaryError[] {
  if (error instanceof ApiError && error.id === 'validation_failed') {
    const seen = new Set<string>();
    const found: SummaryError[] = [];
    for (const issue of readIssues(error.details)) {
      const fieldId = fieldOf(issue.path);
      const key = fieldId ?? issue.path;
      if (seen.has(key)) continue;
      seen.add(key);
      found.push({ message: messageOf(issue.path, issue.code), fieldId: fieldId ?? undefined });
    }
    if (found.length > 0) return found;
  }
  return [{ message: problemMessage(error, t) }];
}

/** A date and time in the organisation's zone, or null. */
export function formatWhen(iso: string | null, language: string, timeZone: string): string | null {
  if (!iso) return null;
  return new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
